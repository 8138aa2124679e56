import { addDays } from "../domain/calendar/civil-date.js";
import { createWorkingCalendar, type WorkingCalendar } from "../domain/calendar/working-calendar.js";
import { zonedInstant } from "../domain/calendar/zoned-time.js";
import { spanPosition, unitObligation, type PlanFacts, type SpanPosition, type UnitObligation } from "../domain/obligations/obligations.js";
import { explainUnit, type UnitExplanation } from "../domain/ranking/explain.js";
import {
  addQuarters,
  asOfMonth,
  monthWindow,
  parseQuarter,
  quarterOf,
  quarterWindow,
  yearWindow,
  type PlanWindow,
  type Quarter,
  type ScoringWindow,
} from "../domain/ranking/periods.js";
import type { RankingConfig } from "../domain/ranking/ranking-config.js";
import { conductMonth, rankingKindOfUnit, rankingObligations, rankingUnits } from "../domain/ranking/ranking-units.js";
import { computeRanking, type Ranking, type RankingKind } from "../domain/ranking/score.js";
import type { ConductMonth, RankingUnit } from "../domain/ranking/types.js";
import { periodFromKey, periodKey, type Period } from "../domain/report/types.js";
import { dueDate } from "../domain/schedule/reminder-ladder.js";
import type { ScheduleConfig } from "../domain/schedule/schedule-config.js";
import type { Db } from "../persistence/database.js";
import { loadPlanFacts } from "../persistence/plan-facts.js";
import { getSnapshot, loadRankingConfig, rankingFigures, reportMeta, unitMonthlyValues, type ValueRange } from "../persistence/ranking-repository.js";
import { calendarOverrides, loadSchedule } from "../persistence/schedule-repository.js";
import { resolveUnit } from "../persistence/unit-repository.js";

/**
 * Rankings over the database: load what computeRanking takes, score, explain.
 * Who is ranked, what each unit is judged on and what it owed each month come
 * from the obligations rule (domain/obligations over the plan's facts), the
 * same rule 查询, the reminders and the digest read, so every view agrees; the
 * figures are each unit × indicator reduced in SQL to what its kind and basis
 * are scored on. The briefing (snapshot, message, chart, workbook) is in
 * ranking-briefing.ts.
 */

export interface RankingOptions {
  /** Due instants are the end of the due day in this zone. Default: the plan's own time zone (Plan.timeZone), never the server's. */
  tz?: string;
}

/** A quarter, a year (年度考核) or a month (digest); or text: "2026Q3", "2026年第三季度", "2026", "2026-10". */
export type WindowSpec = Quarter | ScoringWindow | string;

/** "2026Q3" / "2026年第三季度" → quarter; "2026" / "2026年" → year; "2026-10" / "202610" → month; null otherwise. */
export function parseWindow(text: string): ScoringWindow | null {
  const q = parseQuarter(text);
  if (q) return quarterWindow(q);
  const s = text.trim();
  const year = /^(\d{4})\s*年?度?$/u.exec(s);
  if (year) return yearWindow(Number(year[1]));
  const month = /^(\d{4})\s*[-/年]?\s*(\d{1,2})\s*月?$/u.exec(s);
  if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) return monthWindow({ year: Number(month[1]), month: Number(month[2]) });
  return null;
}

/** The window a spec names; RangeError for unreadable text. */
export function scoringWindow(spec: WindowSpec): ScoringWindow {
  if (typeof spec === "string") {
    const w = parseWindow(spec);
    if (!w) throw new RangeError(`cannot read the period "${spec}": write 2026Q3, 2026 or 2026-10`);
    return w;
  }
  return "quarter" in spec ? quarterWindow(spec) : spec;
}

/**
 * The quarter a briefing is about by default: the latest one whose last month
 * is open for reporting or earlier (with October open, Q3).
 */
export function lastCompleteQuarter(openPeriod: Period): Quarter {
  const q = quarterOf(openPeriod);
  return openPeriod.month % 3 === 0 ? q : addQuarters(q, -1);
}

/**
 * A report of `period` is on time until the end of its due day in the plan's
 * time zone (the last millisecond of that day). Why not the schedule's sendAt
 * (09:00): that is when reminders go out, not a deadline; "每月5日前报送" means
 * during the 5th. Why not ReportingPeriod.dueAt: `duban period close` writes a
 * placeholder there (UTC midnight), and the schedule is what liaisons were told.
 */
