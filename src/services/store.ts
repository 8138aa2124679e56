import type { Store } from "../../handlers/ports.js";
import { INDICATOR_KINDS, type IndicatorKind } from "../domain/plan/types.js";
import { writeAudit } from "../persistence/audit-repository.js";
import { bind, unbind } from "../persistence/binding-repository.js";
import type { Db } from "../persistence/database.js";
import { obligationsOf } from "../persistence/obligation-repository.js";
import { latestValues, periodStatus, submitRevision } from "../persistence/report-repository.js";
import { resolveUnit, suggestUnits } from "../persistence/unit-repository.js";
import { createWorkingCalendar } from "../domain/calendar/working-calendar.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import { periodKey } from "../domain/report/types.js";
import { nextFirings } from "../domain/schedule/reminder-ladder.js";
import { applySetting } from "../domain/schedule/schedule-config.js";
import { calendarOverrides, loadSchedule, saveSchedule } from "../persistence/schedule-repository.js";
import { currentPeriod } from "../domain/report/parse-period.js";
import { addMonths } from "../domain/report/types.js";
import { formatQuarter } from "../domain/ranking/periods.js";
import { DEFAULT_TIME_ZONE } from "../domain/schedule/reminder-ladder.js";
import { prepareDigest } from "./monthly-digest.js";
import { explainRanking, lastCompleteQuarter } from "./rankings.js";

/** How long a unit's obligations are reused: they change only when the plan is re-imported. */
const OBLIGATIONS_TTL_MS = 30_000;

/** The handlers' Store port over the database, for one plan. */
export function createStore(db: Db, planId: number, opts: { now?: () => number } = {}): Store {
  const now = opts.now ?? Date.now;
  // Every command reads what the unit owes (two joined queries). A plan revision
  // imported by the CLI in another process shows up here within the TTL.
  const obligationsCache = new Map<number, { at: number; value: Promise<Awaited<ReturnType<Store["obligations"]>>> }>();
  return {
    planId,
    obligations(unitId) {
      const hit = obligationsCache.get(unitId);
      if (hit && now() - hit.at < OBLIGATIONS_TTL_MS) return hit.value;
      const value = obligationsOf(db, planId, unitId).then((o) => ({
        workItems: o.workItems,
        indicators: o.indicators.map((i) => ({ ...i, kind: asKind(i.kind) })),
      }));
      value.catch(() => obligationsCache.delete(unitId));
      obligationsCache.set(unitId, { at: now(), value });
      return value;
    },
    latestValues: (unitId, ids, atOrBefore) => latestValues(db, unitId, ids, atOrBefore),
    periodStatus: (period) => periodStatus(db, planId, period),
    async currentReport(unitId, period) {
      const report = await db.report.findUnique({
        where: { planId_unitId_period: { planId, unitId, period } },
        include: { values: { where: { current: true } } },
      });
      if (!report) return null;
      const rev = await db.reportRevision.findUnique({ where: { reportId_revision: { reportId: report.id, revision: report.revision } } });
      return {
        revision: report.revision,
        updatedAt: report.updatedAt,
        values: new Map(report.values.map((v) => [v.indicatorId, { value: v.value, raw: v.raw }])),
        narrative: { progress: rev?.progress ?? null, problems: rev?.problems ?? null, nextSteps: rev?.nextSteps ?? null },
      };
    },
    submit: (req, answer) =>
      submitRevision(db, { ...req, planId, delivery: req.delivery && answer ? { ...req.delivery, answer } : undefined }),
    async resolveUnit(name) {
      const u = await resolveUnit(db, name);
      return u ? { id: u.id, name: u.name, kind: u.kind } : null;
    },
    suggestUnits: (name) => suggestUnits(db, name),
    bind: async (who, unitId, role, by) => ({ created: (await bind(db, who, unitId, role, by)).created }),
    unbind: (who, opts) => unbind(db, who, opts),
    audit: (entry) => writeAudit(db, entry),
    async schedule(at, timeZone) {
      const { config } = await loadSchedule(db, planId);
      const calendar = createWorkingCalendar({ overrides: await calendarOverrides(db) });
      const year = Number(wallClock(at, timeZone).date.slice(0, 4));
      return {
        config,
        next: nextFirings(config, calendar, timeZone, at, 10).map((f) => ({ period: periodKey(f.period), step: f.step, audience: f.audience, at: f.at, provisional: f.provisional })),
        missingYears: calendar.missingYears(year, year + 1),
      };
    },
    async setSchedule(key, value, by) {
      const { config } = await loadSchedule(db, planId);
      const r = applySetting(config, key, value);
      if (r.ok) await saveSchedule(db, planId, r.config, by);
      return r;
    },
    explainRanking(unit, quarter) {
      const q = quarter ?? formatQuarter(lastCompleteQuarter(addMonths(currentPeriod(new Date(now()), DEFAULT_TIME_ZONE), -1)));
      return explainRanking(db, planId, unit, q, { tz: DEFAULT_TIME_ZONE });
    },
    async monthlyDigest(period, lang) {
      const d = await prepareDigest(db, planId, period, { lang, tz: DEFAULT_TIME_ZONE });
      return { title: d.title, lines: d.lines, owed: d.owed };
    },
  };
}

function asKind(k: string): IndicatorKind {
  return (INDICATOR_KINDS as readonly string[]).includes(k) ? (k as IndicatorKind) : "cumulative";
}
