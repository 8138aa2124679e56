import { z } from "zod";
import { INDICATOR_KINDS } from "../domain/plan/types.js";
import { parseRankingConfig, type RankingConfig } from "../domain/ranking/ranking-config.js";
import type { PlanIndicatorRow, UnitRow } from "../domain/ranking/ranking-units.js";
import type { Ranking, RankingKind } from "../domain/ranking/score.js";
import { Prisma } from "../generated/sqlite/client.js";
import type { Db } from "./database.js";
import { decodeSnapshotPayload, encodeSnapshotPayload } from "./ranking-payload.js";
import { isUniqueViolation } from "./report-repository.js";

/**
 * What a ranking reads from the database, and its frozen snapshots.
 *
 * The values are read as one SQL aggregate per unit × indicator (sums, first
 * and latest figure) rather than month by month: a quarterly ranking as of the
 * plan's fifth year covers ~1,000,000 stored values, and shipping them to
 * JavaScript costs far more than scoring them. The covering index
 * IndicatorValue(indicatorId, current, unitId, period, value) answers the
 * aggregate and both look-ups without touching the table.
 */

/** yyyymm bounds of a ranking's value read. */
export interface ValueRange {
  /** The plan's first month (sums since plan start, stock baselines). */
  from: number;
  /** The as-of month, capped at the plan's last month. */
  to: number;
  /** January of the as-of year: where per_year sums start. */
  yearStart: number;
}

/** One unit × indicator, aggregated over a ValueRange. */
export interface AggregatedValue {
  unitId: number;
  indicatorId: number;
  firstPeriod: number;
  firstValue: number;
  lastPeriod: number;
  lastValue: number;
  sumAll: number;
  countAll: number;
  sumYear: number;
  countYear: number;
}

// COUNT and integer SUMs come back as bigint on PostgreSQL (and may on SQLite).
const int = z.union([z.number(), z.bigint()]).transform(Number);
const real = z.union([z.number(), z.bigint(), z.string()]).transform(Number);
const aggregateRow = z.object({
  unitId: int,
  indicatorId: int,
  firstPeriod: int,
  firstValue: real,
  lastPeriod: int,
  lastValue: real,
  sumAll: real,
  countAll: int,
  sumYear: real,
  countYear: int,
});

export async function aggregatedValues(db: Db, planId: number, range: ValueRange): Promise<AggregatedValue[]> {
  // Grouped in index order (indicator, unit) so neither database sorts; the two
  // joins back fetch the first and the latest figure by exact index key.
  const rows = await db.$queryRaw<unknown[]>(Prisma.sql`
    WITH agg AS (
      SELECT v."indicatorId" AS "indicatorId", v."unitId" AS "unitId",
             MIN(v."period") AS "firstPeriod", MAX(v."period") AS "lastPeriod",
             SUM(v."value") AS "sumAll", COUNT(*) AS "countAll",
             SUM(CASE WHEN v."period" >= ${range.yearStart} THEN v."value" ELSE 0 END) AS "sumYear",
             SUM(CASE WHEN v."period" >= ${range.yearStart} THEN 1 ELSE 0 END) AS "countYear"
      FROM "IndicatorValue" v
      JOIN "Indicator" i ON i."id" = v."indicatorId"
      WHERE i."planId" = ${planId} AND i."retiredAt" IS NULL
        AND v."current" = true AND v."period" >= ${range.from} AND v."period" <= ${range.to}
      GROUP BY v."indicatorId", v."unitId"
    )
    SELECT agg."unitId", agg."indicatorId", agg."firstPeriod", f."value" AS "firstValue",
           agg."lastPeriod", l."value" AS "lastValue", agg."sumAll", agg."countAll", agg."sumYear", agg."countYear"
    FROM agg
    JOIN "IndicatorValue" f ON f."indicatorId" = agg."indicatorId" AND f."current" = true AND f."unitId" = agg."unitId" AND f."period" = agg."firstPeriod"
    JOIN "IndicatorValue" l ON l."indicatorId" = agg."indicatorId" AND l."current" = true AND l."unitId" = agg."unitId" AND l."period" = agg."lastPeriod"
  `);
  return rows.map((r) => aggregateRow.parse(r));
}

/** Month-by-month current values of one unit, for the explanation's value lists. */
export async function unitMonthlyValues(db: Db, planId: number, unitId: number, range: { from: number; to: number }) {
  return db.indicatorValue.findMany({
    where: { unitId, current: true, period: { gte: range.from, lte: range.to }, indicator: { planId, retiredAt: null } },
    select: { indicatorId: true, period: true, value: true },
    orderBy: [{ indicatorId: "asc" }, { period: "asc" }],
  });
}

