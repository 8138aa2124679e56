import type { Db } from "./database.js";
import { CLAIM_LEASE_MS, deliveryKey, type DeliveryKey } from "./delivery-repository.js";
import { sqlFor, tuples, type SqlValue } from "./sql.js";
import { mapAt } from "../domain/multimap.js";

/**
 * The reminder run's reads and claims in bulk: a run for 1,000 units must not
 * cost thousands of queries (one per unit for obligations, bindings, claims), or
 * the database, not the platforms' rate limits, sets the pace.
 */

export interface UnitStatus {
  unitId: number;
  name: string;
  reported: boolean;
  owed: number;
  missing: number;
  workItems: number;
  owedLines: { name: string; unit: string; last?: string }[];
}

/** For each unit: what it owes (led work items' indicators + shares) and what it has reported for `period`. */
export async function unitStatuses(db: Db, planId: number, units: { id: number; name: string }[], period: number): Promise<UnitStatus[]> {
  // Whole-plan reads filtered here: an IN list of 1,000 unit ids would exceed SQLite's
  // parameter limit, and the plan's rows are what we need anyway. Plain SQL: these reads sit in
  // front of a fan-out's first message, and through Prisma's nested findMany they cost ~50 ms warm
  // and 100–200 ms the first time in a process (on a busy machine) against a few ms here.
  const sql = sqlFor(db);
  type Ind = { id: number; name: string; unit: string; ordinal: number };
  const leads = await sql.query<{ unitId: number; workItemId: number; id: number | null; name: string; unit: string; ordinal: number }>(
    `SELECT wu."unitId", wu."workItemId", i."id", i."name", i."unit", i."ordinal"
     FROM "WorkItemUnit" wu
     JOIN "WorkItem" wi ON wi."id" = wu."workItemId"
     JOIN "Task" t ON t."id" = wi."taskId"
     LEFT JOIN "Indicator" i ON i."workItemId" = wi."id" AND i."retiredAt" IS NULL
     WHERE wu."role" = 'lead' AND t."planId" = ?`,
    [planId],
  );
  const shares = await sql.query<{ unitId: number } & Ind>(
    `SELECT s."unitId", i."id", i."name", i."unit", i."ordinal"
     FROM "IndicatorShare" s JOIN "Indicator" i ON i."id" = s."indicatorId"
     WHERE i."planId" = ? AND i."retiredAt" IS NULL`,
    [planId],
  );
  const reports = await sql.query<{ unitId: number; indicatorId: number | null }>(
    `SELECT r."unitId", v."indicatorId"
     FROM "Report" r LEFT JOIN "IndicatorValue" v ON v."reportId" = r."id" AND v."current" = TRUE
     WHERE r."planId" = ? AND r."period" = ?`,
    [planId, period],
  );
  const owed = new Map<number, Map<number, Ind>>();
  const workItems = new Map<number, Set<number>>();
  const add = (unitId: number, i: Ind) => mapAt(owed, unitId).set(i.id, i);
  for (const l of leads) {
    const unitId = Number(l.unitId);
    let items = workItems.get(unitId);
    if (!items) workItems.set(unitId, (items = new Set()));
    items.add(Number(l.workItemId));
    if (l.id !== null) add(unitId, { id: Number(l.id), name: l.name, unit: l.unit, ordinal: Number(l.ordinal) });
  }
  for (const s of shares) add(Number(s.unitId), { id: Number(s.id), name: s.name, unit: s.unit, ordinal: Number(s.ordinal) });
  const have = new Map<number, Set<number>>();
  for (const r of reports) {
    const unitId = Number(r.unitId);
    let got = have.get(unitId);
    if (!got) have.set(unitId, (got = new Set()));
    if (r.indicatorId !== null) got.add(Number(r.indicatorId));
  }
  const last = await lastValuesBefore(db, period);
  return units.map((u) => {
    const mine = [...(owed.get(u.id)?.entries() ?? [])].sort((a, b) => a[1].ordinal - b[1].ordinal);
    const got = have.get(u.id);
    return {
      unitId: u.id,
      name: u.name,
      reported: Boolean(got),
      owed: mine.length,
      missing: mine.filter(([id]) => !got?.has(id)).length,
      workItems: workItems.get(u.id)?.size ?? 0,
      owedLines: mine.map(([id, i]) => {
        const l = last.get(`${u.id}:${id}`);
        return { name: i.name, unit: i.unit, ...(l ? { last: `${l.raw} (${Math.floor(l.period / 100)}年${l.period % 100}月)` } : {}) };
      }),
    };
  });
}

/** Liaisons reachable on a chat platform, by unit, in binding order. Plain SQL, as unitStatuses. */
export async function liaisonsByUnit(db: Db, unitIds: number[]) {
  const wanted = new Set(unitIds);
  const rows = await sqlFor(db).query<{ unitId: number; platform: string; tenant: string; userId: string }>(
    `SELECT b."unitId", c."platform", c."tenant", c."userId"
     FROM "Binding" b JOIN "ChatIdentity" c ON c."id" = b."identityId"
     WHERE b."role" = 'liaison' AND c."platform" IN ('slack', 'dingtalk')
     ORDER BY b."id"`,
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

/**
 * Units that owe a report under the plan's recipient rules (leading a work item of the plan, or
 * holding a share of one of its live indicators), placeholders excluded, by id.
 */
export async function owingUnits(db: Db, planId: number, rules: { leadUnits: boolean; shareholders: boolean }): Promise<{ id: number; name: string }[]> {
  const or: string[] = [];
  const args: SqlValue[] = [];
  if (rules.leadUnits) {
    or.push(`EXISTS (SELECT 1 FROM "WorkItemUnit" wu JOIN "WorkItem" wi ON wi."id" = wu."workItemId" JOIN "Task" t ON t."id" = wi."taskId"
                     WHERE wu."unitId" = u."id" AND wu."role" = 'lead' AND t."planId" = ?)`);
    args.push(planId);
  }
  if (rules.shareholders) {
    or.push(`EXISTS (SELECT 1 FROM "IndicatorShare" s JOIN "Indicator" i ON i."id" = s."indicatorId"
                     WHERE s."unitId" = u."id" AND i."planId" = ? AND i."retiredAt" IS NULL)`);
    args.push(planId);
  }
  if (!or.length) return [];
  const rows = await sqlFor(db).query<{ id: number; name: string }>(
    `SELECT u."id", u."name" FROM "Unit" u WHERE u."kind" <> 'placeholder' AND (${or.join(" OR ")}) ORDER BY u."id"`,
    args,
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name }));
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
async function lastValuesBefore(db: Db, period: number): Promise<Map<string, { raw: string; period: number }>> {
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
