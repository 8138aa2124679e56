import { z } from "zod";
import { INDICATOR_KINDS } from "../domain/plan/types.js";
import { parseRankingConfig, type RankingConfig } from "../domain/ranking/ranking-config.js";
import type { MonthFigure } from "../domain/ranking/progress.js";
import type { PlanIndicatorRow, UnitRow } from "../domain/ranking/ranking-units.js";
import type { Ranking, RankingKind } from "../domain/ranking/score.js";
import type { FigureIndex } from "../domain/ranking/types.js";
import { periodFromKey, type Period } from "../domain/report/types.js";
import type { Db } from "./database.js";
import { decodeSnapshotPayload, encodeSnapshotPayload } from "./ranking-payload.js";
import { asBool, asDate, sqlFor } from "./sql.js";
import { isUniqueViolation } from "./report-repository.js";
import { listAt, mapAt } from "../domain/multimap.js";

/**
 * What a ranking reads from the database, and its frozen snapshots.
 *
 * The values are read already reduced to what each indicator's kind is scored
 * on, one row per unit × indicator (see rankingFigures): a quarterly ranking as
 * of the plan's fifth year covers ~1,000,000 stored values, and neither
 * shipping them to JavaScript nor aggregating all of them in SQL is needed when
 * a level or a rate is judged on its first and latest figure only. The covering
 * index IndicatorValue(indicatorId, current, unitId, period, value) answers
 * every read below by seeks and short range scans, without touching the table.
 *
 * The hot reads go through `sqlFor` (plain SQL on Prisma's own driver adapter,
 * the same statements on both databases) rather than Prisma's query engine,
 * whose per-row cost on the plan's 17,000 shares alone was ~150 ms. So do the
 * small reads a ranking makes (plan, settings, units, schedule, calendar): the
 * first query through Prisma's engine instantiates its WebAssembly query
 * compiler, ~20 MB of resident memory that a process computing rankings
 * (the bot's scheduler, `duban ranking`) need not carry for five rows.
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

/** The units a ranking of `kind` can list (a superset is harmless: the ranking reads only its units' figures). */
function rankedUnitKinds(kind: RankingKind): string {
  return kind === "department" ? `u."kind" = 'department'` : `u."kind" IN ('county', 'zone')`;
}

// The sums, one SELECT per sum kind. Driven Indicator → Unit → value range: a
// seek on (indicatorId, current, unitId) then the period range, so per_year
// reads only its year's months, and the groups arrive in loop order (no sort).
// Two SELECTs rather than a CASE on the lower bound: a parameter inside CASE
// has no type PostgreSQL can infer for a comparison with an integer column.
const SUMS_OF = (kind: "cumulative" | "per_year", units: string) => `
  SELECT i."id" AS "indicatorId", u."id" AS "unitId", SUM(v."value") AS "sum", COUNT(*) AS "months", MAX(v."period") AS "lastPeriod"
  FROM "Indicator" i CROSS JOIN "Unit" u CROSS JOIN "IndicatorValue" v
  WHERE i."planId" = ? AND i."retiredAt" IS NULL AND i."kind" = '${kind}' AND ${units}
    AND v."indicatorId" = i."id" AND v."current" = true AND v."unitId" = u."id" AND v."period" >= ? AND v."period" <= ?
  GROUP BY i."id", u."id"`;
const SUMS = {
  department: `${SUMS_OF("cumulative", rankedUnitKinds("department"))} UNION ALL ${SUMS_OF("per_year", rankedUnitKinds("department"))}`,
  county: `${SUMS_OF("cumulative", rankedUnitKinds("county"))} UNION ALL ${SUMS_OF("per_year", rankedUnitKinds("county"))}`,
};

