import { z } from "zod";
import type { FactIndicator, FactShare, FactUnit, FactWorkItem, PlanFacts, PlanRef } from "../domain/obligations/obligations.js";
import { INDICATOR_KINDS, REPORTING_BASES, UNIT_KINDS } from "../domain/plan/types.js";
import { periodFromKey } from "../domain/report/types.js";
import { listAt, mapAt } from "../domain/multimap.js";
import type { Db } from "./database.js";
import { asBool, asDate, sqlFor } from "./sql.js";
import { changeStamp, noteConfigChanged, stillValid, type Stamp } from "./change-stamp.js";

/**
 * The plans and what the obligations rule reads of each (domain/obligations):
 * plain SQL on the driver, the same statements on both databases, cached per
 * process behind the plans' `updatedAt` (every plan save and span change sets
 * it), so each chat message costs one small read, not a dozen joins, and a
 * change made by the CLI in another process counts from the next message.
 */

const kindSchema = z.enum(INDICATOR_KINDS);
const basisSchema = z.enum(REPORTING_BASES);
const unitKindSchema = z.enum(UNIT_KINDS);
const stringList = z.array(z.string());

interface PlanRow {
  id: unknown;
  code: unknown;
  title: unknown;
  shortName: unknown;
  startYear: unknown;
  endYear: unknown;
  startPeriod: unknown;
  endPeriod: unknown;
  timeZone: unknown;
  example: unknown;
  accountable: unknown;
  updatedAt: unknown;
}

function planRef(r: PlanRow): PlanRef {
  return {
    id: Number(r.id),
    code: String(r.code),
    title: String(r.title),
    shortName: String(r.shortName ?? ""),
    startYear: Number(r.startYear),
    endYear: Number(r.endYear),
    span: { start: periodFromKey(Number(r.startPeriod)), end: periodFromKey(Number(r.endPeriod)) },
    timeZone: String(r.timeZone),
    example: asBool(r.example),
  };
}

const PLAN_COLUMNS = `"id", "code", "title", "shortName", "startYear", "endYear", "startPeriod", "endPeriod", "timeZone", "example", "accountable", "updatedAt"`;

