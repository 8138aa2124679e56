import type { Binding, Unit } from "../generated/sqlite/client.js";
import type { Db } from "./database.js";
import { asDate, sqlFor } from "./sql.js";

/** Chat identities and what they are bound to (unit × role). */

export const PLATFORMS = ["slack", "dingtalk", "local"] as const;
export type Platform = (typeof PLATFORMS)[number];
export const ROLES = ["liaison", "taskforce", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface IdentityKey {
  platform: Platform;
  /** Slack team id / DingTalk corp id; "" binds the user id in any workspace. */
  tenant: string;
  userId: string;
}

export async function bind(db: Db, who: IdentityKey, unitId: number, role: Role, createdBy: string) {
  return db.$transaction(async (tx) => {
    const identity = await tx.chatIdentity.upsert({
      where: { platform_tenant_userId: who },
      create: who,
      update: {},
    });
    const existing = await tx.binding.findUnique({
      where: { identityId_unitId_role: { identityId: identity.id, unitId, role } },
    });
    if (existing) return { created: false, binding: existing };
    const binding = await tx.binding.create({ data: { identityId: identity.id, unitId, role, createdBy } });
    return { created: true, binding };
  });
}

/** Removes bindings of the identity: all of them, or only for a unit and/or role. */
export async function unbind(db: Db, who: IdentityKey, opts: { unitId?: number; role?: Role } = {}): Promise<number> {
  const identity = await db.chatIdentity.findUnique({ where: { platform_tenant_userId: who } });
  if (!identity) return 0;
  const { count } = await db.binding.deleteMany({
    where: { identityId: identity.id, ...(opts.unitId ? { unitId: opts.unitId } : {}), ...(opts.role ? { role: opts.role } : {}) },
  });
  return count;
}

/** The bindings that apply to a user: those for their workspace and those bound in any workspace. */
export async function bindingsOf(db: Db, who: IdentityKey): Promise<(Binding & { unit: Unit })[]> {
  // One JOIN in plain SQL: it runs on every delivery, and Prisma's include costs two
  // compiled queries. "createdAt" columns come back as ISO text (driver adapter) or Date (Prisma).
  const rows = await sqlFor(db).query<BindingRow>(
    `SELECT b."id", b."identityId", b."unitId", b."role", b."createdAt", b."createdBy",
            u."name" AS "unitName", u."kind" AS "unitKind", u."createdAt" AS "unitCreatedAt"
     FROM "Binding" b
     JOIN "ChatIdentity" i ON i."id" = b."identityId"
     JOIN "Unit" u ON u."id" = b."unitId"
     WHERE i."platform" = ? AND i."userId" = ? AND i."tenant" IN (?, '')
     ORDER BY b."id"`,
    [who.platform, who.userId, who.tenant],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    identityId: Number(r.identityId),
    unitId: Number(r.unitId),
    role: r.role,
    createdAt: asDate(r.createdAt),
    createdBy: r.createdBy,
    unit: { id: Number(r.unitId), name: r.unitName, kind: r.unitKind, createdAt: asDate(r.unitCreatedAt) },
  }));
}

interface BindingRow {
  id: number;
  identityId: number;
  unitId: number;
  role: string;
  createdAt: Date | string;
  createdBy: string;
  unitName: string;
  unitKind: string;
  unitCreatedAt: Date | string;
}


export async function listBindings(db: Db) {
  const rows = await db.binding.findMany({ include: { unit: true, identity: true }, orderBy: { id: "asc" } });
  return rows.map((b) => ({
    platform: b.identity.platform,
    tenant: b.identity.tenant,
    userId: b.identity.userId,
    unit: b.unit.name,
    role: b.role,
    createdAt: b.createdAt.toISOString(),
    createdBy: b.createdBy,
  }));
}
