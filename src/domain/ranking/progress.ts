/**
 * Progress of one indicator for one unit, as of a month: completion against
 * the target and against 序时进度 (the share of the target expected by now).
 *
 * Formulas (months are civil months; "as of" includes the as-of month):
 *   attain(a, t)     = a / t                      comparator gte (more is better)
 *                    = t / a                      comparator lte (less is better)
 *                    (never negative; degenerate targets: see `attainment`)
 *
 *   cumulative       actual   = Σ monthly increments, plan start … as-of
 *                    share    = months elapsed in the plan / plan months   (plan start … deadline)
 *                    expected = target × share
 *   per_year         actual   = Σ monthly increments, January … as-of of the as-of year
 *                    share    = as-of month / 12            (end of Q1 → 3/12 = 25%)
 *                    expected = target × share
 *   both:            completion = attain(actual, target); ratio = attain(actual, expected)
 *
 *   stock, "linear_from_first" (default): a straight line from the first level
 *   reported in the plan (baseline b at month m0) to the target at the deadline:
 *                    share    = (as-of − m0) / (deadline − m0)   in months
 *                    expected = b + (target − b) × share         (the level expected by now)
 *                    ratio    = gain made / gain expected = (latest − b) / (expected − b)
 *                               (signs flipped for lte; gain below 0 counts as 0)
 *                    when nothing is expected yet (share 0): ratio 1 (on pace by definition);
 *                    when the baseline already meets the target: ratio = attain(latest, target)
 *   stock, "target": ratio = attain(latest, target), share 1
 *   stock, both:     completion = attain(latest, target)
 *
 *   ratio / growth / reduction: actual = latest reported value; no 序时 scaling:
 *                    share 1, expected = target, completion = ratio = attain(latest, target)
 *
 * Why gain-based for stock: a level is mostly its starting stock (20000 of a
 * 25000 target before the plan began), so latest / expected level is ~90% for
 * everyone and says nothing about pace; the gain is what the unit delivered.
 *
 * Levels and rates must be recent: the latest value must fall within
 * maxAgeMonths of the as-of month, else the indicator is "stale" (no data).
 * Values outside the plan window or after the as-of month are ignored, so a
 * ranking recomputed later sees the same months (only corrections differ).
 */
import type { Period } from "../report/types.js";
import { formatPeriod, periodKey } from "../report/types.js";
import type { PlanWindow } from "./periods.js";
import { monthIndex, monthsInclusive } from "./periods.js";
import type { ScoringIndicator } from "./types.js";

export interface MonthFigure {
  period: Period;
  value: number;
  /**
   * Opt-in, for sums only: this figure already adds up `months` monthly
   * increments (the caller aggregated them in SQL and dated the figure by the
   * last of them). Absent = one month. Only the month count in the formula reads it.
   */
  months?: number;
}

export type ProgressStatus =
  | "assessed"
  | "no_data" // nothing reported in the range that counts
  | "stale" // a level or rate exists but is older than maxAgeMonths
  | "not_started"; // the as-of month is before the plan (nothing expected yet)

/** The formula inputs, by rule, so every number can be recomputed by hand. */
export type ProgressInputs =
  | { rule: "sum_since_plan_start"; from: Period; to: Period; months: MonthFigure[]; sum: number; elapsedMonths: number; totalMonths: number }
  | { rule: "sum_year_to_date"; year: number; months: MonthFigure[]; sum: number; elapsedMonths: number; totalMonths: 12 }
  | { rule: "stock_linear"; baseline: MonthFigure; latest: MonthFigure; deadline: Period; elapsedMonths: number; totalMonths: number; expectedLevel: number }
  | { rule: "stock_target"; latest: MonthFigure }
  | { rule: "latest_value"; latest: MonthFigure }
  | { rule: "none"; reason: Exclude<ProgressStatus, "assessed">; latest?: MonthFigure };

export interface IndicatorProgress {
  indicatorId: number;
  code: string;
  name: string;
  unit: string;
  kind: ScoringIndicator["kind"];
  comparator: ScoringIndicator["comparator"];
  target: number;
  targetSource: ScoringIndicator["targetSource"];
  headline: boolean;
  status: ProgressStatus;
  /** The measured quantity (sum, level, rate) in the indicator's unit; null without data. */
  actual: number | null;
  /** actual against the full target (1 = target met). */
  completion: number | null;
  /** 序时进度: the share of the target (stock: of the gain) expected by now; 1 for rates. */
  expectedShare: number | null;
  /** What 序时进度 asks for by now, in the indicator's unit (stock: the expected level). */
  expected: number | null;
  /** Completion against 序时进度, uncapped (the light uses it, the score caps it). 1 = on pace. */
  ratio: number | null;
  inputs: ProgressInputs;
  /** The computation with its numbers, e.g. "ratio = 36 / (100 × 9/36) = 1.44". Language-neutral. */
  formula: string;
}