async function planRows(db: Db): Promise<PlanRow[]> {
  return sqlFor(db).query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM "Plan" ORDER BY "id"`);
}

/** Every plan, in the order they were created. */
export async function loadPlanRefs(db: Db): Promise<PlanRef[]> {
  return (await planRows(db)).map(planRef);
}

async function readFacts(db: Db, row: PlanRow): Promise<PlanFacts> {
  const sql = sqlFor(db);
  const planId = Number(row.id);
  const [items, roles, indicators, shares] = await Promise.all([
    sql.query<{ id: unknown; ref: unknown; text: unknown; taskCode: unknown; taskTitle: unknown }>(
      `SELECT wi."id", wi."ref", wi."text", t."code" AS "taskCode", t."title" AS "taskTitle"
       FROM "WorkItem" wi JOIN "Task" t ON t."id" = wi."taskId"
       WHERE t."planId" = ? ORDER BY t."ordinal", wi."seq"`,
      [planId],
    ),
    sql.query<{ workItemId: unknown; unitId: unknown; role: unknown }>(
      `SELECT wu."workItemId", wu."unitId", wu."role"
       FROM "WorkItemUnit" wu JOIN "WorkItem" wi ON wi."id" = wu."workItemId" JOIN "Task" t ON t."id" = wi."taskId"
       WHERE t."planId" = ? ORDER BY wu."workItemId", wu."position"`,
      [planId],
    ),
    sql.query<Record<string, unknown>>(
      `SELECT "id", "code", "name", "aliases", "kind", "basis", "unit", "target", "targetMax", "comparator", "deadline",
              "headline", "weight", "baseline", "baselineYear", "workItemId", "ownerUnitId"
       FROM "Indicator" WHERE "planId" = ? AND "retiredAt" IS NULL ORDER BY "ordinal", "id"`,
      [planId],
    ),
    sql.query<{ indicatorId: unknown; unitId: unknown; target: unknown; baseline: unknown }>(
      `SELECT s."indicatorId", s."unitId", s."target", s."baseline"
       FROM "IndicatorShare" s JOIN "Indicator" i ON i."id" = s."indicatorId"
       WHERE i."planId" = ? AND i."retiredAt" IS NULL ORDER BY s."indicatorId", s."unitId"`,
      [planId],
    ),
  ]);
  const leads = new Map<number, number[]>();
  const unitIds = new Set<number>();
  for (const r of roles) {
    unitIds.add(Number(r.unitId));
    if (r.role === "lead") listAt(leads, Number(r.workItemId)).push(Number(r.unitId));
  }
  const sharesOf = new Map<number, Map<number, FactShare>>();
  for (const s of shares) {
    unitIds.add(Number(s.unitId));
    mapAt(sharesOf, Number(s.indicatorId)).set(Number(s.unitId), { target: Number(s.target), baseline: num(s.baseline) });
  }
  const workItems: FactWorkItem[] = items.map((w) => ({
    id: Number(w.id),
    ref: String(w.ref),
    taskCode: String(w.taskCode),
    taskTitle: String(w.taskTitle),
    text: String(w.text),
    leadUnitIds: leads.get(Number(w.id)) ?? [],
  }));
  const facts: FactIndicator[] = indicators.map((i) => {
    const id = Number(i.id);
    const owner = num(i.ownerUnitId);
    if (owner !== null) unitIds.add(owner);
    return {
      id,
      code: String(i.code),
      name: String(i.name),
      aliases: stringList.parse(JSON.parse(String(i.aliases))),
      kind: kindSchema.parse(i.kind),
      basis: basisSchema.parse(i.basis),
      unit: String(i.unit),
      target: Number(i.target),
      targetMax: num(i.targetMax),
      comparator: z.enum(["gte", "lte"]).parse(i.comparator),
      deadline: String(i.deadline),
      headline: asBool(i.headline),
      weight: Number(i.weight),
      baseline: num(i.baseline),
      baselineYear: num(i.baselineYear),
      workItemId: num(i.workItemId),
      ownerUnitId: owner,
      shares: sharesOf.get(id) ?? new Map<number, FactShare>(),
    };
  });
  const accountableNames = stringList.parse(JSON.parse(String(row.accountable)));
  const unitRows = await sql.query<{ id: unknown; name: unknown; kind: unknown }>(`SELECT "id", "name", "kind" FROM "Unit" ORDER BY "id"`);
  const byName = new Map(unitRows.map((u) => [String(u.name), Number(u.id)]));
  const accountableUnitIds = accountableNames.map((n) => byName.get(n)).filter((id): id is number => id !== undefined);
  for (const id of accountableUnitIds) unitIds.add(id);
  const units = new Map<number, FactUnit>();
  for (const u of unitRows) {
    const id = Number(u.id);
    if (unitIds.has(id)) units.set(id, { id, name: String(u.name), kind: unitKindSchema.parse(u.kind) });
  }
  return { plan: planRef(row), workItems, indicators: facts, units, accountableUnitIds };
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** Reads a plan's facts, cached per process and database client until the plan's row changes. */
const caches = new WeakMap<object, Map<number, { stamp: string; facts: Promise<PlanFacts> }>>();

function stampOf(r: PlanRow): string {
  return `${asDate(r.updatedAt).getTime()}:${String(r.startPeriod)}:${String(r.endPeriod)}`;
}

const allCache = new WeakMap<object, { stamp: Stamp; facts: Promise<PlanFacts[]> }>();

/**
 * Every plan's facts, in plan order. Read on every chat message (several times): reused while
 * nothing may have changed (change-stamp.ts), else the plans' rows are read again and each plan's
 * facts reused while its row has not changed.
 */
export function loadAllPlanFacts(db: Db): Promise<PlanFacts[]> {
  const now = changeStamp(db);
  const hit = allCache.get(db);
  if (hit && stillValid(hit.stamp, now)) return hit.facts;
  const facts = planRows(db).then((rows) => Promise.all(rows.map((r) => cachedFacts(db, r))));
  facts.catch(() => allCache.delete(db));
  allCache.set(db, { stamp: now, facts });
  return facts;
}

/** One plan's facts; null when there is no such plan. */
export async function loadPlanFacts(db: Db, planId: number): Promise<PlanFacts | null> {
  const rows = await sqlFor(db).query<PlanRow>(`SELECT ${PLAN_COLUMNS} FROM "Plan" WHERE "id" = ?`, [planId]);
  return rows[0] ? cachedFacts(db, rows[0]) : null;
}

function cachedFacts(db: Db, row: PlanRow): Promise<PlanFacts> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const id = Number(row.id);
  const stamp = stampOf(row);
  const hit = cache.get(id);
  if (hit && hit.stamp === stamp) return hit.facts;
  const facts = readFacts(db, row);
  facts.catch(() => cache.delete(id));
  cache.set(id, { stamp, facts });
  return facts;
}

/** Forgets cached facts (after a write this process made to plans). */
export function forgetPlanFacts(db: Db): void {
  caches.delete(db);
  allCache.delete(db);
  noteConfigChanged();
}
