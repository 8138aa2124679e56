import { wallClock } from "../domain/calendar/zoned-time.js";

/**
 * An instant as ISO 8601 with the zone's offset (2026-12-04T22:10:00+08:00): what --json prints,
 * so a machine reads the exact instant and a person reading the JSON sees the plan's wall clock.
 */
export function isoInZone(at: Date, timeZone: string): string {
  const { date, minutes } = wallClock(at, timeZone);
  const local = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const offset = Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  const ss = String(at.getUTCSeconds()).padStart(2, "0");
  return `${date}T${hh}:${mm}:${ss}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