export interface ProgressOptions {
  stockExpectation: "linear_from_first" | "target";
  maxAgeMonths: number;
  /** Returned as the ratio when an upper limit (lte) meets an actual of 0 or less (an unbounded ratio). */
  cap: number;
}

/**
 * How far `actual` goes toward `target`, ≥ 0 and finite. gte: a / t; lte:
 * t / a. Degenerate targets (a gte target ≤ 0, e.g. growth "不下降" = 0%;
 * an lte actual ≤ 0) cannot be scaled: met → 1 (gte) or `cap` (lte, nothing
 * is better than zero), missed → 0.
 */
export function attainment(actual: number, target: number, comparator: "gte" | "lte", cap: number): number {
  if (comparator === "gte") {
    if (target <= 0) return actual >= target ? 1 : 0;
    return Math.max(0, actual / target);
  }
  if (actual <= 0) return actual <= target ? cap : 0;
  return Math.max(0, target / actual);
}

/**
 * 4 decimals for formulas (the numbers themselves are not rounded): exactly
 * String(Number(x.toFixed(4))), which a ranking calls ~150,000 times (200 units
 * × 84 indicators) and which is slow. The fast path takes k = round(x × 10⁴)
 * when x × 10⁴ is small enough (|y| < 2³³: the product is off by < 10⁻⁶) and
 * not within 10⁻⁴ of a half (where rounding the product could pick the other
 * neighbour): then k is the integer toFixed picks, and k / 10⁴ (one correctly
 * rounded division) is the same double as Number("k/10⁴"). Anything else,
 * including negative zero and huge values, goes through toFixed.
 */
export function formulaNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const y = x * 10000;
  if (Math.abs(y) < 8589934592) {
    const k = Math.round(y);
    if (Math.abs(y - k) < 0.4999) return String(k / 10000);
  }
  return String(Number(x.toFixed(4)));
}
const n = formulaNumber;

/**
 * The formula as one flat string. A template literal of ~20 parts is a rope of
 * ~30 small heap objects, and a ranking keeps 16,800 of them: copying them
 * through the young generation was most of the garbage collector's time and
 * ~10 MB of the result. Reading a character makes V8 flatten the rope into one
 * sequential string (the parts become garbage at once); the text is unchanged.
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}

function byPeriod(a: MonthFigure, b: MonthFigure): number {
  return periodKey(a.period) - periodKey(b.period);
}

function sum(figures: readonly MonthFigure[]): number {
  return figures.reduce((s, f) => s + f.value, 0);
}

type Measured = Pick<IndicatorProgress, "status" | "actual" | "completion" | "expectedShare" | "expected" | "ratio" | "inputs" | "formula">;

/**
 * One IndicatorProgress, written out field by field in a single literal. Why
 * not `{ ...base(ind), status, … }`: a ranking builds one per unit × indicator
 * (16,800 for 200 counties × 84 indicators), and a spread into a literal with
 * further fields was most of the scoring time and garbage there.
 */
function progress(ind: ScoringIndicator, m: Measured): IndicatorProgress {
  return {
    indicatorId: ind.id,
    code: ind.code,
    name: ind.name,
    unit: ind.unit,
    kind: ind.kind,
    comparator: ind.comparator,
    target: ind.target,
    targetSource: ind.targetSource,
    headline: ind.headline,
    status: m.status,
    actual: m.actual,
    completion: m.completion,
    expectedShare: m.expectedShare,
    expected: m.expected,
    ratio: m.ratio,
    inputs: m.inputs,
    formula: flatten(m.formula),
  };
}

function none(ind: ScoringIndicator, reason: Exclude<ProgressStatus, "assessed">, latest?: MonthFigure): IndicatorProgress {
  const why = reason === "stale" && latest ? `latest value ${n(latest.value)} (${formatPeriod(latest.period)}) is too old` : reason;
  return progress(ind, {
    status: reason,
    actual: null,
    completion: null,
    expectedShare: null,
    expected: null,
    ratio: null,
    inputs: latest ? { rule: "none", reason, latest } : { rule: "none", reason },
    formula: `not assessed: ${why}`,
  });
}