export function dueInstant(period: Period, schedule: Pick<ScheduleConfig, "window">, calendar: WorkingCalendar, tz: string): Date {
  const nextDay = addDays(dueDate(period, schedule, calendar), 1);
  return new Date(zonedInstant(nextDay, 0, tz).getTime() - 1);
}

/** What a ranking of a plan reads besides the figures: its facts, rules, schedule and calendar. */
export interface RankingContext {
  facts: PlanFacts;
  config: RankingConfig;
  schedule: ScheduleConfig;
  calendar: WorkingCalendar;
  /** The zone due instants and every date shown are in. */
  timeZone: string;
}

export async function rankingContext(db: Db, planId: number, opts: RankingOptions = {}): Promise<RankingContext> {
  const [facts, config, { config: schedule }, overrides] = await Promise.all([loadPlanFacts(db, planId), loadRankingConfig(db, planId), loadSchedule(db, planId), calendarOverrides(db)]);
  if (!facts) throw new Error(`no plan #${planId}`);
  return { facts, config, schedule, calendar: createWorkingCalendar({ overrides }), timeZone: opts.tz ?? facts.plan.timeZone };
}

/** The months whose values count as of the window's last month (sums since the plan's start). */
export function valueRange(window: ScoringWindow, plan: PlanWindow): ValueRange {
  const asOf = asOfMonth(window);
  return { from: periodKey(plan.start), to: Math.min(periodKey(asOf), periodKey(plan.end)), yearStart: asOf.year * 100 + 1 };
}

/**
 * Each unit's months of the window as conduct sees them: monthStatus of the
 * obligations rule (owed items, reported items, on time), plus the corrections
 * after the due date. What a unit owes depends on the month only through the
 * month's position in the plan, so one obligation per position is asked for.
 */
async function conductMonths(db: Db, ctx: RankingContext, obligations: readonly UnitObligation[], window: ScoringWindow): Promise<ConductMonth[]> {
  const keys = window.months.map(periodKey);
  const meta = await reportMeta(db, ctx.facts.plan.id, { from: Math.min(...keys), to: Math.max(...keys) });
  const byKey = new Map(meta.map((m) => [`${m.unitId}:${m.period}`, m]));
  const out: ConductMonth[] = [];
  const positions = window.months.map((p) => spanPosition(ctx.facts.plan.span, p));
  for (const [k, period] of window.months.entries()) {
    const key = periodKey(period);
    const dueAt = dueInstant(period, ctx.schedule, ctx.calendar, ctx.timeZone);
    const position = positions[k]!;
    for (const ob of obligations) {
      const m = byKey.get(`${ob.unitId}:${key}`);
      out.push(conductMonth(obligationAt(ctx.facts, ob, period, position), period, m ?? null, dueAt));
    }
  }
  return out;
}

function obligationAt(facts: PlanFacts, ob: UnitObligation, period: Period, position: SpanPosition): UnitObligation {
  return ob.position === position ? ob : unitObligation(facts, ob.unitId, period);
}

export interface ComputedRanking {
  ranking: Ranking;
  title: string;
}

/** Scores and ranks one kind of unit over a window from today's data. */
export async function computeWindow(db: Db, planId: number, spec: WindowSpec, kind: RankingKind, opts: RankingOptions = {}): Promise<ComputedRanking> {
  const window = scoringWindow(spec);
  const ctx = await rankingContext(db, planId, opts);
  return { ranking: await rankWith(db, ctx, window, kind), title: ctx.facts.plan.title };
}

/** The ranking of `kind` over `window` with a loaded context (the briefing and the digest rank twice with one). */
export async function rankWith(db: Db, ctx: RankingContext, window: ScoringWindow, kind: RankingKind): Promise<Ranking> {
  const plan: PlanWindow = ctx.facts.plan.span;
  const { obligations, units } = unitsOf(ctx.facts, kind, asOfMonth(window));
  const [figures, conduct] = await Promise.all([
    rankingFigures(db, ctx.facts.plan.id, kind, valueRange(window, plan)),
    conductMonths(db, ctx, obligations, window),
  ]);
  return computeRanking({ kind, window, plan, timeZone: ctx.timeZone, units, figures, conduct, config: ctx.config });
}

