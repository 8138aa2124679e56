import cron from "node-cron";
import type { Logger } from "../logging/logger.js";
import { runReminders, type ReminderDeps } from "../reminders/run-reminders.js";

/**
 * The reminder tick: every minute, in the configured time zone (node-cron's
 * `timezone`, so the server's own zone plays no part), run the ladder as of now.
 * Each replica ticks; the delivery ledger makes every delivery once. A tick that
 * is still running when the next fires is skipped (noOverlap) rather than queued.
 */
export function startReminderScheduler(deps: ReminderDeps & { log: Logger; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const task = cron.schedule(
    "* * * * *",
    async () => {
      try {
        const r = await runReminders(deps, { at: now() });
        if (r.sent || r.failed || r.uncertain) {
          deps.log.info({ sent: r.sent, failed: r.failed, uncertain: r.uncertain, steps: r.steps }, "reminders sent");
        }
      } catch (e) {
        deps.log.error({ err: e }, "reminder tick failed");
      }
    },
    { timezone: deps.timeZone, noOverlap: true, name: `duban-reminders-${deps.planId}` },
  );
  return {
    stop: async () => {
      await task.stop();
    },
  };
}