function attainFormula(actual: string, target: string, comparator: "gte" | "lte"): string {
  return comparator === "gte" ? `${actual} / ${target}` : `${target} / ${actual}`;
}

function deadlineOf(ind: ScoringIndicator, plan: PlanWindow): Period {
  return ind.deadline && periodKey(ind.deadline) < periodKey(plan.end) ? ind.deadline : plan.end;
}

/**
 * The figures from `from` to `to`: `figures` itself when all of them are (it is
 * kept in the result as inputs.months, and the ranking's figures never change
 * after it is computed, see FigureIndex).
 */
function between(figures: readonly MonthFigure[], from: Period, to: Period): MonthFigure[] {
  const lo = periodKey(from);
  const hi = periodKey(to);
  const inside = (f: MonthFigure) => periodKey(f.period) >= lo && periodKey(f.period) <= hi;
  for (const f of figures) if (!inside(f)) return figures.filter(inside);
  return figures as MonthFigure[];
}

function sumProgress(ind: ScoringIndicator, figures: readonly MonthFigure[], asOf: Period, plan: PlanWindow, opts: ProgressOptions): IndicatorProgress {
  const perYear = ind.kind === "per_year";
  const from: Period = perYear ? { year: asOf.year, month: 1 } : plan.start;
  const end = perYear ? { year: asOf.year, month: 12 } : deadlineOf(ind, plan);
  const months = between(figures, from, asOf);
  if (months.length === 0) return none(ind, "no_data");
  const total = monthsInclusive(from, end);
  const elapsed = Math.min(monthsInclusive(from, asOf), total);
  const actual = sum(months);
  const monthCount = months.reduce((c, f) => c + (f.months ?? 1), 0);
  const share = elapsed / total;
  const expected = ind.target * share;
  const completion = attainment(actual, ind.target, ind.comparator, opts.cap);
  const ratio = attainment(actual, expected, ind.comparator, opts.cap);
  const inputs: ProgressInputs = perYear
    ? { rule: "sum_year_to_date", year: asOf.year, months, sum: actual, elapsedMonths: elapsed, totalMonths: 12 }
    : { rule: "sum_since_plan_start", from, to: asOf, months, sum: actual, elapsedMonths: elapsed, totalMonths: total };
  // Each number formatted once (16,800 formulas per county ranking: the repeats were garbage).
  const a = n(actual);
  const t = n(ind.target);
  const e = n(expected);
  const formula =
    `actual = Σ ${monthCount} month(s) = ${a}; expected = ${t} × ${elapsed}/${total} = ${e}; ` +
    `completion = ${attainFormula(a, t, ind.comparator)} = ${n(completion)}; ` +
    `ratio = ${attainFormula(a, e, ind.comparator)} = ${n(ratio)}`;
  return progress(ind, { status: "assessed", actual, completion, expectedShare: share, expected, ratio, inputs, formula });
}

/** The latest figure within maxAgeMonths of asOf, or why there is none. */
function recent(figures: readonly MonthFigure[], asOf: Period, opts: ProgressOptions): { latest: MonthFigure } | { missing: "no_data" | "stale"; latest?: MonthFigure } {
  const latest = figures[figures.length - 1];
  if (!latest) return { missing: "no_data" };
  if (monthIndex(asOf) - monthIndex(latest.period) >= opts.maxAgeMonths) return { missing: "stale", latest };
  return { latest };
}

