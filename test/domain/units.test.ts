import { describe, expect, it } from "vitest";
import { parseAmount, parseChineseNumeral, scanNumbers, toHalfWidth, withDenominator } from "../../src/domain/plan/numbers.js";
import { detectScript, toSimplified, toTraditional } from "../../src/domain/plan/script.js";
import {
  COUNTIES,
  classifyUnit,
  generateAliases,
  isCountyCollective,
  makeUnit,
  normaliseUnitName,
  resolveUnit,
} from "../../src/domain/plan/units.js";

describe("normaliseUnitName", () => {
  it.each([
    [" 市经信局 ", "市经信局", []],
    ["市经信局(牵头)", "市经信局", ["牵头"]],
    ["市经信局（配合）", "市经信局", ["配合"]],
    ["各县〔市、区〕政府", "各县(市、区)政府", []],
    ["各縣〔市、區〕政府", "各县(市、区)政府", []],
    ["市經信局", "市经信局", []],
    ["市级相关部门等", "市级相关部门", ["等"]],
    ["金华开发区管委会", "金华开发区管委会", []],
  ])("%s → %s", (raw, name, notes) => {
    expect(normaliseUnitName(raw)).toEqual({ name, notes });
  });
});

describe("classifyUnit", () => {
  it.each([
    ["市经信局", "department"],
    ["人行金华市中心支行", "department"],
    ["国网金华供电公司", "department"],
    ["金华海关", "department"],
    ["义乌市", "county"],
    ["义乌市政府", "county"],
    ["磐安县", "county"],
    ["金华开发区", "zone"],
    ["金华开发区管委会", "zone"],
    ["市级相关部门", "placeholder"],
    ["各有关单位", "placeholder"],
  ] as const)("%s is a %s", (name, kind) => {
    expect(classifyUnit(name)).toBe(kind);
  });

  it("recognises the collective name of the counties", () => {
    expect(isCountyCollective("各县(市、区)政府")).toBe(true);
    expect(isCountyCollective("各县市区政府")).toBe(true);
    expect(isCountyCollective("市经信局")).toBe(false);
  });
});

describe("aliases", () => {
  it.each([
    ["市经信局", "department", ["经信局", "市經信局", "經信局"]],
    ["市委组织部", "department", ["组织部"]],
    ["义乌市", "county", ["义乌", "义乌市政府", "義烏市", "義烏"]],
    ["婺城区", "county", ["婺城", "婺城區"]],
    ["兰溪市", "county", ["兰溪", "蘭溪市"]],
    ["金华开发区", "zone", ["金华开发区管委会", "金華開發區"]],
  ] as const)("%s (%s) has %j", (name, kind, expected) => {
    expect(generateAliases(name, kind)).toEqual(expect.arrayContaining([...expected]));
    expect(generateAliases(name, kind)).not.toContain(name);
  });

  it("has no bogus short form for placeholders", () => {
    expect(generateAliases("市级相关部门", "placeholder")).toEqual(["市級相關部門"]);
  });

  it("canonicalises the zone and county governments", () => {
    expect(makeUnit("金华开发区管委会")).toMatchObject({ name: "金华开发区", kind: "zone" });
    expect(makeUnit("义乌市人民政府")).toMatchObject({ name: "义乌市", kind: "county" });
    expect(makeUnit("市级相关部门")).toMatchObject({ name: "市级相关部门", kind: "placeholder" });
  });
});

describe("COUNTIES", () => {
  it("is the 9 counties and the development zone", () => {
    expect(COUNTIES.map((c) => [c.name, c.kind])).toEqual([
      ["婺城区", "county"],
      ["金东区", "county"],
      ["兰溪市", "county"],
      ["东阳市", "county"],
      ["义乌市", "county"],
      ["永康市", "county"],
      ["浦江县", "county"],
      ["武义县", "county"],
      ["磐安县", "county"],
      ["金华开发区", "zone"],
    ]);
  });
});

describe("resolveUnit", () => {
  const units = [makeUnit("市经信局"), makeUnit("市市场监管局"), makeUnit("市委组织部"), ...COUNTIES];
  it.each([
    ["市经信局", "市经信局"],
    ["经信局", "市经信局"],
    ["經信局", "市经信局"],
    ["市經信局", "市经信局"],
    [" 市场监管局 ", "市市场监管局"],
    ["组织部", "市委组织部"],
    ["义乌", "义乌市"],
    ["義烏", "义乌市"],
    ["义乌市政府", "义乌市"],
    ["婺城", "婺城区"],
    ["蘭溪市", "兰溪市"],
    ["金华开发区管委会", "金华开发区"],
    ["金華開發區管委會", "金华开发区"],
  ])("%s → %s", (input, name) => {
    expect(resolveUnit(input, units)?.name).toBe(name);
  });

  it("returns null for unknown or empty names", () => {
    expect(resolveUnit("市卫健委", units)).toBeNull();
    expect(resolveUnit("", units)).toBeNull();
  });
});

