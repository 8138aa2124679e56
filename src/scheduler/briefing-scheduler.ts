import cron from "node-cron";
import { createWorkingCalendar, type WorkingCalendar } from "../domain/calendar/working-calendar.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import { addQuarters, asOfMonth, formatQuarter, quarterOf, quarterWindow, yearWindow, type Quarter, type ScoringWindow } from "../domain/ranking/periods.js";
import type { RankingKind } from "../domain/ranking/score.js";
import { addMonths, formatPeriod, periodKey, type Period } from "../domain/report/types.js";
import { atLocalTime, dueDate, isSendingAllowed, nextAllowedMoment } from "../domain/schedule/reminder-ladder.js";
import type { ScheduleConfig } from "../domain/schedule/schedule-config.js";
import type { Lang } from "../i18n/lang.js";
import type { Logger } from "../logging/logger.js";
import { deliveryKey } from "../persistence/delivery-repository.js";
import { calendarOverrides, loadSchedule } from "../persistence/schedule-repository.js";
import { briefingKeys, postBriefing, type PostBriefingDeps, type PostBriefingResult } from "../services/post-briefing.js";
import { digestKeys, postDigest, type PostDigestResult } from "../services/post-digest.js";
import { computeQuarter } from "../services/rankings.js";
import type { PlanRef } from "../domain/obligations/obligations.js";
import { loadPlanRefs } from "../persistence/plan-facts.js";

/**
 * The quarterly briefing tick (issue 5 §3): once the reports of a quarter's last month are due,
 * post that quarter's briefing to the task-force group, once. When: the due date of the last
 * month (the reminder schedule's, 遇节假日顺延 included) plus `afterDueWorkdays` working days
 * (default 1), at the schedule's sendAt, moved out of quiet hours and non-working days as
 * reminders are. Every replica ticks every minute; the delivery ledger (postBriefing) makes each
 * post once, and a published snapshot ends the matter for that quarter.
 *
 * Cheap when there is nothing to do (every minute but a few a quarter): the instant is pure
 * arithmetic, then one snapshot row and the ledger rows are read; the ranking is computed only
 * when something is left to post. A kind whose ranking has no ranked unit (no data: e.g. no
 * county shares) is not posted, and not looked at again for an hour.
 *
 * The same tick posts the annual assessment (年度考核, issue 5 §5): after the fourth quarter's
 * briefing, at the same instant (in January, the working day after December's due date), the
 * ranking over the year's twelve months, snapshot "2026", with its chart and workbook.
 *
 * The monthly digest (runDigestTick) follows the same rule per month: the working day after the
 * month's due date at sendAt. Why not at the due instant itself (the due day's end): reports are
 * on time until then, so a digest at that instant would fall in the night's quiet hours anyway,
 * and "the next working morning" is when the task force reads it.
 */

export interface BriefingTickDeps extends PostBriefingDeps {
  timeZone: string;
  lang?: Lang;
  /** Working days after the last month's due date. Default 1. */
  afterDueWorkdays?: number;
  /** A briefing missed (the bot was down) is still posted this long after its instant. Default 7 days. */
  maxLateHours?: number;
  /** Default both: lead departments, then counties. */
  kinds?: RankingKind[];
  fontFiles?: string[];
  /** Post the annual assessment after the fourth quarter's briefing. Default true. */
  annual?: boolean;
}

export interface BriefingTickReport {
  at: string;
  /** The quarter whose briefing is due at `at`, if any. */
  quarter: string | null;
  postedAt: string | null;
  /** Per window (the quarter, then the year after a fourth quarter) and kind. */
  results: Array<{ window: string; kind: RankingKind; outcome: "posted" | "skipped"; reason?: string; result?: PostBriefingResult }>;
}

/**
 * `afterDueWorkdays` working days after the due date of `period` (遇节假日顺延 included), at the
 * schedule's sendAt, moved out of quiet hours and non-working days as reminders are.
 */
export function afterDueInstant(period: Period, config: ScheduleConfig, calendar: WorkingCalendar, timeZone: string, afterDueWorkdays = 1): Date {
  const due = dueDate(period, config, calendar);
  const day = calendar.addWorkdays(due, afterDueWorkdays);
  return nextAllowedMoment(atLocalTime(day, config.sendAt, timeZone), config, calendar, timeZone);
}

/** When the briefing of `q` goes out (for a fourth quarter, the annual assessment too). */
export function briefingInstant(q: Quarter, config: ScheduleConfig, calendar: WorkingCalendar, timeZone: string, afterDueWorkdays = 1): Date {
  return afterDueInstant(asOfMonth(quarterWindow(q)), config, calendar, timeZone, afterDueWorkdays);
}

/** When the digest of `period` goes out. */
export function digestInstant(period: Period, config: ScheduleConfig, calendar: WorkingCalendar, timeZone: string, afterDueWorkdays = 1): Date {
  return afterDueInstant(period, config, calendar, timeZone, afterDueWorkdays);
}

/** Per scheduler: kinds found without data, by "2026Q3:county", with when they were checked. */
export type EmptyCache = Map<string, number>;
const EMPTY_RECHECK_MS = 3_600_000;

