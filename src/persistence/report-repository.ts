import { Prisma } from "../generated/sqlite/client.js";
import { writeAudit, type AuditEntry } from "./audit-repository.js";
import type { Db } from "./database.js";

/**
 * Monthly reports: every submission and correction is a new revision; the
 * report row only points at the current one. Values of every revision are kept;
 * `current` marks the live ones so aggregates read a single index.
 */

export interface SubmitInput {
  planId: number;
  unitId: number;
  /** yyyymm */
  period: number;
  mode: "report" | "correct";
  identityId: number | null;
  platform: string;
  rawInput: string;
  reason: string | null;
  narrative: { progress?: string; problems?: string; nextSteps?: string };
  values: { indicatorId: number; value: number; raw: string }[];
  /** Written in the same transaction, with the revision number added to its details. */
  audit?: AuditEntry;
}

export interface SubmitResult {
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
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction((tx) => writeRevision(tx as unknown as Db, input), { maxWait: 10_000, timeout: 20_000 });
    } catch (e) {
      const retryable = e instanceof RevisionConflict || isUniqueViolation(e) || isBusy(e);
      if (!retryable || attempt >= 8) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}

async function writeRevision(tx: Db, input: SubmitInput): Promise<SubmitResult> {
  const key = { planId: input.planId, unitId: input.unitId, period: input.period };
  let report = await tx.report.findUnique({ where: { planId_unitId_period: key } });
  let revision: number;
  let previous: { indicatorId: number; value: number; raw: string }[] = [];
  let prevNarrative: SubmitResult["narrative"] = { progress: null, problems: null, nextSteps: null };
  if (!report) {
    if (input.mode === "correct") throw new NothingToCorrectError();
    report = await tx.report.create({ data: { ...key, revision: 1 } });
    revision = 1;
  } else {
    revision = report.revision + 1;
    const { count } = await tx.report.updateMany({
      where: { id: report.id, revision: report.revision },
      data: { revision, updatedAt: new Date() },
    });
    if (count !== 1) throw new RevisionConflict();
    previous = await tx.indicatorValue.findMany({
      where: { reportId: report.id, current: true },
      select: { indicatorId: true, value: true, raw: true },
    });
    const last = await tx.reportRevision.findUnique({
      where: { reportId_revision: { reportId: report.id, revision: report.revision } },
    });
    if (last) prevNarrative = { progress: last.progress, problems: last.problems, nextSteps: last.nextSteps };
  }
  const narrative = {
    progress: input.narrative.progress ?? prevNarrative.progress,
    problems: input.narrative.problems ?? prevNarrative.problems,
    nextSteps: input.narrative.nextSteps ?? prevNarrative.nextSteps,
  };
  await tx.reportRevision.create({
    data: {
      reportId: report.id,
      revision,
      identityId: input.identityId,
      platform: input.platform,
      reason: input.reason,
      rawInput: input.rawInput,
      ...narrative,
    },
  });
  const values = new Map<number, { value: number; raw: string; changedFrom?: number }>();
  for (const p of previous) values.set(p.indicatorId, { value: p.value, raw: p.raw });
  for (const v of input.values) {
    const before = values.get(v.indicatorId);
    values.set(v.indicatorId, {
      value: v.value,
      raw: v.raw,
      ...(before && before.value !== v.value ? { changedFrom: before.value } : {}),
    });
  }
  if (previous.length) await tx.indicatorValue.updateMany({ where: { reportId: report.id, current: true }, data: { current: false } });
  if (values.size) {
    await tx.indicatorValue.createMany({
      data: [...values].map(([indicatorId, v]) => ({
        reportId: report.id,
        revision,
        indicatorId,
        unitId: input.unitId,
        period: input.period,
        value: v.value,
        raw: v.raw,
        current: true,
      })),
    });
  }
  if (input.audit) {
    await writeAudit(tx, { ...input.audit, details: { ...input.audit.details, revision } });
  }
  return { reportId: report.id, revision, values, narrative };
}

export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError ? e.code === "P2002" : /P2002|Unique constraint/i.test(String((e as Error)?.message ?? e));
}

function isBusy(e: unknown): boolean {
  return /SQLITE_BUSY|database is locked|could not serialize|deadlock/i.test(String((e as Error)?.message ?? e));
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
  const row = await db.reportingPeriod.findUnique({ where: { planId_period: { planId, period } } });
  return row?.status === "closed" ? "closed" : "open";
}

/** Exactly-once for inbound deliveries: claim a key; a second claim sees the first's reply. */
export async function claimInbound(db: Db, key: string): Promise<{ claimed: true } | { claimed: false; reply: string | null }> {
  try {
    await db.inboundEvent.create({ data: { key } });
    return { claimed: true };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const row = await db.inboundEvent.findUnique({ where: { key } });
    return { claimed: false, reply: row?.reply ?? null };
  }
}

export async function completeInbound(db: Db, key: string, reply: unknown): Promise<void> {
  await db.inboundEvent.update({ where: { key }, data: { reply: JSON.stringify(reply) } });
}

/** A claim whose handling failed is released so the platform's retry can succeed. */
export async function releaseInbound(db: Db, key: string): Promise<void> {
  await db.inboundEvent.deleteMany({ where: { key, reply: null } });
}