// The levels: per unit × indicator, the latest (and for stock the first) figure
// in range, each one index seek (MAX/MIN over an index prefix, ORDER BY … LIMIT
// 1; both databases answer them from the index end). Pairs without any figure
// come back with NULLs and are dropped by the caller.
const IN_RANGE = `v."indicatorId" = i."id" AND v."current" = true AND v."unitId" = u."id" AND v."period" >= ? AND v."period" <= ?`;
const LEVELS_OF = (units: string) => `
  SELECT i."id" AS "indicatorId", u."id" AS "unitId",
    (SELECT MAX(v."period") FROM "IndicatorValue" v WHERE ${IN_RANGE}) AS "lastPeriod",
    (SELECT v."value" FROM "IndicatorValue" v WHERE ${IN_RANGE} ORDER BY v."period" DESC LIMIT 1) AS "lastValue",
    CASE WHEN i."kind" = 'stock' THEN (SELECT MIN(v."period") FROM "IndicatorValue" v WHERE ${IN_RANGE}) END AS "firstPeriod",
    CASE WHEN i."kind" = 'stock' THEN (SELECT v."value" FROM "IndicatorValue" v WHERE ${IN_RANGE} ORDER BY v."period" LIMIT 1) END AS "firstValue"
  FROM "Indicator" i CROSS JOIN "Unit" u
  WHERE i."planId" = ? AND i."retiredAt" IS NULL AND i."kind" IN ('stock', 'ratio', 'growth', 'reduction') AND ${units}`;
const LEVELS = { department: LEVELS_OF(rankedUnitKinds("department")), county: LEVELS_OF(rankedUnitKinds("county")) };

interface SumSqlRow {
  indicatorId: unknown;
  unitId: unknown;
  sum: unknown;
  months: unknown;
  lastPeriod: unknown;
}
interface LevelSqlRow {
  indicatorId: unknown;
  unitId: unknown;
  lastPeriod: unknown;
  lastValue: unknown;
  firstPeriod: unknown;
  firstValue: unknown;
}

/**
 * The figures a ranking of `kind` scores, for the plan's live indicators and
 * the units of that kind, grouped as computeRanking reads them. One unit ×
 * indicator over the range, reduced to what its kind is scored on: a sum
 * (cumulative since `from`, per_year since January of the as-of year) becomes
 * one figure dated by its last month and carrying its month count
 * (MonthFigure.months), so the formula still says how many months were added;
 * stock keeps its first figure (its baseline) and latest level, the rates
 * their latest value: exactly the figures the domain would pick from the full
 * series, so the scores are the same.
 *
 * Built straight from the driver's rows, with one Period object per month
 * shared by every figure of that month: a county ranking holds ~20,000 of
 * these figures in its result, and an intermediate list of them (then a
 * second one, then the index) was what the ranking's process kept most of,
 * besides the result itself. Driver values are numbers, bigints or
 * (PostgreSQL int8 / numeric) strings: Number() reads them all.
 */
