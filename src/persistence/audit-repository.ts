import type { AuditRecord } from "../../handlers/ports.js";
import type { Db } from "./database.js";
import { prismaRunner, sqlOf } from "./sql.js";
import { driveAsync, execute, type Work } from "./unit-of-work.js";

/** One audit record: the shape the handlers' Store port defines, written here. */
export type AuditEntry = AuditRecord;

type Tx = Pick<Db, "$queryRaw" | "$executeRaw">;

/**
 * One audit row, in plain SQL (it is written inside every report's transaction, where
 * Prisma's model API would cost ~0.5 ms of CPU more). `at` defaults to now. Given a
 * client opened by openDatabase it goes straight to the driver adapter (sql.ts); given a
 * Prisma transaction client, through it, so the row stays in that transaction.
 */
export async function writeAudit(db: Tx, e: AuditEntry, at: Date = new Date()): Promise<void> {
  await driveAsync(insertAudit(e, at), sqlOf(db) ?? prismaRunner(db));
}

/** The same row as a step of a unit of work (the report's transaction). */
export function* insertAudit(e: AuditEntry, at: Date = new Date()): Work<void> {
  yield* execute(
    `INSERT INTO "AuditLog" ("at", "actor", "platform", "action", "subject", "rawInput", "result", "details")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [at, e.actor, e.platform, e.action, e.subject, e.rawInput ?? null, e.result, JSON.stringify(e.details ?? {})],
  );
}

export async function listAudit(db: Db, opts: { limit?: number; action?: string } = {}) {
  const rows = await db.auditLog.findMany({
    where: opts.action ? { action: opts.action } : undefined,
    orderBy: { id: "desc" },
    take: opts.limit ?? 50,
  });
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
