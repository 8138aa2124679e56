import { addDays } from "../domain/calendar/civil-date.js";
import { createWorkingCalendar } from "../domain/calendar/working-calendar.js";
import { zonedInstant } from "../domain/calendar/zoned-time.js";
import {
  COUNTY_WEIGHTS,
  exampleDates,
  exampleFigure,
  examplePlanData,
  lastCompleteQuarterMonths,
  progressText,
  seeded,
  submissionOf,
} from "../domain/example/example-plan.js";
import { owingUnits, type PlanFacts } from "../domain/obligations/obligations.js";
import type { PlanData } from "../domain/plan/plan-document.js";
import { currentPeriod } from "../domain/report/parse-period.js";
import { addMonths, periodKey, type Period } from "../domain/report/types.js";
import { dueDate } from "../domain/schedule/reminder-ladder.js";
import { writeAudit } from "../persistence/audit-repository.js";
import { bind } from "../persistence/binding-repository.js";
import type { Db } from "../persistence/database.js";
import { forgetPlanFacts, loadPlanFacts } from "../persistence/plan-facts.js";
import { loadPlanData, savePlan } from "../persistence/plan-repository.js";
import { submitRevisions, type SubmitInput } from "../persistence/report-repository.js";
import { calendarOverrides, loadSchedule } from "../persistence/schedule-repository.js";
import { dueInstant } from "./rankings.js";

/**
 * The example world (issue 10 §3) in the database: the 示例 plan made from the
 * real one (domain/example), and its generated months, written through the
 * same repositories as everything else (plan import, report revisions), so
 * every view reads it as it reads real data. `duban example reset|remove`.
 */

export interface ExampleOptions {
  now?: Date;
  /** Who, for the audit log. */
  actor: string;
  platform?: string;
}

export interface ExampleOutcome {
  planId: number;
  code: string;
  title: string;
  from: Period;
  to: Period;
  /** Months with generated reports, and how many reports. */
  months: number;
  reports: number;
}

/** The plan the example is made from: the first plan that is not an example. */
async function sourcePlan(db: Db): Promise<PlanData | null> {
  const plan = await db.plan.findFirst({ where: { example: false }, orderBy: { id: "asc" } });
  return plan ? loadPlanData(db, plan.code) : null;
}

/** The example's span no longer covers the month open for reporting: its world has gone stale. */
export function exampleEnded(plan: { endPeriod: number; timeZone: string }, now: Date): boolean {
  return periodKey(addMonths(currentPeriod(now, plan.timeZone), -1)) > plan.endPeriod;
}

export async function findExample(db: Db) {
  return db.plan.findFirst({ where: { example: true }, orderBy: { id: "asc" } });
}

/** Deletes the example plan and everything of it (reports, deliveries, snapshots). Units stay. */
export async function removeExample(db: Db, opts: ExampleOptions): Promise<{ removed: string | null }> {
  const existing = await findExample(db);
  if (!existing) return { removed: null };
  // Values first: they point at the plan's indicators without a cascade (a revised import retires
  // indicators, it never deletes values); the rest goes with the plan.
  await db.$transaction([
    db.indicatorValue.deleteMany({ where: { report: { planId: existing.id } } }),
    db.plan.delete({ where: { id: existing.id } }),
  ]);
  forgetPlanFacts(db);
  await writeAudit(db, { actor: opts.actor, platform: opts.platform ?? "cli", action: "example.remove", subject: existing.code, result: "ok" });
  return { removed: existing.code };
}

/** (Re)creates the example world as of `now`: removes any earlier one first. */
export async function resetExample(db: Db, opts: ExampleOptions): Promise<ExampleOutcome> {
  const now = opts.now ?? new Date();
  const source = await sourcePlan(db);
  if (!source) throw new Error("no plan to make the example from: import a plan first");
  await removeExample(db, { ...opts, platform: opts.platform ?? "cli" });
  const anchor = addMonths(currentPeriod(now, source.timeZone), -1);
  const dates = exampleDates(source, anchor);
  const counties = source.units.filter((u) => u.kind === "county" || u.kind === "zone").map((u) => u.name);
  const data = examplePlanData(source, dates, counties.length ? counties : Object.keys(COUNTY_WEIGHTS));
  // Counties named in the split but absent from the source's unit list are added to it.
  for (const name of Object.keys(COUNTY_WEIGHTS)) {
    if (!data.units.some((u) => u.name === name) && data.indicators.some((i) => name in i.shares)) data.units.push({ name, kind: name.endsWith("开发区") ? "zone" : "county", aliases: [] });
  }
  const planId = await savePlan(db, data, { sourceHash: "example", sourceName: "示例（由内置方案生成）" });
  await db.plan.update({ where: { id: planId }, data: { example: true } });
  forgetPlanFacts(db);
  const facts = (await loadPlanFacts(db, planId))!;
  const generated = await generateMonths(db, facts, dates.start, anchor, now);
  await writeAudit(db, {
    actor: opts.actor,
    platform: opts.platform ?? "cli",
    action: "example.create",
    subject: data.code,
    result: "ok",
    details: { from: periodKey(dates.start), to: periodKey(dates.end), months: generated.months, reports: generated.reports },
  });
  return { planId, code: data.code, title: data.title, from: dates.start, to: dates.end, ...generated };
}

