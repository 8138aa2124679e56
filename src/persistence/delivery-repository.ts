import type { Db } from "./database.js";
import { sqlFor } from "./sql.js";

/**
 * The reminder delivery ledger: one row per (period × step × unit × recipient).
 * A delivery is claimed (inserted) before it is sent, so two replicas, or a tick
 * that fires twice, never send it twice. States:
 *   claimed → sending → sent | failed
 * A claim left behind by a dead process (older than the lease) is taken over and
 * sent. A row left in "sending" by a dead process may or may not have reached the
 * user: it becomes "uncertain" and is shown to admins, never sent again.
 */

export const CLAIM_LEASE_MS = 2 * 60_000;


export interface DeliveryKey {
  planId: number;
  period: number;
  step: string;
  unitId: number | null;
  platform: string;
  recipient: string;
}

/** Unique across plans: several plans are chased at once, and one unit may owe in several. */
export function deliveryKey(k: DeliveryKey): string {
  return `${k.planId}/${k.period}/${k.step}/${k.unitId ?? "taskforce"}/${k.platform}:${k.recipient}`;
}

/**
 * Right before the platform call for these deliveries (each attempt): from here on a crash leaves
 * them "uncertain". Only rows still ours (claimed or sending) move; a row another process already
 * finished is left alone.
 */
export async function markSending(db: Db, keys: string[]): Promise<void> {
  if (!keys.length) return;
  // Plain SQL: this runs before every platform call, between the pacer's slot and the request,
  // so its cost delays the call (Prisma's updateMany: ~1–3 ms of CPU; this: ~0.1 ms).
  await sqlFor(db).execute(
    `UPDATE "Delivery" SET "status" = 'sending', "attempts" = "attempts" + 1 WHERE "key" IN (${keys.map(() => "?").join(", ")}) AND "status" IN ('claimed', 'sending')`,
    keys,
  );
}

export async function markOutcome(db: Db, key: string, outcome: { ok: true; ref?: string } | { ok: false; error: string }, now: Date): Promise<void> {
  await db.delivery.update({
    where: { key },
    data: outcome.ok
      ? { status: "sent", sentAt: now, ref: outcome.ref ?? null, error: null }
      : { status: "failed", error: outcome.error.slice(0, 500) },
  });
}

/**
 * Stale claims of any step (their process died before sending): to be sent now. Plain SQL, as
 * markUncertain: both run before every fan-out's first message (a Prisma query's first run in a
 * process costs tens of ms).
 */
export async function staleClaims(db: Db, planId: number, now: Date, leaseMs = CLAIM_LEASE_MS): Promise<{ key: string; period: number; step: string; unitId: number | null }[]> {
  const rows = await sqlFor(db).query<{ key: string; period: number; step: string; unitId: number | null }>(
    `SELECT "key", "period", "step", "unitId" FROM "Delivery" WHERE "planId" = ? AND "status" = 'claimed' AND "claimedAt" < ? ORDER BY "id"`,
    [planId, new Date(now.getTime() - leaseMs)],
  );
  return rows.map((r) => ({ key: r.key, period: Number(r.period), step: r.step, unitId: r.unitId === null ? null : Number(r.unitId) }));
}

/**
 * A stale claim whose delivery is no longer due (the unit reported meanwhile, the liaison was
 * unbound): closed as "skipped" with the reason, unless someone took it over in between.
 */
export async function markSkipped(db: Db, key: string, reason: string, now: Date, leaseMs = CLAIM_LEASE_MS): Promise<boolean> {
  const { count } = await db.delivery.updateMany({
    where: { key, status: "claimed", claimedAt: { lt: new Date(now.getTime() - leaseMs) } },
    data: { status: "skipped", error: reason.slice(0, 500) },
  });
  return count === 1;
}

/** Rows stuck in "sending" past the lease: their process died mid-send. */
export async function markUncertain(db: Db, planId: number, now: Date, leaseMs = CLAIM_LEASE_MS): Promise<number> {
  return sqlFor(db).execute(
    `UPDATE "Delivery" SET "status" = 'uncertain', "error" = ? WHERE "planId" = ? AND "status" = 'sending' AND "claimedAt" < ?`,
    ["the process stopped while sending; not resent to avoid a duplicate", planId, new Date(now.getTime() - leaseMs)],
  );
}

export async function deliveriesFor(db: Db, planId: number, period?: number) {
  return db.delivery.findMany({
    where: { planId, ...(period ? { period } : {}) },
    orderBy: [{ period: "asc" }, { claimedAt: "asc" }, { id: "asc" }],
  });
}
