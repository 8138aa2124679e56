/**
 * The reminder ladder of a reporting period, as civil dates and instants. Pure:
 * the clock, the calendar and the time zone are arguments; the delivery ledger
 * (exactly once) and the fan-out live elsewhere.
 *
 * The window of period P (the month reported on) is the following month.
 *
 * Steps, for period P, window month W = P + 1:
 * - opening (to units, all of them): on W-opensOnDay, rolled forward to a
 *   working day; unless that is on or after the due date, then on the last
 *   working day before the due date (see "A window that opens on its due
 *   date" below).
 * - before_due (to units still missing): K working days before the due date.
 * - due_day (to units still missing): on the due date.
 * - escalation_1, escalation_2 … (to the task-force group, naming the units
 *   still missing): the first on the working day after the due date, then
 *   every N working days, at most 1 + maxRepeats of them, and only on dates
 *   before the opening of the next period's window. Escalations of two periods
 *   never run side by side; a unit still missing then counts as late in the
 *   briefings (conduct), and that is where it shows.
 * - No before_due falls on or before the opening notice (the notice carries
 *   the due date). No due_day or escalation falls before the day the window
 *   opens, and no escalation on it: with `rollForward` off, a due date in a
 *   holiday gets neither; the notice before the holiday named it.
 *
 * A window that opens on its due date: when non-working days push the opening
 * onto the due date or past it, units would learn of the deadline on the
 * deadline. September 2026: the window opens 10-01 and the report is due
 * 10-05, 遇节假日顺延; National Day (10-01 … 10-07) rolls both to 10-08. So
 * the opening notice goes out on the last working day before the due date
 * (09-30), before the holiday, and names the due date; the due_day reminder
 * still goes out on 10-08; before_due, which would fall on 09-30 too, is
 * dropped. Why that day: it is the latest day that still leaves units notice
 * (they may file early: the current month may be reported), and every day
 * from it to the due date is a non-working day, so it is exactly "before the
 * holiday"; with opensOnDay 1 it is the last working day before the window
 * month. The same holds when the schedule itself puts the due date on the
 * opening day (due on the 1st working day): the notice comes a working day
 * ahead. The window's own opening date does not move: the previous period's
 * escalations run until it, and this period's start only after it.
 *
 * Due date: a fixed day of W, moved to the next working day when
 * `rollForward` (遇节假日顺延); or the Nth working day of W (a working day by
 * construction, 调休 make-up days count, holidays do not).
 *
 * Time: each step is due at `sendAt` on its date in `timeZone` (default
 * Asia/Shanghai), computed through Intl so the process's own TZ plays no part;
 * then moved to the next allowed moment: out of quiet hours (to their end) and,
 * with `skipNonWorkdays`, off non-working days (to the first allowed minute of
 * the next working day).
 *
 * Catch-up after downtime (`dueSteps`), the rule stated in the README:
 * 1. Nothing is sent while sending is not allowed (quiet hours, non-working
 *    day); pending steps wait for the next allowed tick, and `handledThrough`
 *    does not advance.
 * 2. Pending = steps due at or before `now` and after `lastRunAt` (the
 *    `handledThrough` of the previous run; without it, everything of the
 *    current period and the last three — pass `now` on a first start to catch
 *    up nothing).
 * 3. Per period and audience, only the latest pending step is sent; earlier
 *    pending ones are superseded (a unit gets one message, not a burst; the task
 *    force gets one escalation with the current list of missing units).
 * 4. A unit step (opening, before_due, due_day) is sent only if it is at most
 *    `catchUp.maxLateHours` late, counting sending time only (quiet hours and
 *    skipped non-working days do not count: a step missed on Friday evening
 *    is still sent on Monday morning). Otherwise it is skipped as stale.
 * 5. The latest escalation of a period is sent however late, as long as the
 *    period's escalation phase has not ended (the next window has not opened):
 *    it states who is missing now, which is never stale. After the phase, rule
 *    4 applies to it too.
 * The output is deterministic, so replicas agree; the ledger makes it once.
 */
