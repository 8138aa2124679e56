/**
 * What the briefing, the explain command, the chart and the workbook read from
 * a computed Ranking. Pure projections: nothing here recomputes a score.
 *
 *   change (movers)  = previous rank − current rank   (positive = moved up)
 *   behind 序时进度   = an assessed indicator not met (ratio < 1, or a growth rate below
 *                      its target), whatever its light: amber is behind too, just not far
 *   missing data     = units that owed a month and sent nothing, and indicators without a
 *                      usable figure (no data / stale): 未报视为未完成, named in the briefing
 *   digest status    = from the month's conduct (domain/obligations' monthStatus): on time,
 *                      late, missing; incomplete when reported < owed
 */
import type { Period } from "../report/types.js";
import { periodKey } from "../report/types.js";
import type { PlanWindow, ScoringWindow } from "./periods.js";
import type { MonthFigure, ProgressStatus } from "./progress.js";
import type { RankingConfig } from "./ranking-config.js";
import type { ConductScore, IndicatorScore, Light, Ranking, RankingKind, ResultScore, SummonOutcome, UnitScore, UnrankedReason } from "./score.js";

/** One row of the ranking table (briefing, chart bars, workbook ranking sheet). */
export interface RankRow {
  unitId: number;
  name: string;
  rank: number;
  total: number;
  result: number;
  /** null when no conduct month counted. */
  conduct: number | null;
  /** Among the bottom N (排名靠后). */
  bottom: boolean;
  /** Marked for 通报约谈. */
  summoned: boolean;
  lights: Record<Light, number>;
  /** The light of the unit's weakest counted indicator: the chart colours the bar by it. */
  worstLight: Light;
}

const LIGHT_ORDER: Record<Light, number> = { red: 0, amber: 1, green: 2, none: 3 };

export function worstLight(u: UnitScore): Light {
  return u.indicators.reduce<Light>((w, i) => (LIGHT_ORDER[i.light] < LIGHT_ORDER[w] ? i.light : w), "none");
}

export function rankRows(r: Ranking): RankRow[] {
  return r.ranked.map((u) => ({
    unitId: u.unitId,
    name: u.name,
    rank: u.rank!,
    total: u.total!,
    result: u.result!.score,
    conduct: u.conduct?.score ?? null,
    bottom: u.bottom,
    summoned: u.summoned,
    lights: { ...u.lights },
    worstLight: worstLight(u),
  }));
}

// ---------------------------------------------------------------------------
// ranking explain <unit> [quarter]

/** An indicator's score with the figures the computation used. */
export interface IndicatorExplanation extends IndicatorScore {
  /** Sums: every month; ytd: each year's last figure; levels/rates: baseline and latest. */
  values: MonthFigure[];
}

export interface UnitExplanation {
  kind: RankingKind;
  window: ScoringWindow;
  asOf: Period;
  /** The plan's span. */
  plan: PlanWindow;
  /** The plan's time zone: instants (submissions) are shown in it. */
  timeZone: string;
  unitId: number;
  name: string;
  rank: number | null;
  rankedCount: number;
  bottom: boolean;
  summoned: boolean;
  allMet: boolean;
  unranked: UnrankedReason | null;
  /** The rules the numbers depend on, every one (ranking explain states them). */
  config: RankingConfig;
  summon: SummonOutcome;
  indicators: IndicatorExplanation[];
  result: ResultScore | null;
  conduct: ConductScore | null;
  weightsUsed: UnitScore["weightsUsed"];
  total: number | null;
  totalFormula: string;
}

function valuesUsed(i: IndicatorScore): MonthFigure[] {
  const inp = i.inputs;
  switch (inp.rule) {
    case "sum_months":
      return inp.months;
    case "ytd_plan":
      return inp.years;
    case "stock_linear":
      return inp.baselineSource === "first_report" && periodKey(inp.baseline.period) === periodKey(inp.latest.period) ? [inp.latest] : [inp.baseline, inp.latest];
    case "ytd_year":
    case "stock_target":
    case "latest_value":
    case "growth_gap":
    case "reduction_pro_rata":
      return [inp.latest];
    case "none":
      return inp.latest ? [inp.latest] : [];
  }
}

function findUnit(r: Ranking, unit: string | number): UnitScore | undefined {
  const all = [...r.ranked, ...r.unranked];
  return typeof unit === "number" ? all.find((u) => u.unitId === unit) : all.find((u) => u.name === unit);
}

