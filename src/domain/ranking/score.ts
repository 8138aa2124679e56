/**
 * Scores and ranks units for a window (a quarter, a year, a month).
 *
 * Formulas (ratio_i from progress.ts; config names from ranking-config.ts):
 *   light_i        = green if ratio_i ≥ lights.green; amber if ≥ lights.amber; red otherwise;
 *                    none when the indicator is not assessed
 *   points_i       = 100 × min(ratio_i, cap) / cap         (full marks at the cap; on pace = 100/cap)
 *                    0 for an owed indicator without data (missingIndicator "zero"), else left out
 *   w_i            = config.indicatorWeights[code] ?? indicator.weight
 *   result         = round(Σ w_i × points_i / Σ w_i)        over the counted indicators
 *   contribution_i = w_i × points_i / Σ w_i                 (the result is their sum)
 *   conduct_m      = clamp(100 × (onTime × onTime_m + complete × complete_m)
 *                          − lateCorrectionPenalty × correctionsAfterDue_m, 0, 100)
 *                    onTime_m   = 1 if firstSubmittedAt ≤ dueAt, else 0
 *                    complete_m = all_or_nothing: reported ≥ owed ? 1 : 0; proportional: reported / owed
 *                    a month not submitted scores 0; a month with nothing owed is left out
 *   conduct        = round(mean of conduct_m)
 *   total          = round(weights.result × result + weights.conduct × conduct)
 *                    (no conduct month counted: total = result)
 *   round          = to config.scoreDecimals; the parts are rounded before they are
 *                    combined, so the explanation recomputes from the numbers shown.
 *
 * Ranking: units with enough data (minData) are ranked by total, descending;
 * ties share a rank and the next rank skips (1, 2, 2, 4). Units without
 * indicators or without data are listed apart with the reason, never ranked
 * last silently, and never marked for 通报约谈 (missing data is its own
 * finding in the briefing).
 *
 * Bottom N: a ranked unit is marked when fewer than N ranked units score
 * strictly below it. Ties at the boundary are all marked (the briefing cannot
 * name one of two equal scores and spare the other), so more than N units may
 * be marked; with N ≥ the ranked count every ranked unit is marked.
 */
import type { Period } from "../report/types.js";
import { formatPeriod, periodKey } from "../report/types.js";
import type { PlanWindow, ScoringWindow } from "./periods.js";
import { asOfMonth } from "./periods.js";
import { type IndicatorProgress, type MonthFigure, formulaNumber, indicatorProgress } from "./progress.js";
import type { RankingConfig } from "./ranking-config.js";
import type { ConductMonth, FigureIndex, MonthlyValue, RankingUnit, ScoringIndicator } from "./types.js";
import { listAt, mapAt } from "../multimap.js";

export type Light = "green" | "amber" | "red" | "none";
export const LIGHTS: readonly Light[] = ["green", "amber", "red", "none"];

export type RankingKind = "department" | "county";

export interface IndicatorScore extends IndicatorProgress {
  light: Light;
  weight: number;
  /** In the result mean (assessed with weight > 0, or missing under missingIndicator "zero"). */
  counted: boolean;
  cappedRatio: number | null;
  /** 0–100; null when not counted. */
  points: number | null;
  /** Share of the result score this indicator brings (the result is the sum); null when not counted. */
  contribution: number | null;
}

export interface ResultScore {
  score: number;
  weightSum: number;
  formula: string;
}

export type ConductStatus = "on_time" | "late" | "missing" | "not_owed";

export interface ConductMonthScore {
  period: Period;
  status: ConductStatus;
  /** ISO instants (JSON-safe for the snapshot); null when unknown / not submitted. */
  dueAt: string | null;
  firstSubmittedAt: string | null;
  owed: number;
  reported: number;
  correctionsAfterDue: number;
  onTime: 0 | 1;
  completeness: number;
  penalty: number;
  /** 0–100; null when nothing was owed (not counted). */
  score: number | null;
}

export interface ConductScore {
  score: number;
  months: ConductMonthScore[];
  formula: string;
}

export type UnrankedReason = "no_indicators" | "no_data" | "insufficient_data";

