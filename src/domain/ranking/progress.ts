/**
 * Progress of one indicator for one unit, as of a month: completion against
 * the target and against 序时进度 (the share of the target expected by now).
 * Figures are in the indicator's basis (plan/types.ts ReportingBasis), as
 * statistics offices report them.
 *
 * Formulas (months are civil months; "as of" includes the as-of month):
 *   attain(a, t)     = a / t                      comparator gte (more is better)
 *                    = t / a                      comparator lte (less is better)
 *                    (never negative; degenerate targets: see `attainment`)
 *
 *   flows (cumulative over the plan; per_year and annual_total, restarting each January):
 *     basis month (当月 increments):
 *       cumulative   actual = Σ increments, plan start … as-of
 *       per year     actual = Σ increments, January … as-of of the as-of year
 *     basis ytd (1—N月累计):
 *       per year     actual = the latest ytd figure of the as-of year at or before the as-of month
 *       cumulative   actual = Σ over the plan's earlier years of each year's last ytd figure
 *                             + the as-of year's latest ytd figure
 *     share:         cumulative: months elapsed in the plan / plan months (plan start … deadline)
 *                    per year:   as-of month / 12            (end of Q1 → 3/12 = 25%)
 *     expected = target × share; completion = attain(actual, target); ratio = attain(actual, expected)
 *
 *   stock (level), "linear" (default): a straight line from the baseline b to the
 *   target at the deadline. b is the base-year level entered in the plan (the
 *   unit's own for a share), dated December of its base year (else the month
 *   before the plan); without one, the first level reported in the plan:
 *                    share    = (as-of − b's month) / (deadline − b's month)   in months
 *                    expected = b + (target − b) × share          (the level expected by now)
 *                    ratio    = gain made / gain expected = (latest − b) / (expected − b)
 *                               (signs flipped for lte; gain below 0 counts as 0)
 *                    when nothing is expected yet (share 0): ratio 1 (on pace by definition);
 *                    when the baseline already meets the target: ratio = attain(latest, target)
 *   stock, "target": ratio = attain(latest, target), share 1
 *
 *   ratio (比重, 落地率): the latest rate against its threshold, no 序时:
 *                    ratio = completion = attain(latest, target)
 *   reduction (能耗下降10.4%, by the deadline), "pro_rata" (default): against the
 *   share due by now, counted from December of the base year (else the month
 *   before the plan) to the deadline:
 *                    expected = target × share; ratio = attain(latest, expected)
 *   growth (年均增速13%): judged by the gap in percentage points, not a ratio of rates:
 *                    gap = latest − target (gte) or target − latest (lte); ratio null
 *
 * met (达到序时进度): ratio ≥ 1, or gap ≥ 0 for growth; false for an indicator
 * without a usable figure (未报视为未完成).
 *
 * Freshness: a level, a rate or a year-to-date figure must be recent to be
 * used: reported within the scoring window (default), or within maxAgeMonths of
 * the as-of month when set. An older one is "stale": not used, and the
 * explanation says when it was reported. Sums of increments are sums of what
 * was reported. Values outside the plan's span or after the as-of month are
 * ignored, so a ranking recomputed later sees the same months (only
 * corrections differ).
 */
import type { Period } from "../report/types.js";
import { addMonths, formatPeriod, periodKey } from "../report/types.js";
import type { PlanWindow } from "./periods.js";
import { monthIndex, monthsInclusive } from "./periods.js";
import type { ScoringIndicator } from "./types.js";

export interface MonthFigure {
  period: Period;
  value: number;
  /**
   * Opt-in, for sums of increments only: this figure already adds up `months`
   * monthly increments (the caller aggregated them in SQL and dated the figure
   * by the last of them). Absent = one month. Only the month count in the formula reads it.
   */
  months?: number;
}

export type ProgressStatus =
  | "assessed"
  | "no_data" // nothing reported in the range that counts
  | "stale" // a level, rate or year-to-date figure exists but is older than allowed
  | "not_started"; // the as-of month is before the plan (nothing expected yet)