describe("script conversion", () => {
  it.each([
    ["臺", "台"],
    ["3000臺", "3000台"],
    ["平臺", "平台"],
    ["相當於", "相当于"],
    ["相當于", "相当于"],
    ["為", "为"],
    ["爲", "为"],
    ["各縣〔市、區〕政府、金華開發區管委會為責任主體", "各县〔市、区〕政府、金华开发区管委会为责任主体"],
    ["市经信局", "市经信局"],
  ])("toSimplified(%s) = %s", (t, s) => {
    expect(toSimplified(t)).toBe(s);
  });

  it("toTraditional uses the city's spelling of its places", () => {
    expect(toTraditional("兰溪市")).toBe("蘭溪市");
    expect(toTraditional("市经信局")).toBe("市經信局");
    expect(toSimplified(toTraditional("金华开发区管委会"))).toBe("金华开发区管委会");
  });

  it("detects the script", () => {
    expect(detectScript("各县(市、区)政府、金华开发区管委会为责任主体")).toBe("hans");
    expect(detectScript("各縣(市、區)政府、金華開發區管委會為責任主體")).toBe("hant");
    expect(detectScript("hello 123")).toBe("hans");
  });
});

describe("numbers", () => {
  it("converts full-width characters", () => {
    expect(toHalfWidth("１２３，（３）％　")).toBe("123,(3)% ");
  });

  it.each([
    ["三", 3],
    ["十", 10],
    ["十二", 12],
    ["三百", 300],
    ["百亿", 1e10],
    ["两千", 2000],
  ])("parseChineseNumeral(%s) = %d", (s, n) => {
    expect(parseChineseNumeral(s)).toBe(n);
  });

  it.each([
    ["2.5万台", 25000, "台"],
    ["３０００台", 3000, "台"],
    ["1200亿元", 1200, "亿元"],
    ["2.5亿美元", 2.5, "亿美元"],
    ["22万元/人", 22, "万元/人"],
    ["30万吨标准煤", 30, "万吨标准煤"],
    ["三分之一", 33.33, "%"],
    ["1—2所", 1, "所"],
    ["10.4%", 10.4, "%"],
  ])("parseAmount(%s) = %d %s", (s, value, unit) => {
    expect(parseAmount(s)).toEqual({ value, unit });
  });

  it.each([
    ["2023年", "year"],
    ["2021—2023年", "year"],
    ["网上技术市场3.0。", "version"],
    ["“三服务”2.0版", "version"],
    ["实际用地3亩(含)以上的企业", "qualifier"],
    ["10亿元以上制造业项目", "qualifier"],
    ["世界500强、", "qualifier"],
    ["百亿级以上产业集群", "qualifier"],
    ["“125”三年", "bare"],
    ["企业100项以上,", "quantity"],
    ["每年组织实施500项省级项目", "quantity"],
  ])("%s is a %s", (s, role) => {
    expect(scanNumbers(s)[0]?.role).toBe(role);
  });

  it("reads bounds", () => {
    expect(scanNumbers("100项以上,")[0]?.bound).toBe("gte");
    expect(scanNumbers("5%以内。")[0]?.bound).toBe("lte");
    expect(scanNumbers("1—2所")[0]?.range).toEqual([1, 2]);
  });

  it.each([
    ["建设1—2所", [1, 2], "所", "1—2所"],
    ["建设1-2所", [1, 2], "所", "1-2所"],
    ["建设1～2所", [1, 2], "所", "1~2所"],
    ["建设1~2所", [1, 2], "所", "1~2所"],
    ["建设1至2所", [1, 2], "所", "1至2所"],
    ["建设一至两所", [1, 2], "所", "一至两所"],
    ["培育三到五家", [3, 5], "家", "三到五家"],
    ["新增1—2万台", [10000, 20000], "台", "1—2万台"],
    ["投资10至20亿元以上。", [10, 20], "亿元", "10至20亿元以上"],
  ])("GIVEN %s THEN a range %j in %s", (s, range, unit, text) => {
    const t = scanNumbers(toHalfWidth(s)).find((x) => x.role === "quantity");
    expect(t).toMatchObject({ range, unit, text, value: range[0] });
  });

  it.each([
    ["十一至十二月"],
    ["二至三年"],
    ["打造一批平台"],
    ["一局长一项目"],
  ])("GIVEN %s THEN no amount is read from Chinese numerals", (s) => {
    expect(scanNumbers(s).filter((t) => t.role === "quantity")).toEqual([]);
  });

  it.each([
    ["22万元/亩", 22, "万元/亩"],
    ["22万元／亩", 22, "万元/亩"],
    ["3吨/人", 3, "吨/人"],
  ])("GIVEN %s THEN the written denominator is kept: %d %s", (s, value, unit) => {
    expect(parseAmount(s)).toEqual({ value, unit });
  });

  it.each([
    ["万元", "规上工业亩均税收", "万元/亩"],
    ["万元", "亩均增加值", "万元/亩"],
    ["万元", "人均可支配收入", "万元/人"],
    ["万元", "全员劳动生产率", "万元/人"],
    ["吨标准煤", "亩均能耗", "吨标准煤/亩"],
    ["万元/人", "全员劳动生产率", "万元/人"],
    ["万元", "规上工业产值", "万元"],
    ["%", "亩均税收增速", "%"],
    ["家", "人均拥有企业", "家"],
  ])("GIVEN %s for %s THEN the unit is %s", (unit, name, want) => {
    expect(withDenominator(unit, name)).toBe(want);
  });
});
