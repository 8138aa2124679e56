import { createHash } from "node:crypto";
import { diffPlan, type Change } from "../domain/plan/diff-plan.js";
import type { PlanData } from "../domain/plan/plan-document.js";
import {
  applyTaskSplit,
  DEFAULT_SUM_TOLERANCE,
  hasErrors,
  type SplitLayout,
  type SplitProblem,
  type SumCheck,
} from "../domain/plan/task-split.js";
import type { PlanUnit } from "../domain/plan/types.js";
import { UNIT_KINDS } from "../domain/plan/types.js";
import { defaultPlanOf, findPlanByName } from "../domain/obligations/obligations.js";
import { toSimplified } from "../domain/plan/script.js";
import { currentPeriod } from "../domain/report/parse-period.js";
import { addMonths } from "../domain/report/types.js";
import { writeAudit } from "../persistence/audit-repository.js";
import { loadPlanRefs } from "../persistence/plan-facts.js";
import type { Db } from "../persistence/database.js";
import { loadPlanData, savePlan } from "../persistence/plan-repository.js";
import { buildTaskSplitTemplate, readTaskSplitWorkbook, type TemplateSummary } from "./task-split-workbook.js";

/**
 * 任务分解表 in and out: one use case each for the CLI (`duban plan template`,
 * `duban plan import x.xlsx`), the chat and the console. The import follows
 * the plan import's flow: read, diff against the stored plan, show; write
 * only when asked (apply), audited like every plan revision.
 */

export interface PlanBrief {
  code: string;
  title: string;
}

export type PlanChoice =
  | { ok: true; code: string }
  | { ok: false; problem: "no_plan" }
  | { ok: false; problem: "unknown_plan"; code: string; plans: PlanBrief[] }
  | { ok: false; problem: "several_plans"; plans: PlanBrief[] }
  | { ok: false; problem: "other_plan"; code: string; workbookPlan: string };

export interface PlanChoiceOptions {
  /** As the admin named it: code, short name or title, either script. */
  named?: string;
  /** The plan a workbook was made for (the template records it). */
  workbookPlan?: string | null;
  /** For "the only plan in progress"; default now. */
  now?: Date;
}

/**
 * The plan a split acts on, by the CLI's rule (src/cli/plan-option.ts): the
 * one named; else the only plan, or the only one in progress; else the caller
 * lists them and asks. One step before the default: the plan a workbook was
 * made for, when it is stored. A workbook made for another plan than the one
 * named is refused, since a plan built from another (the example plan) shares
 * its indicator codes, and the rows would match silently.
 */
export async function choosePlan(db: Db, opts: PlanChoiceOptions = {}): Promise<PlanChoice> {
  const refs = await loadPlanRefs(db);
  const plans = refs.map((p) => ({ code: p.code, title: p.title }));
  if (!refs.length) return { ok: false, problem: "no_plan" };
  const recorded = opts.workbookPlan && refs.some((p) => p.code === opts.workbookPlan) ? opts.workbookPlan : null;
  if (opts.named) {
    const p = findPlanByName(refs, opts.named) ?? findPlanByName(refs, toSimplified(opts.named));
    if (!p) return { ok: false, problem: "unknown_plan", code: opts.named, plans };
    if (recorded && recorded !== p.code) return { ok: false, problem: "other_plan", code: p.code, workbookPlan: recorded };
    return { ok: true, code: p.code };
  }
  if (recorded) return { ok: true, code: recorded };
  const open = addMonths(currentPeriod(opts.now ?? new Date(), refs[0]!.timeZone), -1);
  const p = defaultPlanOf(refs, open);
  return p ? { ok: true, code: p.code } : { ok: false, problem: "several_plans", plans };
}

/** Every unit the city knows, with its aliases: owners may be any department, not only the plan's. */
async function registry(db: Db): Promise<PlanUnit[]> {
  const rows = await db.unit.findMany({ include: { aliases: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } });
  return rows
    .filter((u): u is typeof u & { kind: PlanUnit["kind"] } => (UNIT_KINDS as readonly string[]).includes(u.kind))
    .map((u) => ({ name: u.name, kind: u.kind, aliases: u.aliases.map((a) => a.alias) }));
}

// ---------------------------------------------------------------------------
// Template

export type TemplateOutcome =
  | { ok: true; code: string; title: string; bytes: Buffer; summary: TemplateSummary }
  | Extract<PlanChoice, { ok: false }>;

export async function writeTaskSplitTemplate(db: Db, opts: { plan?: string; tolerance?: number; now?: Date } = {}): Promise<TemplateOutcome> {
  const choice = await choosePlan(db, { named: opts.plan, now: opts.now });
  if (!choice.ok) return choice;
  const data = (await loadPlanData(db, choice.code))!;
  const departments = [
    ...data.units.filter((u) => u.kind === "department").map((u) => u.name),
    ...(await registry(db)).filter((u) => u.kind === "department").map((u) => u.name),
  ];
  const { bytes, summary } = await buildTaskSplitTemplate(data, { departments, tolerance: opts.tolerance });
  return { ok: true, code: data.code, title: data.title, bytes, summary };
}

