import { z } from "zod";
import { parseRankingConfig, type RankingConfig } from "../domain/ranking/ranking-config.js";
import type { MonthFigure } from "../domain/ranking/progress.js";
import type { Ranking, RankingKind } from "../domain/ranking/score.js";
import type { FigureIndex } from "../domain/ranking/types.js";
import { periodFromKey, type Period } from "../domain/report/types.js";
import type { Db } from "./database.js";
import { decodeSnapshotPayload, encodeSnapshotPayload } from "./ranking-payload.js";
import { asBool, asDate, sqlFor, sqlOf } from "./sql.js";
import { isUniqueViolation } from "./report-repository.js";
import { listAt, mapAt } from "../domain/multimap.js";

/**
 * What a ranking reads from the database, and its frozen snapshots. Who is
 * ranked and what each unit is judged on come from the obligations rule
 * (domain/obligations, over persistence/plan-facts.ts): nothing here decides
 * what a unit owes.
 *
 * The values are read already reduced to what each indicator's kind and
 * reporting basis are scored on, one or a few rows per unit × indicator (see
 * rankingFigures): a quarterly ranking as of the plan's fifth year covers
 * ~1,000,000 stored values, and neither shipping them to JavaScript nor
 * aggregating all of them in SQL is needed when a year-to-date total, a level
 * or a rate is judged on its latest figure (and a year's last one). The
 * covering index IndicatorValue(indicatorId, current, unitId, period, value)
 * answers every read below by seeks and short range scans, without touching
 * the table.
 *
 * The hot reads go through `sqlFor` (plain SQL on Prisma's own driver adapter,
 * the same statements on both databases) rather than Prisma's query engine,
 * whose per-row cost on the plan's 17,000 shares alone was ~150 ms. So do the
 * small reads a ranking makes (settings, schedule, calendar, plan facts): the
 * first query through Prisma's engine instantiates its WebAssembly query
 * compiler, ~20 MB of resident memory that a process computing rankings
 * (the bot's scheduler, `duban ranking`) need not carry for five rows.
 */

/** yyyymm bounds of a ranking's value read. */
export interface ValueRange {
  /** The plan's first month (sums since plan start, stock baselines, each year's last ytd figure). */
  from: number;
  /** The as-of month, capped at the plan's last month. */
  to: number;
  /** January of the as-of year: where per_year / annual_total sums of increments start. */
  yearStart: number;
}

/** The units a ranking of `kind` can list (a superset is harmless: the ranking reads only its units' figures). */
function rankedUnitKinds(kind: RankingKind): string {
  return kind === "department" ? `u."kind" = 'department'` : `u."kind" IN ('county', 'zone')`;
}

// Sums of increments (basis month), one SELECT per sum kind. Driven Indicator →
// Unit → value range: a seek on (indicatorId, current, unitId) then the period
// range, so a yearly sum reads only its year's months, and the groups arrive in
// loop order (no sort). Two SELECTs rather than a CASE on the lower bound: a
// parameter inside CASE has no type PostgreSQL can infer for a comparison with
// an integer column.
const SUMS_OF = (kinds: string, units: string) => `
  SELECT i."id" AS "indicatorId", u."id" AS "unitId", SUM(v."value") AS "sum", COUNT(*) AS "months", MAX(v."period") AS "lastPeriod"
  FROM "Indicator" i CROSS JOIN "Unit" u CROSS JOIN "IndicatorValue" v
  WHERE i."planId" = ? AND i."retiredAt" IS NULL AND i."kind" IN (${kinds}) AND i."basis" = 'month' AND ${units}
    AND v."indicatorId" = i."id" AND v."current" = true AND v."unitId" = u."id" AND v."period" >= ? AND v."period" <= ?
  GROUP BY i."id", u."id"`;
const SUMS = {
  department: `${SUMS_OF(`'cumulative'`, rankedUnitKinds("department"))} UNION ALL ${SUMS_OF(`'per_year', 'annual_total'`, rankedUnitKinds("department"))}`,
  county: `${SUMS_OF(`'cumulative'`, rankedUnitKinds("county"))} UNION ALL ${SUMS_OF(`'per_year', 'annual_total'`, rankedUnitKinds("county"))}`,
};