export interface UnitScore {
  unitId: number;
  name: string;
  /** Competition rank (1, 2, 2, 4); null when unranked. */
  rank: number | null;
  /** Marked for 通报约谈. */
  bottom: boolean;
  unranked: UnrankedReason | null;
  indicators: IndicatorScore[];
  /** Indicators assessed (with data). */
  assessed: number;
  lights: Record<Light, number>;
  result: ResultScore | null;
  conduct: ConductScore | null;
  /** The weights actually applied ({ result: 1, conduct: 0 } when no conduct month counted). */
  weightsUsed: { result: number; conduct: number };
  total: number | null;
  totalFormula: string;
}

/** A computed ranking: plain JSON (no Dates, no Infinity), the RankingSnapshot payload. */
export interface Ranking {
  kind: RankingKind;
  window: ScoringWindow;
  asOf: Period;
  plan: PlanWindow;
  config: RankingConfig;
  /** By rank, then name. */
  ranked: UnitScore[];
  /** By reason, then name. */
  unranked: UnitScore[];
}

export interface RankingInput {
  kind: RankingKind;
  window: ScoringWindow;
  plan: PlanWindow;
  units: readonly RankingUnit[];
  /** Current-revision values; any order, any months (the ones that count are picked). */
  values?: readonly MonthlyValue[];
  /**
   * Or the same figures already grouped by unit and indicator (used instead of
   * `values` when given): the service reads them so from SQL, and a county
   * ranking need not hold every figure twice, as a flat list and as its index.
   */
  figures?: FigureIndex;
  conduct: readonly ConductMonth[];
  config: RankingConfig;
}

export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round((x + Math.sign(x) * Number.EPSILON) * f) / f;
}

/** Numbers in formulas: 4 decimals at most, as in progress.ts. */
const fmt = formulaNumber;

export function lightOf(ratio: number | null, lights: RankingConfig["lights"]): Light {
  if (ratio === null) return "none";
  if (ratio >= lights.green) return "green";
  if (ratio >= lights.amber) return "amber";
  return "red";
}

export function weightOf(ind: ScoringIndicator, config: RankingConfig): number {
  return config.indicatorWeights[ind.code] ?? ind.weight;
}

/**
 * One IndicatorScore, field by field in a single literal (contribution is set
 * by resultScore once the weight sum is known). Why not `{ ...p, light, … }`:
 * one is built per unit × indicator, and spreading a 17-field object into a
 * literal with more fields was the largest cost of scoring 200 × 84 of them.
 */
function indicatorScore(p: IndicatorProgress, light: Light, weight: number, counted: boolean, cappedRatio: number | null, points: number | null): IndicatorScore {
  return {
    indicatorId: p.indicatorId,
    code: p.code,
    name: p.name,
    unit: p.unit,
    kind: p.kind,
    comparator: p.comparator,
    target: p.target,
    targetSource: p.targetSource,
    headline: p.headline,
    status: p.status,
    actual: p.actual,
    completion: p.completion,
    expectedShare: p.expectedShare,
    expected: p.expected,
    ratio: p.ratio,
    inputs: p.inputs,
    formula: p.formula,
    light,
    weight,
    counted,
    cappedRatio,
    points,
    contribution: null,
  };
}

function scoreIndicator(p: IndicatorProgress, weight: number, config: RankingConfig): IndicatorScore {
  const light = lightOf(p.ratio, config.lights);
  const cap = config.result.cap;
  if (weight <= 0 || p.status === "not_started") return indicatorScore(p, light, weight, false, null, null);
  if (p.ratio === null) {
    const counted = config.result.missingIndicator === "zero";
    return indicatorScore(p, light, weight, counted, null, counted ? 0 : null);
  }
  const cappedRatio = Math.min(p.ratio, cap);
  return indicatorScore(p, light, weight, true, cappedRatio, (100 * cappedRatio) / cap);
}

/**
 * The result score over scored indicators; null when no weight is counted.
 * Sets each indicator's contribution in place (null when not counted) and
 * returns the same array.
 */
