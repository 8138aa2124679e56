import type { SubmitRequest } from "../../handlers/ports.js";
import { Prisma } from "../generated/sqlite/client.js";
import { insertAudit, type AuditEntry } from "./audit-repository.js";
import type { Db } from "./database.js";
import { recordAnswer } from "./inbound-repository.js";
import { driverErrorText, sqlFor, tuples, type SqlValue } from "./sql.js";
import { execute, query, type Work } from "./unit-of-work.js";

/**
 * Monthly reports: every submission and correction is a new revision; the
 * report row only points at the current one. Values of every revision are kept;
 * `current` marks the live ones so aggregates read a single index.
 */

/**
 * A submission as the Store port defines it, for one plan. The audit entry is
 * written in the same transaction, with the revision number added to its details,
 * and so is the answer to the chat delivery that carried it, when there is one
 * (inbound-repository.ts: a retried delivery then finds its answer, or nothing stored).
 */
export type SubmitInput = Omit<SubmitRequest, "audit" | "delivery"> & {
  audit?: AuditEntry;
  delivery?: { key: string; receivedAt: Date; answer(result: SubmitResult): unknown };
  /** When it was submitted (default now): the example world dates its generated reports. */
  at?: Date;
};

export interface SubmitResult {
  planId: number;
  reportId: number;
  revision: number;
  /** The report's values after this revision (carried over + new), by indicator id. */
  values: Map<number, { value: number; raw: string; changedFrom?: number }>;
  narrative: { progress: string | null; problems: string | null; nextSteps: string | null };
}

export class NothingToCorrectError extends Error {
  constructor() {
    super("no report to correct for this unit and period");
    this.name = "NothingToCorrectError";
  }
}

class RevisionConflict extends Error {}

/**
 * Writes one revision. Two liaisons of one unit submitting at the same moment:
 * both are kept, as consecutive revisions (the unique (reportId, revision) and an
 * optimistic check on Report.revision make the loser retry on top of the winner).
 */
export async function submitRevision(db: Db, input: SubmitInput): Promise<SubmitResult> {
  const { delivery, ...rest } = input;
  const [result] = await submitRevisions(db, [rest], delivery && { key: delivery.key, receivedAt: delivery.receivedAt, answer: (r) => delivery.answer(r[0]!) });
  return result!;
}

/**
 * Several revisions (one per plan a message touched) in one transaction, with the delivery's
 * answer: all of them and the record stand or fall together.
 */