// The latest figures: per unit × indicator, the latest (and for stock the first)
// figure in range, each one index seek (MAX/MIN over an index prefix, ORDER BY …
// LIMIT 1; both databases answer them from the index end). Levels, rates, and
// the year-to-date totals of per_year / annual_total (the domain takes the
// latest only if it is of the as-of year). Pairs without any figure come back
// with NULLs and are dropped by the caller.
const IN_RANGE = `v."indicatorId" = i."id" AND v."current" = true AND v."unitId" = u."id" AND v."period" >= ? AND v."period" <= ?`;
const LATEST_KINDS = `(i."kind" IN ('stock', 'ratio', 'growth', 'reduction') OR (i."kind" IN ('per_year', 'annual_total') AND i."basis" <> 'month'))`;
const LEVELS_OF = (units: string) => `
  SELECT i."id" AS "indicatorId", u."id" AS "unitId",
    (SELECT MAX(v."period") FROM "IndicatorValue" v WHERE ${IN_RANGE}) AS "lastPeriod",
    (SELECT v."value" FROM "IndicatorValue" v WHERE ${IN_RANGE} ORDER BY v."period" DESC LIMIT 1) AS "lastValue",
    CASE WHEN i."kind" = 'stock' THEN (SELECT MIN(v."period") FROM "IndicatorValue" v WHERE ${IN_RANGE}) END AS "firstPeriod",
    CASE WHEN i."kind" = 'stock' THEN (SELECT v."value" FROM "IndicatorValue" v WHERE ${IN_RANGE} ORDER BY v."period" LIMIT 1) END AS "firstValue"
  FROM "Indicator" i CROSS JOIN "Unit" u
  WHERE i."planId" = ? AND i."retiredAt" IS NULL AND ${LATEST_KINDS} AND ${units}`;
const LEVELS = { department: LEVELS_OF(rankedUnitKinds("department")), county: LEVELS_OF(rankedUnitKinds("county")) };

// Cumulative targets reported year to date: each year's last figure (Σ over the
// years is the total since the plan began). One SELECT per year of the range,
// two seeks per unit × indicator each, like the levels: the statement's text
// depends only on the number of years.
const YEAR_ENDS_OF = (units: string) => `
  SELECT i."id" AS "indicatorId", u."id" AS "unitId",
    (SELECT MAX(v."period") FROM "IndicatorValue" v WHERE ${IN_RANGE}) AS "lastPeriod",
    (SELECT v."value" FROM "IndicatorValue" v WHERE ${IN_RANGE} ORDER BY v."period" DESC LIMIT 1) AS "lastValue"
  FROM "Indicator" i CROSS JOIN "Unit" u
  WHERE i."planId" = ? AND i."retiredAt" IS NULL AND i."kind" = 'cumulative' AND i."basis" <> 'month' AND ${units}`;
const yearEndsCache = new Map<string, string>();
function yearEnds(kind: RankingKind, years: number): string {
  const key = `${kind}:${years}`;
  let sql = yearEndsCache.get(key);
  if (sql === undefined) yearEndsCache.set(key, (sql = Array.from({ length: years }, () => YEAR_ENDS_OF(rankedUnitKinds(kind))).join(" UNION ALL ")));
  return sql;
}

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
  firstPeriod?: unknown;
  firstValue?: unknown;
}

const isNull = (v: unknown) => v === null || v === undefined;

