import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../../src/domain/plan/parse-plan.js";
import { exampleCorrection, exampleReport } from "../../../src/domain/report/example.js";
import { parseCommand } from "../../../src/domain/report/parse-command.js";
import type { IndicatorRef, Period } from "../../../src/domain/report/types.js";
import { validateReportValues } from "../../../src/domain/report/validate-report.js";
import { PLAN_HANS } from "../../helpers/paths.js";

function planIndicators(): IndicatorRef[] {
  const r = parsePlan(readFileSync(PLAN_HANS, "utf8"));
  if (!r.ok) throw new Error(r.code);
  return r.plan.indicators.map((i, n) => ({ id: n + 1, code: i.code, name: i.name, aliases: i.aliases, kind: i.kind, unit: i.unit }));
}
const indicators = planIndicators();
const byCode = (code: string): IndicatorRef => indicators.find((i) => i.code === code) as IndicatorRef;
const oct: Period = { year: 2026, month: 10 };
const sep: Period = { year: 2026, month: 9 };
const ctx = { indicators, now: new Date("2026-11-03T02:00:00Z"), timeZone: "Asia/Shanghai", openPeriod: oct };

describe("validateReportValues", () => {
  const base = { indicators, previous: new Map<number, { value: number; period: Period }>(), periodStatus: "open" as const, period: oct };
  const v = (code: string, value: number) => ({ indicatorId: byCode(code).id, value, raw: `${value}` });

  it("GIVEN plausible values THEN no problems", () => {
    const previous = new Map([[byCode("T18-3").id, { value: 20000, period: sep }]]);
    expect(validateReportValues([v("T18-2", 20), v("T18-3", 21000), v("T10-2", 100), v("G7", -3)], { ...base, previous })).toEqual([]);
  });

  it("GIVEN a closed period THEN period_closed", () => {
    expect(validateReportValues([v("T18-2", 20)], { ...base, periodStatus: "closed" })).toEqual([{ code: "period_closed", period: oct }]);
  });

  it("GIVEN a % ratio over 100 THEN share_over_100 (a growth rate may exceed it)", () => {
    expect(validateReportValues([v("T10-2", 120), v("G7", 120)], base)).toEqual([
      { code: "share_over_100", indicator: { indicatorId: byCode("T10-2").id, code: "T10-2", name: "落地率", unit: "%" }, value: 120, raw: "120" },
    ]);
  });

  it("GIVEN a negative increment for a cumulative or per-year indicator THEN cumulative_decreased/negative_increment", () => {
    const problems = validateReportValues([v("T2-1", -5), v("T18-2", -1)], base);
    expect(problems.map((p) => (p.code === "cumulative_decreased" ? [p.indicator.code, p.rule] : p.code))).toEqual([
      ["T2-1", "negative_increment"],
      ["T18-2", "negative_increment"],
    ]);
  });

  it("GIVEN a stock below its previous level THEN cumulative_decreased/below_previous with the previous figure", () => {
    const previous = new Map([[byCode("T18-3").id, { value: 20000, period: sep }]]);
    expect(validateReportValues([v("T18-3", 19000)], { ...base, previous })).toEqual([
      expect.objectContaining({ code: "cumulative_decreased", rule: "below_previous", value: 19000, previous: { value: 20000, period: sep } }),
    ]);
  });

  it("compares a stock only with an earlier period, and a smaller monthly increment is fine", () => {
    const later = new Map([[byCode("T18-3").id, { value: 20000, period: { year: 2026, month: 11 } }]]);
    expect(validateReportValues([v("T18-3", 19000)], { ...base, previous: later })).toEqual([]);
    const prevIncrement = new Map([[byCode("T18-2").id, { value: 300, period: sep }]]);
    expect(validateReportValues([v("T18-2", 20)], { ...base, previous: prevIncrement })).toEqual([]);
  });

  it("collects every problem", () => {
    const previous = new Map([[byCode("T18-3").id, { value: 20000, period: sep }]]);
    const codes = validateReportValues([v("T10-2", 101), v("T18-3", 1), v("T2-1", -1)], { ...base, previous, periodStatus: "closed" }).map((p) => p.code);
    expect(codes).toEqual(["period_closed", "share_over_100", "cumulative_decreased", "cumulative_decreased"]);
  });
});

describe("exampleReport / exampleCorrection", () => {
  it("builds the example from the user's own indicators", () => {
    const mine = [byCode("T18-2"), byCode("T18-3")];
    expect(exampleReport(mine, oct)).toBe("上报 2026年10月 新增工业机器人 3台 在役机器人总量 3台 进展：按计划推进 问题：无 计划：继续推进");
    expect(exampleCorrection(mine, oct)).toBe("修改 2026年10月 新增工业机器人 3台 原因：上次录入有误");
    // With the unit's own targets, the figure is of the right size (a third of the target; a rate near it).
    expect(exampleReport([{ ...byCode("T18-2"), target: 3000 }, { ...byCode("G1"), target: 2.3 }], oct)).toContain("新增工业机器人 1000台 G1 2.07%");
    expect(exampleReport(mine, oct, { lang: "en" })).toBe("report 2026-10 T18-2 3台 T18-3 3台 progress: on schedule problems: none next: keep going");
    expect(exampleReport(mine, oct, { prefer: [byCode("T18-3").id] })).toContain("上报 2026年10月 在役机器人总量 3台 新增工业机器人 3台");
  });

  it("every example parses back into the same indicators, for every indicator of the plan, in both languages and modes", () => {
    for (const i of indicators) {
      for (const lang of ["zh", "en"] as const) {
        for (const text of [exampleReport([i], oct, { lang }), exampleCorrection([i], oct, { lang })]) {
          const r = parseCommand(text, ctx);
          expect(r.ok, `${text}: ${JSON.stringify(r)}`).toBe(true);
          if (r.ok && (r.command.type === "report" || r.command.type === "correct")) {
            expect(r.command.values.map((x) => x.code)).toEqual([i.code]);
            expect(r.command.period).toEqual(oct);
          }
        }
      }
    }
  });

  it("with no indicators, a narrative-only report that still parses", () => {
    const text = exampleReport([], oct);
    expect(parseCommand(text, ctx)).toMatchObject({ ok: true, command: { type: "report", values: [] } });
  });
});
