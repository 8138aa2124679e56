import type { Db } from "./database.js";
import { sqlFor, sqlOf } from "./sql.js";

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

/**
 * Bumped by every write through this process to what a user's bindings are made of
 * (bindings, identities, unit names): cached bindings older than it are read again.
 */
let localWrites = 0;
export function noteBindingsChanged(): void {
  localWrites++;
}

export async function bind(db: Db, who: IdentityKey, unitId: number, role: Role, createdBy: string) {
  // Noted once written (a reader in between would cache the old bindings as new).
  try {
    return await writeBinding(db, who, unitId, role, createdBy);
  } finally {
    noteBindingsChanged();
  }
}

function writeBinding(db: Db, who: IdentityKey, unitId: number, role: Role, createdBy: string) {
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
  try {
    const { count } = await db.binding.deleteMany({
      where: { identityId: identity.id, ...(opts.unitId ? { unitId: opts.unitId } : {}), ...(opts.role ? { role: opts.role } : {}) },
    });
    return count;
  } finally {
    noteBindingsChanged();
  }
}

/** What a delivery needs to know of a user's binding. */
export interface ActorBinding {
  identityId: number;
  role: string;
  unit: { id: number; name: string; kind: string };
}

/** The bindings that apply to a user: those for their workspace and those bound in any workspace. */
async function bindingsOf(db: Db, who: IdentityKey): Promise<ActorBinding[]> {
  // One JOIN in plain SQL: it runs on every delivery, and Prisma's include costs two compiled queries.
  const rows = await sqlFor(db).query<{ identityId: number; role: string; unitId: number; unitName: string; unitKind: string }>(
    `SELECT b."identityId", b."role", b."unitId", u."name" AS "unitName", u."kind" AS "unitKind"
     FROM "Binding" b
     JOIN "ChatIdentity" i ON i."id" = b."identityId"
     JOIN "Unit" u ON u."id" = b."unitId"
     WHERE i."platform" = ? AND i."userId" = ? AND i."tenant" IN (?, '')
     ORDER BY b."id"`,
    [who.platform, who.userId, who.tenant],
  );
  return rows.map((r) => ({
    identityId: Number(r.identityId),
    role: r.role,
    unit: { id: Number(r.unitId), name: r.unitName, kind: r.unitKind },
  }));
}

const CACHED_USERS = 10_000;

/**
 * bindingsOf for every delivery, cached where the database can say cheaply that nothing
 * changed: on SQLite, PRAGMA data_version moves when another connection commits (the CLI
 * binding someone, another process), and this process's own writes bump localWrites.
 * A cached answer is used only if neither moved since it was read, so a binding or an
 * unbinding counts from the next message, as without the cache. On PostgreSQL (other
 * replicas write without telling) every delivery reads.
 */
export function createBindingReader(db: Db): (who: IdentityKey) => Promise<ActorBinding[]> {
  const dataVersion = sqlOf(db)?.dataVersion;
  if (!dataVersion) return (who) => bindingsOf(db, who);
  const cache = new Map<string, { version: number; writes: number; value: Promise<ActorBinding[]> }>();
  return (who) => {
    const key = `${who.platform}\u0000${who.tenant}\u0000${who.userId}`;
    const version = dataVersion();
    const hit = cache.get(key);
    if (hit && hit.version === version && hit.writes === localWrites) return hit.value;
    const entry = { version, writes: localWrites, value: bindingsOf(db, who) };
    entry.value.catch(() => cache.delete(key));
    if (cache.size >= CACHED_USERS) cache.clear();
    cache.set(key, entry);
    return entry.value;
  };
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