/**
 * The figures a ranking of `kind` scores, for the plan's live indicators and
 * the units of that kind, grouped as computeRanking reads them. One unit ×
 * indicator over the range, reduced to what its kind and basis are scored on:
 * - increments (basis month): a sum (cumulative since `from`, yearly since
 *   January of the as-of year) becomes one figure dated by its last month and
 *   carrying its month count (MonthFigure.months), so the formula still says
 *   how many months were added;
 * - year-to-date totals of a cumulative target: each year's last figure;
 * - year-to-date totals of a yearly target, levels and rates: the latest
 *   figure (stock also its first, the fallback baseline);
 * exactly the figures the domain would pick from the full series, so the
 * scores are the same.
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
  const firstYear = Math.floor(range.from / 100);
  const lastYear = Math.floor(range.to / 100);
  const yearArgs: number[] = [];
  for (let y = firstYear; y <= lastYear; y++) {
    const lo = Math.max(range.from, y * 100 + 1);
    const hi = Math.min(range.to, y * 100 + 12);
    yearArgs.push(lo, hi, lo, hi, planId);
  }
  const [sums, levels, ends] = await Promise.all([
    sql.query<SumSqlRow>(SUMS[kind], [planId, range.from, range.to, planId, yearFrom, range.to]),
    sql.query<LevelSqlRow>(LEVELS[kind], levelArgs),
    sql.query<LevelSqlRow>(yearEnds(kind, lastYear - firstYear + 1), yearArgs),
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
    if (isNull(r.lastPeriod)) continue; // nothing reported in range
    const lastPeriod = Number(r.lastPeriod);
    const latest: MonthFigure = { period: period(lastPeriod), value: Number(r.lastValue) };
    const firstPeriod = isNull(r.firstPeriod) ? lastPeriod : Number(r.firstPeriod);
    ofUnit(Number(r.unitId)).set(Number(r.indicatorId), firstPeriod === lastPeriod ? [latest] : [{ period: period(firstPeriod), value: Number(r.firstValue) }, latest]);
  }
  // Years arrive statement by statement (ascending); a unit × indicator's list grows in year order.
  const yearly = new Map<number, Map<number, MonthFigure[]>>();
  for (const r of ends) {
    if (isNull(r.lastPeriod)) continue;
    listAt(mapAt(yearly, Number(r.unitId)), Number(r.indicatorId)).push({ period: period(Number(r.lastPeriod)), value: Number(r.lastValue) });
  }
  for (const [unitId, byIndicator] of yearly) {
    const own = ofUnit(unitId);
    for (const [indicatorId, figures] of byIndicator) {
      figures.sort((a, b) => a.period.year - b.period.year); // UNION ALL keeps no promise of order
      own.set(indicatorId, figures);
    }
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

/** What is stored for one unit's month (domain/obligations' StoredMonth), with the corrections made after it. */
export interface ReportMeta {
  unitId: number;
  period: number;
  firstAt: Date;
  /** createdAt of every revision after the first. */
  corrections: Date[];
  /** Live indicators with a value in the current revision. */
  valueIds: Set<number>;
  /** The current revision carries a progress narrative (进展情况). */
  narrative: boolean;
}

// The current revision's narrative, and its values: the unique (reportId, revision, indicatorId)
// index finds them without scanning history.
const REPORTS = `
  SELECT r."id" AS "id", r."unitId" AS "unitId", r."period" AS "period", r."firstAt" AS "firstAt",
    CASE WHEN rr."progress" IS NOT NULL AND rr."progress" <> '' THEN 1 ELSE 0 END AS "narrative"
  FROM "Report" r LEFT JOIN "ReportRevision" rr ON rr."reportId" = r."id" AND rr."revision" = r."revision"
  WHERE r."planId" = ? AND r."period" >= ? AND r."period" <= ?
  ORDER BY r."id"`;
// One row per report with its value ids joined in text: 84 indicators × 600 reports as 50,400 rows
// cost the driver five times what 600 rows of text do. The aggregate is spelled per database.
const CURRENT_VALUE_IDS = (aggregate: string) => `
  SELECT r."id" AS "reportId", ${aggregate} AS "ids"
  FROM "Report" r JOIN "IndicatorValue" v ON v."reportId" = r."id" AND v."revision" = r."revision"
  JOIN "Indicator" i ON i."id" = v."indicatorId"
  WHERE r."planId" = ? AND r."period" >= ? AND r."period" <= ? AND i."retiredAt" IS NULL
  GROUP BY r."id"`;
const VALUE_IDS = {
  sqlite: CURRENT_VALUE_IDS(`group_concat(v."indicatorId")`),
  postgresql: CURRENT_VALUE_IDS(`string_agg(CAST(v."indicatorId" AS TEXT), ',')`),
};
// Without the driver (a client openDatabase did not make): a row per value, which any database reads.
const CURRENT_VALUES = `
  SELECT v."reportId" AS "reportId", v."indicatorId" AS "indicatorId"
  FROM "Report" r JOIN "IndicatorValue" v ON v."reportId" = r."id" AND v."revision" = r."revision"
  JOIN "Indicator" i ON i."id" = v."indicatorId"
  WHERE r."planId" = ? AND r."period" >= ? AND r."period" <= ? AND i."retiredAt" IS NULL`;
const CORRECTIONS = `
  SELECT rr."reportId" AS "reportId", rr."createdAt" AS "createdAt"
  FROM "ReportRevision" rr JOIN "Report" r ON r."id" = rr."reportId"
  WHERE r."planId" = ? AND r."period" >= ? AND r."period" <= ? AND rr."revision" > 1
  ORDER BY rr."reportId", rr."revision"`;

/** Each report's live value ids in its current revision. */
async function currentValueIds(db: Db, args: readonly number[]): Promise<Map<number, Set<number>>> {
  const sql = sqlFor(db);
  const provider = sqlOf(db)?.provider;
  const out = new Map<number, Set<number>>();
  if (provider) {
    for (const r of await sql.query<{ reportId: unknown; ids: unknown }>(VALUE_IDS[provider], args)) {
      out.set(Number(r.reportId), new Set(String(r.ids).split(",").map(Number)));
    }
    return out;
  }
  for (const v of await sql.query<{ reportId: unknown; indicatorId: unknown }>(CURRENT_VALUES, args)) {
    const id = Number(v.reportId);
    let set = out.get(id);
    if (!set) out.set(id, (set = new Set()));
    set.add(Number(v.indicatorId));
  }
  return out;
}

