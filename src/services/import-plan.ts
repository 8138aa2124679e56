import { diffPlan, type Change } from "../domain/plan/diff-plan.js";
import type { Unplaced } from "../domain/plan/types.js";
import type { PlanData } from "../domain/plan/plan-document.js";
import type { Db } from "../persistence/database.js";
import { loadPlanData, savePlan } from "../persistence/plan-repository.js";
import { writeAudit } from "../persistence/audit-repository.js";
import type { PlanSourceResult } from "./read-plan-source.js";

export type ImportStatus =
  | "created" // a new plan was written
  | "unchanged" // the database already holds exactly this plan
  | "pending" // differences found; nothing written (run with apply)
  | "applied"; // differences written

export interface ImportOutcome {
  status: ImportStatus;
  code: string;
  changes: Change[];
  unplaced: Unplaced[];
  data: PlanData;
}

export interface ImportOptions {
  /** Apply differences to an existing plan (a new plan is always created). */
  apply: boolean;
  /** Who did it, for the audit log: "cli:root", "slack:T1:U1". */
  actor: string;
  platform?: string;
}

export async function importPlan(
  db: Db,
  source: Extract<PlanSourceResult, { ok: true }>,
  opts: ImportOptions,
): Promise<ImportOutcome> {
  const stored = await loadPlanData(db, source.data.code);
  const { changes, aligned } = diffPlan(stored, source.data);
  const base = { code: aligned.code, changes, unplaced: source.unplaced, data: aligned };
  if (stored && changes.length === 0) return { status: "unchanged", ...base };
  if (stored && !opts.apply) return { status: "pending", ...base };

  await savePlan(db, aligned, { sourceHash: source.sourceHash, sourceName: source.sourceName });
  const status: ImportStatus = stored ? "applied" : "created";
  await writeAudit(db, {
    actor: opts.actor,
    platform: opts.platform ?? "cli",
    action: stored ? "plan.revise" : "plan.create",
    subject: aligned.code,
    rawInput: source.sourceName,
    result: "ok",
    details: { changes: changes.length, format: source.format, sourceHash: source.sourceHash },
  });
  return { status, ...base };
}
