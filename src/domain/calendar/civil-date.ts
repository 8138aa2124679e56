/**
 * Civil dates ("2026-10-08") and times of day ("09:00") as plain values.
 *
 * A deadline is a date on the wall calendar of the city, not an instant, so the
 * calendar works on strings and never on `Date` objects: all arithmetic goes
 * through Date.UTC / getUTC*, which makes it independent of the process's own
 * time zone (TZ=UTC and TZ=Asia/Shanghai give the same answers).
 */

/** "YYYY-MM-DD", always zero-padded. */
export type CivilDate = string;

export interface CivilParts {
  year: number;
  month: number;
  day: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const DAY_MS = 86_400_000;

/** The parts of a valid date string, or null ("2026-02-30" is not valid). */
export function parseCivilDate(s: string): CivilParts | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isCivilDate(s: string): boolean {
  return parseCivilDate(s) !== null;
}

/** Parses or throws: a malformed date reaching the calendar is a programming error. */
export function civilParts(s: CivilDate): CivilParts {
  const p = parseCivilDate(s);
  if (!p) throw new RangeError(`not a civil date (YYYY-MM-DD): ${JSON.stringify(s)}`);
  return p;
}

export function formatCivilDate(year: number, month: number, day: number): CivilDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toUtcMs(s: CivilDate): number {
  const { year, month, day } = civilParts(s);
  return Date.UTC(year, month - 1, day);
}

function fromUtcMs(ms: number): CivilDate {
  const d = new Date(ms);
  return formatCivilDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** `date` plus `n` calendar days (n may be negative). */
export function addDays(date: CivilDate, n: number): CivilDate {
  return fromUtcMs(toUtcMs(date) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: CivilDate): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

// ---------------------------------------------------------------------------
// Times of day

/** "HH:MM", 24-hour clock, 00:00–23:59. */
export type TimeOfDay = string;

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/u;

/** Minutes after midnight, or null when not "HH:MM". */
export function parseTimeOfDay(s: string): number | null {
  const m = TIME_RE.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function formatTimeOfDay(minutes: number): TimeOfDay {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
