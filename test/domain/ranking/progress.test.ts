import { describe, expect, it } from "vitest";
import { planWindow } from "../../../src/domain/ranking/periods.js";
import { attainment, formulaNumber, indicatorProgress, type ProgressOptions } from "../../../src/domain/ranking/progress.js";
import type { ScoringIndicator } from "../../../src/domain/ranking/types.js";

const PLAN = planWindow(2026, 2028);
/** Freshness by the window: a quarter's window starts two months before its as-of month (set per test where it matters). */
const OPTS: ProgressOptions = { stockExpectation: "linear", maxAgeMonths: 12, windowStart: { year: 2026, month: 1 }, reduction: "pro_rata" };
const mk = (kind: ScoringIndicator["kind"], target: number, over: Partial<ScoringIndicator> = {}): ScoringIndicator => ({
  id: 1, code: "X", name: "X", unit: "x", kind, basis: kind === "stock" ? "level" : kind === "cumulative" || kind === "per_year" || kind === "annual_total" ? "ytd" : "rate",
  comparator: "gte", target, targetSource: "city", targetMax: null, baseline: null, baselineYear: null, weight: 1, headline: false, ...over,
});
const f = (year: number, month: number, value: number) => ({ period: { year, month }, value });
const window = (year: number, month: number) => ({ ...OPTS, maxAgeMonths: null, windowStart: { year, month } });

describe("attainment", () => {
  it("GIVEN gte and lte targets, degenerate ones THEN never negative, never unbounded", () => {
    expect(attainment(50, 100, "gte")).toBe(0.5);
    expect(attainment(-5, 13, "gte")).toBe(0); // a negative figure earns nothing, never negative
    expect(attainment(2, 0, "gte")).toBe(1); // "不下降" (≥ 0%) met
    expect(attainment(-1, 0, "gte")).toBe(0);
    expect(attainment(0.4, 0.5, "lte")).toBe(1.25);
    expect(attainment(1, 0.5, "lte")).toBe(0.5);
    expect(attainment(0, 0.5, "lte")).toBe(1); // nothing is better than zero: on pace, not Infinity
  });
});