export async function rankingFigures(db: Db, planId: number, kind: RankingKind, range: ValueRange): Promise<FigureIndex> {
  const index = new Map<number, Map<number, readonly MonthFigure[]>>();
  if (range.to < range.from) return index;
  const sql = sqlFor(db);
  const yearFrom = Math.max(range.yearStart, range.from);
  const levelArgs = [range.from, range.to, range.from, range.to, range.from, range.to, range.from, range.to, planId];
  const [sums, levels] = await Promise.all([
    sql.query<SumSqlRow>(SUMS[kind], [planId, range.from, range.to, planId, yearFrom, range.to]),
    sql.query<LevelSqlRow>(LEVELS[kind], levelArgs),
  ]);
  const periods = new Map<number, Period>();
  const period = (key: number): Period => {
    let p = periods.get(key);
    if (p === undefined) periods.set(key, (p = periodFromKey(key)));
    return p;
  };
  const ofUnit = (unitId: number): Map<number, readonly MonthFigure[]> => mapAt(index, unitId);
  for (const r of sums) {
    ofUnit(Number(r.unitId)).set(Number(r.indicatorId), [{ period: period(Number(r.lastPeriod)), value: Number(r.sum), months: Number(r.months) }]);
  }
  for (const r of levels) {
    if (r.lastPeriod === null || r.lastPeriod === undefined) continue; // nothing reported in range
    const lastPeriod = Number(r.lastPeriod);
    const latest: MonthFigure = { period: period(lastPeriod), value: Number(r.lastValue) };
    const firstPeriod = r.firstPeriod === null || r.firstPeriod === undefined ? lastPeriod : Number(r.firstPeriod);
    ofUnit(Number(r.unitId)).set(Number(r.indicatorId), firstPeriod === lastPeriod ? [latest] : [{ period: period(firstPeriod), value: Number(r.firstValue) }, latest]);
  }
  return index;
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
  const sql = sqlFor(db);
  const [rows, shares, leads] = await Promise.all([
    sql.query<Record<string, unknown>>(
      `SELECT "id", "code", "name", "unit", "kind", "comparator", "target", "weight", "headline", "deadline"
       FROM "Indicator" WHERE "planId" = ? AND "retiredAt" IS NULL ORDER BY "ordinal", "id"`,
      [planId],
    ),
    sql.query<{ indicatorId: unknown; unitId: unknown; target: unknown }>(
      `SELECT s."indicatorId" AS "indicatorId", s."unitId" AS "unitId", s."target" AS "target"
       FROM "IndicatorShare" s JOIN "Indicator" i ON i."id" = s."indicatorId"
       WHERE i."planId" = ? AND i."retiredAt" IS NULL ORDER BY s."indicatorId", s."unitId"`,
      [planId],
    ),
    sql.query<{ indicatorId: unknown; unitId: unknown }>(
      `SELECT i."id" AS "indicatorId", w."unitId" AS "unitId"
       FROM "Indicator" i JOIN "WorkItemUnit" w ON w."workItemId" = i."workItemId" AND w."role" = 'lead'
       WHERE i."planId" = ? AND i."retiredAt" IS NULL ORDER BY i."id", w."unitId"`,
      [planId],
    ),
  ]);
  const sharesOf = new Map<number, Map<number, number>>();
  for (const s of shares) mapAt(sharesOf, Number(s.indicatorId)).set(Number(s.unitId), Number(s.target));
  const leadsOf = new Map<number, number[]>();
  for (const l of leads) listAt(leadsOf, Number(l.indicatorId)).push(Number(l.unitId));
  const kind = z.enum(INDICATOR_KINDS);
  const comparator = z.enum(["gte", "lte"]);
  return rows.map((i) => {
    const id = Number(i.id);
    return {
      id,
      code: String(i.code),
      name: String(i.name),
      unit: String(i.unit),
      kind: kind.parse(i.kind),
      comparator: comparator.parse(i.comparator),
      target: Number(i.target),
      weight: Number(i.weight),
      headline: asBool(i.headline),
      deadline: i.deadline === null || i.deadline === undefined ? null : String(i.deadline),
      leadUnitIds: leadsOf.get(id) ?? [],
      shares: sharesOf.get(id) ?? new Map<number, number>(),
    };
  });
}

const UNIT_ROWS = {
  department: `
    SELECT u."id" AS "id", u."name" AS "name" FROM "Unit" u
    WHERE u."kind" = 'department' AND EXISTS (
      SELECT 1 FROM "WorkItemUnit" w JOIN "WorkItem" wi ON wi."id" = w."workItemId" JOIN "Task" t ON t."id" = wi."taskId"
      WHERE w."unitId" = u."id" AND w."role" = 'lead' AND t."planId" = ?)
    ORDER BY u."id"`,
  county: `SELECT u."id" AS "id", u."name" AS "name" FROM "Unit" u WHERE u."kind" IN ('county', 'zone') ORDER BY u."id"`,
};

/**
 * The units a ranking lists: lead departments of the plan's work items (a
 * department leading only work items without indicators is still listed, as
 * "no indicators"), or every county and the zone.
 */
