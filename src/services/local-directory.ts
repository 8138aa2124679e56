import type { LocalDirectory } from "../../handlers/types.js";
import { bind } from "../persistence/binding-repository.js";
import type { Db } from "../persistence/database.js";
import { obligedUnitIds } from "../domain/obligations/obligations.js";
import { loadAllPlanFacts } from "../persistence/plan-facts.js";
import { resolveUnit } from "../persistence/unit-repository.js";

/**
 * Who one can be in the local chat. Local identities are named after the role
 * and unit ("liaison@义乌市") and bound on first use: the local chat is a
 * single-user sandbox with no admin to ask.
 */
export function createLocalDirectory(db: Db): LocalDirectory {
  return {
    async units() {
      // Every unit owing something in any plan (the obligations rule), then every county and the zone.
      const facts = await loadAllPlanFacts(db);
      const reporting = facts.flatMap((f) => obligedUnitIds(f).map((id) => f.units.get(id)!));
      const order = { department: 0, county: 1, zone: 2, placeholder: 3 } as Record<string, number>;
      const all = await db.unit.findMany({ where: { kind: { in: ["county", "zone"] } }, orderBy: { id: "asc" } });
      const aliases = new Map<number, string[]>();
      for (const a of await db.unitAlias.findMany({ orderBy: { id: "asc" } })) aliases.set(a.unitId, [...(aliases.get(a.unitId) ?? []), a.alias]);
      const seen = new Set<number>();
      return [...reporting, ...all]
        .filter((u) => (seen.has(u.id) ? false : (seen.add(u.id), true)))
        .sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9) || a.id - b.id)
        .map((u) => ({ name: u.name, kind: u.kind, aliases: aliases.get(u.id) ?? [] }));
    },
    async ensureIdentity(role, unitName) {
      const unit = await resolveUnit(db, unitName);
      if (!unit) throw new Error(`unknown unit ${unitName}`);
      const userId = `${role}@${unit.name}`;
      await bind(db, { platform: "local", tenant: "", userId }, unit.id, role, "local-chat");
      return userId;
    },
  };
}
