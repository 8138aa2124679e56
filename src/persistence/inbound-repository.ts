import type { Db } from "./database.js";
import { sqlFor } from "./sql.js";
import { execute, type Work } from "./unit-of-work.js";

/**
 * Exactly-once for inbound deliveries (a Slack retry, a DingTalk redelivery, a
 * double-tapped submit): each delivery's answer is recorded under the platform's key.
 * A delivery that stores something records its answer in the same transaction
 * (`recordAnswer` as a step of the report's unit of work): the report and the record
 * stand or fall together, so a retry either finds the answer or finds nothing stored.
 * Any other delivery records its answer once answered (`recordDelivery`). Deliveries
 * of one key in flight together in one process are told apart by the bot (bot.ts).
 */

/** A second delivery of a key already recorded (by another replica, or a retry racing the first). */
export class DuplicateDeliveryError extends Error {
  constructor(readonly key: string) {
    super(`delivery ${key} is already recorded`);
    this.name = "DuplicateDeliveryError";
  }
}

const INSERT = `INSERT INTO "InboundEvent" ("key", "receivedAt", "reply") VALUES (?, ?, ?) ON CONFLICT ("key") DO NOTHING`;

/** The recorded answer of a delivery, or null if none is recorded. `reply` is null only for rows of older versions, which claimed first. */
export async function recordedDelivery(db: Db, key: string): Promise<{ reply: string | null } | null> {
  const rows = await sqlFor(db).query<{ reply: string | null }>(`SELECT "reply" FROM "InboundEvent" WHERE "key" = ?`, [key]);
  return rows[0] ?? null;
}

/** Records a delivery's answer; false when the key was already recorded. */
export async function recordDelivery(db: Db, key: string, receivedAt: Date, reply: unknown): Promise<boolean> {
  return (await sqlFor(db).execute(INSERT, [key, receivedAt, JSON.stringify(reply)])) === 1;
}

/** The same, as a step of a unit of work; throws DuplicateDeliveryError (rolling it back) when already recorded. */
export function* recordAnswer(key: string, receivedAt: Date, reply: unknown): Work<void> {
  if ((yield* execute(INSERT, [key, receivedAt, JSON.stringify(reply)])) !== 1) throw new DuplicateDeliveryError(key);
}
