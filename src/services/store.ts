import type { Store, SubmitOutcome } from "../../handlers/ports.js";
import { createWorkingCalendar } from "../domain/calendar/working-calendar.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import { defaultPlanOf, obligedUnitIds, unitObligation, type PlanFacts, type PlanRef, type UnitObligation } from "../domain/obligations/obligations.js";
import type { CivilDate } from "../domain/calendar/civil-date.js";
import { changeStamp, stillValid, type Stamp } from "../persistence/change-stamp.js";
import { formatQuarter } from "../domain/ranking/periods.js";
import { currentPeriod } from "../domain/report/parse-period.js";
import { addMonths, periodKey, type Period } from "../domain/report/types.js";
import { dueDate, nextFirings } from "../domain/schedule/reminder-ladder.js";
import { applySetting } from "../domain/schedule/schedule-config.js";
import { writeAudit } from "../persistence/audit-repository.js";
import { bind, unbind } from "../persistence/binding-repository.js";
import type { Db } from "../persistence/database.js";
import { loadAllPlanFacts } from "../persistence/plan-facts.js";
import { latestValues, periodStatus, submitRevisions, yearValues } from "../persistence/report-repository.js";
import { calendarOverrides, loadSchedule, saveSchedule } from "../persistence/schedule-repository.js";
import { resolveUnit, suggestUnits } from "../persistence/unit-repository.js";
import { prepareDigest } from "./monthly-digest.js";
import { dueInstant, explainRanking, lastCompleteQuarter } from "./rankings.js";

/**
 * The handlers' Store port over the database, for every plan at once: what a
 * unit owes comes from the obligations rule (domain/obligations) over each
 * plan's facts, read once and cached until a plan changes (plan-facts.ts).
 */
