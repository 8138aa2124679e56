import { describe, expect, it } from "vitest";
import { convertQuantity, parseNumber, parseQuantity, quantityAt, unitSpec } from "../../../src/domain/report/parse-quantity.js";
import type { IndicatorRef } from "../../../src/domain/report/types.js";

const ind = (unit: string, kind: IndicatorRef["kind"] = "cumulative") => ({ unit, kind });

describe("parseNumber", () => {
  it.each([
    ["120", 120], ["3.5", 3.5], ["1,200", 1200], ["12,345,678.5", 12345678.5], ["0", 0],
    ["三千", 3000], ["两万", 20000], ["十二", 12], ["三点五", 3.5], ["三点五亿", 3.5e8], ["两百六十", 260],
  ])("%s → %d", (s, n) => {
    expect(parseNumber(s)).toBe(n);
  });
  it.each(["", "1.2.3", "1,2", "12,34", "abc", "1e5", "--1", "三点"])("%s → NaN", (s) => {
    expect(parseNumber(s)).toBeNaN();
  });
});

describe("unitSpec", () => {
  it.each([
    ["亿元", "cny", 1e8], ["万元", "cny", 1e4], ["元", "cny", 1], ["亿美元", "usd", 1e8], ["万美元", "usd", 1e4],
    ["万吨标准煤", "t", 1e4], ["万吨", "t", 1e4], ["%", "%", 1], ["个百分点", "%", 1], ["万元/人", "cny/人", 1e4],
    ["万台", "count", 1e4], ["台", "count", 1], ["", "none", 1], ["亿", "none", 1e8], ["千万元", "cny", 1e7],
  ])("%s → %s × %d", (u, dim, factor) => {
    expect(unitSpec(u)).toMatchObject({ dim, factor });
  });
});

describe("parseQuantity: GIVEN a value and the indicator's unit THEN the value in that unit", () => {
  it.each([
    ["120家", "家", 120], ["120", "家", 120], ["１２０家", "家", 120], ["1,200台", "台", 1200],
    ["3.5亿元", "万元", 35000], ["35000万元", "亿元", 3.5], ["3.5亿", "万元", 35000], ["55%", "%", 55], ["５５％", "%", 55],
    ["1.2万台", "台", 12000], ["1.2万", "台", 12000], ["2.5亿美元", "亿美元", 2.5], ["2.5亿", "亿美元", 2.5],
    ["三千家", "家", 3000], ["两万台", "台", 20000], ["三亿元", "亿元", 3], ["百分之五十五", "%", 55],
    ["8000吨标准煤", "万吨标准煤", 0.8], ["0.8万吨", "万吨标准煤", 0.8], ["22万元", "万元/人", 22],
    ["5个", "家", 5], ["3.5億元", "萬元", 35000], ["2.5萬臺", "台", 25000], ["0.1亿元", "万元", 1000],
  ])("%s for %s → %d", (raw, unit, value) => {
    expect(parseQuantity(raw, ind(unit))).toEqual({ ok: true, value });
  });

  it.each([
    ["3.5", "亿元", "missing_unit"], ["55", "%", "missing_unit"], ["3", "万吨标准煤", "missing_unit"], ["22", "万元/人", "missing_unit"],
    ["3台", "亿元", "wrong_unit"], ["3家", "台", "wrong_unit"], ["3万", "%", "wrong_unit"], ["3亿美元", "亿元", "wrong_unit"],
    ["3%", "家", "wrong_unit"], ["-3家", "家", "bad_number"], ["abc", "家", "bad_number"], ["", "家", "bad_number"],
    ["1.2.3台", "台", "bad_number"], ["NaN", "家", "bad_number"],
  ])("%s for %s → %s", (raw, unit, code) => {
    expect(parseQuantity(raw, ind(unit))).toMatchObject({ ok: false, code });
  });

  it("reports the expected and the given unit", () => {
    expect(parseQuantity("3台", ind("亿元"))).toEqual({ ok: false, code: "wrong_unit", expectedUnit: "亿元", givenUnit: "台" });
    expect(parseQuantity("3.5", ind("亿元"))).toEqual({ ok: false, code: "missing_unit", expectedUnit: "亿元" });
  });

  it("allows negative figures only for growth and reduction rates", () => {
    expect(parseQuantity("-2.5%", ind("%", "growth"))).toEqual({ ok: true, value: -2.5 });
    expect(parseQuantity("-1%", ind("%", "reduction"))).toEqual({ ok: true, value: -1 });
    expect(parseQuantity("-2.5%", ind("%", "ratio"))).toMatchObject({ ok: false, code: "bad_number" });
    expect(convertQuantity({ number: Number.NaN, negative: false, unit: "" }, ind("家"))).toMatchObject({ code: "bad_number" });
    expect(convertQuantity({ number: Number.POSITIVE_INFINITY, negative: false, unit: "" }, ind("家"))).toMatchObject({ code: "bad_number" });
  });
});

describe("quantityAt", () => {
  it("does not read a number that belongs to a name", () => {
    expect(quantityAt("10亿元以上项目", 0)).toBeNull();
    expect(quantityAt("5g基站", 0)).toBeNull();
    expect(quantityAt("三星级以上", 0)).toBeNull();
    expect(quantityAt("一站式", 0)).toBeNull();
    expect(quantityAt("2026年", 0)).toBeNull();
  });
  it("stops at punctuation and keeps the unit", () => {
    expect(quantityAt("260台,在役", 0)).toMatchObject({ raw: "260台", number: 260, unit: "台" });
    expect(quantityAt("260,在役", 0)).toMatchObject({ raw: "260", number: 260, unit: "" });
    expect(quantityAt("1.2 万台", 0)).toMatchObject({ raw: "1.2 万台", number: 1.2, unit: "万台" });
  });
});