import { type CivilDate, addDays, formatCivilDate, parseTimeOfDay } from "../calendar/civil-date.js";
import type { WorkingCalendar } from "../calendar/working-calendar.js";
import { wallClock, zonedInstant } from "../calendar/zoned-time.js";
import { currentPeriod } from "../report/parse-period.js";
import { type Period, addMonths, periodKey } from "../report/types.js";
import type { ScheduleConfig } from "./schedule-config.js";

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

export type StepName = "opening" | "before_due" | "due_day" | `escalation_${number}`;
export type Audience = "unit" | "taskforce";

export interface Step {
  period: Period;
  step: StepName;
  /** The civil date the step belongs to (before quiet hours move it). */
  date: CivilDate;
  /** When to send: the instant, after quiet hours and non-working days. */
  at: Date;
  audience: Audience;
  /** Only to units that have not reported (for the task force: only if someone is missing). */
  onlyIfMissing: boolean;
  /** The calendar has no official data for this year yet: the date may still move. */
  provisional: boolean;
}

type CalendarPart = Pick<ScheduleConfig, "window" | "ladder">;

// ---------------------------------------------------------------------------
// Dates

/** The month whose early days are the reporting window of `period`. */
export function windowMonth(period: Period): Period {
  return addMonths(period, 1);
}

/** The window opens on opensOnDay of the window month, on a working day. */
export function openingDate(period: Period, config: Pick<ScheduleConfig, "window">, calendar: WorkingCalendar): CivilDate {
  const w = windowMonth(period);
  return calendar.rollForward(formatCivilDate(w.year, w.month, config.window.opensOnDay));
}

/**
 * The day the opening notice goes out: the window's opening, or, when that is
 * on or after the due date, the last working day before the due date (the
 * reasons are at the top of this file).
 */
export function openingNoticeDate(period: Period, config: Pick<ScheduleConfig, "window">, calendar: WorkingCalendar): CivilDate {
  const opening = openingDate(period, config, calendar);
  const due = dueDate(period, config, calendar);
  return opening < due ? opening : calendar.addWorkdays(due, -1);
}

/** The date the report of `period` is due (遇节假日顺延 when configured). */
export function dueDate(period: Period, config: Pick<ScheduleConfig, "window">, calendar: WorkingCalendar): CivilDate {
  const w = windowMonth(period);
  const due = config.window.due;
  if (due.kind === "nth_workday") return calendar.nthWorkdayOfMonth(w.year, w.month, due.n);
  const d = formatCivilDate(w.year, w.month, due.day);
  return config.window.rollForward ? calendar.rollForward(d) : d;
}

/** Escalations of `period` happen strictly before this date: the next window's opening. */
export function escalationEndDate(period: Period, config: Pick<ScheduleConfig, "window">, calendar: WorkingCalendar): CivilDate {
  return openingDate(addMonths(period, 1), config, calendar);
}

interface DatedStep {
  step: StepName;
  date: CivilDate;
  audience: Audience;
  onlyIfMissing: boolean;
}

