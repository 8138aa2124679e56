import cron from "node-cron";
import { currentPeriod } from "../domain/report/parse-period.js";
import { addMonths, periodKey } from "../domain/report/types.js";
import type { PlanRef } from "../domain/obligations/obligations.js";
import type { Logger } from "../logging/logger.js";
import { loadPlanRefs } from "../persistence/plan-facts.js";
import { runReminders, type ReminderDeps } from "../reminders/run-reminders.js";

/**
 * The reminder tick: every minute, for every plan being chased, run the plan's ladder as of
 * now in the plan's own time zone (the server's zone plays no part). Each replica ticks; the
 * delivery ledger makes every delivery once. A tick that is still running when the next fires
 * is skipped (noOverlap) rather than queued.
 */
export function startReminderScheduler(deps: Omit<ReminderDeps, "planId" | "timeZone"> & { log: Logger; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const task = cron.schedule(
    "* * * * *",
    async () => {
      const at = now();
      let plans: PlanRef[];
      try {
        plans = await loadPlanRefs(deps.db);
      } catch (e) {
        deps.log.error({ err: e }, "reminder tick failed");
        return;
      }
      for (const plan of plans) {
        if (!chasedAt(plan, at)) continue;
        try {
          const r = await runReminders({ ...deps, planId: plan.id, timeZone: plan.timeZone }, { at });
          if (r.sent || r.failed || r.uncertain) {
            deps.log.info({ plan: plan.code, sent: r.sent, failed: r.failed, uncertain: r.uncertain, steps: r.steps }, "reminders sent");
          }
        } catch (e) {
          deps.log.error({ err: e, plan: plan.code }, "reminder tick failed");
        }
      }
    },
    { noOverlap: true, name: "duban-reminders" },
  );
  return {
    stop: async () => {
      await task.stop();
    },
  };
}

/**
 * Is any month the ladder looks at now (the last three: a period's steps run until the next
 * window opens) inside the plan's span? After a plan ends nothing is chased.
 */
export function chasedAt(plan: Pick<PlanRef, "span" | "timeZone">, at: Date): boolean {
  const current = currentPeriod(at, plan.timeZone);
  const from = periodKey(addMonths(current, -3));
  const to = periodKey(addMonths(current, -1));
  return periodKey(plan.span.start) <= to && periodKey(plan.span.end) >= from;
}
