/**
 * The whole-month walk: October 2026 in Asia/Shanghai (the window of period 2026-09, with National
 * Day 10-01..10-07 and the make-up working Saturday 10-10), one reminder tick per hour from 07:00
 * to 21:00 of every day, each tick with the previous tick's mark (runReminders keeps it). 市发改委
 * reports on the make-up Saturday. Used in-process by ladder-run.test.ts and in child processes
 * with another TZ (reminders-month-main.ts): the output must not depend on the process's zone.
 */
import { deliveriesFor } from "../../src/persistence/delivery-repository.js";
import type { Provider } from "../../src/persistence/migrations.js";
import { setLastRunAt } from "../../src/persistence/schedule-repository.js";
import { reminderWorld, sh, shLocal, type ReminderWorld } from "./reminders-world.js";

export interface MonthEvent {
  /** The tick (Shanghai wall time) whose run sent it. */
  tick: string;
  platform: "slack" | "dingtalk";
  to: string;
  title: string;
  /** Escalations: the units named as missing, in order. */
  missing?: string[];
}

export interface MonthResult {
  events: MonthEvent[];
  /** Ticks that reported sending not allowed (quiet hours, non-working days). */
  quietTicks: number;
  ticks: number;
  ledger: { step: string; platform: string; recipient: string; status: string; sentAt: string | null; claimedAt: string }[];
  sentByReports: number;
}

export const REPORTER = "市发改委";
export const REPORT_AT = "2026-10-10 11:00";

export function missingNames(text: string): string[] {
  const names = [...text.matchAll(/- ([^:：\n"\\]+)[:：](?:未报送|缺 )/gu)].map((m) => m[1]!.trim());
  return [...new Set(names)];
}

export async function walkOctober(provider: Provider, opts: { settings?: [string, string][]; from?: string; to?: string; hours?: [number, number] } = {}): Promise<MonthResult> {
  const world: ReminderWorld = await reminderWorld(provider, { settings: opts.settings ?? [] });
  try {
    // The previous month's last tick: nothing older is pending.
    await setLastRunAt(world.db, world.planId, sh("2026-09-30 23:00"));
    const events: MonthEvent[] = [];
    let quietTicks = 0;
    let ticks = 0;
    let sentByReports = 0;
    let seen = 0;
    const [h0, h1] = opts.hours ?? [7, 21];
    const from = opts.from ?? "2026-10-01";
    const to = opts.to ?? "2026-10-31";
    for (let day = new Date(`${from}T00:00:00Z`); day.toISOString().slice(0, 10) <= to; day.setUTCDate(day.getUTCDate() + 1)) {
      const date = day.toISOString().slice(0, 10);
      for (let h = h0; h <= h1; h++) {
        const tick = `${date} ${String(h).padStart(2, "0")}:00`;
        if (tick === REPORT_AT) await world.reportFully(REPORTER, 202609);
        const r = await world.run(sh(tick));
        ticks++;
        if (!r.sendingAllowed) quietTicks++;
        sentByReports += r.sent;
        if (r.failed || r.uncertain) throw new Error(`tick ${tick}: ${r.failed} failed, ${r.uncertain} uncertain`);
        const got = world.received();
        for (const m of got.slice(seen)) {
          const e: MonthEvent = { tick, platform: m.platform, to: m.to, title: m.title };
          if (m.title.includes("逾期")) e.missing = missingNames(m.text);
          events.push(e);
        }
        seen = got.length;
      }
    }
    const ledger = (await deliveriesFor(world.db, world.planId)).map((d) => ({
      step: d.step,
      platform: d.platform,
      recipient: d.recipient,
      status: d.status,
      sentAt: d.sentAt ? shLocal(d.sentAt) : null,
      claimedAt: shLocal(d.claimedAt),
    }));
    return { events, quietTicks, ticks, ledger, sentByReports };
  } finally {
    await world.close();
  }
}