/** The formula inputs, by rule, so every number can be recomputed by hand. */
export type ProgressInputs =
  | { rule: "sum_months"; scope: "plan" | "year"; from: Period; to: Period; months: MonthFigure[]; sum: number; elapsedMonths: number; totalMonths: number }
  | { rule: "ytd_year"; latest: MonthFigure; elapsedMonths: number; totalMonths: 12 }
  | { rule: "ytd_plan"; from: Period; years: MonthFigure[]; sum: number; elapsedMonths: number; totalMonths: number }
  | { rule: "stock_linear"; baseline: MonthFigure; baselineSource: "plan" | "first_report"; latest: MonthFigure; deadline: Period; elapsedMonths: number; totalMonths: number; expectedLevel: number }
  | { rule: "stock_target"; latest: MonthFigure }
  | { rule: "latest_value"; latest: MonthFigure }
  | { rule: "growth_gap"; latest: MonthFigure; gap: number }
  | { rule: "reduction_pro_rata"; latest: MonthFigure; from: Period; deadline: Period; elapsedMonths: number; totalMonths: number }
  | { rule: "none"; reason: Exclude<ProgressStatus, "assessed">; latest?: MonthFigure };

export interface IndicatorProgress {
  indicatorId: number;
  code: string;
  name: string;
  unit: string;
  kind: ScoringIndicator["kind"];
  basis: ScoringIndicator["basis"];
  comparator: ScoringIndicator["comparator"];
  target: number;
  targetSource: ScoringIndicator["targetSource"];
  targetMax: number | null;
  headline: boolean;
  status: ProgressStatus;
  /** The measured quantity (sum, year-to-date total, level, rate) in the indicator's unit; null without data. */
  actual: number | null;
  /** actual against the full target (1 = target met); null for growth rates (no ratio of rates). */
  completion: number | null;
  /** 序时进度: the share of the target (stock: of the gain) expected by now; 1 for rates. */
  expectedShare: number | null;
  /** What 序时进度 asks for by now, in the indicator's unit (stock: the expected level). */
  expected: number | null;
  /** Completion against 序时进度, uncapped. 1 = on pace. null for growth rates and without data. */
  ratio: number | null;
  /** Growth rates: actual − target in percentage points (signed so that ≥ 0 is met). */
  gap: number | null;
  /** 达到序时进度 (growth: at or above the target); false without a usable figure. */
  met: boolean;
  inputs: ProgressInputs;
  /** The computation with its numbers, language-neutral (JSON); the words are chosen at the edge. */
  formula: string;
}

export interface ProgressOptions {
  stockExpectation: "linear" | "target";
  /** null: a level, rate or ytd figure must fall within the scoring window (from windowStart); n: within n months of the as-of month. */
  maxAgeMonths: number | null;
  /** The scoring window's first month. */
  windowStart: Period;
  reduction: "pro_rata" | "target";
}

/**
 * How far `actual` goes toward `target`, ≥ 0 and finite. gte: a / t; lte:
 * t / a. Degenerate targets (a gte target ≤ 0, e.g. "不下降" = 0%; an lte
 * actual ≤ 0) cannot be scaled: met → 1 (on pace: full marks), missed → 0.
 */
export function attainment(actual: number, target: number, comparator: "gte" | "lte"): number {
  if (comparator === "gte") {
    if (target <= 0) return actual >= target ? 1 : 0;
    return Math.max(0, actual / target);
  }
  if (actual <= 0) return actual <= target ? 1 : 0;
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

/** Growth gaps and the like: differences of decimals, rid of binary noise (13.1 − 13 = 0.0999…96). */
function clean(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

type Measured = Pick<IndicatorProgress, "status" | "actual" | "completion" | "expectedShare" | "expected" | "ratio" | "gap" | "met" | "inputs" | "formula">;

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
    basis: ind.basis,
    comparator: ind.comparator,
    target: ind.target,
    targetSource: ind.targetSource,
    targetMax: ind.targetMax,
    headline: ind.headline,
    status: m.status,
    actual: m.actual,
    completion: m.completion,
    expectedShare: m.expectedShare,
    expected: m.expected,
    ratio: m.ratio,
    gap: m.gap,
    met: m.met,
    inputs: m.inputs,
    formula: flatten(m.formula),
  };
}