/** Conduct inputs for the window's months: one row per stored report of the plan. */
export async function reportMeta(db: Db, planId: number, months: { from: number; to: number }): Promise<ReportMeta[]> {
  const sql = sqlFor(db);
  const args = [planId, months.from, months.to];
  const [reports, valueIds, revisions] = await Promise.all([
    sql.query<{ id: unknown; unitId: unknown; period: unknown; firstAt: unknown; narrative: unknown }>(REPORTS, args),
    currentValueIds(db, args),
    sql.query<{ reportId: unknown; createdAt: unknown }>(CORRECTIONS, args),
  ]);
  const corrections = new Map<number, Date[]>();
  for (const c of revisions) listAt(corrections, Number(c.reportId)).push(asDate(c.createdAt));
  return reports.map((r) => ({
    unitId: Number(r.unitId),
    period: Number(r.period),
    firstAt: asDate(r.firstAt),
    corrections: corrections.get(Number(r.id)) ?? [],
    valueIds: valueIds.get(Number(r.id)) ?? new Set<number>(),
    narrative: asBool(r.narrative),
  }));
}

/** A figure changed by a revision (the previous revision had another value for it). */
export interface ChangedFigure {
  unitId: number;
  unit: string;
  period: number;
  indicatorId: number;
  code: string;
  indicator: string;
  unitOfMeasure: string;
  old: number;
  new: number;
  raw: string;
  revision: number;
  at: Date;
  reason: string | null;
}

/**
 * Figures changed by revisions made in (since, until] (since null: from the
 * beginning), in the order they were made. Every revision restates all the
 * report's values (report-repository.ts), so a change is a value of revision N
 * that differs from revision N − 1's value of the same indicator; a value added
 * by a revision is not a change. Whether a change came after its month's due
 * date is the caller's to judge (the due day depends on the schedule).
 */
export async function changedFigures(db: Db, planId: number, since: Date | null, until: Date): Promise<ChangedFigure[]> {
  const revisions = await db.reportRevision.findMany({
    where: { revision: { gt: 1 }, createdAt: { ...(since ? { gt: since } : {}), lte: until }, report: { planId } },
    select: { reportId: true, revision: true, createdAt: true, reason: true, report: { select: { unitId: true, period: true, unit: { select: { name: true } } } } },
    orderBy: [{ createdAt: "asc" }, { reportId: "asc" }, { revision: "asc" }],
  });
  if (revisions.length === 0) return [];
  const values = await db.indicatorValue.findMany({
    where: { OR: revisions.map((r) => ({ reportId: r.reportId, revision: { in: [r.revision - 1, r.revision] } })) },
    select: { reportId: true, revision: true, indicatorId: true, value: true, raw: true, indicator: { select: { code: true, name: true, unit: true, ordinal: true } } },
  });
  const at = new Map(values.map((v) => [`${v.reportId}:${v.revision}:${v.indicatorId}`, v]));
  const out: ChangedFigure[] = [];
  for (const r of revisions) {
    const mine = values.filter((v) => v.reportId === r.reportId && v.revision === r.revision).sort((a, b) => a.indicator.ordinal - b.indicator.ordinal);
    for (const v of mine) {
      const before = at.get(`${r.reportId}:${r.revision - 1}:${v.indicatorId}`);
      if (!before || before.value === v.value) continue;
      out.push({
        unitId: r.report.unitId,
        unit: r.report.unit.name,
        period: r.report.period,
        indicatorId: v.indicatorId,
        code: v.indicator.code,
        indicator: v.indicator.name,
        unitOfMeasure: v.indicator.unit,
        old: before.value,
        new: v.value,
        raw: v.raw,
        revision: r.revision,
        at: r.createdAt,
        reason: r.reason,
      });
    }
  }
  return out;
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

/** Who entered a figure without a chat identity, as the workbook names it. */
const PLATFORM_NAMES: Record<string, string> = { cli: "命令行", local: "本地", dingtalk: "钉钉", slack: "Slack" };

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
        by: rev?.identity?.displayName ?? rev?.identity?.userId ?? (rev ? (PLATFORM_NAMES[rev.platform] ?? rev.platform) : ""),
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