/** The computation for one unit, indicator by indicator; null when the unit is not in this ranking. The caller resolves aliases (义乌 → 义乌市). */
export function explainUnit(r: Ranking, unit: string | number): UnitExplanation | null {
  const u = findUnit(r, unit);
  if (!u) return null;
  return {
    kind: r.kind,
    window: r.window,
    asOf: r.asOf,
    plan: r.plan,
    timeZone: r.timeZone,
    unitId: u.unitId,
    name: u.name,
    rank: u.rank,
    rankedCount: r.ranked.length,
    bottom: u.bottom,
    summoned: u.summoned,
    allMet: u.allMet,
    unranked: u.unranked,
    config: r.config,
    summon: r.summon,
    indicators: u.indicators.map((i) => ({ ...i, values: valuesUsed(i) })),
    result: u.result,
    conduct: u.conduct,
    weightsUsed: u.weightsUsed,
    total: u.total,
    totalFormula: u.totalFormula,
  };
}

// ---------------------------------------------------------------------------
// Briefing pieces

export interface Mover {
  unitId: number;
  name: string;
  previousRank: number | null;
  currentRank: number | null;
  /** previousRank − currentRank: positive moved up; null when entering or leaving the ranking. */
  change: number | null;
  direction: "up" | "down" | "entered" | "left";
  previousTotal: number | null;
  currentTotal: number | null;
}

/**
 * Rank changes since the previous ranking (same kind), biggest moves first,
 * then units entering and leaving the ranking. Units whose rank did not change
 * are left out. Units are matched by id.
 */
export function movers(previous: Ranking, current: Ranking): Mover[] {
  const prev = new Map(previous.ranked.map((u) => [u.unitId, u]));
  const cur = new Map(current.ranked.map((u) => [u.unitId, u]));
  const out: Mover[] = [];
  for (const u of current.ranked) {
    const p = prev.get(u.unitId);
    if (!p) {
      out.push({ unitId: u.unitId, name: u.name, previousRank: null, currentRank: u.rank, change: null, direction: "entered", previousTotal: null, currentTotal: u.total });
    } else if (p.rank !== u.rank) {
      const change = p.rank! - u.rank!;
      out.push({ unitId: u.unitId, name: u.name, previousRank: p.rank, currentRank: u.rank, change, direction: change > 0 ? "up" : "down", previousTotal: p.total, currentTotal: u.total });
    }
  }
  for (const p of previous.ranked) {
    if (!cur.has(p.unitId)) {
      out.push({ unitId: p.unitId, name: p.name, previousRank: p.rank, currentRank: null, change: null, direction: "left", previousTotal: p.total, currentTotal: null });
    }
  }
  const order = { up: 0, down: 0, entered: 1, left: 2 } as const;
  return out.sort((a, b) => order[a.direction] - order[b.direction] || Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0) || (b.change ?? 0) - (a.change ?? 0) || (a.name < b.name ? -1 : 1));
}

export interface BehindIndicator {
  code: string;
  name: string;
  unit: string;
  kind: IndicatorScore["kind"];
  actual: number;
  expected: number;
  expectedShare: number;
  /** null for growth rates (judged by the gap). */
  ratio: number | null;
  /** Growth rates: points below the target (negative). */
  gap: number | null;
  light: Light;
}

export interface BehindEntry {
  unitId: number;
  name: string;
  rank: number | null;
  indicators: BehindIndicator[];
}

/** Units with at least one assessed indicator behind 序时进度 (not met), red before amber, worst first within a light; units in ranking order. */
export function behindSchedule(r: Ranking): BehindEntry[] {
  const out: BehindEntry[] = [];
  const order = (i: BehindIndicator) => LIGHT_ORDER[i.light] * 1e6 + (i.ratio ?? 1 + (i.gap ?? 0) / 100);
  for (const u of [...r.ranked, ...r.unranked]) {
    const indicators = u.indicators
      .filter((i) => i.status === "assessed" && !i.met)
      .map((i) => ({ code: i.code, name: i.name, unit: i.unit, kind: i.kind, actual: i.actual!, expected: i.expected!, expectedShare: i.expectedShare!, ratio: i.ratio, gap: i.gap, light: i.light }))
      .sort((a, b) => order(a) - order(b));
    if (indicators.length > 0) out.push({ unitId: u.unitId, name: u.name, rank: u.rank, indicators });
  }
  return out;
}