function none(ind: ScoringIndicator, reason: Exclude<ProgressStatus, "assessed">, latest?: MonthFigure): IndicatorProgress {
  const why = reason === "stale" && latest ? `latest figure ${n(latest.value)} (${formatPeriod(latest.period)}) is older than allowed` : reason;
  return progress(ind, {
    status: reason,
    actual: null,
    completion: null,
    expectedShare: null,
    expected: null,
    ratio: null,
    gap: null,
    met: false,
    inputs: latest ? { rule: "none", reason, latest } : { rule: "none", reason },
    formula: `not assessed: ${why}`,
  });
}

function attainFormula(actual: string, target: string, comparator: "gte" | "lte"): string {
  return comparator === "gte" ? `${actual} / ${target}` : `${target} / ${actual}`;
}

/** The month a target is judged at: its deadline, or the plan's end when that comes first or none is set. */
export function deadlineOf(ind: Pick<ScoringIndicator, "deadline">, plan: PlanWindow): Period {
  return ind.deadline && periodKey(ind.deadline) < periodKey(plan.end) ? ind.deadline : plan.end;
}

/** Where a level or a multi-year reduction is counted from: December of the base year, else the month before the plan. */
export function originOf(ind: Pick<ScoringIndicator, "baselineYear">, plan: PlanWindow): Period {
  return ind.baselineYear !== null ? { year: ind.baselineYear, month: 12 } : addMonths(plan.start, -1);
}