/**
 * What each unit of a ranking owes, and the units as scored, per plan facts (plan-facts.ts
 * caches those until the plan changes), kind and position of the as-of month in the span:
 * what a unit owes depends on nothing else. A county ranking builds 16,800 of each for 200
 * counties × 84 indicators, a fifth of its time; the scoring only reads them.
 */
const unitCache = new WeakMap<PlanFacts, Map<string, { obligations: UnitObligation[]; units: RankingUnit[] }>>();
function unitsOf(facts: PlanFacts, kind: RankingKind, asOf: Period): { obligations: UnitObligation[]; units: RankingUnit[] } {
  let byKey = unitCache.get(facts);
  if (!byKey) unitCache.set(facts, (byKey = new Map()));
  const key = `${kind}:${spanPosition(facts.plan.span, asOf)}`;
  let hit = byKey.get(key);
  if (!hit) {
    const obligations = rankingObligations(facts, kind, asOf);
    byKey.set(key, (hit = { obligations, units: rankingUnits(facts, obligations) }));
  }
  return hit;
}

/** computeWindow for a quarter (or a year / month window), returning the Ranking alone. */
export async function computeQuarter(db: Db, planId: number, spec: WindowSpec, kind: RankingKind, opts: RankingOptions = {}): Promise<Ranking> {
  return (await computeWindow(db, planId, spec, kind, opts)).ranking;
}

// ---------------------------------------------------------------------------
// explain

export type ExplainOutcome =
  | {
      ok: true;
      explanation: UnitExplanation;
      /** The published snapshot of this window, when there is one: what was announced. */
      published: { at: string; rank: number | null; total: number | null } | null;
    }
  | { ok: false; problem: "unknown_unit" | "bad_window" | "not_ranked_kind"; unit?: string };

/** The kind of ranking a unit stands in: departments, or counties and the zone. */
export const rankingKindOf = rankingKindOfUnit;

/**
 * The computation for one unit (by name or alias, either script), indicator by
 * indicator. The scores come from the same aggregated ranking as the briefing;
 * the month-by-month values of sums are read for this unit alone and listed.
 */
export async function explainRanking(db: Db, planId: number, unitName: string, spec: WindowSpec, opts: RankingOptions = {}): Promise<ExplainOutcome> {
  const unit = await resolveUnit(db, unitName);
  if (!unit) return { ok: false, problem: "unknown_unit", unit: unitName };
  const kind = rankingKindOf(unit.kind);
  if (!kind) return { ok: false, problem: "not_ranked_kind", unit: unit.name };
  let window: ScoringWindow;
  try {
    window = scoringWindow(spec);
  } catch {
    return { ok: false, problem: "bad_window" };
  }
  const { ranking } = await computeWindow(db, planId, window, kind, opts);
  const explanation = explainUnit(ranking, unit.id);
  if (!explanation) return { ok: false, problem: "not_ranked_kind", unit: unit.name };
  // Sums of increments are listed month by month (the ranking read them summed in SQL).
  const range = valueRange(window, ranking.plan);
  if (explanation.indicators.some((i) => i.inputs.rule === "sum_months")) {
    const monthly = await unitMonthlyValues(db, planId, unit.id, range);
    for (const i of explanation.indicators) {
      if (i.inputs.rule !== "sum_months") continue;
      const from = periodKey(i.inputs.from);
      i.values = monthly.filter((v) => v.indicatorId === i.indicatorId && v.period >= from && v.period <= range.to).map((v) => ({ period: periodFromKey(v.period), value: v.value }));
    }
  }
  const snap = await getSnapshot(db, planId, window.label, kind);
  const frozen = snap?.publishedAt ? [...snap.ranking.ranked, ...snap.ranking.unranked].find((u) => u.unitId === unit.id) : undefined;
  return {
    ok: true,
    explanation,
    published: snap?.publishedAt ? { at: snap.publishedAt.toISOString(), rank: frozen?.rank ?? null, total: frozen?.total ?? null } : null,
  };
}

export { prepareBriefing, markPublished, briefingData, type PreparedBriefing, type BriefingOptions } from "./ranking-briefing.js";