export async function submitRevisions(
  db: Db,
  inputs: Omit<SubmitInput, "delivery">[],
  delivery?: { key: string; receivedAt: Date; answer(results: SubmitResult[]): unknown },
): Promise<SubmitResult[]> {
  const sql = sqlFor(db);
  for (let attempt = 0; ; attempt++) {
    try {
      return await sql.work(function* () {
        const results: SubmitResult[] = [];
        for (const input of inputs) results.push(yield* writeRevision(input));
        if (delivery) yield* recordAnswer(delivery.key, delivery.receivedAt, delivery.answer(results));
        return results;
      });
    } catch (e) {
      const retryable = e instanceof RevisionConflict || isUniqueViolation(e) || isBusy(e);
      if (!retryable || attempt >= 8) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}

/** A value of a revision as written: in the indicator's basis, and as stated when that differed. */
interface StoredFigure {
  value: number;
  raw: string;
  stated: string | null;
  statedValue: number | null;
  changedFrom?: number;
}

interface ReportRow {
  id: number;
  revision: number;
  progress: string | null;
  problems: string | null;
  nextSteps: string | null;
  indicatorId: number | null;
  value: number | null;
  raw: string | null;
  stated: string | null;
  statedValue: number | null;
}

/**
 * The revision path in plain SQL, a unit of work (unit-of-work.ts) on the driver adapter
 * when the client came from openDatabase, else through Prisma's raw queries. The same
 * text runs on SQLite and PostgreSQL (`?` numbered for the latter). Prisma's model API
 * costs ~0.5–1 ms of CPU per statement here; this path is 6–8 statements.
 * Timestamps are bound as Date (the adapters encode them exactly as Prisma's own
 * writes do) and booleans as the literals TRUE/FALSE (1/0 in SQLite, as Prisma stores them).
 */
function* writeRevision(input: Omit<SubmitInput, "delivery">): Work<SubmitResult> {
  const now = input.at ?? new Date();
  // The report, the narrative of its current revision and its current values, in one read
  // (current values carry the report's revision number: see the UPDATE below).
  const rows = yield* query<ReportRow>(
    `SELECT r."id", r."revision", rr."progress", rr."problems", rr."nextSteps", iv."indicatorId", iv."value", iv."raw", iv."stated", iv."statedValue"
     FROM "Report" r
     LEFT JOIN "ReportRevision" rr ON rr."reportId" = r."id" AND rr."revision" = r."revision"
     LEFT JOIN "IndicatorValue" iv ON iv."reportId" = r."id" AND iv."revision" = r."revision" AND iv."current" = TRUE
     WHERE r."planId" = ? AND r."unitId" = ? AND r."period" = ?
     ORDER BY iv."id"`,
    [input.planId, input.unitId, input.period],
  );
  let reportId: number;
  let revision: number;
  const previous: { indicatorId: number; value: number; raw: string; stated: string | null; statedValue: number | null }[] = [];
  let prevNarrative: SubmitResult["narrative"] = { progress: null, problems: null, nextSteps: null };
  const report = rows[0];
  if (!report) {
    if (input.mode === "correct") throw new NothingToCorrectError();
    // A concurrent first submission makes this a unique violation: retried as a revision.
    const created = yield* query<{ id: number }>(
      `INSERT INTO "Report" ("planId", "unitId", "period", "revision", "firstAt", "updatedAt")
       VALUES (?, ?, ?, 1, ?, ?)
       RETURNING "id"`,
      [input.planId, input.unitId, input.period, now, now],
    );
    reportId = Number(created[0]!.id);
    revision = 1;
  } else {
    reportId = Number(report.id);
    const was = Number(report.revision);
    revision = was + 1;
    const count = yield* execute(`UPDATE "Report" SET "revision" = ?, "updatedAt" = ? WHERE "id" = ? AND "revision" = ?`, [
      revision,
      now,
      reportId,
      was,
    ]);
    if (count !== 1) throw new RevisionConflict();
    for (const r of rows) {
      if (r.indicatorId !== null) {
        previous.push({ indicatorId: Number(r.indicatorId), value: Number(r.value), raw: r.raw!, stated: r.stated, statedValue: r.statedValue === null ? null : Number(r.statedValue) });
      }
    }
    prevNarrative = { progress: report.progress, problems: report.problems, nextSteps: report.nextSteps };
  }
  const narrative = {
    progress: input.narrative.progress ?? prevNarrative.progress,
    problems: input.narrative.problems ?? prevNarrative.problems,
    nextSteps: input.narrative.nextSteps ?? prevNarrative.nextSteps,
  };
  yield* execute(
    `INSERT INTO "ReportRevision" ("reportId", "revision", "createdAt", "identityId", "platform", "reason", "progress", "problems", "nextSteps", "rawInput")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [reportId, revision, now, input.identityId, input.platform, input.reason, narrative.progress, narrative.problems, narrative.nextSteps, input.rawInput],
  );
  const values = new Map<number, StoredFigure>();
  for (const p of previous) values.set(p.indicatorId, { value: p.value, raw: p.raw, stated: p.stated, statedValue: p.statedValue });
  for (const v of input.values) {
    const before = values.get(v.indicatorId);
    values.set(v.indicatorId, {
      value: v.value,
      raw: v.raw,
      stated: v.stated ?? null,
      statedValue: v.statedValue ?? null,
      ...(before && before.value !== v.value ? { changedFrom: before.value } : {}),
    });
  }
  if (previous.length) {
    // The current values are exactly the previous revision's rows (each revision restates them
    // all, below), so the unique index (reportId, revision, …) finds them without walking a
    // long-corrected report's whole history.
    yield* execute(`UPDATE "IndicatorValue" SET "current" = FALSE WHERE "reportId" = ? AND "revision" = ? AND "current" = TRUE`, [
      reportId,
      revision - 1,
    ]);
  }
  if (values.size) {
    const args: SqlValue[] = [];
    for (const [indicatorId, v] of values) args.push(reportId, revision, indicatorId, input.unitId, input.period, v.value, v.raw, v.stated, v.statedValue);
    yield* execute(
      `INSERT INTO "IndicatorValue" ("reportId", "revision", "indicatorId", "unitId", "period", "value", "raw", "stated", "statedValue", "current")
       VALUES ${tuples(values.size, "(?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)")}`,
      args,
    );
  }
  if (input.audit) {
    yield* insertAudit({ ...input.audit, details: { ...input.audit.details, revision } }, now);
  }
  return { planId: input.planId, reportId, revision, values, narrative };
}

/**
 * A unique violation from the model API (P2002), from a Prisma raw statement (P2010 with
 * the adapter's error kind) or straight from the driver adapter (sql.ts: a
 * DriverAdapterError whose cause has kind "UniqueConstraintViolation", mapped from
 * SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY or PostgreSQL 23505).
 */
export function isUniqueViolation(e: unknown): boolean {
  if (/^UniqueConstraintViolation\b/.test(driverErrorText(e))) return true;
  if (e instanceof Prisma.PrismaClientKnownRequestError) {
    if (e.code === "P2002") return true;
    if (e.code !== "P2010") return false;
    const cause = (e.meta?.driverAdapterError as { cause?: { kind?: string } } | undefined)?.cause;
    return cause?.kind === "UniqueConstraintViolation" || /UNIQUE constraint failed|violates unique constraint/i.test(e.message);
  }
  return /P2002|Unique constraint/i.test(String((e as Error)?.message ?? e));
}

/** A lock or serialization failure, from Prisma or from the driver adapter (kinds SocketTimeout for SQLITE_BUSY, TransactionWriteConflict for 40001/40P01). */
function isBusy(e: unknown): boolean {
  const text = `${String((e as Error)?.message ?? e)} ${driverErrorText(e)}`;
  return /SQLITE_BUSY|database is locked|could not serialize|deadlock|TransactionWriteConflict/i.test(text);
}

/** The latest current value of each indicator for a unit, at or before a period. */
export async function latestValues(db: Db, unitId: number, indicatorIds: number[], atOrBefore: number) {
  if (!indicatorIds.length) return new Map<number, { value: number; raw: string; period: number }>();
  const rows = await db.indicatorValue.findMany({
    where: { unitId, indicatorId: { in: indicatorIds }, current: true, period: { lte: atOrBefore } },
    orderBy: { period: "desc" },
    select: { indicatorId: true, value: true, raw: true, period: true },
  });
  const out = new Map<number, { value: number; raw: string; period: number }>();
  for (const r of rows) if (!out.has(r.indicatorId)) out.set(r.indicatorId, r);
  return out;
}

/** Sum of a unit's current values per indicator within [from, to] (year-to-date, plan-to-date). */
export async function sumValues(db: Db, unitId: number, indicatorIds: number[], from: number, to: number) {
  if (!indicatorIds.length) return new Map<number, number>();
  const rows = await db.indicatorValue.groupBy({
    by: ["indicatorId"],
    where: { unitId, indicatorId: { in: indicatorIds }, current: true, period: { gte: from, lte: to } },
    _sum: { value: true },
  });
  return new Map(rows.map((r) => [r.indicatorId, r._sum.value ?? 0]));
}

export async function findReport(db: Db, planId: number, unitId: number, period: number) {
  return db.report.findUnique({
    where: { planId_unitId_period: { planId, unitId, period } },
    include: {
      unit: true,
      revisions: { orderBy: { revision: "asc" }, include: { identity: true } },
      values: { orderBy: [{ revision: "asc" }, { indicatorId: "asc" }], include: { indicator: true } },
    },
  });
}

export async function listReports(db: Db, planId: number, filter: { unitId?: number; period?: number } = {}) {
  return db.report.findMany({
    where: { planId, ...(filter.unitId ? { unitId: filter.unitId } : {}), ...(filter.period ? { period: filter.period } : {}) },
    include: { unit: true, _count: { select: { revisions: true } }, values: { where: { current: true }, select: { id: true } } },
    orderBy: [{ period: "desc" }, { unitId: "asc" }],
  });
}

export async function periodStatus(db: Db, planId: number, period: number): Promise<"open" | "closed"> {
  const rows = await sqlFor(db).query<{ status: string }>(`SELECT "status" FROM "ReportingPeriod" WHERE "planId" = ? AND "period" = ?`, [
    planId,
    period,
  ]);
  return rows[0]?.status === "closed" ? "closed" : "open";
}

/** A unit's current values in `year`: indicator → month (1–12) → value (in the indicator's basis). */
export async function yearValues(db: Db, unitId: number, indicatorIds: number[], year: number): Promise<Map<number, Map<number, number>>> {
  const out = new Map<number, Map<number, number>>();
  if (!indicatorIds.length) return out;
  const rows = await sqlFor(db).query<{ indicatorId: unknown; period: unknown; value: unknown }>(
    `SELECT "indicatorId", "period", "value" FROM "IndicatorValue"
     WHERE "unitId" = ? AND "current" = TRUE AND "period" >= ? AND "period" <= ? AND "indicatorId" IN (${indicatorIds.map(() => "?").join(", ")})`,
    [unitId, year * 100 + 1, year * 100 + 12, ...indicatorIds],
  );
  for (const r of rows) {
    const id = Number(r.indicatorId);
    let months = out.get(id);
    if (!months) out.set(id, (months = new Map()));
    months.set(Number(r.period) % 100, Number(r.value));
  }
  return out;
}
