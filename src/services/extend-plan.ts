import { formatPeriod, periodFromKey, periodKey, type Period } from "../domain/report/types.js";
import { writeAudit } from "../persistence/audit-repository.js";
import type { Db } from "../persistence/database.js";
import { noteConfigChanged } from "../persistence/change-stamp.js";

/**
 * 延期: an admin extends (or shortens) the months a plan is chased and scored
 * in. One use case for the CLI (`duban plan extend --to 2026-12`), the chat and
 * the console; audited like every admin change. Shortening below a month that
 * already holds reports is refused: those reports would fall outside the plan.
 */

export type ExtendResult =
  | { ok: true; planId: number; code: string; from: Period; to: Period; previous: Period; changed: boolean }
  | { ok: false; problem: "no_plan"; code: string }
  | { ok: false; problem: "before_start"; start: Period; to: Period }
  | { ok: false; problem: "reports_after"; to: Period; latest: Period };

export interface ExtendOptions {
  actor: string;
  platform: string;
  rawInput?: string;
}

export async function extendPlan(db: Db, planId: number, to: Period, opts: ExtendOptions): Promise<ExtendResult> {
  const plan = await db.plan.findUnique({ where: { id: planId } });
  if (!plan) return { ok: false, problem: "no_plan", code: String(planId) };
  const start = periodFromKey(plan.startPeriod);
  const previous = periodFromKey(plan.endPeriod);
  if (periodKey(to) < plan.startPeriod) return { ok: false, problem: "before_start", start, to };
  const latest = await db.report.findFirst({ where: { planId, period: { gt: periodKey(to) } }, orderBy: { period: "desc" }, select: { period: true } });
  if (latest) return { ok: false, problem: "reports_after", to, latest: periodFromKey(latest.period) };
  const changed = periodKey(to) !== plan.endPeriod;
  if (changed) {
    await db.plan.update({ where: { id: planId }, data: { endPeriod: periodKey(to) } });
    noteConfigChanged();
    await writeAudit(db, {
      actor: opts.actor,
      platform: opts.platform,
      action: "plan.extend",
      subject: plan.code,
      rawInput: opts.rawInput ?? null,
      result: "ok",
      details: { from: formatPeriod(previous), to: formatPeriod(to) },
    });
  }
  return { ok: true, planId, code: plan.code, from: start, to, previous, changed };
}
