import type { Db } from "./database.js";
import { CLAIM_LEASE_MS, deliveryKey, type DeliveryKey } from "./delivery-repository.js";
import { isUniqueViolation } from "./report-repository.js";

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
  // parameter limit, and the plan's rows are what we need anyway.
  const leads = await db.workItemUnit.findMany({
    where: { role: "lead", workItem: { task: { planId } } },
    select: { unitId: true, workItem: { select: { id: true, indicators: { where: { retiredAt: null }, select: { id: true, name: true, unit: true, ordinal: true } } } } },
  });
  const shares = await db.indicatorShare.findMany({
    where: { indicator: { planId, retiredAt: null } },
    select: { unitId: true, indicator: { select: { id: true, name: true, unit: true, ordinal: true } } },
  });
  const reports = await db.report.findMany({
    where: { planId, period },
    select: { unitId: true, values: { where: { current: true }, select: { indicatorId: true } } },
  });
  const owed = new Map<number, Map<number, { name: string; unit: string; ordinal: number }>>();
  const workItems = new Map<number, number>();
  const add = (unitId: number, i: { id: number; name: string; unit: string; ordinal: number }) => {
    const m = owed.get(unitId) ?? new Map();
    m.set(i.id, i);
    owed.set(unitId, m);
  };
  for (const l of leads) {
    workItems.set(l.unitId, (workItems.get(l.unitId) ?? 0) + 1);
    for (const i of l.workItem.indicators) add(l.unitId, i);
  }
  for (const s of shares) add(s.unitId, s.indicator);
  const have = new Map(reports.map((r) => [r.unitId, new Set(r.values.map((v) => v.indicatorId))]));
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
      workItems: workItems.get(u.id) ?? 0,
      owedLines: mine.map(([id, i]) => {
        const l = last.get(`${u.id}:${id}`);
        return { name: i.name, unit: i.unit, ...(l ? { last: `${l.raw} (${Math.floor(l.period / 100)}年${l.period % 100}月)` } : {}) };
      }),
    };
  });
}

/** Liaisons reachable on a chat platform, by unit. */
export async function liaisonsByUnit(db: Db, unitIds: number[]) {
  const wanted = new Set(unitIds);
  const rows = (await db.binding.findMany({
    where: { role: "liaison", identity: { platform: { in: ["slack", "dingtalk"] } } },
    select: { unitId: true, identity: { select: { platform: true, tenant: true, userId: true } } },
    orderBy: { id: "asc" },
  })).filter((r) => wanted.has(r.unitId));
  const out = new Map<number, { platform: string; tenant: string; userId: string }[]>();
  for (const r of rows) out.set(r.unitId, [...(out.get(r.unitId) ?? []), r.identity]);
  return out;
}

/**
 * Claims many deliveries at once; returns the keys this caller now holds (newly
 * claimed, or taken over from a stale claim). One INSERT … ON CONFLICT DO NOTHING
 * per chunk (SQLite and PostgreSQL both have it), then one takeover UPDATE.
 */
export async function claimDeliveries(db: Db, keys: DeliveryKey[], by: string, now: Date, leaseMs: number = CLAIM_LEASE_MS): Promise<Set<string>> {
  const held = new Set<string>();
  for (let i = 0; i < keys.length; i += 200) {
    const chunk = keys.slice(i, i + 200);
    const before = await db.delivery.findMany({ where: { key: { in: chunk.map(deliveryKey) } }, select: { key: true } });
    const exists = new Set(before.map((b) => b.key));
    const fresh = chunk.filter((k) => !exists.has(deliveryKey(k)));
    if (fresh.length) {
      // createMany has no skipDuplicates on SQLite; a racing replica may insert the same
      // keys between our read and this write, so fall back to one-by-one on a conflict.
      try {
        await db.delivery.createMany({ data: fresh.map((k) => ({ ...k, key: deliveryKey(k), status: "claimed", claimedBy: by, claimedAt: now })) });
        for (const k of fresh) held.add(deliveryKey(k));
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        for (const k of fresh) {
          try {
            await db.delivery.create({ data: { ...k, key: deliveryKey(k), status: "claimed", claimedBy: by, claimedAt: now } });
            held.add(deliveryKey(k));
          } catch (e2) {
            if (!isUniqueViolation(e2)) throw e2; // otherwise claimed by someone else: theirs
          }
        }
      }
    }
    const stale = chunk.map(deliveryKey).filter((k) => exists.has(k));
    if (stale.length) {
      const cutoff = new Date(now.getTime() - leaseMs);
      const takeable = await db.delivery.findMany({ where: { key: { in: stale }, status: "claimed", claimedAt: { lt: cutoff } }, select: { key: true, claimedAt: true } });
      for (const t of takeable) {
        // Compare-and-set on claimedAt: of two replicas taking over, one wins.
        const { count } = await db.delivery.updateMany({ where: { key: t.key, status: "claimed", claimedAt: t.claimedAt }, data: { claimedBy: by, claimedAt: now } });
        if (count === 1) held.add(t.key);
      }
    }
  }
  return held;
}


/**
 * Records a chunk's outcomes in a few statements in one batch: one UPDATE per distinct ref (a
 * batchSend's processQueryKey covers its ≤ 20 users) and per distinct error, instead of one
 * UPDATE per delivery.
 */
export async function markOutcomes(
  db: Db,
  outcomes: { key: string; outcome: { ok: true; ref?: string } | { ok: false; error: string } }[],
  now: Date,
): Promise<void> {
  const sent = new Map<string | null, string[]>();
  const failed = new Map<string, string[]>();
  for (const { key, outcome } of outcomes) {
    if (outcome.ok) {
      const ref = outcome.ref ?? null;
      sent.set(ref, [...(sent.get(ref) ?? []), key]);
    } else {
      const error = outcome.error.slice(0, 500);
      failed.set(error, [...(failed.get(error) ?? []), key]);
    }
  }
  const writes = [
    ...[...sent].map(([ref, keys]) => db.delivery.updateMany({ where: { key: { in: keys } }, data: { status: "sent", sentAt: now, ref, error: null } })),
    ...[...failed].map(([error, keys]) => db.delivery.updateMany({ where: { key: { in: keys } }, data: { status: "failed", error } })),
  ];
  if (writes.length) await db.$transaction(writes);
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