/**
 * The months from the span's start to the month open for reporting: each owing unit's report,
 * dated on time (a few days before the due date) or late (a few days after), or missing; one
 * correction after the due date with its reason. Each unit reports as the local chat's liaison of
 * that unit (liaison@义乌市), so a newcomer who picks that unit sees their own history.
 */
async function generateMonths(db: Db, facts: PlanFacts, from: Period, anchor: Period, now: Date): Promise<{ months: number; reports: number }> {
  const tz = facts.plan.timeZone;
  const [{ config }, overrides] = await Promise.all([loadSchedule(db, facts.plan.id), calendarOverrides(db)]);
  const calendar = createWorkingCalendar({ overrides });
  const identities = new Map<number, number>();
  const identityOf = async (unitId: number, name: string) => {
    let id = identities.get(unitId);
    if (id === undefined) {
      const b = await bind(db, { platform: "local", tenant: "", userId: `liaison@${name}` }, unitId, "liaison", "example");
      identities.set(unitId, (id = b.binding.identityId));
    }
    return id;
  };
  const openDue = now.getTime() > dueInstant(anchor, config, calendar, tz).getTime();
  const quarter = lastCompleteQuarterMonths(anchor);
  // The planted correction: a county's figure for the quarter's first month, revised after its due date.
  const corrected = { unit: "义乌市", period: quarter[0]! };
  let months = 0;
  let reports = 0;
  for (let p = from; periodKey(p) <= periodKey(anchor); p = addMonths(p, 1)) {
    const due = dueDate(p, config, calendar);
    const inputs: Omit<SubmitInput, "delivery">[] = [];
    for (const o of owingUnits(facts, p)) {
      const name = facts.units.get(o.unitId)?.name ?? "";
      const how = submissionOf(name, p, anchor, openDue);
      if (how === "missing") continue;
      const r = seeded(`when:${name}:${periodKey(p)}`)();
      // On time: between the window's first day and the due date; late: one to five days after it. 09:00–17:00.
      const first = `${addMonths(p, 1).year}-${String(addMonths(p, 1).month).padStart(2, "0")}-01`;
      const span = Math.max(0, (Date.parse(due) - Date.parse(first)) / 86_400_000);
      const day = how === "late" ? addDays(due, 1 + Math.floor(r * 5)) : addDays(first, Math.floor(r * (span + 1)));
      let at = zonedInstant(day, 9 * 60 + Math.floor(r * 480), tz);
      if (at.getTime() > now.getTime()) at = new Date(now.getTime() - 3_600_000);
      const values = o.indicators.map((i) => {
        const value = exampleFigure({ unit: name, indicator: { code: i.code, kind: i.kind, unit: i.unit, target: i.target, baseline: i.baseline, deadline: i.deadline }, period: p, span: facts.plan.span });
        return { indicatorId: i.id, value, raw: `${value}${i.unit}` };
      });
      inputs.push({
        planId: facts.plan.id,
        unitId: o.unitId,
        period: periodKey(p),
        mode: "report",
        identityId: await identityOf(o.unitId, name),
        platform: "local",
        rawInput: "【示例数据】自动生成",
        reason: null,
        narrative: o.narrative ? { progress: progressText(name, p, o.workItems[0]?.ref ?? "") } : {},
        values,
        at,
      });
      if (name === corrected.unit && periodKey(p) === periodKey(corrected.period) && values.length) {
        const first = values[0]!;
        const fixed = Math.round(first.value * 0.94 * 100) / 100;
        inputs.push({
          planId: facts.plan.id,
          unitId: o.unitId,
          period: periodKey(p),
          mode: "correct",
          identityId: await identityOf(o.unitId, name),
          platform: "local",
          rawInput: "【示例数据】自动生成的更正",
          reason: "经与统计部门核对，原报数据含已注销企业，予以更正",
          narrative: {},
          values: [{ indicatorId: first.indicatorId, value: fixed, raw: `${fixed}${o.indicators[0]!.unit}` }],
          at: new Date(Math.min(now.getTime() - 60_000, zonedInstant(addDays(due, 9), 10 * 60, tz).getTime())),
        });
      }
    }
    if (inputs.length) {
      await submitRevisions(db, inputs);
      months++;
      reports += inputs.filter((i) => i.mode === "report").length;
    }
  }
  return { months, reports };
}
