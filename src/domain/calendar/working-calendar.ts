/**
 * China's working-day calendar: weekends, official holidays and 调休 (weekday
 * holidays and make-up working Saturdays/Sundays), plus days entered by admins.
 *
 * Sources, in order of precedence:
 *   1. admin overrides (a year the State Council published after our library
 *      release, a local closure, a correction);
 *   2. the `chinese-days` data (State Council notices, 2004 to the last year
 *      the installed release knows: 2026 for 1.5.7);
 *   3. the weekend rule (Mon–Fri work, Sat/Sun rest).
 *
 * Why the JSON and not the library's functions: chinese-days never says "I do
 * not know this year" — for an unknown year `isWorkday` silently applies the
 * weekend rule — and its date parsing depends on the process's time zone (with
 * TZ=America/New_York, `getDayDetail("2026-10-10")` reports 2026-10-09). Reading
 * its published data file (documented in its README) gives exact answers on
 * civil-date strings in any process zone, and tells which years it covers.
 *
 * A year counts as covered when the library has holiday data for it or admins
 * entered at least one day for it (they enter a whole year at a time, from the
 * State Council notice each November). Uncovered years still get answers from
 * the weekend rule, but `missingYears` lets the bot warn admins ahead of time.
 */
import { z } from "zod";
import libraryData from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { type CivilDate, addDays, civilParts, dayOfWeek, daysInMonth, formatCivilDate, isCivilDate } from "./civil-date.js";

export interface CalendarOverride {
  date: CivilDate;
  workday: boolean;
  /** What the day is (国庆节, 台风停工 …), for `schedule show` and the audit log. */
  name?: string;
}

export const calendarOverrideSchema = z.object({
  date: z.string().refine(isCivilDate, { message: "date must be a real calendar date written YYYY-MM-DD" }),
  workday: z.boolean(),
  name: z.string().trim().min(1).max(50).optional(),
});

/** Holiday/workday data in the shape of chinese-days' JSON: date → "English,中文,days". */
export interface CalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

export type DaySource = "override" | "official" | "weekend_rule";

export interface DayInfo {
  date: CivilDate;
  workday: boolean;
  source: DaySource;
  /** Chinese name of the holiday or make-up day (国庆节), the admin's name, or absent for plain days. */
  name?: string;
}

export interface WorkingCalendar {
  isWorkday(date: CivilDate): boolean;
  dayInfo(date: CivilDate): DayInfo;
  /** The n-th working day strictly after `date` (n ≥ 1). */
  nextWorkday(date: CivilDate, n?: number): CivilDate;
  /**
   * n > 0: the n-th working day after `date`; n < 0: the |n|-th working day
   * before it; n = 0: `date` itself if a working day, else the next one.
   */
  addWorkdays(date: CivilDate, n: number): CivilDate;
  /** The n-th working day of the month (n ≥ 1). RangeError when the month has fewer. */
  nthWorkdayOfMonth(year: number, month: number, n: number): CivilDate;
  /** 遇节假日顺延: `date` if a working day, else the next working day. */
  rollForward(date: CivilDate): CivilDate;
  /** The library or the admins know this year's holidays. */
  covers(year: number): boolean;
  /** The years in [fromYear, toYear] that nobody has data for, ascending. */
  missingYears(fromYear: number, toYear: number): number[];
}

export interface WorkingCalendarOptions {
  overrides?: readonly CalendarOverride[];
  /** Replaces the bundled chinese-days data (tests, or a newer data file). */
  data?: CalendarData;
}

/** Far more than any real run of non-working days: a loop guard, not a rule. */
const MAX_SCAN_DAYS = 3660;

/** "National Day,国庆节,3" → "国庆节". */
function chineseName(entry: string): string {
  return entry.split(",")[1] ?? entry;
}

function yearsOf(keys: Iterable<string>): Set<number> {
  const years = new Set<number>();
  for (const k of keys) years.add(Number(k.slice(0, 4)));
  return years;
}

const BUNDLED: CalendarData = libraryData;

/** The years the bundled chinese-days release has data for. */
export const LIBRARY_YEARS: readonly number[] = [...yearsOf(Object.keys(BUNDLED.holidays))].sort((a, b) => a - b);

/**
 * Builds a calendar. Overrides are validated (RangeError on a malformed date);
 * when one date appears twice the later entry wins, as the later admin edit would.
 */
export function createWorkingCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  const data = options.data ?? BUNDLED;
  const overrides = new Map<string, CalendarOverride>();
  for (const o of options.overrides ?? []) {
    const parsed = calendarOverrideSchema.safeParse(o);
    if (!parsed.success) throw new RangeError(`bad calendar override ${JSON.stringify(o)}: ${parsed.error.issues[0]?.message}`);
    overrides.set(o.date, o);
  }
  const coveredYears = yearsOf([...Object.keys(data.holidays), ...Object.keys(data.workdays), ...overrides.keys()]);

  function dayInfo(date: CivilDate): DayInfo {
    civilParts(date); // validates
    const o = overrides.get(date);
    if (o) return { date, workday: o.workday, source: "override", ...(o.name ? { name: o.name } : {}) };
    // A make-up working day is listed in `workdays`; a holiday in `holidays`.
    const work = data.workdays[date];
    if (work !== undefined) return { date, workday: true, source: "official", name: chineseName(work) };
    const rest = data.holidays[date];
    if (rest !== undefined) return { date, workday: false, source: "official", name: chineseName(rest) };
    const dow = dayOfWeek(date);
    return { date, workday: dow !== 0 && dow !== 6, source: "weekend_rule" };
  }

  const isWorkday = (date: CivilDate): boolean => dayInfo(date).workday;

  /** The |n|-th working day strictly after (step 1) or before (step -1) `date`. */
  function walk(date: CivilDate, n: number, step: 1 | -1): CivilDate {
    let d = date;
    let left = n;
    for (let i = 0; i < MAX_SCAN_DAYS; i++) {
      d = addDays(d, step);
      if (isWorkday(d) && --left === 0) return d;
    }
    throw new RangeError(`no working day within ${MAX_SCAN_DAYS} days of ${date}`);
  }

  function addWorkdays(date: CivilDate, n: number): CivilDate {
    if (!Number.isInteger(n)) throw new RangeError(`addWorkdays: n must be an integer, got ${n}`);
    if (n === 0) return isWorkday(date) ? date : walk(date, 1, 1);
    return n > 0 ? walk(date, n, 1) : walk(date, -n, -1);
  }

  return {
    isWorkday,
    dayInfo,
    nextWorkday(date, n = 1) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`nextWorkday: n must be a positive integer, got ${n}`);
      return walk(date, n, 1);
    },
    addWorkdays,
    nthWorkdayOfMonth(year, month, n) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`nthWorkdayOfMonth: n must be a positive integer, got ${n}`);
      let seen = 0;
      for (let day = 1; day <= daysInMonth(year, month); day++) {
        const d = formatCivilDate(year, month, day);
        if (isWorkday(d) && ++seen === n) return d;
      }
      throw new RangeError(`${formatCivilDate(year, month, 1).slice(0, 7)} has only ${seen} working days, not ${n}`);
    },
    rollForward: (date) => addWorkdays(date, 0),
    covers: (year) => coveredYears.has(year),
    missingYears(fromYear, toYear) {
      const out: number[] = [];
      for (let y = fromYear; y <= toYear; y++) if (!coveredYears.has(y)) out.push(y);
      return out;
    },
  };
}
