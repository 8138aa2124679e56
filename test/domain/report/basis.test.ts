import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../../src/domain/plan/parse-plan.js";
import { defaultBasis } from "../../../src/domain/plan/types.js";
import { checkYearToDate, placeInBasis, type BasisIndicator } from "../../../src/domain/report/basis.js";
import { parseCommand } from "../../../src/domain/report/parse-command.js";
import type { ReportValue } from "../../../src/domain/report/types.js";
import { PLAN_HANS } from "../../helpers/paths.js";

const plan = parsePlan(readFileSync(PLAN_HANS, "utf8"));
if (!plan.ok) throw new Error(plan.code);
const indicators: BasisIndicator[] = plan.plan.indicators.map((i, n) => ({ id: n + 1, code: i.code, name: i.name, aliases: i.aliases, kind: i.kind, unit: i.unit, basis: defaultBasis(i.kind) }));
const byCode = (code: string) => indicators.find((i) => i.code === code)!;
// 2026-11-03 10:00 in Beijing: the open period is October.
const ctx = { indicators, now: new Date("2026-11-03T02:00:00Z"), timeZone: "Asia/Shanghai", openPeriod: { year: 2026, month: 10 } };

function said(text: string) {
  const r = parseCommand(text, ctx);
  if (!r.ok) throw new Error(`${text}: ${JSON.stringify(r.problems)}`);
  if (r.command.type !== "report" && r.command.type !== "correct") throw new Error(r.command.type);
  return { period: r.command.period, values: r.command.values.map((v) => ({ code: v.code, value: v.value, stated: v.stated ?? null, through: v.statedThrough ?? null })) };
}

describe("basis words in a report", () => {
  it.each([
    // GIVEN … THEN the figure, the basis the words state, and the month a range names
    ["上报 新增工业机器人 260台", { code: "T18-2", value: 260, stated: null, through: null }],
    ["上报 本月新增工业机器人260台", { code: "T18-2", value: 260, stated: "month", through: null }],
    ["上报 新增工业机器人 本月新增260台", { code: "T18-2", value: 260, stated: "month", through: null }],
    ["上报 新增工业机器人 当月 260台", { code: "T18-2", value: 260, stated: "month", through: null }],
    ["上报 整治提升高耗低效企业 累计完成1186家", { code: "T2-1", value: 1186, stated: "ytd", through: null }],
    ["上报 整治提升高耗低效企业 1-10月累计480家", { code: "T2-1", value: 480, stated: "ytd", through: 10 }],
    ["上报 1—10月累计整治提升高耗低效企业480家", { code: "T2-1", value: 480, stated: "ytd", through: 10 }],
    ["上報 整治提升高耗低效企業 1至10月累計 480家", { code: "T2-1", value: 480, stated: "ytd", through: 10 }],
    ["上报 新增工业机器人 今年累计2600台", { code: "T18-2", value: 2600, stated: "ytd", through: null }],
  ])("GIVEN %s THEN %j", (text, want) => {
    expect(said(text).values).toEqual([want]);
  });

  it("GIVEN 本月 glued to a name at the head THEN it is the basis, not the unfinished current month", () => {
    expect(said("上报 本月新增工业机器人260台").period).toEqual({ year: 2026, month: 10 });
  });

  it("GIVEN 1-9月累计 with no month named THEN the range names the month reported", () => {
    expect(said("上报 整治提升高耗低效企业 1-9月累计 430家").period).toEqual({ year: 2026, month: 9 });
    expect(said("上报 2026年10月 整治提升高耗低效企业 1-10月累计 480家").period).toEqual({ year: 2026, month: 10 });
  });

  it("GIVEN two figures each with its own words THEN each keeps its basis", () => {
    expect(said("上报 新增工业机器人 本月新增 50台 整治提升高耗低效企业 1-10月累计 480家").values).toEqual([
      { code: "T18-2", value: 50, stated: "month", through: null },
      { code: "T2-1", value: 480, stated: "ytd", through: 10 },
    ]);
  });
});

