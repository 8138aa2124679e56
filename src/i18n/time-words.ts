import { civilParts, type CivilDate } from "../domain/calendar/civil-date.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import type { Period } from "../domain/report/types.js";
import type { Lang } from "./lang.js";

/**
 * Dates and times as people read them: always with the year, always on the
 * wall clock of the plan's time zone (never UTC, never an ISO string):
 * 2026年12月4日, 2026年12月4日 22:10; Dec 4, 2026 22:10 in English.
 * `--json` keeps ISO instants with their offset; these are for words.
 */

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** 2026-12-04 → 2026年12月4日 / Dec 4, 2026. */
export function dateWords(date: CivilDate, lang: Lang): string {
  const { year, month, day } = civilParts(date);
  return lang === "zh" ? `${year}年${month}月${day}日` : `${EN_MONTHS[month - 1]} ${day}, ${year}`;
}

/** An instant on the zone's wall clock: 2026年12月4日 22:10 / Dec 4, 2026 22:10. */
export function dateTimeWords(at: Date, timeZone: string, lang: Lang): string {
  const { date, minutes } = wallClock(at, timeZone);
  const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  return `${dateWords(date, lang)} ${hhmm}`;
}

/** The day of an instant on the zone's wall clock: 2026年12月4日. */
export function dayWords(at: Date, timeZone: string, lang: Lang): string {
  return dateWords(wallClock(at, timeZone).date, lang);
}

/** 2021年1月—2023年12月 / Jan 2021 – Dec 2023. */
export function spanWords(span: { start: Period; end: Period }, lang: Lang): string {
  const m = (p: Period) => (lang === "zh" ? `${p.year}年${p.month}月` : `${EN_MONTHS[p.month - 1]} ${p.year}`);
  return lang === "zh" ? `${m(span.start)}—${m(span.end)}` : `${m(span.start)} – ${m(span.end)}`;
}
