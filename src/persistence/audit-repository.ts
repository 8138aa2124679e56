import type { Db } from "./database.js";

export interface AuditEntry {
  actor: string;
  platform: string;
  action: string;
  subject: string;
  rawInput?: string | null;
  result: "ok" | "rejected" | "error";
  details?: Record<string, unknown>;
}

type Tx = Pick<Db, "auditLog">;

export async function writeAudit(db: Tx, e: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actor: e.actor,
      platform: e.platform,
      action: e.action,
      subject: e.subject,
      rawInput: e.rawInput ?? null,
      result: e.result,
      details: JSON.stringify(e.details ?? {}),
    },
  });
}

export async function listAudit(db: Db, opts: { limit?: number; action?: string } = {}) {
  const rows = await db.auditLog.findMany({
    where: opts.action ? { action: opts.action } : undefined,
    orderBy: { id: "desc" },
    take: opts.limit ?? 50,
  });
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