/** The plan's live indicators in the shape ranking-units.ts takes. */
export async function planIndicatorRows(db: Db, planId: number): Promise<PlanIndicatorRow[]> {
  const rows = await db.indicator.findMany({
    where: { planId, retiredAt: null },
    orderBy: { ordinal: "asc" },
    include: { shares: true, workItem: { select: { units: { where: { role: "lead" }, select: { unitId: true } } } } },
  });
  return rows.map((i) => ({
    id: i.id,
    code: i.code,
    name: i.name,
    unit: i.unit,
    kind: z.enum(INDICATOR_KINDS).parse(i.kind),
    comparator: z.enum(["gte", "lte"]).parse(i.comparator),
    target: i.target,
    weight: i.weight,
    headline: i.headline,
    deadline: i.deadline,
    leadUnitIds: i.workItem?.units.map((u) => u.unitId) ?? [],
    shares: new Map(i.shares.map((s) => [s.unitId, s.target])),
  }));
}

/**
 * The units a ranking lists: lead departments of the plan's work items (a
 * department leading only work items without indicators is still listed, as
 * "no indicators"), or every county and the zone.
 */
export async function rankingUnitRows(db: Db, planId: number, kind: RankingKind): Promise<UnitRow[]> {
  const units = await db.unit.findMany({
    where:
      kind === "department"
        ? { kind: "department", roles: { some: { role: "lead", workItem: { task: { planId } } } } }
        : { kind: { in: ["county", "zone"] } },
    orderBy: { id: "asc" },
    select: { id: true, name: true },
  });
  return units.map((u) => ({ unitId: u.id, name: u.name }));
}

export interface ReportMeta {
  unitId: number;
  period: number;
  firstAt: Date;
  /** createdAt of every revision after the first. */
  corrections: Date[];
  /** Values of the current revision on indicators the unit owes in this ranking. */
  reported: number;
}

/** Conduct inputs for the window's months: one row per stored report. */
export async function reportMeta(db: Db, planId: number, kind: RankingKind, months: { from: number; to: number }): Promise<ReportMeta[]> {
  const reports = await db.report.findMany({
    where: { planId, period: { gte: months.from, lte: months.to } },
    select: { unitId: true, period: true, firstAt: true, revisions: { where: { revision: { gt: 1 } }, select: { createdAt: true } } },
  });
  // "Owed" as the ranking defines it: led indicators for departments, shares for counties.
  const owed =
    kind === "department"
      ? Prisma.sql`EXISTS (SELECT 1 FROM "WorkItemUnit" w WHERE w."workItemId" = i."workItemId" AND w."unitId" = r."unitId" AND w."role" = 'lead')`
      : Prisma.sql`EXISTS (SELECT 1 FROM "IndicatorShare" s WHERE s."indicatorId" = i."id" AND s."unitId" = r."unitId")`;
  // Current values are those of the report's current revision: the unique
  // (reportId, revision, indicatorId) index finds them without scanning history.
  const counts = await db.$queryRaw<unknown[]>(Prisma.sql`
    SELECT r."unitId" AS "unitId", r."period" AS "period", COUNT(*) AS "reported"
    FROM "Report" r
    JOIN "IndicatorValue" v ON v."reportId" = r."id" AND v."revision" = r."revision"
    JOIN "Indicator" i ON i."id" = v."indicatorId"
    WHERE r."planId" = ${planId} AND r."period" >= ${months.from} AND r."period" <= ${months.to}
      AND i."retiredAt" IS NULL AND ${owed}
    GROUP BY r."unitId", r."period"
  `);
  const countRow = z.object({ unitId: int, period: int, reported: int });
  const reported = new Map<string, number>();
  for (const raw of counts) {
    const c = countRow.parse(raw);
    reported.set(`${c.unitId}:${c.period}`, c.reported);
  }
  return reports.map((r) => ({
    unitId: r.unitId,
    period: r.period,
    firstAt: r.firstAt,
    corrections: r.revisions.map((v) => v.createdAt),
    reported: reported.get(`${r.unitId}:${r.period}`) ?? 0,
  }));
}

export interface RawValueRow {
  unitId: number;
  unit: string;
  period: number;
  code: string;
  indicator: string;
  value: number;
  raw: string;
  revision: number;
  reportedAt: Date;
  by: string;
}

/**
 * The values of the window's months with who entered them: the workbook's raw
 * sheet. Today's current values, or with `frozenAt` the revision that was
 * current then (a published briefing re-renders as it was posted).
 */
export async function rawValues(db: Db, planId: number, unitIds: number[], months: { from: number; to: number }, frozenAt?: Date): Promise<RawValueRow[]> {
  const values = await db.indicatorValue.findMany({
    where: { ...(frozenAt ? {} : { current: true }), unitId: { in: unitIds }, period: { gte: months.from, lte: months.to }, indicator: { planId, retiredAt: null } },
    select: {
      unitId: true,
      period: true,
      value: true,
      raw: true,
      revision: true,
      reportId: true,
      indicator: { select: { code: true, name: true, ordinal: true } },
      report: { select: { unit: { select: { name: true } } } },
    },
  });
  const reportIds = [...new Set(values.map((v) => v.reportId))];
  const revisions = reportIds.length
    ? await db.reportRevision.findMany({
        where: { reportId: { in: reportIds }, ...(frozenAt ? { createdAt: { lte: frozenAt } } : {}) },
        select: { reportId: true, revision: true, createdAt: true, platform: true, identity: { select: { displayName: true, userId: true } } },
      })
    : [];
  const byKey = new Map(revisions.map((r) => [`${r.reportId}:${r.revision}`, r]));
  // With frozenAt: each report's latest revision made by then (values of every revision are kept).
  const liveRevision = new Map<number, number>();
  for (const r of revisions) liveRevision.set(r.reportId, Math.max(liveRevision.get(r.reportId) ?? 0, r.revision));
  return values
    .filter((v) => !frozenAt || liveRevision.get(v.reportId) === v.revision)
    .sort((a, b) => a.unitId - b.unitId || a.period - b.period || a.indicator.ordinal - b.indicator.ordinal)
    .map((v) => {
      const rev = byKey.get(`${v.reportId}:${v.revision}`);
      return {
        unitId: v.unitId,
        unit: v.report.unit.name,
        period: v.period,
        code: v.indicator.code,
        indicator: v.indicator.name,
        value: v.value,
        raw: v.raw,
        revision: v.revision,
        reportedAt: rev?.createdAt ?? new Date(0),
        by: rev?.identity?.displayName ?? rev?.identity?.userId ?? rev?.platform ?? "",
      };
    });
}

