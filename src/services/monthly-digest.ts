import { createWorkingCalendar } from "../domain/calendar/working-calendar.js";
import { monthlyDigest, type MonthlyDigest } from "../domain/ranking/explain.js";
import { monthWindow } from "../domain/ranking/periods.js";
import type { RankingKind } from "../domain/ranking/score.js";
import { formatPeriod, type Period } from "../domain/report/types.js";
import { DEFAULT_TIME_ZONE, dueDate } from "../domain/schedule/reminder-ladder.js";
import type { Lang } from "../i18n/lang.js";
import { digestLines, digestTitle, type DigestView } from "../i18n/ranking-words.js";
import type { Db } from "../persistence/database.js";
import { calendarOverrides, loadSchedule } from "../persistence/schedule-repository.js";
import { computeWindow, dueInstant, scoringWindow } from "./rankings.js";

/**
 * The monthly digest (月度监测, issue 5 §5): after a month's due date, who reported on time, late
 * or not at all, and the headline indicators (攻坚目标) against 序时进度. It is the domain's
 * monthlyDigest over a one-month ranking window of each kind of unit (lead departments, then
 * counties), so "on time", "late" and every headline figure are exactly what the quarterly and
 * annual scoring would say about that month. Nothing is stored: the digest is a message, and
 * what was posted is recorded by the delivery ledger (post-digest.ts).
 */

export interface DigestOptions {
  /** The plan's time zone (due instants, submission days). Default Asia/Shanghai. */
  tz?: string;
  lang?: Lang;
}

export interface PreparedDigest {
  period: Period;
  /** "2026-10". */
  label: string;
  /** The due date the month was held to, and its last instant (reports after it are late). */
  due: string;
  dueAt: string;
  /** Per kind of unit that owed something this month. */
  sections: MonthlyDigest[];
  /** Units that owed a report, over all sections: 0 means there is nothing to tell. */
  owed: number;
  title: string;
  lines: string[];
}

const KINDS: readonly RankingKind[] = ["department", "county"];

/** A month as a Period: "2026-10", "2026年10月", or a Period. RangeError for anything else (a quarter, a year). */
export function digestPeriod(spec: string | Period): Period {
  if (typeof spec !== "string") return { year: spec.year, month: spec.month };
  const w = scoringWindow(spec);
  if (w.scope !== "month") throw new RangeError(`the digest is monthly: "${w.label}" is not a month (write 2026-10)`);
  return w.months[0]!;
}

export async function prepareDigest(db: Db, planId: number, spec: string | Period, opts: DigestOptions = {}): Promise<PreparedDigest> {
  const lang = opts.lang ?? "zh";
  const tz = opts.tz ?? DEFAULT_TIME_ZONE;
  const period = digestPeriod(spec);
  const window = monthWindow(period);
  const sections: MonthlyDigest[] = [];
  for (const kind of KINDS) {
    const { ranking } = await computeWindow(db, planId, window, kind, { tz });
    const d = monthlyDigest(ranking);
    // A kind with no unit owing anything (e.g. counties without target shares) says nothing.
    if (d.onTime.length + d.late.length + d.missing.length > 0) sections.push(d);
  }
  const [{ config: schedule }, overrides] = await Promise.all([loadSchedule(db, planId), calendarOverrides(db)]);
  const calendar = createWorkingCalendar({ overrides });
  const due = dueDate(period, schedule, calendar);
  const view: DigestView = { period, due, timeZone: tz, sections };
  return {
    period,
    label: formatPeriod(period),
    due,
    dueAt: dueInstant(period, schedule, calendar, tz).toISOString(),
    sections,
    owed: sections.reduce((n, d) => n + d.onTime.length + d.late.length + d.missing.length, 0),
    title: digestTitle(period, lang),
    lines: digestLines(view, lang),
  };
}