/**
 * What the digest tick and the briefing tick share: of the candidate periods (latest first), the
 * first whose instant (`afterDueWorkdays` after its `lastMonth`'s due date) has passed, unless
 * sending is not allowed now, it is more than `maxLateHours` late, or its month is outside the plan.
 */
async function dueAt<T>(deps: BriefingTickDeps, at: Date, candidates: (current: Period) => T[], lastMonth: (c: T) => Period) {
  const { db, planId, timeZone } = deps;
  const { config } = await loadSchedule(db, planId);
  const calendar = createWorkingCalendar({ overrides: await calendarOverrides(db) });
  if (!isSendingAllowed(at, config, calendar, timeZone)) return null;
  const { date } = wallClock(at, timeZone);
  const current: Period = { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
  for (const c of candidates(current)) {
    const instant = afterDueInstant(lastMonth(c), config, calendar, timeZone, deps.afterDueWorkdays ?? 1);
    if (instant.getTime() > at.getTime()) continue;
    if (at.getTime() - instant.getTime() > (deps.maxLateHours ?? 7 * 24) * 3_600_000) return null;
    // Months outside the plan's reporting span are neither chased nor briefed.
    const plan = await db.plan.findUnique({ where: { id: planId }, select: { startPeriod: true, endPeriod: true } });
    const key = periodKey(lastMonth(c));
    if (!plan || key < plan.startPeriod || key > plan.endPeriod) return null;
    return { due: c, instant, config };
  }
  return null;
}

export async function runBriefingTick(deps: BriefingTickDeps, at: Date, empty: EmptyCache = new Map()): Promise<BriefingTickReport> {
  const report: BriefingTickReport = { at: at.toISOString(), quarter: null, postedAt: null, results: [] };
  // The latest quarter whose instant has passed: the last one or the one before.
  const found = await dueAt(
    deps,
    at,
    (current) => [addQuarters(quarterOf(current), -1), addQuarters(quarterOf(current), -2)],
    (q: Quarter) => asOfMonth(quarterWindow(q)),
  );
  if (!found) return report;
  const { due: quarter, instant, config } = found;
  const label = formatQuarter(quarter);
  report.quarter = label;
  report.postedAt = instant.toISOString();

  const windows: ScoringWindow[] = [quarterWindow(quarter)];
  if (quarter.quarter === 4 && deps.annual !== false) windows.push(yearWindow(quarter.year));
  for (const window of windows) {
    for (const kind of deps.kinds ?? (["department", "county"] as const)) {
      report.results.push(await briefWindow(deps, config, window, kind, at, empty));
    }
  }
  return report;
}

/** One window and kind of the briefing tick: post it unless it is done, stuck or empty. */
async function briefWindow(
  deps: BriefingTickDeps,
  config: ScheduleConfig,
  window: ScoringWindow,
  kind: RankingKind,
  at: Date,
  empty: EmptyCache,
): Promise<BriefingTickReport["results"][number]> {
  const { db, planId, timeZone } = deps;
  const label = window.label;
  const skip = (reason: string) => ({ window: label, kind, outcome: "skipped" as const, reason });
  const keys = briefingKeys(planId, window, kind, config.taskforce).filter((k) => deps.posters[k.platform as "slack" | "dingtalk"]);
  if (!keys.length) return skip("no task-force group on a configured platform");
  const snap = await db.rankingSnapshot.findUnique({ where: { planId_period_kind: { planId, period: label, kind } }, select: { publishedAt: true } });
  if (snap?.publishedAt) return skip("already published");
  const rows = await db.delivery.findMany({ where: { key: { in: keys.map(deliveryKey) } }, select: { status: true } });
  // Every group has a row: posted (then only the publication is left: postBriefing does it),
  // or failed / uncertain / in flight, which an admin settles (`duban ranking post --retry`).
  if (rows.length === keys.length && rows.some((r) => r.status !== "sent")) return skip(`ledger: ${rows.map((r) => r.status).join(", ")}`);
  const cacheKey = `${label}:${kind}`;
  const checked = empty.get(cacheKey);
  if (checked !== undefined && at.getTime() - checked < EMPTY_RECHECK_MS) return skip("no ranked unit");
  if (rows.length === 0) {
    const ranking = await computeQuarter(db, planId, window, kind, { tz: timeZone });
    if (ranking.ranked.length === 0) {
      empty.set(cacheKey, at.getTime());
      return skip("no ranked unit");
    }
  }
  const result = await postBriefing(deps, window, kind, { tz: timeZone, ...(deps.lang ? { lang: deps.lang } : {}), ...(deps.fontFiles ? { fontFiles: deps.fontFiles } : {}) });
  return { window: label, kind, outcome: "posted", result };
}

export interface DigestTickReport {
  at: string;
  /** The month whose digest is due at `at`, if any: "2026-10". */
  period: string | null;
  postedAt: string | null;
  outcome: "posted" | "skipped" | null;
  reason?: string;
  result?: PostDigestResult;
}

/**
 * The monthly digest tick: the latest month whose digest instant has passed (looking back three
 * months: a due date rolled past a long holiday can land two months after the period), posted
 * once through the ledger (postDigest). Cheap when there is nothing to do: the instant is
 * arithmetic, then the ledger rows are read; the digest is computed only when a group lacks it. A
 * month where nobody owed anything is not looked at again for an hour.
 */
export async function runDigestTick(deps: BriefingTickDeps, at: Date, empty: EmptyCache = new Map()): Promise<DigestTickReport> {
  const { db, planId, timeZone } = deps;
  const report: DigestTickReport = { at: at.toISOString(), period: null, postedAt: null, outcome: null };
  const found = await dueAt(
    deps,
    at,
    (current) => [addMonths(current, -1), addMonths(current, -2), addMonths(current, -3)],
    (p: Period) => p,
  );
  if (!found) return report;
  const { due: period, instant, config } = found;
  const label = formatPeriod(period);
  report.period = label;
  report.postedAt = instant.toISOString();
  const skip = (reason: string): DigestTickReport => ({ ...report, outcome: "skipped", reason });

  const keys = digestKeys(planId, period, config.taskforce).filter((k) => deps.posters[k.platform as "slack" | "dingtalk"]);
  if (!keys.length) return skip("no task-force group on a configured platform");
  const rows = await db.delivery.findMany({ where: { key: { in: keys.map(deliveryKey) } }, select: { key: true, status: true } });
  // Every group has a row: sent, or failed / uncertain / in flight, which an admin settles
  // (`duban digest post --retry`); the tick never reposts on its own.
  if (rows.length === keys.length) {
    const status = new Map(rows.map((r) => [r.key, r.status]));
    return skip(`ledger: ${keys.map((k) => `${k.platform} ${status.get(deliveryKey(k))}`).join(", ")}`);
  }
  const cacheKey = `digest:${label}`;
  const checked = empty.get(cacheKey);
  if (checked !== undefined && at.getTime() - checked < EMPTY_RECHECK_MS) return skip("nothing owed");
  const result = await postDigest(deps, period, { tz: timeZone, ...(deps.lang ? { lang: deps.lang } : {}) });
  if (result.status === "nothing_owed") {
    empty.set(cacheKey, at.getTime());
    return { ...skip("nothing owed"), result };
  }
  return { ...report, outcome: "posted", result };
}

/**
 * Every minute, for every plan in progress, in the plan's own time zone, like the reminder tick
 * (noOverlap: a post that takes longer than a minute is not started twice by this replica; the
 * ledger covers the others). The digest goes first: in a quarter's last month both fall due at
 * the same instant, and the group reads the month's reporting before the quarter's ranking.
 */
export function startBriefingScheduler(deps: Omit<BriefingTickDeps, "planId" | "timeZone"> & { log: Logger; now?: () => Date; digests?: boolean }) {
  const now = deps.now ?? (() => new Date());
  const empties = new Map<number, EmptyCache>();
  const task = cron.schedule(
    "* * * * *",
    async () => {
      const at = now();
      let plans: PlanRef[];
      try {
        plans = await loadPlanRefs(deps.db);
      } catch (e) {
        deps.log.error({ err: e }, "briefing tick failed");
        return;
      }
      for (const plan of plans) {
        // A plan whose span ended more than three months ago has nothing left to post.
        if (!postsPossible(plan, at)) continue;
        const planDeps: BriefingTickDeps = { ...deps, planId: plan.id, timeZone: plan.timeZone };
        let empty = empties.get(plan.id);
        if (!empty) empties.set(plan.id, (empty = new Map()));
        if (deps.digests !== false) {
          try {
            const d = await runDigestTick(planDeps, at, empty);
            if (d.outcome === "posted") deps.log.info({ plan: plan.code, period: d.period, status: d.result?.status, targets: d.result?.targets.map((t) => `${t.platform}:${t.status}`) }, "monthly digest");
          } catch (e) {
            deps.log.error({ err: e, plan: plan.code }, "digest tick failed");
          }
        }
        try {
          const r = await runBriefingTick(planDeps, at, empty);
          for (const x of r.results) {
            if (x.outcome === "posted") {
              deps.log.info({ plan: plan.code, window: x.window, kind: x.kind, status: x.result?.status, targets: x.result?.targets.map((t) => `${t.platform}:${t.status}`) }, /^\d{4}$/u.test(x.window) ? "annual assessment" : "quarterly briefing");
            }
          }
        } catch (e) {
          deps.log.error({ err: e, plan: plan.code }, "briefing tick failed");
        }
      }
    },
    { noOverlap: true, name: "duban-briefings" },
  );
  return {
    stop: async () => {
      await task.stop();
    },
  };
}

/** Could a post of the plan fall due now: its span started, and ended at most four months ago (a quarter's briefing, a year's assessment). */
export function postsPossible(plan: Pick<PlanRef, "span" | "timeZone">, at: Date): boolean {
  const { date } = wallClock(at, plan.timeZone);
  const current: Period = { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
  return periodKey(plan.span.start) <= periodKey(current) && periodKey(addMonths(plan.span.end, 4)) >= periodKey(current);
}
