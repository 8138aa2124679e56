import { describe, expect, it } from "vitest";
import { planWindow } from "../../../src/domain/ranking/periods.js";
import { attainment, formulaNumber, indicatorProgress, type ProgressOptions } from "../../../src/domain/ranking/progress.js";
import type { ScoringIndicator } from "../../../src/domain/ranking/types.js";

const PLAN = planWindow(2026, 2028);
const OPTS: ProgressOptions = { stockExpectation: "linear_from_first", maxAgeMonths: 12, cap: 1.2 };
const mk = (kind: ScoringIndicator["kind"], target: number, comparator: "gte" | "lte" = "gte"): ScoringIndicator => ({
  id: 1, code: "X", name: "X", unit: "x", kind, comparator, target, targetSource: "city", weight: 1, headline: false,
});
const f = (year: number, month: number, value: number) => ({ period: { year, month }, value });

describe("attainment", () => {
  it("gte and lte, degenerate targets", () => {
    expect(attainment(50, 100, "gte", 1.2)).toBe(0.5);
    expect(attainment(-5, 13, "gte", 1.2)).toBe(0); // a negative growth rate earns nothing, never negative
    expect(attainment(2, 0, "gte", 1.2)).toBe(1); // "不下降" (≥ 0%) met
    expect(attainment(-1, 0, "gte", 1.2)).toBe(0);
    expect(attainment(0.4, 0.5, "lte", 1.2)).toBe(1.25);
    expect(attainment(1, 0.5, "lte", 1.2)).toBe(0.5);
    expect(attainment(0, 0.5, "lte", 1.2)).toBe(1.2); // nothing is better than zero: the cap, not Infinity
  });
});

describe("indicatorProgress", () => {
  it("per_year at the end of Q1: expected share 3/12 = 25%", () => {
    const p = indicatorProgress(mk("per_year", 3000), [f(2026, 1, 200), f(2026, 2, 300), f(2026, 3, 250), f(2025, 12, 999)], { year: 2026, month: 3 }, PLAN, OPTS);
    // 2025-12 is outside the plan and another year: ignored. 750 vs 750 → 1
    expect(p).toMatchObject({ actual: 750, expectedShare: 0.25, expected: 750, ratio: 1 });
  });

  it("values after the as-of month are ignored (a later ranking sees the same months)", () => {
    const p = indicatorProgress(mk("cumulative", 36), [f(2026, 1, 1), f(2026, 2, 2), f(2026, 3, 3)], { year: 2026, month: 2 }, PLAN, OPTS);
    // 1 + 2 = 3 vs 36 × 2/36 = 2 → 1.5
    expect(p).toMatchObject({ actual: 3, expected: 2, ratio: 1.5 });
  });

  it("a cumulative target with an earlier deadline: share over the months up to it", () => {
    const ind = { ...mk("cumulative", 12), deadline: { year: 2026, month: 12 } };
    const p = indicatorProgress(ind, [f(2026, 6, 6)], { year: 2026, month: 6 }, PLAN, OPTS);
    expect(p).toMatchObject({ expectedShare: 0.5, expected: 6, ratio: 1 });
  });

  it("a cumulative lte budget: under budget is good", () => {
    const p = indicatorProgress(mk("cumulative", 360, "lte"), [f(2026, 1, 5), f(2026, 2, 5)], { year: 2026, month: 2 }, PLAN, OPTS);
    // expected 360 × 2/36 = 20; ratio 20 / 10 = 2
    expect(p.ratio).toBe(2);
  });

  it("stock, linear: the first report is the baseline; nothing expected yet → ratio 1", () => {
    const p = indicatorProgress(mk("stock", 25000), [f(2026, 9, 20000)], { year: 2026, month: 9 }, PLAN, OPTS);
    expect(p).toMatchObject({ ratio: 1, expectedShare: 0, expected: 20000, completion: 0.8 });
  });

  it("stock, linear: a baseline already above the target is judged on the level", () => {
    const p = indicatorProgress(mk("stock", 100), [f(2026, 1, 120), f(2026, 9, 110)], { year: 2026, month: 9 }, PLAN, OPTS);
    expect(p.ratio).toBe(1.1);
  });

  it("stock, 'target': latest level against the full target", () => {
    const p = indicatorProgress(mk("stock", 25000), [f(2026, 1, 20000), f(2026, 9, 21000)], { year: 2026, month: 9 }, PLAN, { ...OPTS, stockExpectation: "target" });
    expect(p).toMatchObject({ ratio: 0.84, expectedShare: 1, inputs: { rule: "stock_target" } });
  });

  it("a rate older than maxAgeMonths is stale, no data at all is no_data, before the plan is not_started", () => {
    expect(indicatorProgress(mk("growth", 13), [f(2026, 1, 14)], { year: 2027, month: 1 }, PLAN, OPTS)).toMatchObject({ status: "stale", ratio: null });
    expect(indicatorProgress(mk("growth", 13), [f(2026, 2, 14)], { year: 2027, month: 1 }, PLAN, OPTS)).toMatchObject({ status: "assessed" });
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