/** The ladder's civil dates, in order, before any clock time is attached. */
export function ladderDates(period: Period, config: CalendarPart, calendar: WorkingCalendar): DatedStep[] {
  const { ladder } = config;
  const opening = openingDate(period, config, calendar);
  const notice = openingNoticeDate(period, config, calendar);
  const due = dueDate(period, config, calendar);
  const out: DatedStep[] = [];
  if (ladder.opening) out.push({ step: "opening", date: notice, audience: "unit", onlyIfMissing: false });
  if (ladder.beforeDueWorkdays > 0) {
    const d = calendar.addWorkdays(due, -ladder.beforeDueWorkdays);
    if (d > notice) out.push({ step: "before_due", date: d, audience: "unit", onlyIfMissing: true });
  }
  // On the due date, even when it is the day the window opens (the notice went out before the holiday);
  // not when the window opens only after it (a due date left on a holiday without 顺延).
  if (ladder.dueDay && due >= opening) out.push({ step: "due_day", date: due, audience: "unit", onlyIfMissing: true });
  if (ladder.escalateAfterDue) {
    const end = escalationEndDate(period, config, calendar);
    const max = ladder.maxRepeats === undefined ? Number.POSITIVE_INFINITY : 1 + ladder.maxRepeats;
    let count = 0;
    for (let d = calendar.nextWorkday(due); d < end && count < max; d = calendar.addWorkdays(d, ladder.repeatEveryWorkdays)) {
      if (d <= opening) continue; // only with rollForward off and a due date before a late opening
      count++;
      out.push({ step: `escalation_${count}`, date: d, audience: "taskforce", onlyIfMissing: true });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Clock time

type SendingPart = Pick<ScheduleConfig, "quietHours">;

function minutesOf(time: string): number {
  const m = parseTimeOfDay(time);
  if (m === null) throw new RangeError(`not a time of day (HH:MM): ${JSON.stringify(time)}`);
  return m;
}

/** Is minute-of-day `m` inside the quiet hours? start === end means no quiet hours. */
export function isQuietMinute(m: number, quiet: ScheduleConfig["quietHours"]): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** [from, to) minute ranges of a sending day outside the quiet hours. */
function allowedRanges(quiet: ScheduleConfig["quietHours"]): Array<[number, number]> {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return [[0, 1440]];
  if (start > end) return [[end, start]];
  const out: Array<[number, number]> = [];
  if (start > 0) out.push([0, start]);
  if (end < 1440) out.push([end, 1440]);
  return out;
}

/** May a message go out at `instant`? */
export function isSendingAllowed(instant: Date, config: SendingPart, calendar: WorkingCalendar, timeZone: string): boolean {
  const { date, minutes } = wallClock(instant, timeZone);
  if (config.quietHours.skipNonWorkdays && !calendar.isWorkday(date)) return false;
  return !isQuietMinute(minutes, config.quietHours);
}

/** The first allowed moment at or after `instant`. */
export function nextAllowedMoment(instant: Date, config: SendingPart, calendar: WorkingCalendar, timeZone: string): Date {
  const quiet = config.quietHours;
  const firstMinute = allowedRanges(quiet)[0]?.[0] ?? 0;
  let t = instant;
  // Each pass moves to a later day or to the end of a quiet stretch; a few suffice.
  for (let i = 0; i < 100; i++) {
    const { date, minutes } = wallClock(t, timeZone);
    if (quiet.skipNonWorkdays && !calendar.isWorkday(date)) {
      t = zonedInstant(calendar.nextWorkday(date), firstMinute, timeZone);
    } else if (isQuietMinute(minutes, quiet)) {
      const end = minutesOf(quiet.end);
      // In the evening part of a stretch that wraps midnight, the end is tomorrow.
      t = zonedInstant(minutes >= end ? addDays(date, 1) : date, end, timeZone);
    } else {
      return t;
    }
  }
  throw new RangeError(`no allowed sending moment found after ${instant.toISOString()}`);
}

/** The instant `date` at `time` (HH:MM) on the wall clock of `timeZone`. */
export function atLocalTime(date: CivilDate, time: string, timeZone: string): Date {
  return zonedInstant(date, minutesOf(time), timeZone);
}

/** The period's steps with their instants, in time order. */
export function ladderFor(period: Period, config: ScheduleConfig, calendar: WorkingCalendar, timeZone: string = DEFAULT_TIME_ZONE): Step[] {
  return ladderDates(period, config, calendar)
    .map((s) => ({
      period: { ...period },
      ...s,
      at: nextAllowedMoment(atLocalTime(s.date, config.sendAt, timeZone), config, calendar, timeZone),
      provisional: !calendar.covers(Number(s.date.slice(0, 4))),
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * The next `count` steps at or after `from`, across periods (`schedule show`).
 * Ladders of successive periods do not overlap: escalations stop when the next
 * window opens, and an opening notice sent ahead of a holiday is no earlier
 * than the previous period's last escalation (no working day lies between
 * them). So walking periods in order and stopping one period after enough
 * are found is exact.
 */
export function nextFirings(
  config: ScheduleConfig,
  calendar: WorkingCalendar,
  timeZone: string,
  from: Date,
  count = 10,
): Step[] {
  const out: Step[] = [];
  let p = addMonths(currentPeriod(from, timeZone), -2);
  for (let i = 0; i < 120 && out.length < count; i++, p = addMonths(p, 1)) {
    out.push(...ladderFor(p, config, calendar, timeZone).filter((s) => s.at.getTime() >= from.getTime()));
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, count);
}

// ---------------------------------------------------------------------------
// Catch-up

const HOUR_MS = 3_600_000;

/** Sending time (outside quiet hours, on sending days) between two instants, capped at `cap` ms. */
export function sendingTimeBetween(
  from: Date,
  to: Date,
  config: SendingPart,
  calendar: WorkingCalendar,
  timeZone: string,
  cap = Number.POSITIVE_INFINITY,
): number {
  if (to.getTime() <= from.getTime()) return 0;
  const ranges = allowedRanges(config.quietHours);
  const last = wallClock(to, timeZone).date;
  let total = 0;
  for (let d = wallClock(from, timeZone).date; d <= last && total <= cap; d = addDays(d, 1)) {
    if (config.quietHours.skipNonWorkdays && !calendar.isWorkday(d)) continue;
    for (const [a, b] of ranges) {
      const lo = Math.max(zonedInstant(d, a, timeZone).getTime(), from.getTime());
      const hi = Math.min(zonedInstant(d, b, timeZone).getTime(), to.getTime());
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

export type SkipReason = "stale" | "superseded";

export interface DueStepsDecision {
  /** Send these now (the ledger still claims each delivery before sending). */
  send: Step[];
  /** Pending steps that will never be sent, with why: for the log and `remind status`. */
  skipped: Array<{ step: Step; reason: SkipReason }>;
  /** False in quiet hours or on a skipped non-working day: nothing is decided now. */
  sendingAllowed: boolean;
  /** Store it and pass it as the next run's `lastRunAt`. */
  handledThrough: Date | undefined;
}

/** Which steps to send at `now`, after a normal tick or after downtime (rules at the top of this file). */
export function dueSteps(
  now: Date,
  config: ScheduleConfig,
  calendar: WorkingCalendar,
  timeZone: string = DEFAULT_TIME_ZONE,
  lastRunAt?: Date,
): DueStepsDecision {
  if (!isSendingAllowed(now, config, calendar, timeZone)) {
    return { send: [], skipped: [], sendingAllowed: false, handledThrough: lastRunAt };
  }
  // A period's steps run from its opening notice to the next window's opening.
  // The notice is in the window month or, when holidays fill the days up to the
  // due date, as early as the last working day of the period's own month: at
  // `now` in month M, only periods M-3 … M can have steps due.
  const current = currentPeriod(now, timeZone);
  const groups = new Map<string, Step[]>();
  for (let back = 3; back >= 0; back--) {
    const period = addMonths(current, -back);
    for (const s of ladderFor(period, config, calendar, timeZone)) {
      const t = s.at.getTime();
      if (t > now.getTime() || (lastRunAt && t <= lastRunAt.getTime())) continue;
      const key = `${periodKey(period)}/${s.audience}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
  }

  const maxLate = config.catchUp.maxLateHours * HOUR_MS;
  const send: Step[] = [];
  const skipped: DueStepsDecision["skipped"] = [];
  for (const steps of groups.values()) {
    const latest = steps[steps.length - 1] as Step; // ladderFor sorts by time
    const phaseOpen =
      latest.audience === "taskforce" &&
      now.getTime() < zonedInstant(escalationEndDate(latest.period, config, calendar), 0, timeZone).getTime();
    const fresh = phaseOpen || sendingTimeBetween(latest.at, now, config, calendar, timeZone, maxLate) <= maxLate;
    if (fresh) send.push(latest);
    else skipped.push({ step: latest, reason: "stale" });
    for (const s of steps.slice(0, -1)) skipped.push({ step: s, reason: fresh ? "superseded" : "stale" });
  }
  const byTime = (a: Step, b: Step): number => a.at.getTime() - b.at.getTime();
  skipped.sort((a, b) => byTime(a.step, b.step));
  return { send: send.sort(byTime), skipped, sendingAllowed: true, handledThrough: now };
}
