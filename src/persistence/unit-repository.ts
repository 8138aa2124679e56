import { toSimplified } from "../domain/plan/script.js";
import type { Db } from "./database.js";

/** Units of the city, their aliases, and what they lead in a plan. */

export async function listUnits(db: Db, planId?: number) {
  const units = await db.unit.findMany({
    include: {
      aliases: { orderBy: { id: "asc" } },
      roles: planId ? { where: { workItem: { task: { planId } } }, select: { role: true } } : { select: { role: true } },
      _count: { select: { bindings: true } },
    },
    orderBy: { id: "asc" },
  });
  return units.map((u) => ({
    name: u.name,
    kind: u.kind,
    aliases: u.aliases.map((a) => a.alias),
    leads: u.roles.filter((r) => r.role === "lead").length,
    co: u.roles.filter((r) => r.role === "co").length,
    accountable: u.roles.filter((r) => r.role === "accountable").length,
    bindings: u._count.bindings,
  }));
}

/** By canonical name or alias, in either script (經信局 = 经信局 = 市经信局). */
export async function resolveUnit(db: Db, name: string) {
  const candidates = [...new Set([name.trim(), toSimplified(name.trim())])];
  const direct = await db.unit.findFirst({ where: { name: { in: candidates } } });
  if (direct) return direct;
  const alias = await db.unitAlias.findFirst({ where: { alias: { in: candidates } }, include: { unit: true } });
  return alias?.unit ?? null;
}

/** Closest unit names, for "did you mean …". */
export async function suggestUnits(db: Db, name: string, max = 3): Promise<string[]> {
  const s = toSimplified(name.trim());
  const units = await db.unit.findMany({ include: { aliases: true } });
  const scored = units
    .map((u) => ({
      name: u.name,
      score: Math.max(overlap(s, u.name), ...u.aliases.map((a) => overlap(s, a.alias))),
    }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return scored.slice(0, max).map((x) => x.name);
}

/** Share of characters in common: crude, but right for short Chinese unit names. */
function overlap(a: string, b: string): number {
  const bs = new Set(b);
  const common = [...new Set(a)].filter((c) => bs.has(c) && c !== "市").length;
  return common / Math.max(new Set(a).size, 1);
}
