/**
 * Scores and ranks units for a window (a quarter, a year, a month).
 *
 * Formulas (ratio_i, gap_i and met_i from progress.ts; config names from ranking-config.ts):
 *   light_i        = green if ratio_i ≥ lights.green; amber if ≥ lights.amber; red otherwise
 *                    growth: green if gap_i ≥ 0; amber if gap_i ≥ −result.growth.amberGap; red otherwise
 *                    none when the indicator has no usable figure
 *   points_i       = 100 × ratio_i below 序时进度; 100 at or above it (达到序时进度: full marks),
 *                    plus min(bonus.max, bonus.perPoint × (ratio_i − 1) × 100) when a bonus is set
 *                    growth: 100 − growth.pointsPerPoint × points short (≥ 0); 100 (+ bonus per point above) when met
 *                    0 for an owed indicator without a usable figure (missingIndicator "zero": 未报视为未完成)
 *   w_i            = config.indicatorWeights[code] ?? indicator.weight
 *   result         = round(Σ w_i × points_i / Σ w_i)        over the counted indicators
 *                    (nothing counted but something owed: 0)
 *   contribution_i = w_i × points_i / Σ w_i                 (the result is their sum)
 *   conduct_m      = clamp(100 × (onTime × onTime_m + complete × complete_m)
 *                          − lateCorrectionPenalty × correctionsAfterDue_m, 0, 100)
 *                    onTime_m   = 1 if firstSubmittedAt ≤ dueAt, else 0
 *                    complete_m = all_or_nothing: reported ≥ owed ? 1 : 0; proportional: reported / owed
 *                                 (owed = the indicators plus the narrative when owed, domain/obligations)
 *                    a month not submitted scores 0; a month with nothing owed is left out
 *   conduct        = round(mean of conduct_m)
 *   total          = round(weights.result × result + weights.conduct × conduct)
 *                    (no conduct month counted: total = result)
 *   round          = to config.scoreDecimals; the parts are rounded before they are
 *                    combined, so the explanation recomputes from the numbers shown.
 *
 * Ranking: every unit that owed something in the window and is judged on at
 * least one indicator is ranked by total, descending; ties share a rank and
 * the next rank skips (1, 2, 2, 4). A unit that owed a report and sent none is
 * ranked like the others (its missing items score 0: 未报视为未完成), never
 * listed apart. Only units that owed nothing in the window ("not_owed") or
 * owe no indicator, only the narrative ("no_indicators"), are unranked.
 *
 * Bottom N (config.summon.bottomN): a ranked unit is among the bottom when
 * fewer than N ranked units score strictly below it. Ties at the boundary are
 * all marked (the briefing cannot name one of two equal scores and spare the
 * other), so more than N units may be marked. 通报约谈 (summoned) is the bottom
 * of a ranking whose kind the plan names (config.summon.kinds), when at least
 * config.summon.minRanked units are ranked, except a unit on pace (met) on
 * every scored indicator.
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
  /** Points above 100 for over-performance (config.result.bonus); null when not counted. */
  bonus: number | null;
  /** 0–100 (plus the bonus); null when not counted. */
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
  /** The narrative (进展情况) was owed and is absent. */
  missingNarrative: boolean;
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

/**
 * Why a unit is not ranked: it owed nothing in the window (outside the plan's
 * span, or nothing split to it), or it owes only the narrative (no indicator
 * to judge results on). "no_data" is only in briefings published before a unit
 * that sent nothing was ranked (snapshot payload version 1).
 */
export type UnrankedReason = "not_owed" | "no_indicators" | "no_data";

export interface UnitScore {
  unitId: number;
  name: string;
  /** Competition rank (1, 2, 2, 4); null when unranked. */
  rank: number | null;
  /** Among the bottom N of the ranking (排名靠后, named in the briefing). */
  bottom: boolean;
  /** Marked for 通报约谈 (see Ranking.summon). */
  summoned: boolean;
  /** On pace (met) on every scored indicator: never summoned. */
  allMet: boolean;
  unranked: UnrankedReason | null;
  indicators: IndicatorScore[];
  /** Indicators assessed (with a usable figure). */
  assessed: number;
  lights: Record<Light, number>;
  result: ResultScore | null;
  conduct: ConductScore | null;
  /** The weights actually applied ({ result: 1, conduct: 0 } when no conduct month counted). */
  weightsUsed: { result: number; conduct: number };
  total: number | null;
  totalFormula: string;
}

/** Whether the ranking's bottom is summoned (通报约谈), and why not. */
export interface SummonOutcome {
  /** The rule applies to this ranking: its bottom N, except units on pace everywhere, are summoned. */
  applies: boolean;
  /** Why nobody is summoned: the plan does not name this kind of unit, too few are ranked, or every unit at the bottom is on pace. */
  reason: "kind_not_named" | "too_few_ranked" | "none_at_bottom" | null;
  bottomN: number;
  minRanked: number;
}