function stockProgress(ind: ScoringIndicator, figures: readonly MonthFigure[], asOf: Period, plan: PlanWindow, opts: ProgressOptions): IndicatorProgress {
  const r = recent(figures, asOf, opts);
  if ("missing" in r) return none(ind, r.missing, r.latest);
  const latest = r.latest;
  const completion = attainment(latest.value, ind.target, ind.comparator, opts.cap);
  if (opts.stockExpectation === "target") {
    return progress(ind, {
      status: "assessed",
      actual: latest.value,
      completion,
      expectedShare: 1,
      expected: ind.target,
      ratio: completion,
      inputs: { rule: "stock_target", latest },
      formula: `actual = latest level ${n(latest.value)} (${formatPeriod(latest.period)}); ratio = completion = ${attainFormula(n(latest.value), n(ind.target), ind.comparator)} = ${n(completion)}`,
    });
  }
  const baseline = figures[0]!;
  const deadline = deadlineOf(ind, plan);
  const totalMonths = Math.max(0, monthIndex(deadline) - monthIndex(baseline.period));
  const elapsedMonths = Math.min(Math.max(0, monthIndex(asOf) - monthIndex(baseline.period)), totalMonths);
  const share = totalMonths === 0 ? 1 : elapsedMonths / totalMonths;
  const sign = ind.comparator === "gte" ? 1 : -1;
  const needed = sign * (ind.target - baseline.value);
  const expectedLevel = baseline.value + (ind.target - baseline.value) * share;
  let ratio: number;
  let how: string;
  if (needed <= 0) {
    ratio = completion;
    how = `baseline already meets the target: ratio = completion = ${n(ratio)}`;
  } else if (share === 0) {
    ratio = 1;
    how = "no gain expected yet (the baseline is the latest month): ratio = 1";
  } else {
    const gain = Math.max(0, sign * (latest.value - baseline.value));
    ratio = gain / (needed * share);
    how = `ratio = gain / expected gain = ${n(gain)} / ${n(needed * share)} = ${n(ratio)}`;
  }
  const b = n(baseline.value); // each number formatted once, as in sumProgress
  const l = n(latest.value);
  const t = n(ind.target);
  return progress(ind, {
    status: "assessed",
    actual: latest.value,
    completion,
    expectedShare: share,
    expected: expectedLevel,
    ratio,
    inputs: { rule: "stock_linear", baseline, latest, deadline, elapsedMonths, totalMonths, expectedLevel },
    formula:
      `baseline ${b} (${formatPeriod(baseline.period)}), latest ${l} (${formatPeriod(latest.period)}); ` +
      `expected level = ${b} + (${t} − ${b}) × ${elapsedMonths}/${totalMonths} = ${n(expectedLevel)}; ` +
      `completion = ${attainFormula(l, t, ind.comparator)} = ${n(completion)}; ${how}`,
  });
}

function rateProgress(ind: ScoringIndicator, figures: readonly MonthFigure[], asOf: Period, opts: ProgressOptions): IndicatorProgress {
  const r = recent(figures, asOf, opts);
  if ("missing" in r) return none(ind, r.missing, r.latest);
  const latest = r.latest;
  const ratio = attainment(latest.value, ind.target, ind.comparator, opts.cap);
  return progress(ind, {
    status: "assessed",
    actual: latest.value,
    completion: ratio,
    expectedShare: 1,
    expected: ind.target,
    ratio,
    inputs: { rule: "latest_value", latest },
    formula: `actual = latest ${n(latest.value)} (${formatPeriod(latest.period)}); ratio = completion = ${attainFormula(n(latest.value), n(ind.target), ind.comparator)} = ${n(ratio)} (no 序时 scaling)`,
  });
}

/**
 * Progress of `ind` as of `asOf`, from the unit's figures for it (any order;
 * figures outside the plan or after asOf are ignored).
 */
export function indicatorProgress(
  ind: ScoringIndicator,
  figures: readonly MonthFigure[],
  asOf: Period,
  plan: PlanWindow,
  opts: ProgressOptions,
): IndicatorProgress {
  if (periodKey(asOf) < periodKey(plan.start)) return none(ind, "not_started");
  const lo = periodKey(plan.start);
  const hi = Math.min(periodKey(asOf), periodKey(plan.end));
  // The caller's array itself when every figure is in range and in order (the
  // usual case): a copy per unit × indicator was garbage, or, kept as a sum's
  // inputs.months, an array with room for 17 figures holding one.
  let kept: MonthFigure[] | null = null;
  let sorted = true;
  let previous = -1;
  for (let i = 0; i < figures.length; i++) {
    const f = figures[i]!;
    const k = f.period.year * 100 + f.period.month; // periodKey, inlined: this loop sees every stored value
    if (k < lo || k > hi) {
      kept ??= figures.slice(0, i);
      continue;
    }
    if (k < previous) sorted = false;
    previous = k;
    kept?.push(f);
  }
  // Never sorted in place: the array may be the caller's.
  const inRange: readonly MonthFigure[] = sorted ? (kept ?? figures) : (kept ?? figures.slice()).sort(byPeriod);
  switch (ind.kind) {
    case "cumulative":
    case "per_year":
    case "annual_total":
      return sumProgress(ind, inRange, asOf, plan, opts);
    case "stock":
      return stockProgress(ind, inRange, asOf, plan, opts);
    case "ratio":
    case "growth":
    case "reduction":
      return rateProgress(ind, inRange, asOf, opts);
  }
}