export function resultScore(indicators: IndicatorScore[], decimals: number): { result: ResultScore | null; indicators: IndicatorScore[] } {
  let weightSum = 0;
  for (const s of indicators) if (s.counted) weightSum += s.weight;
  let raw = 0;
  for (const s of indicators) {
    s.contribution = s.counted && weightSum > 0 ? (s.weight * (s.points ?? 0)) / weightSum : null;
    raw += s.contribution ?? 0;
  }
  if (weightSum <= 0) return { result: null, indicators };
  const terms = indicators
    .filter((s) => s.counted)
    .map((s) => `${fmt(s.weight)}×${fmt(s.points ?? 0)}`)
    .join(" + ");
  const score = roundTo(raw, decimals);
  return { result: { score, weightSum, formula: `(${terms}) / ${fmt(weightSum)} = ${fmt(score)}` }, indicators };
}

/** One month's conduct. `record` undefined: the unit submitted nothing for a month it owed `owedIfMissing`. */
export function conductMonthScore(
  period: Period,
  record: ConductMonth | undefined,
  owedIfMissing: number,
  rules: RankingConfig["conduct"],
): ConductMonthScore {
  if (!record || record.firstSubmittedAt === null) {
    const owed = record ? record.owed : owedIfMissing;
    return {
      period,
      status: owed > 0 ? "missing" : "not_owed",
      dueAt: record ? record.dueAt.toISOString() : null,
      firstSubmittedAt: null,
      owed,
      reported: 0,
      correctionsAfterDue: 0,
      onTime: 0,
      completeness: 0,
      penalty: 0,
      score: owed > 0 ? 0 : null,
    };
  }
  const onTime: 0 | 1 = record.firstSubmittedAt.getTime() <= record.dueAt.getTime() ? 1 : 0;
  const owed = record.owed;
  const share = owed > 0 ? Math.min(1, record.reported / owed) : 1;
  const completeness = rules.completeness === "proportional" ? share : share >= 1 ? 1 : 0;
  const penalty = rules.lateCorrectionPenalty * record.correctionsAfterDue;
  const score = owed > 0 ? Math.min(100, Math.max(0, 100 * (rules.onTime * onTime + rules.complete * completeness) - penalty)) : null;
  return {
    period,
    status: owed === 0 ? "not_owed" : onTime ? "on_time" : "late",
    dueAt: record.dueAt.toISOString(),
    firstSubmittedAt: record.firstSubmittedAt.toISOString(),
    owed,
    reported: record.reported,
    correctionsAfterDue: record.correctionsAfterDue,
    onTime,
    completeness,
    penalty,
    score,
  };
}

export function conductScore(months: ConductMonthScore[], decimals: number): ConductScore | null {
  const counted = months.filter((m): m is ConductMonthScore & { score: number } => m.score !== null);
  if (counted.length === 0) return null;
  const score = roundTo(counted.reduce((s, m) => s + m.score, 0) / counted.length, decimals);
  const terms = counted.map((m) => `${formatPeriod(m.period)}: ${fmt(m.score)}`).join(", ");
  return { score, months, formula: `mean(${terms}) = ${fmt(score)}` };
}

/**
 * Competition ranks over totals (higher is better) and the bottom-N marks.
 * Totals are compared as given (the caller rounds them first).
 */
export function assignRanks(totals: readonly number[], bottomN: number): Array<{ rank: number; bottom: boolean }> {
  return totals.map((t) => {
    const above = totals.filter((o) => o > t).length;
    const below = totals.filter((o) => o < t).length;
    return { rank: above + 1, bottom: below < bottomN };
  });
}

/** unitId → indicatorId → figures. Nested numeric maps: a million values must not mean a million key strings. */
function valueIndex(values: readonly MonthlyValue[]): Map<number, Map<number, MonthFigure[]>> {
  const index = new Map<number, Map<number, MonthFigure[]>>();
  for (const v of values) {
    listAt(mapAt(index, v.unitId), v.indicatorId).push(v.months === undefined ? { period: v.period, value: v.value } : { period: v.period, value: v.value, months: v.months });
  }
  return index;
}

function conductIndex(conduct: readonly ConductMonth[]): Map<string, ConductMonth> {
  return new Map(conduct.map((c) => [`${c.unitId}:${periodKey(c.period)}`, c]));
}