/** A computed ranking: plain JSON (no Dates, no Infinity), the RankingSnapshot payload. */
export interface Ranking {
  kind: RankingKind;
  window: ScoringWindow;
  asOf: Period;
  plan: PlanWindow;
  /** The plan's time zone when computed (due instants, dates shown). */
  timeZone: string;
  config: RankingConfig;
  summon: SummonOutcome;
  /** By rank, then name. */
  ranked: UnitScore[];
  /** By reason, then name. */
  unranked: UnitScore[];
}

export interface RankingInput {
  kind: RankingKind;
  window: ScoringWindow;
  /** The plan's span: the months it is chased and scored in. */
  plan: PlanWindow;
  /** The IANA zone the due instants were computed in; views show the ranking's instants in it. */
  timeZone: string;
  units: readonly RankingUnit[];
  /** Current-revision values in each indicator's basis; any order, any months (the ones that count are picked). */
  values?: readonly MonthlyValue[];
  /**
   * Or the same figures already grouped by unit and indicator (used instead of
   * `values` when given): the service reads them so from SQL, and a county
   * ranking need not hold every figure twice, as a flat list and as its index.
   */
  figures?: FigureIndex;
  /** One per unit and month of the window (domain/obligations' monthStatus); a missing one: owed, not sent. */
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

/** The light of an indicator: by its ratio to 序时进度, growth rates by their gap in points. */
export function indicatorLight(p: Pick<IndicatorProgress, "status" | "ratio" | "gap">, config: RankingConfig): Light {
  // 未报视为未完成: owed and not reported (or too old to count) is red, as its 0 points say;
  // "none" is left for what is not judged at all (nothing expected yet, or missing data left out).
  if (p.status === "no_data" || p.status === "stale") return config.result.missingIndicator === "zero" ? "red" : "none";
  if (p.status !== "assessed") return "none";
  if (p.gap !== null) return p.gap >= 0 ? "green" : p.gap >= -config.result.growth.amberGap ? "amber" : "red";
  return lightOf(p.ratio, config.lights);
}

export function weightOf(ind: ScoringIndicator, config: RankingConfig): number {
  return config.indicatorWeights[ind.code] ?? ind.weight;
}

/** Points above 100 for `excess` percentage points beyond 序时进度 (or the growth target). */
function bonusFor(excess: number, bonus: RankingConfig["result"]["bonus"]): number {
  // Points beyond are differences of decimals (1.2 − 1 = 0.19999…): rid of binary noise first.
  const points = Math.round(excess * 1e9) / 1e9;
  return points > 0 && bonus.perPoint > 0 ? Math.min(bonus.max, Math.round(bonus.perPoint * points * 1e9) / 1e9) : 0;
}

/** The points of an assessed indicator (see the header). */
export function indicatorPoints(p: Pick<IndicatorProgress, "ratio" | "gap">, result: RankingConfig["result"]): { points: number; bonus: number } {
  if (p.gap !== null) {
    if (p.gap >= 0) {
      const bonus = bonusFor(p.gap, result.bonus);
      return { points: 100 + bonus, bonus };
    }
    return { points: Math.max(0, 100 - result.growth.pointsPerPoint * -p.gap), bonus: 0 };
  }
  const ratio = p.ratio ?? 0;
  if (ratio >= 1) {
    const bonus = bonusFor((ratio - 1) * 100, result.bonus);
    return { points: 100 + bonus, bonus };
  }
  return { points: 100 * ratio, bonus: 0 };
}

/**
 * One IndicatorScore, field by field in a single literal (contribution is set
 * by resultScore once the weight sum is known). Why not `{ ...p, light, … }`:
 * one is built per unit × indicator, and spreading a 20-field object into a
 * literal with more fields was the largest cost of scoring 200 × 84 of them.
 */
function indicatorScore(p: IndicatorProgress, light: Light, weight: number, counted: boolean, bonus: number | null, points: number | null): IndicatorScore {
  return {
    indicatorId: p.indicatorId,
    code: p.code,
    name: p.name,
    unit: p.unit,
    kind: p.kind,
    basis: p.basis,
    comparator: p.comparator,
    target: p.target,
    targetSource: p.targetSource,
    targetMax: p.targetMax,
    headline: p.headline,
    status: p.status,
    actual: p.actual,
    completion: p.completion,
    expectedShare: p.expectedShare,
    expected: p.expected,
    ratio: p.ratio,
    gap: p.gap,
    met: p.met,
    inputs: p.inputs,
    formula: p.formula,
    light,
    weight,
    counted,
    bonus,
    points,
    contribution: null,
  };
}

function scoreIndicator(p: IndicatorProgress, weight: number, config: RankingConfig): IndicatorScore {
  const light = indicatorLight(p, config);
  if (weight <= 0 || p.status === "not_started") return indicatorScore(p, light, weight, false, null, null);
  if (p.status !== "assessed") {
    const counted = config.result.missingIndicator === "zero";
    return indicatorScore(p, light, weight, counted, counted ? 0 : null, counted ? 0 : null);
  }
  const { points, bonus } = indicatorPoints(p, config.result);
  return indicatorScore(p, light, weight, true, bonus, points);
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

/** One month's conduct. `record` undefined: the unit submitted nothing for a month it owed `owedIfMissing` items. */
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
      missingNarrative: record?.missingNarrative ?? false,
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
    missingNarrative: record.missingNarrative ?? false,
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

const REASON_ORDER: Record<UnrankedReason, number> = { no_data: 0, no_indicators: 1, not_owed: 2 };

function byName(a: UnitScore, b: UnitScore): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.unitId - b.unitId;
}

/** Scores one unit (everything but its rank and marks). */
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
  const opts = { stockExpectation: config.result.stockExpectation, maxAgeMonths: config.result.maxAgeMonths, windowStart: window.months[0]!, reduction: config.result.reduction };
  const scored = unit.indicators.map((ind) =>
    scoreIndicator(indicatorProgress(ind, figuresOf(ind.id), asOf, plan, opts), weightOf(ind, config), config),
  );
  let { result } = resultScore(scored, d);
  const indicators = scored;
  const owedIfMissing = unit.indicators.length + (unit.narrative ? 1 : 0);
  const months = window.months.map((p) => conductMonthScore(p, conductOf(p), owedIfMissing, config.conduct));
  const conduct = conductScore(months, d);
  const lights: Record<Light, number> = { green: 0, amber: 0, red: 0, none: 0 };
  let assessed = 0;
  let judged = 0;
  let allMet = true;
  for (const i of indicators) {
    lights[i.light] += 1;
    if (i.status === "assessed") assessed += 1;
    if (i.weight > 0 && i.status !== "not_started") {
      judged += 1;
      if (!i.met) allMet = false;
    }
  }
  allMet &&= judged > 0;
  const owes = months.some((m) => m.score !== null);
  const unranked: UnrankedReason | null = !owes ? "not_owed" : judged === 0 ? "no_indicators" : null;
  // Owed, judged, and nothing counted (missingIndicator "exclude" and no figure at all): nothing achieved.
  if (!unranked && !result) result = { score: 0, weightSum: 0, formula: "no indicator with a usable figure = 0" };
  const weightsUsed = conduct ? { ...config.weights } : { result: 1, conduct: 0 };
  let total: number | null = null;
  let totalFormula = "not ranked: " + (unranked ?? "");
  if (result && !unranked) {
    total = roundTo(weightsUsed.result * result.score + weightsUsed.conduct * (conduct?.score ?? 0), d);
    totalFormula = conduct
      ? `${fmt(weightsUsed.result)}×${fmt(result.score)} + ${fmt(weightsUsed.conduct)}×${fmt(conduct.score)} = ${fmt(total)}`
      : `${fmt(result.score)} (no conduct month counted) = ${fmt(total)}`;
  }
  return { unitId: unit.unitId, name: unit.name, rank: null, bottom: false, summoned: false, allMet, unranked, indicators, assessed, lights, result, conduct, weightsUsed, total, totalFormula };
}