/** Whether `latest` may be used as of `asOf` (see ProgressOptions.maxAgeMonths). */
export function isFresh(latest: Period, asOf: Period, opts: Pick<ProgressOptions, "maxAgeMonths" | "windowStart">): boolean {
  if (opts.maxAgeMonths === null) return periodKey(latest) >= periodKey(opts.windowStart);
  return monthIndex(asOf) - monthIndex(latest) < opts.maxAgeMonths;
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

function isYearly(ind: ScoringIndicator): boolean {
  return ind.kind === "per_year" || ind.kind === "annual_total";
}

/** Share and expected amount of a flow as of `asOf`. */
function flowShare(ind: ScoringIndicator, asOf: Period, plan: PlanWindow): { from: Period; elapsed: number; total: number } {
  if (isYearly(ind)) return { from: { year: asOf.year, month: 1 }, elapsed: asOf.month, total: 12 };
  const total = monthsInclusive(plan.start, deadlineOf(ind, plan));
  return { from: plan.start, elapsed: Math.min(monthsInclusive(plan.start, asOf), total), total };
}

function flowMeasured(ind: ScoringIndicator, actual: number, share: number, inputs: ProgressInputs, actualText: string, elapsed: number, total: number): Measured {
  const expected = ind.target * share;
  const completion = attainment(actual, ind.target, ind.comparator);
  const ratio = attainment(actual, expected, ind.comparator);
  // Each number formatted once (16,800 formulas per county ranking: the repeats were garbage).
  const a = n(actual);
  const t = n(ind.target);
  const e = n(expected);
  const formula =
    `actual = ${actualText} = ${a}; expected = ${t} × ${elapsed}/${total} = ${e}; ` +
    `completion = ${attainFormula(a, t, ind.comparator)} = ${n(completion)}; ` +
    `ratio = ${attainFormula(a, e, ind.comparator)} = ${n(ratio)}`;
  return { status: "assessed", actual, completion, expectedShare: share, expected, ratio, gap: null, met: ratio >= 1, inputs, formula };
}

/** Basis month: increments summed since the plan's start (cumulative) or January (per year, annual total). */
function monthSumProgress(ind: ScoringIndicator, figures: readonly MonthFigure[], asOf: Period, plan: PlanWindow): IndicatorProgress {
  const { from, elapsed, total } = flowShare(ind, asOf, plan);
  const months = between(figures, from, asOf);
  if (months.length === 0) return none(ind, "no_data");
  let actual = 0;
  let monthCount = 0;
  for (const f of months) {
    actual += f.value;
    monthCount += f.months ?? 1;
  }
  const inputs: ProgressInputs = { rule: "sum_months", scope: isYearly(ind) ? "year" : "plan", from, to: asOf, months, sum: actual, elapsedMonths: elapsed, totalMonths: total };
  return progress(ind, flowMeasured(ind, actual, elapsed / total, inputs, `Σ ${monthCount} month(s)`, elapsed, total));
}

/** Basis ytd: the as-of year's latest 1—N月累计 figure; cumulative adds each earlier year's last one. */
function ytdProgress(ind: ScoringIndicator, figures: readonly MonthFigure[], asOf: Period, plan: PlanWindow, opts: ProgressOptions): IndicatorProgress {
  const latest = figures[figures.length - 1];
  if (!latest) return none(ind, "no_data");
  if (!isFresh(latest.period, asOf, opts)) return none(ind, "stale", latest);
  const { from, elapsed, total } = flowShare(ind, asOf, plan);
  const share = elapsed / total;
  if (isYearly(ind)) {
    if (latest.period.year !== asOf.year) return none(ind, "stale", latest);
    const inputs: ProgressInputs = { rule: "ytd_year", latest, elapsedMonths: elapsed, totalMonths: 12 };
    return progress(ind, flowMeasured(ind, latest.value, share, inputs, `ytd ${formatPeriod(latest.period)}`, elapsed, total));
  }
  // Each year's last figure: the figures are ascending, so the last of a run of one year.
  let years: MonthFigure[] = [];
  for (let i = 0; i < figures.length; i++) {
    const f = figures[i]!;
    const next = figures[i + 1];
    if (!next || next.period.year !== f.period.year) years.push(f);
  }
  if (years.length === figures.length) years = figures as MonthFigure[]; // already one per year (the SQL's shape): keep the caller's array
  let sum = 0;
  for (const f of years) sum += f.value;
  const inputs: ProgressInputs = { rule: "ytd_plan", from, years, sum, elapsedMonths: elapsed, totalMonths: total };
  const text = years.length === 1 ? `ytd ${formatPeriod(latest.period)}` : `Σ last ytd of ${years.length} year(s)`;
  return progress(ind, flowMeasured(ind, sum, share, inputs, text, elapsed, total));
}

/** The latest figure if it may be used, or why not. */
function recent(figures: readonly MonthFigure[], asOf: Period, opts: ProgressOptions): { latest: MonthFigure } | { missing: "no_data" | "stale"; latest?: MonthFigure } {
  const latest = figures[figures.length - 1];
  if (!latest) return { missing: "no_data" };
  if (!isFresh(latest.period, asOf, opts)) return { missing: "stale", latest };
  return { latest };
}

function stockProgress(ind: ScoringIndicator, figures: readonly MonthFigure[], asOf: Period, plan: PlanWindow, opts: ProgressOptions): IndicatorProgress {
  const r = recent(figures, asOf, opts);
  if ("missing" in r) return none(ind, r.missing, r.latest);
  const latest = r.latest;
  const completion = attainment(latest.value, ind.target, ind.comparator);
  if (opts.stockExpectation === "target") {
    return progress(ind, {
      status: "assessed",
      actual: latest.value,
      completion,
      expectedShare: 1,
      expected: ind.target,
      ratio: completion,
      gap: null,
      met: completion >= 1,
      inputs: { rule: "stock_target", latest },
      formula: `actual = latest level ${n(latest.value)} (${formatPeriod(latest.period)}); ratio = completion = ${attainFormula(n(latest.value), n(ind.target), ind.comparator)} = ${n(completion)}`,
    });
  }
  const fromPlan = ind.baseline !== null;
  const baseline: MonthFigure = fromPlan ? { period: originOf(ind, plan), value: ind.baseline! } : figures[0]!;
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
  const b = n(baseline.value); // each number formatted once, as in the flows
  const l = n(latest.value);
  const t = n(ind.target);
  return progress(ind, {
    status: "assessed",
    actual: latest.value,
    completion,
    expectedShare: share,
    expected: expectedLevel,
    ratio,
    gap: null,
    met: ratio >= 1,
    inputs: { rule: "stock_linear", baseline, baselineSource: fromPlan ? "plan" : "first_report", latest, deadline, elapsedMonths, totalMonths, expectedLevel },
    formula:
      `baseline ${b} (${fromPlan ? "plan" : "first report"}, ${formatPeriod(baseline.period)}), latest ${l} (${formatPeriod(latest.period)}); ` +
      `expected level = ${b} + (${t} − ${b}) × ${elapsedMonths}/${totalMonths} = ${n(expectedLevel)}; ` +
      `completion = ${attainFormula(l, t, ind.comparator)} = ${n(completion)}; ${how}`,
  });
}

function rateProgress(ind: ScoringIndicator, figures: readonly MonthFigure[], asOf: Period, plan: PlanWindow, opts: ProgressOptions): IndicatorProgress {
  const r = recent(figures, asOf, opts);
  if ("missing" in r) return none(ind, r.missing, r.latest);
  const latest = r.latest;
  const l = n(latest.value);
  const t = n(ind.target);
  if (ind.kind === "growth") {
    const gap = clean(ind.comparator === "gte" ? latest.value - ind.target : ind.target - latest.value);
    return progress(ind, {
      status: "assessed",
      actual: latest.value,
      completion: null,
      expectedShare: 1,
      expected: ind.target,
      ratio: null,
      gap,
      met: gap >= 0,
      inputs: { rule: "growth_gap", latest, gap },
      formula: `actual = latest ${l} (${formatPeriod(latest.period)}); gap = ${ind.comparator === "gte" ? `${l} − ${t}` : `${t} − ${l}`} = ${n(gap)} point(s)`,
    });
  }
  const completion = attainment(latest.value, ind.target, ind.comparator);
  if (ind.kind === "reduction" && opts.reduction === "pro_rata") {
    const from = originOf(ind, plan);
    const deadline = deadlineOf(ind, plan);
    const totalMonths = Math.max(0, monthIndex(deadline) - monthIndex(from));
    const elapsedMonths = Math.min(Math.max(0, monthIndex(asOf) - monthIndex(from)), totalMonths);
    const share = totalMonths === 0 ? 1 : elapsedMonths / totalMonths;
    const expected = ind.target * share;
    const ratio = share === 0 ? 1 : attainment(latest.value, expected, ind.comparator);
    const e = n(expected);
    return progress(ind, {
      status: "assessed",
      actual: latest.value,
      completion,
      expectedShare: share,
      expected,
      ratio,
      gap: null,
      met: ratio >= 1,
      inputs: { rule: "reduction_pro_rata", latest, from, deadline, elapsedMonths, totalMonths },
      formula: `actual = latest ${l} (${formatPeriod(latest.period)}); expected = ${t} × ${elapsedMonths}/${totalMonths} = ${e}; completion = ${attainFormula(l, t, ind.comparator)} = ${n(completion)}; ratio = ${attainFormula(l, e, ind.comparator)} = ${n(ratio)}`,
    });
  }
  return progress(ind, {
    status: "assessed",
    actual: latest.value,
    completion,
    expectedShare: 1,
    expected: ind.target,
    ratio: completion,
    gap: null,
    met: completion >= 1,
    inputs: { rule: "latest_value", latest },
    formula: `actual = latest ${l} (${formatPeriod(latest.period)}); ratio = completion = ${attainFormula(l, t, ind.comparator)} = ${n(completion)} (against the threshold)`,
  });
}

/**
 * Progress of `ind` as of `asOf`, from the unit's figures for it in its basis
 * (any order; figures outside the plan or after asOf are ignored).
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
      return ind.basis === "month" ? monthSumProgress(ind, inRange, asOf, plan) : ytdProgress(ind, inRange, asOf, plan, opts);
    case "stock":
      return stockProgress(ind, inRange, asOf, plan, opts);
    case "ratio":
    case "growth":
    case "reduction":
      return rateProgress(ind, inRange, asOf, plan, opts);
  }
}