export async function rankingUnitRows(db: Db, planId: number, kind: RankingKind): Promise<UnitRow[]> {
  const rows = await sqlFor(db).query<{ id: unknown; name: unknown }>(UNIT_ROWS[kind], kind === "department" ? [planId] : []);
  return rows.map((u) => ({ unitId: Number(u.id), name: String(u.name) }));
}

/** The plan's reporting years and title; null when there is no such plan. */
export async function planSpan(db: Db, planId: number): Promise<{ startYear: number; endYear: number; title: string } | null> {
  const [row] = await sqlFor(db).query<{ startYear: unknown; endYear: unknown; title: unknown }>(
    `SELECT "startYear" AS "startYear", "endYear" AS "endYear", "title" AS "title" FROM "Plan" WHERE "id" = ?`,
    [planId],
  );
  return row ? { startYear: Number(row.startYear), endYear: Number(row.endYear), title: String(row.title) } : null;
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


// "Owed" as the ranking defines it: led indicators for departments, shares for counties.
const OWED = {
  department: `EXISTS (SELECT 1 FROM "WorkItemUnit" w WHERE w."workItemId" = i."workItemId" AND w."unitId" = r."unitId" AND w."role" = 'lead')`,
  county: `EXISTS (SELECT 1 FROM "IndicatorShare" s WHERE s."indicatorId" = i."id" AND s."unitId" = r."unitId")`,
};
// Current values are those of the report's current revision: the unique
// (reportId, revision, indicatorId) index finds them without scanning history.
const REPORTS = (kind: RankingKind) => `
  SELECT r."id" AS "id", r."unitId" AS "unitId", r."period" AS "period", r."firstAt" AS "firstAt",
    (SELECT COUNT(*) FROM "IndicatorValue" v JOIN "Indicator" i ON i."id" = v."indicatorId"
     WHERE v."reportId" = r."id" AND v."revision" = r."revision" AND i."retiredAt" IS NULL AND ${OWED[kind]}) AS "reported"
  FROM "Report" r
  WHERE r."planId" = ? AND r."period" >= ? AND r."period" <= ?
  ORDER BY r."id"`;
const REPORTS_BY_KIND = { department: REPORTS("department"), county: REPORTS("county") };
const CORRECTIONS = `
  SELECT rr."reportId" AS "reportId", rr."createdAt" AS "createdAt"
  FROM "ReportRevision" rr JOIN "Report" r ON r."id" = rr."reportId"
  WHERE r."planId" = ? AND r."period" >= ? AND r."period" <= ? AND rr."revision" > 1
  ORDER BY rr."reportId", rr."revision"`;

/** Conduct inputs for the window's months: one row per stored report. */
export async function reportMeta(db: Db, planId: number, kind: RankingKind, months: { from: number; to: number }): Promise<ReportMeta[]> {
  const sql = sqlFor(db);
  const args = [planId, months.from, months.to];
  const [reports, revisions] = await Promise.all([
    sql.query<{ id: unknown; unitId: unknown; period: unknown; firstAt: unknown; reported: unknown }>(REPORTS_BY_KIND[kind], args),
    sql.query<{ reportId: unknown; createdAt: unknown }>(CORRECTIONS, args),
  ]);
  const corrections = new Map<number, Date[]>();
  for (const c of revisions) listAt(corrections, Number(c.reportId)).push(asDate(c.createdAt));
  return reports.map((r) => ({
    unitId: Number(r.unitId),
    period: Number(r.period),
    firstAt: asDate(r.firstAt),
    corrections: corrections.get(Number(r.id)) ?? [],
    reported: Number(r.reported),
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
  const [row] = await sqlFor(db).query<{ value: unknown }>(`SELECT "value" AS "value" FROM "Setting" WHERE "planId" = ? AND "key" = ?`, [planId, RANKING_CONFIG_KEY]);
  const parsed = parseRankingConfig(row ? JSON.parse(String(row.value)) : {});
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
