import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../persistence/database.js";
import { findPlan } from "../persistence/plan-repository.js";
import { importPlan, type ImportOutcome } from "./import-plan.js";
import { readPlanSource, type PlanSourceResult } from "./read-plan-source.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The plan that ships with Duban, so the first start has a real plan to work with. */
export const BUNDLED_PLAN = {
  file: join(projectRoot, "plans/jinhua-manufacturing-2021-2023.zh-Hans.txt"),
  code: "jinhua-manufacturing-2021-2023",
  // The document's own title line is lost ("??"); this is the name the city uses for it.
  title: "金华市新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案(2021—2023年)",
  /** What people call it, and type to name it (上报 制造业攻坚 …, --plan 制造业攻坚). */
  shortName: "制造业攻坚",
};

export type SeedResult =
  | { seeded: false; existing: string }
  | { seeded: true; outcome: ImportOutcome }
  | { seeded: false; error: Extract<PlanSourceResult, { ok: false }> };

/** Imports the bundled plan (or DUBAN_PLAN_FILE) when the database holds no plan yet. */
export async function seedBundledPlan(db: Db, planFile?: string): Promise<SeedResult> {
  const existing = await findPlan(db);
  if (existing) return { seeded: false, existing: existing.code };
  const file = planFile ?? BUNDLED_PLAN.file;
  const source = readPlanSource(await readFile(file), file, planFile ? {} : { code: BUNDLED_PLAN.code, title: BUNDLED_PLAN.title });
  if (!source.ok) return { seeded: false, error: source };
  if (!planFile) source.data.shortName = BUNDLED_PLAN.shortName;
  const outcome = await importPlan(db, source, { apply: true, actor: "system:seed", platform: "system" });
  return { seeded: true, outcome };
}
