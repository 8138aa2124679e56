/**
 * Civil date + time of day in an IANA zone ↔ instant, through Intl only.
 *
 * Local `Date` getters (getHours, getDate …) read the *process's* zone, which is
 * whatever the server happens to run in; the city's deadlines are in
 * Asia/Shanghai. Everything here names its zone explicitly.
 */
import { type CivilDate, civilParts, formatCivilDate } from "./civil-date.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError on an unknown zone: a configuration error to surface, not to hide.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallParts(instant: Date, timeZone: string): Wall {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** What a wall clock in `timeZone` shows at `instant`: the civil date and minutes after midnight. */
export function wallClock(instant: Date, timeZone: string): { date: CivilDate; minutes: number } {
  const w = wallParts(instant, timeZone);
  return { date: formatCivilDate(w.year, w.month, w.day), minutes: w.hour * 60 + w.minute };
}

/** The zone's offset from UTC at `ms`, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const w = wallParts(new Date(whole), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` at `minutes`
 * after midnight (minutes may be 1440 = the next midnight).
 *
 * Two passes settle the offset near a DST change. A wall time that does not
 * exist (inside a spring-forward gap) is pushed forward past the gap; a wall
 * time that exists twice gets its first occurrence. China has no DST, but the
 * zone is configurable.
 */
export function zonedInstant(date: CivilDate, minutes: number, timeZone: string): Date {
  const { year, month, day } = civilParts(date);
  const asUtc = Date.UTC(year, month - 1, day, 0, minutes);
  const t1 = asUtc - offsetAt(asUtc, timeZone);
  const t2 = asUtc - offsetAt(t1, timeZone);
  if (t1 === t2) return new Date(t1);
  const matches = [t1, t2].filter((t) => t + offsetAt(t, timeZone) === asUtc);
  return new Date(matches.length > 0 ? Math.min(...matches) : Math.max(t1, t2));
}
