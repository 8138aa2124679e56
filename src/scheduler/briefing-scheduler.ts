import cron from "node-cron";
import { createWorkingCalendar, type WorkingCalendar } from "../domain/calendar/working-calendar.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import { addQuarters, asOfMonth, formatQuarter, quarterOf, quarterWindow, type Quarter } from "../domain/ranking/periods.js";
import type { RankingKind } from "../domain/ranking/score.js";
import { periodKey } from "../domain/report/types.js";
import { atLocalTime, dueDate, isSendingAllowed, nextAllowedMoment } from "../domain/schedule/reminder-ladder.js";
import type { ScheduleConfig } from "../domain/schedule/schedule-config.js";
import type { Lang } from "../i18n/lang.js";
import type { Logger } from "../logging/logger.js";
import { deliveryKey } from "../persistence/delivery-repository.js";
import { calendarOverrides, loadSchedule } from "../persistence/schedule-repository.js";
import { briefingKeys, postBriefing, type PostBriefingDeps, type PostBriefingResult } from "../services/post-briefing.js";
import { computeQuarter } from "../services/rankings.js";

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
}

export interface BriefingTickReport {
  at: string;
  /** The quarter whose briefing is due at `at`, if any. */
  quarter: string | null;
  postedAt: string | null;
  results: Array<{ kind: RankingKind; outcome: "posted" | "skipped"; reason?: string; result?: PostBriefingResult }>;
}

/** When the briefing of `q` goes out. */
export function briefingInstant(q: Quarter, config: ScheduleConfig, calendar: WorkingCalendar, timeZone: string, afterDueWorkdays = 1): Date {
  const due = dueDate(asOfMonth(quarterWindow(q)), config, calendar);
  const day = calendar.addWorkdays(due, afterDueWorkdays);
  return nextAllowedMoment(atLocalTime(day, config.sendAt, timeZone), config, calendar, timeZone);
}

/** Per scheduler: kinds found without data, by "2026Q3:county", with when they were checked. */
export type EmptyCache = Map<string, number>;
const EMPTY_RECHECK_MS = 3_600_000;

export async function runBriefingTick(deps: BriefingTickDeps, at: Date, empty: EmptyCache = new Map()): Promise<BriefingTickReport> {
  const { db, planId, timeZone } = deps;
  const report: BriefingTickReport = { at: at.toISOString(), quarter: null, postedAt: null, results: [] };
  const { config } = await loadSchedule(db, planId);
  const calendar = createWorkingCalendar({ overrides: await calendarOverrides(db) });
  if (!isSendingAllowed(at, config, calendar, timeZone)) return report;

  // The latest quarter whose instant has passed: the last one or the one before.
  const { date } = wallClock(at, timeZone);
  const current = quarterOf({ year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) });
  const afterDue = deps.afterDueWorkdays ?? 1;
  let quarter: Quarter | null = null;
  let instant: Date | null = null;
  for (const q of [addQuarters(current, -1), addQuarters(current, -2)]) {
    const t = briefingInstant(q, config, calendar, timeZone, afterDue);
    if (t.getTime() <= at.getTime()) {
      quarter = q;
      instant = t;
      break;
    }
  }
  if (!quarter || !instant) return report;
  if (at.getTime() - instant.getTime() > (deps.maxLateHours ?? 7 * 24) * 3_600_000) return report;
  const plan = await db.plan.findUnique({ where: { id: planId }, select: { startYear: true, endYear: true } });
  const lastMonth = periodKey(asOfMonth(quarterWindow(quarter)));
  if (!plan || lastMonth < plan.startYear * 100 + 1 || lastMonth > plan.endYear * 100 + 12) return report;
  const label = formatQuarter(quarter);
  report.quarter = label;
  report.postedAt = instant.toISOString();

  for (const kind of deps.kinds ?? (["department", "county"] as const)) {
    const skip = (reason: string) => report.results.push({ kind, outcome: "skipped", reason });
    const keys = briefingKeys(planId, quarter, kind, config.taskforce).filter((k) => deps.posters[k.platform as "slack" | "dingtalk"]);
    if (!keys.length) {
      skip("no task-force group on a configured platform");
      continue;
    }
    const snap = await db.rankingSnapshot.findUnique({ where: { planId_period_kind: { planId, period: label, kind } }, select: { publishedAt: true } });
    if (snap?.publishedAt) {
      skip("already published");
      continue;
    }
    const rows = await db.delivery.findMany({ where: { key: { in: keys.map(deliveryKey) } }, select: { status: true } });
    // Every group has a row: posted (then only the publication is left: postBriefing does it),
    // or failed / uncertain / in flight, which an admin settles (`duban ranking post --retry`).
    if (rows.length === keys.length && rows.some((r) => r.status !== "sent")) {
      skip(`ledger: ${rows.map((r) => r.status).join(", ")}`);
      continue;
    }
    const cacheKey = `${label}:${kind}`;
    const checked = empty.get(cacheKey);
    if (checked !== undefined && at.getTime() - checked < EMPTY_RECHECK_MS) {
      skip("no ranked unit");
      continue;
    }
    if (rows.length === 0) {
      const ranking = await computeQuarter(db, planId, quarter, kind, { tz: timeZone });
      if (ranking.ranked.length === 0) {
        empty.set(cacheKey, at.getTime());
        skip("no ranked unit");
        continue;
      }
    }
    const result = await postBriefing(deps, quarter, kind, { tz: timeZone, ...(deps.lang ? { lang: deps.lang } : {}), ...(deps.fontFiles ? { fontFiles: deps.fontFiles } : {}) });
    report.results.push({ kind, outcome: "posted", result });
  }
  return report;
}

/**
 * Every minute in the plan's time zone, like the reminder tick (noOverlap: a post that takes
 * longer than a minute is not started twice by this replica; the ledger covers the others).
 */
export function startBriefingScheduler(deps: BriefingTickDeps & { log: Logger; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const empty: EmptyCache = new Map();
  const task = cron.schedule(
    "* * * * *",
    async () => {
      try {
        const r = await runBriefingTick(deps, now(), empty);
        for (const x of r.results) {
          if (x.outcome === "posted") deps.log.info({ quarter: r.quarter, kind: x.kind, status: x.result?.status, targets: x.result?.targets.map((t) => `${t.platform}:${t.status}`) }, "quarterly briefing");
        }
      } catch (e) {
        deps.log.error({ err: e }, "briefing tick failed");
      }
    },
    { timezone: deps.timeZone, noOverlap: true, name: `duban-briefings-${deps.planId}` },
  );
  return {
    stop: async () => {
      await task.stop();
    },
  };
}
