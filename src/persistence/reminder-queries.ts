import type { Db } from "./database.js";
import { CLAIM_LEASE_MS, deliveryKey, type DeliveryKey } from "./delivery-repository.js";
import { asDate, sqlFor, tuples, type SqlValue } from "./sql.js";
import type { StoredMonth } from "../domain/obligations/obligations.js";

/**
 * The reminder run's reads and claims in bulk: a run for 1,000 units must not
 * cost thousands of queries (one per unit for obligations, bindings, claims), or
 * the database, not the platforms' rate limits, sets the pace.
 */

/**
 * Every unit's stored report of one plan and month, as the obligations rule reads it
 * (domain/obligations monthStatus): first submission, values of the current revision, and
 * whether that revision carries a progress narrative. One query for the whole plan.
 */
export async function storedMonths(db: Db, planId: number, period: number): Promise<Map<number, StoredMonth>> {
  const rows = await sqlFor(db).query<{ unitId: unknown; firstAt: unknown; progress: unknown; indicatorId: unknown }>(
    `SELECT r."unitId", r."firstAt", rr."progress", v."indicatorId"
     FROM "Report" r
     JOIN "ReportRevision" rr ON rr."reportId" = r."id" AND rr."revision" = r."revision"
     LEFT JOIN "IndicatorValue" v ON v."reportId" = r."id" AND v."revision" = r."revision" AND v."current" = TRUE
     WHERE r."planId" = ? AND r."period" = ?`,
    [planId, period],
  );
  const out = new Map<number, { firstAt: Date; valueIds: Set<number>; narrative: boolean }>();
  for (const r of rows) {
    const unitId = Number(r.unitId);
    let m = out.get(unitId);
    if (!m) out.set(unitId, (m = { firstAt: asDate(r.firstAt), valueIds: new Set(), narrative: typeof r.progress === "string" && r.progress.trim() !== "" }));
    if (r.indicatorId !== null && r.indicatorId !== undefined) m.valueIds.add(Number(r.indicatorId));
  }
  return out;
}

/** Liaisons reachable on the given platforms (default Slack and DingTalk), by unit, in binding order. Plain SQL. */
export async function liaisonsByUnit(db: Db, unitIds: number[], platforms: readonly string[] = ["slack", "dingtalk"]) {
  const wanted = new Set(unitIds);
  if (!platforms.length) return new Map<number, { platform: string; tenant: string; userId: string }[]>();
  const rows = await sqlFor(db).query<{ unitId: number; platform: string; tenant: string; userId: string }>(
    `SELECT b."unitId", c."platform", c."tenant", c."userId"
     FROM "Binding" b JOIN "ChatIdentity" c ON c."id" = b."identityId"
     WHERE b."role" = 'liaison' AND c."platform" IN (${platforms.map(() => "?").join(", ")})
     ORDER BY b."id"`,
    [...platforms],
  );
  const out = new Map<number, { platform: string; tenant: string; userId: string }[]>();
  for (const r of rows) {
    const unitId = Number(r.unitId);
    if (!wanted.has(unitId)) continue;
    const identity = { platform: r.platform, tenant: r.tenant, userId: r.userId };
    const list = out.get(unitId);
    if (list) list.push(identity);
    else out.set(unitId, [identity]);
  }
  return out;
}

/** Rows per claim statement: 9 parameters a row stays far below SQLite's and PostgreSQL's limits. */
const CLAIM_ROWS = 500;

/**
 * Claims many deliveries at once; returns the keys this caller now holds (newly claimed, or taken
 * over from a stale claim). Plain SQL, two statements per ≤ 500 keys: Prisma's createMany of 400
 * rows cost ~150 ms of CPU here (the first claim of a fan-out sat in front of its first send), the
 * statement below a few ms.
 *  - INSERT … ON CONFLICT DO NOTHING RETURNING: the row is ours iff our insert made it. Atomic on
 *    both databases: of two replicas inserting one key, PostgreSQL makes the second wait for the
 *    first and then skip it; SQLite runs writes one at a time.
 *  - the keys that already existed: one UPDATE … RETURNING that takes over only a claim older than
 *    the lease. Its WHERE is the compare-and-set: a replica that took the row over first has set
 *    claimedAt to its now, which no longer matches (PostgreSQL re-checks the WHERE on the updated
 *    row after the lock; SQLite serialises), so of two replicas taking over, one wins.
 */