function unrankedReason(unit: RankingUnit, assessed: number, config: RankingConfig, result: ResultScore | null): UnrankedReason | null {
  if (unit.indicators.length === 0) return "no_indicators";
  if (assessed === 0) return "no_data";
  if (assessed < config.minData.indicators || assessed / unit.indicators.length < config.minData.share || !result) return "insufficient_data";
  return null;
}

const REASON_ORDER: Record<UnrankedReason, number> = { insufficient_data: 0, no_data: 1, no_indicators: 2 };

function byName(a: UnitScore, b: UnitScore): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.unitId - b.unitId;
}

/** Scores one unit (everything but its rank). */
export function scoreUnit(
  unit: RankingUnit,
  figuresOf: (indicatorId: number) => readonly MonthFigure[],
  conductOf: (period: Period) => ConductMonth | undefined,
  window: ScoringWindow,
  plan: PlanWindow,
  config: RankingConfig,
): UnitScore {
  const asOf = asOfMonth(window);
  const d = config.scoreDecimals;
  const opts = { stockExpectation: config.result.stockExpectation, maxAgeMonths: config.result.maxAgeMonths, cap: config.result.cap };
  const scored = unit.indicators.map((ind) =>
    scoreIndicator(indicatorProgress(ind, figuresOf(ind.id), asOf, plan, opts), weightOf(ind, config), config),
  );
  const { result, indicators } = resultScore(scored, d);
  const months = window.months.map((p) => conductMonthScore(p, conductOf(p), unit.indicators.length, config.conduct));
  const conduct = conductScore(months, d);
  const lights: Record<Light, number> = { green: 0, amber: 0, red: 0, none: 0 };
  for (const i of indicators) lights[i.light] += 1;
  const assessed = indicators.filter((i) => i.status === "assessed").length;
  const unranked = unrankedReason(unit, assessed, config, result);
  const weightsUsed = conduct ? { ...config.weights } : { result: 1, conduct: 0 };
  let total: number | null = null;
  let totalFormula = "not ranked: " + (unranked ?? "");
  if (result && !unranked) {
    total = roundTo(weightsUsed.result * result.score + weightsUsed.conduct * (conduct?.score ?? 0), d);
    totalFormula = conduct
      ? `${fmt(weightsUsed.result)}×${fmt(result.score)} + ${fmt(weightsUsed.conduct)}×${fmt(conduct.score)} = ${fmt(total)}`
      : `${fmt(result.score)} (no conduct month counted) = ${fmt(total)}`;
  }
  return { unitId: unit.unitId, name: unit.name, rank: null, bottom: false, unranked, indicators, assessed, lights, result, conduct, weightsUsed, total, totalFormula };
}

/** The ranking of `units` for the window: the same code ranks lead departments and counties. */
export function computeRanking(input: RankingInput): Ranking {
  const { config, window, plan } = input;
  const values = input.figures ?? valueIndex(input.values ?? []);
  const conduct = conductIndex(input.conduct);
  const scores = input.units.map((u) => {
    const byIndicator = values.get(u.unitId);
    return scoreUnit(
      u,
      (indicatorId) => byIndicator?.get(indicatorId) ?? [],
      (p) => conduct.get(`${u.unitId}:${periodKey(p)}`),
      window,
      plan,
      config,
    );
  });
  const eligible = scores.filter((s) => s.unranked === null && s.total !== null);
  const marks = assignRanks(eligible.map((s) => s.total!), config.bottomN);
  // Marked in place: the scores are this call's own objects.
  const ranked = eligible.map((s, i) => Object.assign(s, marks[i]!));
  ranked.sort((a, b) => a.rank! - b.rank! || byName(a, b));
  const unranked = scores
    .filter((s) => s.unranked !== null || s.total === null)
    .sort((a, b) => REASON_ORDER[a.unranked ?? "insufficient_data"] - REASON_ORDER[b.unranked ?? "insufficient_data"] || byName(a, b));
  return { kind: input.kind, window, asOf: asOfMonth(window), plan, config, ranked, unranked };
}