describe("indicatorProgress by reporting basis", () => {
  it("GIVEN a yearly target reported year to date THEN the latest 1—N月累计 figure of the as-of year against N/12", () => {
    // 1—3月累计 750 vs 3000 × 3/12 = 750 → 1; December 2025 is outside the plan: ignored
    const p = indicatorProgress(mk("per_year", 3000), [f(2025, 12, 999), f(2026, 1, 200), f(2026, 2, 500), f(2026, 3, 750)], { year: 2026, month: 3 }, PLAN, OPTS);
    expect(p).toMatchObject({ actual: 750, expectedShare: 0.25, expected: 750, ratio: 1, met: true, inputs: { rule: "ytd_year", latest: { value: 750 } } });
  });

  it("GIVEN an annual total (规上工业产值) THEN the year's total restarts in January", () => {
    // 2027: 1—2月累计 1200 vs 7000 × 2/12 = 1166.67 (the 2026 total of 7100 does not carry over)
    const p = indicatorProgress(mk("annual_total", 7000), [f(2026, 12, 7100), f(2027, 1, 550), f(2027, 2, 1200)], { year: 2027, month: 2 }, PLAN, OPTS);
    expect(p.actual).toBe(1200);
    expect(p.expected).toBeCloseTo(7000 * 2 / 12, 10);
  });

  it("GIVEN a cumulative target reported year to date THEN each earlier year's last figure plus this year's latest", () => {
    // 2026 ends at 1—11月累计 40 (December not reported), 2027 at 1—12月 35, 2028 at 1—9月 20: 95 vs 100 × 33/36
    const figures = [f(2026, 6, 20), f(2026, 11, 40), f(2027, 3, 10), f(2027, 12, 35), f(2028, 4, 5), f(2028, 9, 20)];
    const p = indicatorProgress(mk("cumulative", 100), figures, { year: 2028, month: 9 }, PLAN, OPTS);
    expect(p).toMatchObject({ actual: 95, expectedShare: 33 / 36, inputs: { rule: "ytd_plan", sum: 95 } });
    if (p.inputs.rule !== "ytd_plan") throw new Error("rule");
    expect(p.inputs.years.map((y) => y.value)).toEqual([40, 35, 20]);
    expect(p.ratio).toBeCloseTo(95 / (100 * 33 / 36), 10);
  });

  it("GIVEN increments (basis month) THEN summed, values after the as-of month ignored", () => {
    const p = indicatorProgress(mk("cumulative", 36, { basis: "month" }), [f(2026, 1, 1), f(2026, 2, 2), f(2026, 3, 3)], { year: 2026, month: 2 }, PLAN, OPTS);
    // 1 + 2 = 3 vs 36 × 2/36 = 2 → 1.5
    expect(p).toMatchObject({ actual: 3, expected: 2, ratio: 1.5, inputs: { rule: "sum_months", scope: "plan" } });
  });

  it("GIVEN a cumulative target with an earlier deadline THEN the share runs over the months up to it", () => {
    const p = indicatorProgress(mk("cumulative", 12, { deadline: { year: 2026, month: 12 } }), [f(2026, 6, 6)], { year: 2026, month: 6 }, PLAN, OPTS);
    expect(p).toMatchObject({ expectedShare: 0.5, expected: 6, ratio: 1 });
  });

  it("GIVEN a year-to-date figure older than the window THEN it is not used (stale), with the latest kept for the explanation", () => {
    const p = indicatorProgress(mk("per_year", 3000), [f(2026, 3, 900)], { year: 2026, month: 9 }, PLAN, window(2026, 7));
    expect(p).toMatchObject({ status: "stale", met: false, ratio: null, inputs: { rule: "none", reason: "stale", latest: { period: { year: 2026, month: 3 } } } });
    // Last year's figure is never this year's year-to-date total
    expect(indicatorProgress(mk("per_year", 3000), [f(2026, 12, 3100)], { year: 2027, month: 1 }, PLAN, OPTS).status).toBe("stale");
  });
});