export interface MissingEntry {
  unitId: number;
  name: string;
  rank: number | null;
  /** Why the unit is not ranked (it owes only the narrative); null for a ranked unit. */
  unranked: UnrankedReason | null;
  /** Indicators without a usable figure (未报, or older than allowed), with the latest one when stale. */
  indicators: Array<{ code: string; name: string; status: "no_data" | "stale"; latest: MonthFigure | null }>;
  /** Months of the window owed and not reported at all. */
  monthsNotSubmitted: Period[];
  /** Every owed month of the window went unreported. */
  nothingReported: boolean;
}

/** Units that owed and did not report (未报视为未完成): whole months, or indicators without a usable figure. Units owing nothing are not listed. */
export function missingData(r: Ranking): MissingEntry[] {
  const out: MissingEntry[] = [];
  for (const u of [...r.ranked, ...r.unranked]) {
    if (u.unranked === "not_owed") continue;
    const indicators = u.indicators.flatMap((i) =>
      i.status === "no_data" || i.status === "stale" ? [{ code: i.code, name: i.name, status: i.status, latest: i.inputs.rule === "none" ? (i.inputs.latest ?? null) : null }] : [],
    );
    const owed = (u.conduct?.months ?? []).filter((m) => m.status !== "not_owed");
    const monthsNotSubmitted = owed.filter((m) => m.status === "missing").map((m) => m.period);
    if (indicators.length > 0 || monthsNotSubmitted.length > 0) {
      out.push({ unitId: u.unitId, name: u.name, rank: u.rank, unranked: u.unranked, indicators, monthsNotSubmitted, nothingReported: owed.length > 0 && monthsNotSubmitted.length === owed.length });
    }
  }
  return out;
}

export interface BriefingSummary {
  kind: RankingKind;
  window: string;
  scope: Ranking["window"]["scope"];
  asOf: Period;
  rankedCount: number;
  top: RankRow[];
  /** The bottom N (排名靠后), worst first. */
  bottom: RankRow[];
  /** Of those, summoned for 通报约谈 (worst first), and whether and why not the rule applies. */
  summoned: RankRow[];
  summon: SummonOutcome;
  /** Ranked units spared 通报约谈 because they met 序时进度 on every indicator. */
  spared: RankRow[];
  rows: RankRow[];
  movers: Mover[];
  behind: BehindEntry[];
  missing: MissingEntry[];
  /** Listed units that owed nothing in the window, and units owing only the narrative. */
  unranked: Array<{ unitId: number; name: string; reason: UnrankedReason }>;
}

/**
 * The quarterly briefing's content (and the annual assessment's, with a year
 * ranking): the top `topN` (ties at the boundary included), the bottom marks,
 * movers since `previous` (omit for the first briefing), behind 序时进度, missing data.
 */
export function briefingSummary(current: Ranking, previous?: Ranking, topN = 3): BriefingSummary {
  const rows = rankRows(current);
  const bottom = rows.filter((row) => row.bottom).reverse();
  const allMet = new Set(current.ranked.filter((u) => u.allMet).map((u) => u.unitId));
  return {
    kind: current.kind,
    window: current.window.label,
    scope: current.window.scope,
    asOf: current.asOf,
    rankedCount: rows.length,
    top: rows.filter((row) => row.rank <= topN),
    bottom,
    summoned: bottom.filter((row) => row.summoned),
    summon: current.summon,
    spared: current.summon.applies ? bottom.filter((row) => allMet.has(row.unitId)) : [],
    rows,
    movers: previous ? movers(previous, current) : [],
    behind: behindSchedule(current),
    missing: missingData(current),
    unranked: current.unranked.map((u) => ({ unitId: u.unitId, name: u.name, reason: u.unranked ?? "not_owed" })),
  };
}

/** 年度考核: the same scoring over a year window (yearWindow), compared with the year before when given. */
export function annualSummary(year: Ranking, previousYear?: Ranking): BriefingSummary {
  if (year.window.scope !== "year") throw new RangeError(`annualSummary needs a year ranking, got ${year.window.label}`);
  return briefingSummary(year, previousYear);
}

// ---------------------------------------------------------------------------
// Monthly digest

export interface DigestHeadline {
  unitId: number;
  unitName: string;
  code: string;
  name: string;
  unit: string;
  basis: IndicatorScore["basis"];
  gap: number | null;
  met: boolean;
  /** Sums (cumulative, per year) are judged against 序时进度; levels and rates against the target. */
  kind: IndicatorScore["kind"];
  comparator: IndicatorScore["comparator"];
  status: ProgressStatus;
  actual: number | null;
  target: number;
  expected: number | null;
  expectedShare: number | null;
  completion: number | null;
  ratio: number | null;
  light: Light;
}

