import { z } from "zod";
import { calendarOverrideSchema, type CalendarOverride } from "../domain/calendar/working-calendar.js";
import { DEFAULT_SCHEDULE, parseScheduleConfig, type ScheduleConfig } from "../domain/schedule/schedule-config.js";
import type { Db } from "./database.js";
import { asBool, asDate, sqlFor } from "./sql.js";
import { noteConfigChanged } from "./change-stamp.js";

/** A plan's reminder schedule, admin-entered calendar days and small settings. */

export const REMINDER_SCHEDULE = "reminders";

// The two reads below run on the driver (sql.ts), not Prisma's engine: every reminder tick, digest
// and ranking makes them, and a ranking process otherwise needs the engine for nothing else.

export async function loadSchedule(db: Db, planId: number): Promise<{ config: ScheduleConfig; stored: boolean; updatedAt?: Date; updatedBy?: string }> {
  const [row] = await sqlFor(db).query<{ config: unknown; updatedAt: unknown; updatedBy: unknown }>(
    `SELECT "config", "updatedAt", "updatedBy" FROM "Schedule" WHERE "planId" = ? AND "kind" = ?`,
    [planId, REMINDER_SCHEDULE],
  );
  if (!row) return { config: DEFAULT_SCHEDULE, stored: false };
  const parsed = parseScheduleConfig(JSON.parse(String(row.config)));
  // A stored config that no longer validates (edited by hand in the database) must
  // not silently become the default: fail loudly so an admin fixes it.
  if (!parsed.ok) throw new Error(`stored reminder schedule is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  return { config: parsed.config, stored: true, updatedAt: asDate(row.updatedAt), updatedBy: String(row.updatedBy) };
}

export async function saveSchedule(db: Db, planId: number, config: ScheduleConfig, by: string): Promise<void> {
  const json = JSON.stringify(config);
  await db.schedule.upsert({
    where: { planId_kind: { planId, kind: REMINDER_SCHEDULE } },
    create: { planId, kind: REMINDER_SCHEDULE, config: json, updatedBy: by },
    update: { config: json, updatedBy: by },
  });
  // Noted once written: a reader in between would cache the old schedule under the new stamp.
  noteConfigChanged();
}

export async function calendarOverrides(db: Db): Promise<CalendarOverride[]> {
  const rows = await sqlFor(db).query<{ date: unknown; workday: unknown; name: unknown }>(`SELECT "date", "workday", "name" FROM "CalendarDay" ORDER BY "date"`);
  return rows.map((r) => calendarOverrideSchema.parse({ date: String(r.date), workday: asBool(r.workday), ...(r.name ? { name: String(r.name) } : {}) }));
}

export async function putCalendarDays(db: Db, days: CalendarOverride[], by: string): Promise<void> {
  await db.$transaction(
    days.map((d) =>
      db.calendarDay.upsert({
        where: { date: d.date },
        create: { date: d.date, workday: d.workday, name: d.name ?? null, createdBy: by },
        update: { workday: d.workday, name: d.name ?? null, createdBy: by },
      }),
    ),
  );
  noteConfigChanged();
}

export async function removeCalendarDay(db: Db, date: string): Promise<boolean> {
  const { count } = await db.calendarDay.deleteMany({ where: { date } });
  noteConfigChanged();
  return count > 0;
}

const isoDate = z.string().datetime();

export async function getLastRunAt(db: Db, planId: number): Promise<Date | undefined> {
  const row = await db.setting.findUnique({ where: { planId_key: { planId, key: "reminders.lastRunAt" } } });
  if (!row) return undefined;
  const parsed = isoDate.safeParse(JSON.parse(row.value));
  return parsed.success ? new Date(parsed.data) : undefined;
}

/** Only moves forward: two replicas finishing out of order keep the later mark. */
export async function setLastRunAt(db: Db, planId: number, at: Date): Promise<void> {
  const current = await getLastRunAt(db, planId);
  if (current && current.getTime() >= at.getTime()) return;
  const value = JSON.stringify(at.toISOString());
  await db.setting.upsert({
    where: { planId_key: { planId, key: "reminders.lastRunAt" } },
    create: { planId, key: "reminders.lastRunAt", value },
    update: { value },
  });
}