const value = (v: number, over: Partial<ReportValue> = {}): ReportValue => ({ indicatorId: 1, code: "X", value: v, raw: `${v}台`, ...over });
const oct = { year: 2026, month: 10 };

describe("placing a figure in the indicator's basis", () => {
  const ytd = byCode("T18-2");
  const monthly: BasisIndicator = { ...ytd, basis: "month" };
  const level = byCode("T18-3");

  it("GIVEN 本月新增 for a year-to-date indicator THEN September's year to date plus the month", () => {
    expect(placeInBasis(value(50, { stated: "month" }), ytd, oct, new Map([[9, 430]]))).toEqual({ ok: true, value: 480, stated: "month", statedValue: 50 });
  });

  it("GIVEN 本月新增 in January THEN the month is the year to date", () => {
    expect(placeInBasis(value(50, { stated: "month" }), ytd, { year: 2026, month: 1 }, new Map([[12, 999]]))).toMatchObject({ ok: true, value: 50 });
  });

  it("GIVEN 本月新增 without September stored THEN it is refused, naming the month it needs", () => {
    const r = placeInBasis(value(50, { stated: "month" }), ytd, oct, new Map([[8, 400]]));
    expect(r).toMatchObject({ ok: false, problem: { code: "basis_needs_months", stated: "month", missing: [{ year: 2026, month: 9 }] } });
  });

  it("GIVEN 1-10月累计 for a monthly indicator THEN the year to date less the earlier months; gaps are named", () => {
    const nine = new Map(Array.from({ length: 9 }, (_, k) => [k + 1, 40] as [number, number]));
    expect(placeInBasis(value(480, { stated: "ytd", statedThrough: 10 }), monthly, oct, nine)).toMatchObject({ ok: true, value: 120, statedValue: 480 });
    nine.delete(3);
    expect(placeInBasis(value(480, { stated: "ytd" }), monthly, oct, nine)).toMatchObject({ ok: false, problem: { code: "basis_needs_months", missing: [{ year: 2026, month: 3 }] } });
  });

  it("GIVEN 1-9月累计 in a report for October THEN the mismatch is refused", () => {
    expect(placeInBasis(value(430, { stated: "ytd", statedThrough: 9 }), ytd, oct, new Map())).toMatchObject({ ok: false, problem: { code: "basis_period_mismatch", through: 9 } });
  });

  it("GIVEN basis words on a level THEN they are words: the level is stored as given", () => {
    expect(placeInBasis(value(25000, { stated: "ytd" }), level, oct, new Map())).toEqual({ ok: true, value: 25000 });
  });

  it("GIVEN the figure in the indicator's own basis THEN it is stored as given, with no stated basis", () => {
    expect(placeInBasis(value(480, { stated: "ytd" }), ytd, oct, new Map())).toEqual({ ok: true, value: 480 });
  });
});

describe("year-to-date totals never fall within a year", () => {
  const ytd = byCode("T18-2");
  it("GIVEN a total below September's THEN it is flagged against September", () => {
    expect(checkYearToDate(ytd, 400, "400台", oct, new Map([[9, 430]]))).toMatchObject({ code: "ytd_decreased", side: "earlier", neighbour: { value: 430, period: { year: 2026, month: 9 } } });
  });
  it("GIVEN a late report for September above October's THEN it is flagged against October", () => {
    expect(checkYearToDate(ytd, 500, undefined, { year: 2026, month: 9 }, new Map([[10, 480]]))).toMatchObject({ code: "ytd_decreased", side: "later" });
  });
  it("GIVEN January after December THEN the year restarts: no flag", () => {
    expect(checkYearToDate(ytd, 10, undefined, { year: 2027, month: 1 }, new Map())).toBeNull();
    expect(checkYearToDate(ytd, 480, undefined, oct, new Map([[9, 430], [11, 520]]))).toBeNull();
  });
});