export interface MonthlyDigest {
  kind: RankingKind;
  period: Period;
  onTime: Array<{ unitId: number; name: string; firstSubmittedAt: string }>;
  late: Array<{ unitId: number; name: string; firstSubmittedAt: string; dueAt: string | null }>;
  missing: Array<{ unitId: number; name: string; dueAt: string | null }>;
  /** Submitted, but fewer items than owed (the indicators, and the narrative when owed). */
  incomplete: Array<{ unitId: number; name: string; reported: number; owed: number; missingNarrative: boolean }>;
  /** Headline (攻坚目标) indicators of every unit, against 序时进度 as of the month. */
  headlines: DigestHeadline[];
}

/**
 * The digest after a monthly due date, from a ranking computed over
 * monthWindow(period) (with a longer window: its last month). Units owing
 * nothing that month appear in no list; a lead owing only the narrative does.
 */
export function monthlyDigest(r: Ranking, headlineCodes?: ReadonlySet<string>): MonthlyDigest {
  const key = periodKey(r.asOf);
  const digest: MonthlyDigest = { kind: r.kind, period: r.asOf, onTime: [], late: [], missing: [], incomplete: [], headlines: [] };
  const units = [...r.ranked, ...r.unranked].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const u of units) {
    const m = u.conduct?.months.find((x) => periodKey(x.period) === key);
    if (m?.status === "on_time") digest.onTime.push({ unitId: u.unitId, name: u.name, firstSubmittedAt: m.firstSubmittedAt! });
    if (m?.status === "late") digest.late.push({ unitId: u.unitId, name: u.name, firstSubmittedAt: m.firstSubmittedAt!, dueAt: m.dueAt });
    if (m?.status === "missing") digest.missing.push({ unitId: u.unitId, name: u.name, dueAt: m.dueAt });
    if (m && (m.status === "on_time" || m.status === "late") && m.reported < m.owed) {
      digest.incomplete.push({ unitId: u.unitId, name: u.name, reported: m.reported, owed: m.owed, missingNarrative: m.missingNarrative });
    }
    for (const i of u.indicators) {
      if (headlineCodes ? !headlineCodes.has(i.code) : !i.headline) continue;
      digest.headlines.push({
        unitId: u.unitId,
        unitName: u.name,
        code: i.code,
        name: i.name,
        unit: i.unit,
        basis: i.basis,
        gap: i.gap,
        met: i.met,
        kind: i.kind,
        comparator: i.comparator,
        status: i.status,
        actual: i.actual,
        target: i.target,
        expected: i.expected,
        expectedShare: i.expectedShare,
        completion: i.completion,
        ratio: i.ratio,
        light: i.light,
      });
    }
  }
  return digest;
}

// ---------------------------------------------------------------------------
// Frozen snapshots (a published briefing never changes silently)

export interface SnapshotChange {
  unitId: number;
  name: string;
  /** null: a unit-level change (total or rank). */
  code: string | null;
  field: "actual" | "total" | "rank";
  published: number | null;
  now: number | null;
}

/**
 * What later corrections changed in a published ranking: recompute the same
 * window from today's data and compare with the frozen payload. The next
 * briefing lists these; the published snapshot itself is never rewritten.
 */
export function snapshotChanges(published: Ranking, recomputed: Ranking): SnapshotChange[] {
  const now = new Map([...recomputed.ranked, ...recomputed.unranked].map((u) => [u.unitId, u]));
  const out: SnapshotChange[] = [];
  for (const p of [...published.ranked, ...published.unranked]) {
    const u = now.get(p.unitId);
    if (!u) continue;
    const byCode = new Map(u.indicators.map((i) => [i.code, i]));
    for (const pi of p.indicators) {
      const ui = byCode.get(pi.code);
      if (ui && ui.actual !== pi.actual) out.push({ unitId: p.unitId, name: p.name, code: pi.code, field: "actual", published: pi.actual, now: ui.actual });
    }
    if (u.total !== p.total) out.push({ unitId: p.unitId, name: p.name, code: null, field: "total", published: p.total, now: u.total });
    if (u.rank !== p.rank) out.push({ unitId: p.unitId, name: p.name, code: null, field: "rank", published: p.rank, now: u.rank });
  }
  return out;
}
