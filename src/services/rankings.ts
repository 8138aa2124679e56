import { addDays } from "../domain/calendar/civil-date.js";
import { createWorkingCalendar, type WorkingCalendar } from "../domain/calendar/working-calendar.js";
import { zonedInstant } from "../domain/calendar/zoned-time.js";
import { explainUnit, type UnitExplanation } from "../domain/ranking/explain.js";
import {
  addQuarters,
  asOfMonth,
  monthWindow,
  parseQuarter,
  planWindow,
  quarterOf,
  quarterWindow,
  yearWindow,
  type PlanWindow,
  type Quarter,
  type ScoringWindow,
} from "../domain/ranking/periods.js";
import type { RankingConfig } from "../domain/ranking/ranking-config.js";
import { countyUnits, departmentUnits } from "../domain/ranking/ranking-units.js";
import { computeRanking, type Ranking, type RankingKind } from "../domain/ranking/score.js";
import type { ConductMonth, RankingUnit } from "../domain/ranking/types.js";
import { periodFromKey, periodKey, type Period } from "../domain/report/types.js";
import { DEFAULT_TIME_ZONE, dueDate } from "../domain/schedule/reminder-ladder.js";
import type { ScheduleConfig } from "../domain/schedule/schedule-config.js";
import type { Db } from "../persistence/database.js";
import {
  getSnapshot,
  loadRankingConfig,
  planIndicatorRows,
  planSpan,
  rankingFigures,
  rankingUnitRows,
  reportMeta,
  unitMonthlyValues,
  type ValueRange,
} from "../persistence/ranking-repository.js";
import { calendarOverrides, loadSchedule } from "../persistence/schedule-repository.js";
import { resolveUnit } from "../persistence/unit-repository.js";

/**
 * Rankings over the database: load what computeRanking takes (each unit ×
 * indicator reduced in SQL to the figures its kind is scored on), score,
 * explain. The briefing (snapshot, message, chart, workbook) is in
 * ranking-briefing.ts.
 */

export interface RankingOptions {
  /** The plan's time zone: due instants are the end of the due day there. Default Asia/Shanghai. */
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

interface PlanFacts {
  plan: PlanWindow;
  title: string;
  config: RankingConfig;
  units: RankingUnit[];
}

async function planFacts(db: Db, planId: number, kind: RankingKind): Promise<PlanFacts> {
  const row = await planSpan(db, planId);
  if (!row) throw new Error(`no plan #${planId}`);
  const [config, indicators, unitRows] = await Promise.all([loadRankingConfig(db, planId), planIndicatorRows(db, planId), rankingUnitRows(db, planId, kind)]);
  const units = kind === "department" ? departmentUnits(indicators, unitRows) : countyUnits(indicators, unitRows);
  return { plan: planWindow(row.startYear, row.endYear), title: row.title, config, units };
}

/** The months whose values count as of the window's last month (sums since the plan's start). */
export function valueRange(window: ScoringWindow, plan: PlanWindow): ValueRange {
  const asOf = asOfMonth(window);
  return { from: periodKey(plan.start), to: Math.min(periodKey(asOf), periodKey(plan.end)), yearStart: asOf.year * 100 + 1 };
}

async function conductMonths(db: Db, planId: number, kind: RankingKind, facts: PlanFacts, window: ScoringWindow, tz: string): Promise<ConductMonth[]> {
  const [{ config: schedule }, overrides] = await Promise.all([loadSchedule(db, planId), calendarOverrides(db)]);
  const calendar = createWorkingCalendar({ overrides });
  const keys = window.months.map(periodKey);
  const meta = await reportMeta(db, planId, kind, { from: Math.min(...keys), to: Math.max(...keys) });
  const byKey = new Map(meta.map((m) => [`${m.unitId}:${m.period}`, m]));
  const lo = periodKey(facts.plan.start);
  const hi = periodKey(facts.plan.end);
  const out: ConductMonth[] = [];
  for (const period of window.months) {
    const key = periodKey(period);
    const dueAt = dueInstant(period, schedule, calendar, tz);
    // Months outside the plan owe nothing: a briefing after the plan's end judges results only.
    const inPlan = key >= lo && key <= hi;
    for (const u of facts.units) {
      const m = byKey.get(`${u.unitId}:${key}`);
      out.push({
        unitId: u.unitId,
        period,
        dueAt,
        firstSubmittedAt: m?.firstAt ?? null,
        owed: inPlan ? u.indicators.length : 0,
        reported: m?.reported ?? 0,
        correctionsAfterDue: m ? m.corrections.filter((c) => c.getTime() > dueAt.getTime()).length : 0,
      });
    }
  }
  return out;
}

export interface ComputedRanking {
  ranking: Ranking;
  title: string;
}

/** Scores and ranks one kind of unit over a window from today's data. */
export async function computeWindow(db: Db, planId: number, spec: WindowSpec, kind: RankingKind, opts: RankingOptions = {}): Promise<ComputedRanking> {
  const window = scoringWindow(spec);
  const facts = await planFacts(db, planId, kind);
  const range = valueRange(window, facts.plan);
  const [figures, conduct] = await Promise.all([
    rankingFigures(db, planId, kind, range),
    conductMonths(db, planId, kind, facts, window, opts.tz ?? DEFAULT_TIME_ZONE),
  ]);
  const ranking = computeRanking({
    kind,
    window,
    plan: facts.plan,
    units: facts.units,
    figures,
    conduct,
    config: facts.config,
  });
  return { ranking, title: facts.title };
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
export function rankingKindOf(unitKind: string): RankingKind | null {
  if (unitKind === "department") return "department";
  if (unitKind === "county" || unitKind === "zone") return "county";
  return null;
}

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
  const range = valueRange(window, ranking.plan);
  const monthly = await unitMonthlyValues(db, planId, unit.id, range);
  const indicators = await planIndicatorRows(db, planId);
  const idOf = new Map(indicators.map((i) => [i.code, i.id]));
  for (const i of explanation.indicators) {
    if (i.kind !== "cumulative" && i.kind !== "per_year") continue;
    const from = i.kind === "per_year" ? range.yearStart : range.from;
    i.values = monthly.filter((v) => v.indicatorId === idOf.get(i.code) && v.period >= from && v.period <= range.to).map((v) => ({ period: periodFromKey(v.period), value: v.value }));
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