// ---------------------------------------------------------------------------
// Import

export interface TaskSplitImportOptions {
  /** Write the differences (nothing is written otherwise). */
  apply: boolean;
  /** Who did it, for the audit log: "cli:root", "slack:T1:U1". */
  actor: string;
  platform?: string;
  /** The plan as named (code, short name or title); default: the workbook's own plan, else the only plan (or the only one in progress). */
  plan?: string;
  now?: Date;
  /** Allowed gap between the county shares' sum and the city target, 0.05 = ±5 %. */
  tolerance?: number;
  /** Write even though some sums fall outside the tolerance (the admin has looked). */
  acceptSums?: boolean;
  /** The file's name, for the audit log. */
  sourceName: string;
}

export type TaskSplitStatus =
  | "invalid" // errors in the sheet: nothing written, with or without apply
  | "unchanged" // the sheet states what is stored
  | "pending" // differences found; nothing written (run with apply)
  | "sums_unaccepted" // apply asked, but sums fall outside the tolerance and were not accepted
  | "applied"; // differences written

export type TaskSplitImportOutcome =
  | {
      ok: true;
      status: TaskSplitStatus;
      plan: PlanBrief;
      tolerance: number;
      changes: Change[];
      problems: SplitProblem[];
      sums: SumCheck[];
      /** Sums outside the tolerance. */
      offSums: SumCheck[];
      layout: SplitLayout;
      /** The plan as it is (applied) or would be. */
      data: PlanData;
    }
  | { ok: false; problem: "legacy_xls" | "not_xlsx" | "unreadable"; detail: string }
  | { ok: false; problem: "no_header"; problems: SplitProblem[] }
  | Extract<PlanChoice, { ok: false }>;

/**
 * Reads a filled 任务分解表 and applies it to the stored plan.
 *
 * Sums outside the tolerance block the write unless accepted (acceptSums).
 * Shares need not add up exactly (domain.md), and offices do hand counties
 * more than the city's target on purpose (层层加码); but a sum far off is far
 * more often a slip of the hand (an extra zero, a figure in 万 where the unit
 * is 个, a county left blank), and once written it sets every county's bar
 * for the whole plan. So the import stops and shows the sums; an admin who
 * meant them says so with acceptSums (--accept-sums), which the audit
 * records with the codes accepted, or widens the tolerance.
 */
export async function importTaskSplit(db: Db, bytes: Uint8Array, opts: TaskSplitImportOptions): Promise<TaskSplitImportOutcome> {
  const book = await readTaskSplitWorkbook(bytes);
  if (!book.ok) return { ok: false, problem: book.code, detail: book.detail };
  const choice = await choosePlan(db, { named: opts.plan, workbookPlan: book.planCode, now: opts.now });
  if (!choice.ok) return choice;
  const stored = (await loadPlanData(db, choice.code))!;
  const tolerance = opts.tolerance ?? DEFAULT_SUM_TOLERANCE;
  const result = applyTaskSplit(stored, book.sheets, { tolerance, registry: await registry(db) });
  if (!result.ok) return { ok: false, problem: "no_header", problems: result.problems };

  const { changes, aligned } = diffPlan(stored, result.data);
  const offSums = result.sums.filter((s) => !s.within);
  const base = {
    ok: true as const,
    plan: { code: stored.code, title: stored.title },
    tolerance,
    changes,
    problems: result.problems,
    sums: result.sums,
    offSums,
    layout: result.layout,
  };
  if (hasErrors(result.problems)) return { ...base, status: "invalid", data: stored };
  if (changes.length === 0) return { ...base, status: "unchanged", data: stored };
  if (!opts.apply) return { ...base, status: "pending", data: aligned };
  if (offSums.length && !opts.acceptSums) return { ...base, status: "sums_unaccepted", data: stored };

  const sourceHash = createHash("sha256").update(bytes).digest("hex");
  await savePlan(db, aligned, { sourceHash, sourceName: opts.sourceName });
  await writeAudit(db, {
    actor: opts.actor,
    platform: opts.platform ?? "cli",
    action: "plan.revise",
    subject: stored.code,
    rawInput: opts.sourceName,
    result: "ok",
    details: {
      changes: changes.length,
      format: "xlsx",
      sourceHash,
      tolerance,
      sumsAccepted: offSums.map((s) => ({ indicator: s.indicator, sum: s.sum, target: s.target, deviation: s.deviation })),
    },
  });
  return { ...base, status: "applied", data: aligned };
}