// ---------------------------------------------------------------------------
// Settings

export const RANKING_CONFIG_KEY = "ranking.config";

/** The plan's ranking rules (Setting "ranking.config"); the defaults when none is stored. */
export async function loadRankingConfig(db: Db, planId: number): Promise<RankingConfig> {
  const row = await db.setting.findUnique({ where: { planId_key: { planId, key: RANKING_CONFIG_KEY } } });
  const parsed = parseRankingConfig(row ? JSON.parse(row.value) : {});
  // An invalid stored config must not silently become the defaults: the scores would change unannounced.
  if (!parsed.ok) throw new Error(`stored ranking config is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
  return parsed.config;
}

export async function saveRankingConfig(db: Db, planId: number, config: RankingConfig): Promise<void> {
  const value = JSON.stringify(config);
  await db.setting.upsert({
    where: { planId_key: { planId, key: RANKING_CONFIG_KEY } },
    create: { planId, key: RANKING_CONFIG_KEY, value },
    update: { value },
  });
}

// ---------------------------------------------------------------------------
// Snapshots

export interface Snapshot {
  id: number;
  period: string;
  kind: RankingKind;
  computedAt: Date;
  publishedAt: Date | null;
  ranking: Ranking;
}

function toSnapshot(row: { id: number; period: string; kind: string; computedAt: Date; publishedAt: Date | null; payload: string }): Snapshot {
  return {
    id: row.id,
    period: row.period,
    kind: z.enum(["department", "county"]).parse(row.kind),
    computedAt: row.computedAt,
    publishedAt: row.publishedAt,
    ranking: decodeSnapshotPayload(row.payload, `#${row.id} (${row.period} ${row.kind})`),
  };
}

export async function getSnapshot(db: Db, planId: number, period: string, kind: RankingKind): Promise<Snapshot | null> {
  const row = await db.rankingSnapshot.findUnique({ where: { planId_period_kind: { planId, period, kind } } });
  return row ? toSnapshot(row) : null;
}

/**
 * Stores `ranking` as the draft for its window, unless that window is already
 * published: then the frozen snapshot is returned untouched (a later correction
 * never rewrites what was published). Safe against a concurrent writer: the
 * unique (planId, period, kind) decides, and a published row is never updated.
 */
export async function saveDraftSnapshot(db: Db, planId: number, ranking: Ranking, at: Date): Promise<Snapshot> {
  const key = { planId, period: ranking.window.label, kind: ranking.kind };
  const payload = encodeSnapshotPayload(ranking);
  const existing = await db.rankingSnapshot.findUnique({ where: { planId_period_kind: key }, select: { id: true, publishedAt: true } });
  if (!existing) {
    try {
      await db.rankingSnapshot.create({ data: { ...key, computedAt: at, payload } });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Someone else created it meanwhile: fall through and treat theirs as existing.
    }
  } else if (existing.publishedAt === null) {
    await db.rankingSnapshot.updateMany({ where: { id: existing.id, publishedAt: null }, data: { computedAt: at, payload } });
  }
  return (await getSnapshot(db, planId, key.period, key.kind))!;
}

/** Marks the snapshot published; false when it already was (the caller must not post again). */
export async function publishSnapshot(db: Db, id: number, at: Date): Promise<boolean> {
  const { count } = await db.rankingSnapshot.updateMany({ where: { id, publishedAt: null }, data: { publishedAt: at } });
  return count === 1;
}

/** The latest published snapshot of the same kind and scope before `period` (labels of one scope sort as text). */
export async function previousPublished(db: Db, planId: number, kind: RankingKind, period: string, scope: RegExp): Promise<Snapshot | null> {
  const rows = await db.rankingSnapshot.findMany({
    where: { planId, kind, publishedAt: { not: null }, period: { lt: period } },
    select: { id: true, period: true },
    orderBy: { period: "desc" },
  });
  const hit = rows.find((r) => scope.test(r.period));
  if (!hit) return null;
  const row = await db.rankingSnapshot.findUnique({ where: { id: hit.id } });
  return row ? toSnapshot(row) : null;
}