/** Whether a ranking of `kind` with `ranked` units summons its bottom, and why not. */
export function summonOutcome(kind: RankingKind, ranked: number, config: RankingConfig): SummonOutcome {
  const { kinds, bottomN, minRanked } = config.summon;
  const reason = !kinds.includes(kind) || bottomN === 0 ? "kind_not_named" : ranked < minRanked ? "too_few_ranked" : null;
  return { applies: reason === null, reason, bottomN, minRanked };
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
  const marks = assignRanks(eligible.map((s) => s.total!), config.summon.bottomN);
  const summon = summonOutcome(input.kind, eligible.length, config);
  // Marked in place: the scores are this call's own objects.
  const ranked = eligible.map((s, i) => Object.assign(s, marks[i]!, { summoned: summon.applies && marks[i]!.bottom && !s.allMet }));
  if (summon.applies && !ranked.some((s) => s.summoned)) summon.reason = "none_at_bottom";
  ranked.sort((a, b) => a.rank! - b.rank! || byName(a, b));
  const unranked = scores
    .filter((s) => s.unranked !== null || s.total === null)
    .sort((a, b) => REASON_ORDER[a.unranked ?? "no_data"] - REASON_ORDER[b.unranked ?? "no_data"] || byName(a, b));
  return { kind: input.kind, window, asOf: asOfMonth(window), plan, timeZone: input.timeZone, config, summon, ranked, unranked };
}