describe("indicatorProgress of levels and rates", () => {
  it("GIVEN a level target with a baseline in the plan THEN the gain from the base year's end", () => {
    // baseline 2000 at 2025-12; deadline 2028-12 (36 months); as of 2026-12: 12 elapsed; expected gain 200 × 12/36
    const p = indicatorProgress(mk("stock", 2200, { baseline: 2000, baselineYear: 2025 }), [f(2026, 12, 2100)], { year: 2026, month: 12 }, PLAN, OPTS);
    expect(p.inputs).toMatchObject({ rule: "stock_linear", baselineSource: "plan", baseline: { period: { year: 2025, month: 12 }, value: 2000 }, elapsedMonths: 12, totalMonths: 36 });
    expect(p.ratio).toBeCloseTo(100 / (200 / 3), 10);
  });

  it("GIVEN a level target without a baseline THEN the first report is the baseline; nothing expected yet → on pace", () => {
    const p = indicatorProgress(mk("stock", 25000), [f(2026, 9, 20000)], { year: 2026, month: 9 }, PLAN, OPTS);
    expect(p).toMatchObject({ ratio: 1, expectedShare: 0, expected: 20000, completion: 0.8, inputs: { baselineSource: "first_report" } });
  });

  it("GIVEN a baseline already above the target THEN judged on the level", () => {
    const p = indicatorProgress(mk("stock", 100), [f(2026, 1, 120), f(2026, 9, 110)], { year: 2026, month: 9 }, PLAN, OPTS);
    expect(p.ratio).toBe(1.1);
  });

  it("GIVEN stockExpectation 'target' THEN the latest level against the full target", () => {
    const p = indicatorProgress(mk("stock", 25000), [f(2026, 1, 20000), f(2026, 9, 21000)], { year: 2026, month: 9 }, PLAN, { ...OPTS, stockExpectation: "target" });
    expect(p).toMatchObject({ ratio: 0.84, expectedShare: 1, inputs: { rule: "stock_target" } });
  });

  it("GIVEN a growth rate THEN the gap in points, no ratio", () => {
    expect(indicatorProgress(mk("growth", 13), [f(2026, 6, 11.7)], { year: 2026, month: 6 }, PLAN, OPTS)).toMatchObject({ gap: -1.3, ratio: null, met: false });
    expect(indicatorProgress(mk("growth", 13), [f(2026, 6, 13.1)], { year: 2026, month: 6 }, PLAN, OPTS)).toMatchObject({ gap: 0.1, met: true });
  });

  it("GIVEN a multi-year reduction THEN against the share due by now, counted from the base year", () => {
    // 10.4 by 2028-12 from 2020-12: 96 months; as of 2026-12, 72 elapsed → 7.8 due; 7.8 → on pace
    const p = indicatorProgress(mk("reduction", 10.4, { baselineYear: 2020 }), [f(2026, 12, 7.8)], { year: 2026, month: 12 }, PLAN, OPTS);
    expect(p.expected).toBeCloseTo(7.8, 10);
    expect(p.ratio).toBeCloseTo(1, 10);
    expect(indicatorProgress(mk("reduction", 10.4), [f(2026, 12, 7.8)], { year: 2026, month: 12 }, PLAN, { ...OPTS, reduction: "target" }).ratio).toBeCloseTo(0.75, 10);
  });

  it("GIVEN a range target THEN the lower bound is the target, the range is kept", () => {
    const p = indicatorProgress(mk("cumulative", 1, { targetMax: 2, basis: "month" }), [f(2026, 6, 1)], { year: 2028, month: 12 }, PLAN, OPTS);
    expect(p).toMatchObject({ target: 1, targetMax: 2, completion: 1, ratio: 1 });
  });

  it("GIVEN a rate older than maxAgeMonths or the window, no data, or before the plan THEN not assessed", () => {
    expect(indicatorProgress(mk("growth", 13), [f(2026, 1, 14)], { year: 2027, month: 1 }, PLAN, OPTS)).toMatchObject({ status: "stale", ratio: null });
    expect(indicatorProgress(mk("growth", 13), [f(2026, 2, 14)], { year: 2027, month: 1 }, PLAN, OPTS)).toMatchObject({ status: "assessed" });
    expect(indicatorProgress(mk("growth", 13), [f(2026, 6, 14)], { year: 2026, month: 9 }, PLAN, window(2026, 7))).toMatchObject({ status: "stale" });
    expect(indicatorProgress(mk("reduction", 10.4), [], { year: 2026, month: 6 }, PLAN, OPTS)).toMatchObject({ status: "no_data" });
    expect(indicatorProgress(mk("cumulative", 10), [], { year: 2025, month: 12 }, PLAN, OPTS)).toMatchObject({ status: "not_started" });
  });
});

describe("formulaNumber", () => {
  // The fast path must print exactly what String(Number(x.toFixed(4))) prints: formulas are evidence.
  const reference = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toFixed(4))));
  it("GIVEN values near rounding halves, tiny, negative, large and odd THEN the toFixed text", () => {
    const odd = [0.00005, -0.00005, 0.00015, 1.00005, 2.675, -2.675, 1e-7, -1e-7, -0, 0.1 + 0.2, 858993.45675, 858993.4567, 1e12 + 0.5, 1e21 + 0.1, NaN, Infinity, -Infinity];
    for (const x of odd) expect(formulaNumber(x)).toBe(reference(x));
    let seed = 12345;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 50_000; i++) {
      const scale = 10 ** Math.floor(rnd() * 12 - 4);
      const x = (rnd() - 0.3) * scale;
      // Half the cases sit on a 5th-decimal 5 (the tie toFixed and a product could round apart).
      const y = i % 2 ? x : Math.round(x * 1e4) / 1e4 + 0.00005 * Math.sign(x || 1);
      expect(formulaNumber(y)).toBe(reference(y));
    }
  });
});
