import { alignIndicators, diffPlan, type Change } from "../domain/plan/diff-plan.js";
import { allowedBases, defaultBasis, type Unplaced } from "../domain/plan/types.js";
import { defaultSpan, type PlanData } from "../domain/plan/plan-document.js";
import type { Db } from "../persistence/database.js";
import { loadPlanData, savePlan } from "../persistence/plan-repository.js";
import { writeAudit } from "../persistence/audit-repository.js";
import type { PlanSourceResult } from "./read-plan-source.js";

export type ImportStatus =
  | "created" // a new plan was written
  | "unchanged" // the database already holds exactly this plan
  | "pending" // differences found; nothing written (run with apply)
  | "applied" // differences written
  | "refused"; // apply asked, but a change would reinterpret stored figures: nothing written

/**
 * A reporting basis that would change under figures already stored in it: they were reported as
 * (say) year-to-date totals and would silently be read as monthly increments. Refused; an admin
 * converts or retires the indicator first.
 */
export interface BasisConflict {
  code: string;
  name: string;
  from: string;
  to: string;
  values: number;
}

export interface ImportOutcome {
  status: ImportStatus;
  code: string;
  changes: Change[];
  unplaced: Unplaced[];
  data: PlanData;
  /** Changes that cannot be applied as they stand (shown in a preview too). */
  conflicts: BasisConflict[];
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
  // A YAML export states everything and is taken as written; a text document
  // states only the structure, units and targets.
  const incoming = stored && source.format === "text" ? keepWhatTheTextLeavesOut(stored, source.data, { statesTitle: source.statesTitle ?? true }) : source.data;
  const { changes, aligned } = diffPlan(stored, incoming);
  const conflicts = stored ? await basisConflicts(db, aligned.code, changes) : [];
  const base = { code: aligned.code, changes, unplaced: source.unplaced, data: aligned, conflicts };
  if (stored && changes.length === 0) return { status: "unchanged", ...base };
  if (stored && !opts.apply) return { status: "pending", ...base };
  if (conflicts.length) return { status: "refused", ...base };

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

/** Basis changes on indicators that hold values, with how many. */
async function basisConflicts(db: Db, planCode: string, changes: Change[]): Promise<BasisConflict[]> {
  const out: BasisConflict[] = [];
  for (const c of changes) {
    if (c.entity !== "indicator" || c.op !== "changed") continue;
    const basis = c.fields?.find((f) => f.field === "basis");
    if (!basis) continue;
    const values = await db.indicatorValue.count({ where: { indicator: { code: c.key, plan: { code: planCode } } } });
    if (values > 0) out.push({ code: c.key, name: c.label, from: String(basis.from), to: String(basis.to), values });
  }
  return out;
}

/**
 * A plan's text document states its structure, units and targets, not what
 * admins set afterwards (by YAML, `plan extend`, the 任务分解表). Re-importing
 * the text must not undo those settings, so the incoming plan takes from the
 * stored one everything the text does not state:
 * - the title, when the document's title line is lost and none was given;
 * - the short name and the time zone;
 * - each end of the reporting span that an admin moved away from the plan's
 *   years (an extension survives; an untouched end follows the document's years);
 * - per indicator, matched as the diff matches them (alignIndicators): the
 *   reporting basis (unless the document's kind no longer allows it: then the
 *   kind's default), baseline and its year, owner, county shares and their
 *   baselines, and weight;
 * - the units those owners and shares name, when no clause of the document does.
 * Pure; the diff stays a plain comparison of two plans.
 */
export function keepWhatTheTextLeavesOut(stored: PlanData, text: PlanData, opts: { statesTitle: boolean }): PlanData {
  const storedDefault = defaultSpan(stored.startYear, stored.endYear);
  const byCode = new Map(stored.indicators.map((i) => [i.code, i]));
  const indicators = alignIndicators(stored.indicators, text.indicators).map((ind) => {
    const old = byCode.get(ind.code);
    if (!old) return ind;
    const basis = old.basis && allowedBases(ind.kind).includes(old.basis) ? old.basis : defaultBasis(ind.kind);
    return {
      ...ind,
      basis,
      baseline: old.baseline,
      baselineYear: old.baselineYear,
      owner: old.owner,
      shares: old.shares,
      shareBaselines: old.shareBaselines,
      weight: old.weight,
    };
  });

  const named = new Set(text.units.map((u) => u.name));
  const referenced = new Set(indicators.flatMap((i) => [...(i.owner === null ? [] : [i.owner]), ...Object.keys(i.shares), ...Object.keys(i.shareBaselines)]));
  const keptUnits = stored.units.filter((u) => !named.has(u.name) && (referenced.has(u.name) || u.aliases.some((a) => referenced.has(a))));

  return {
    ...text,
    title: opts.statesTitle ? text.title : stored.title,
    shortName: stored.shortName,
    timeZone: stored.timeZone,
    reportingFrom: stored.reportingFrom === storedDefault.reportingFrom ? text.reportingFrom : stored.reportingFrom,
    reportingTo: stored.reportingTo === storedDefault.reportingTo ? text.reportingTo : stored.reportingTo,
    units: [...text.units, ...keptUnits],
    indicators,
  };
}
