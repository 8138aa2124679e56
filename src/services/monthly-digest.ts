import { spanPosition, type SpanPosition } from "../domain/obligations/obligations.js";
import { monthlyDigest, type MonthlyDigest } from "../domain/ranking/explain.js";
import { monthWindow, type PlanWindow } from "../domain/ranking/periods.js";
import type { RankingKind } from "../domain/ranking/score.js";
import { formatPeriod, type Period } from "../domain/report/types.js";
import { dueDate } from "../domain/schedule/reminder-ladder.js";
import type { Lang } from "../i18n/lang.js";
import { digestLines, digestTitle, type DigestView } from "../i18n/ranking-words.js";
import type { Db } from "../persistence/database.js";
import { dueInstant, rankingContext, rankWith, scoringWindow } from "./rankings.js";

/**
 * The monthly digest (月度监测): after a month's due date, who reported on time, late or not at
 * all, and the headline indicators (攻坚目标) against 序时进度. Who owed what is the obligations
 * rule (domain/obligations): "应报 N 个单位" counts every unit owing something that month, lead
 * units owing only the narrative (进展情况) included, and a report is complete only with every
 * owed indicator and the narrative. It is the domain's monthlyDigest over a one-month ranking
 * window of each kind of unit (lead departments, then counties), whose units and conduct come
 * from that rule, so "on time", "late" and every headline figure are exactly what 查询, the
 * quarterly and the annual scoring say about that month. A month outside the plan's span says so.
 * Nothing is stored: the digest is a message, and what was posted is recorded by the delivery
 * ledger (post-digest.ts).
 */

export interface DigestOptions {
  /** Due instants and submission days in this zone. Default: the plan's own time zone (Plan.timeZone). */
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
  /** Where the month falls in the plan's span: outside it nothing is owed, and the digest says so. */
  position: SpanPosition;
  span: PlanWindow;
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
  const period = digestPeriod(spec);
  const ctx = await rankingContext(db, planId, opts);
  const span = ctx.facts.plan.span;
  const position = spanPosition(span, period);
  const window = monthWindow(period);
  const sections: MonthlyDigest[] = [];
  if (position === "within") {
    for (const kind of KINDS) {
      const d = monthlyDigest(await rankWith(db, ctx, window, kind));
      // A kind with no unit owing anything (e.g. counties without target shares) says nothing.
      if (d.onTime.length + d.late.length + d.missing.length > 0) sections.push(d);
    }
  }
  const due = dueDate(period, ctx.schedule, ctx.calendar);
  const view: DigestView = { period, due, timeZone: ctx.timeZone, sections, span, position };
  return {
    period,
    label: formatPeriod(period),
    due,
    dueAt: dueInstant(period, ctx.schedule, ctx.calendar, ctx.timeZone).toISOString(),
    position,
    span,
    sections,
    owed: sections.reduce((n, d) => n + d.onTime.length + d.late.length + d.missing.length, 0),
    title: digestTitle(period, lang),
    lines: digestLines(view, lang),
  };
}