export function createStore(db: Db, opts: { now?: () => Date } = {}): Store {
  const now = opts.now ?? (() => new Date());

  async function plans(): Promise<PlanRef[]> {
    return (await loadAllPlanFacts(db)).map((f) => f.plan);
  }

  async function planOf(planId: number | undefined): Promise<PlanRef> {
    const all = await plans();
    if (planId !== undefined) {
      const p = all.find((x) => x.id === planId);
      if (!p) throw new Error(`no plan #${planId}`);
      return p;
    }
    const p = await defaultPlan(all);
    if (!p) throw new Error(all.length ? "several plans are in progress: name one" : "no plan in the database");
    return p;
  }

  async function defaultPlan(all?: PlanRef[]): Promise<PlanRef | null> {
    const list = all ?? (await plans());
    const zone = list[0]?.timeZone ?? "Asia/Shanghai";
    return defaultPlanOf(list, addMonths(currentPeriod(now(), zone), -1));
  }

  // Every report asks for its month's due date: the schedule and the calendar are read and built
  // once, and again only when something may have changed (change-stamp.ts).
  let dueCache: { stamp: Stamp; dues: Map<string, Promise<{ date: CivilDate; at: Date }>> } | undefined;
  function due(planId: number, period: Period) {
    const stamp = changeStamp(db);
    if (!dueCache || !stillValid(dueCache.stamp, stamp, 60_000)) dueCache = { stamp, dues: new Map() };
    const key = `${planId}:${periodKey(period)}`;
    let hit = dueCache.dues.get(key);
    if (!hit) {
      hit = (async () => {
        const plan = await planOf(planId);
        const [{ config }, overrides] = await Promise.all([loadSchedule(db, planId), calendarOverrides(db)]);
        const calendar = createWorkingCalendar({ overrides });
        return { date: dueDate(period, config, calendar), at: dueInstant(period, config, calendar, plan.timeZone) };
      })();
      const cache = dueCache;
      hit.catch(() => cache.dues.delete(key));
      dueCache.dues.set(key, hit);
    }
    return hit;
  }

  return {
    plans,
    defaultPlan: () => defaultPlan(),
    async obligations(unitId, period) {
      const all = await loadAllPlanFacts(db);
      return all.filter((f) => obligedOf(f).has(unitId)).map((f) => obligationOf(f, unitId, period));
    },
    latestValues: (unitId, ids, atOrBefore) => latestValues(db, unitId, ids, atOrBefore),
    yearValues: (unitId, ids, year) => yearValues(db, unitId, ids, year),
    periodStatus: (planId, period) => periodStatus(db, planId, period),
    async currentReport(planId, unitId, period) {
      const report = await db.report.findUnique({
        where: { planId_unitId_period: { planId, unitId, period } },
        include: { values: { where: { current: true } } },
      });
      if (!report) return null;
      const rev = await db.reportRevision.findUnique({ where: { reportId_revision: { reportId: report.id, revision: report.revision } } });
      return {
        planId,
        revision: report.revision,
        firstAt: report.firstAt,
        updatedAt: report.updatedAt,
        values: new Map(report.values.map((v) => [v.indicatorId, { value: v.value, raw: v.raw }])),
        narrative: { progress: rev?.progress ?? null, problems: rev?.problems ?? null, nextSteps: rev?.nextSteps ?? null },
      };
    },
    due,
    async submit(reqs, answer) {
      const delivery = reqs.find((r) => r.delivery)?.delivery;
      const results = await submitRevisions(
        db,
        reqs.map(({ delivery: _d, ...r }) => r),
        delivery && answer ? { key: delivery.key, receivedAt: delivery.receivedAt, answer: (rs) => answer(rs.map(outcomeOf)) } : undefined,
      );
      return results.map(outcomeOf);
    },
    async resolveUnit(name) {
      const u = await resolveUnit(db, name);
      return u ? { id: u.id, name: u.name, kind: u.kind } : null;
    },
    suggestUnits: (name) => suggestUnits(db, name),
    bind: async (who, unitId, role, by) => ({ created: (await bind(db, who, unitId, role, by)).created }),
    unbind: (who, o) => unbind(db, who, o),
    audit: (entry) => writeAudit(db, entry),
    async schedule(at, timeZone, planId) {
      const plan = await planOf(planId);
      const zone = timeZone ?? plan.timeZone;
      const { config } = await loadSchedule(db, plan.id);
      const calendar = createWorkingCalendar({ overrides: await calendarOverrides(db) });
      const year = Number(wallClock(at, zone).date.slice(0, 4));
      return {
        config,
        next: nextFirings(config, calendar, zone, at, 10).map((f) => ({ period: periodKey(f.period), step: f.step, audience: f.audience, at: f.at, provisional: f.provisional })),
        missingYears: calendar.missingYears(year, year + 1),
      };
    },
    async setSchedule(key, value, by, planId) {
      const plan = await planOf(planId);
      const { config } = await loadSchedule(db, plan.id);
      const r = applySetting(config, key, value);
      if (r.ok) await saveSchedule(db, plan.id, r.config, by);
      return r;
    },
    async explainRanking(unit, quarter, planId) {
      const plan = await planOf(planId);
      const q = quarter ?? formatQuarter(lastCompleteQuarter(addMonths(currentPeriod(now(), plan.timeZone), -1)));
      return explainRanking(db, plan.id, unit, q);
    },
    async monthlyDigest(period, lang, planId) {
      const plan = await planOf(planId);
      const d = await prepareDigest(db, plan.id, period, { lang });
      return { title: d.title, lines: d.lines, owed: d.owed };
    },
  };
}

/**
 * Obligations are asked for on every message (twice: the open month, then the message's): kept per
 * plan facts object (a new one comes with any change to the plan), per unit and month.
 */
const obligedCache = new WeakMap<PlanFacts, Set<number>>();
const obligationCache = new WeakMap<PlanFacts, Map<string, UnitObligation>>();

function obligedOf(f: PlanFacts): Set<number> {
  let ids = obligedCache.get(f);
  if (!ids) obligedCache.set(f, (ids = new Set(obligedUnitIds(f))));
  return ids;
}

function obligationOf(f: PlanFacts, unitId: number, period: Period): UnitObligation {
  let byKey = obligationCache.get(f);
  if (!byKey) obligationCache.set(f, (byKey = new Map()));
  const key = `${unitId}:${periodKey(period)}`;
  let o = byKey.get(key);
  if (!o) {
    if (byKey.size > 5000) byKey.clear();
    byKey.set(key, (o = unitObligation(f, unitId, period)));
  }
  return o;
}

function outcomeOf(r: { planId: number; revision: number; values: SubmitOutcome["values"]; narrative: SubmitOutcome["narrative"] }): SubmitOutcome {
  return { planId: r.planId, revision: r.revision, values: r.values, narrative: r.narrative };
}