export async function claimDeliveries(db: Db, keys: DeliveryKey[], by: string, now: Date, leaseMs: number = CLAIM_LEASE_MS): Promise<Set<string>> {
  const sql = sqlFor(db);
  const held = new Set<string>();
  const cutoff = new Date(now.getTime() - leaseMs);
  for (let i = 0; i < keys.length; i += CLAIM_ROWS) {
    const chunk = keys.slice(i, i + CLAIM_ROWS);
    const args: SqlValue[] = [];
    for (const k of chunk) args.push(k.planId, deliveryKey(k), k.period, k.step, k.unitId, k.platform, k.recipient, by, now);
    const inserted = await sql.query<{ key: string }>(
      `INSERT INTO "Delivery" ("planId", "key", "period", "step", "unitId", "platform", "recipient", "status", "claimedBy", "claimedAt")
       VALUES ${tuples(chunk.length, "(?, ?, ?, ?, ?, ?, ?, 'claimed', ?, ?)")}
       ON CONFLICT ("key") DO NOTHING
       RETURNING "key"`,
      args,
    );
    for (const r of inserted) held.add(r.key);
    const existing = chunk.map(deliveryKey).filter((k) => !held.has(k));
    if (!existing.length) continue;
    const taken = await sql.query<{ key: string }>(
      `UPDATE "Delivery" SET "claimedBy" = ?, "claimedAt" = ?
       WHERE "key" IN (${placeholders(existing.length)}) AND "status" = 'claimed' AND "claimedAt" < ?
       RETURNING "key"`,
      [by, now, ...existing, cutoff],
    );
    for (const r of taken) held.add(r.key);
  }
  return held;
}

/**
 * Records a chunk's outcomes in plain SQL, at most two statements per ≤ 500 deliveries: one for
 * those sent (their refs by a CASE: a batchSend's processQueryKey covers its ≤ 20 users), one for
 * those failed (their errors by a CASE). Each statement is atomic on its own; no transaction around
 * them, because on SQLite a transaction holds the one connection across awaits, and a concurrent
 * send's markSending would run inside it. A crash between the two leaves the failed ones "sending",
 * which the next run reports as uncertain: never a resend.
 */
export async function markOutcomes(
  db: Db,
  outcomes: { key: string; outcome: { ok: true; ref?: string } | { ok: false; error: string } }[],
  now: Date,
): Promise<void> {
  const sql = sqlFor(db);
  for (let i = 0; i < outcomes.length; i += CLAIM_ROWS) {
    const chunk = outcomes.slice(i, i + CLAIM_ROWS);
    const sent = new Map<string | null, string[]>();
    const failed = new Map<string, string[]>();
    for (const { key, outcome } of chunk) {
      if (outcome.ok) push(sent, outcome.ref ?? null, key);
      else push(failed, outcome.error.slice(0, 500), key);
    }
    if (sent.size) {
      const { expr, args } = caseByKeys(sent);
      const keys = [...sent.values()].flat();
      await sql.execute(
        `UPDATE "Delivery" SET "status" = 'sent', "sentAt" = ?, "error" = NULL, "ref" = ${expr} WHERE "key" IN (${placeholders(keys.length)})`,
        [now, ...args, ...keys],
      );
    }
    if (failed.size) {
      const { expr, args } = caseByKeys(failed);
      const keys = [...failed.values()].flat();
      await sql.execute(`UPDATE "Delivery" SET "status" = 'failed', "error" = ${expr} WHERE "key" IN (${placeholders(keys.length)})`, [...args, ...keys]);
    }
  }
}

function push<K>(m: Map<K, string[]>, k: K, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const placeholders = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** `CASE WHEN "key" IN (…) THEN ? … END` giving each group of keys its value (a null value: NULL). */
function caseByKeys(groups: Map<string | null, string[]>): { expr: string; args: SqlValue[] } {
  if (groups.size === 1) {
    const [value] = groups.keys();
    return value === null ? { expr: "NULL", args: [] } : { expr: "?", args: [value!] };
  }
  const args: SqlValue[] = [];
  const whens: string[] = [];
  for (const [value, keys] of groups) {
    whens.push(`WHEN "key" IN (${placeholders(keys.length)}) THEN ${value === null ? "NULL" : "?"}`);
    args.push(...keys);
    if (value !== null) args.push(value);
  }
  return { expr: `CASE ${whens.join(" ")} END`, args };
}

/**
 * Each unit's latest current figure per indicator before `period` (the opening notice
 * shows it beside what is owed). One grouped query; the covering index on
 * IndicatorValue serves the MAX.
 */
export async function lastValuesBefore(db: Db, period: number): Promise<Map<string, { raw: string; period: number }>> {
  const rows = await db.$queryRaw<{ unitId: number | bigint; indicatorId: number | bigint; raw: string; period: number | bigint }[]>`
    SELECT v."unitId", v."indicatorId", v."raw", v."period"
    FROM "IndicatorValue" v
    JOIN (
      SELECT "unitId", "indicatorId", MAX("period") AS "p"
      FROM "IndicatorValue"
      WHERE "current" = TRUE AND "period" < ${period}
      GROUP BY "unitId", "indicatorId"
    ) m ON v."unitId" = m."unitId" AND v."indicatorId" = m."indicatorId" AND v."period" = m."p"
    WHERE v."current" = TRUE`;
  return new Map(rows.map((r) => [`${Number(r.unitId)}:${Number(r.indicatorId)}`, { raw: r.raw, period: Number(r.period) }]));
}
