import type { PlanData } from "./plan-document.js";

/**
 * What a (re-)import would change. Pure: compares the stored plan with the
 * incoming one. Indicators are matched by code, then by name, so a revised
 * document that inserts a target (shifting the position-based codes) reports one
 * added indicator rather than a cascade of renames, and stored reports stay
 * attached to the indicator they were about.
 */

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface Change {
  op: "added" | "removed" | "changed";
  entity: "plan" | "unit" | "task" | "workItem" | "indicator";
  key: string;
  label: string;
  fields?: FieldChange[];
}

export interface PlanDiff {
  changes: Change[];
  /** The incoming plan with indicator codes aligned to the stored ones. */
  aligned: PlanData;
}

type Indicator = PlanData["indicators"][number];
type WorkItem = PlanData["groups"][number]["tasks"][number]["workItems"][number];

const INDICATOR_FIELDS = [
  "name",
  "kind",
  "unit",
  "target",
  "targetMax",
  "baseline",
  "baselineYear",
  "owner",
  "comparator",
  "deadline",
  "workItem",
  "headline",
  "weight",
  "aliases",
  "shares",
  "shareBaselines",
] as const satisfies readonly (keyof Indicator)[];

export function diffPlan(stored: PlanData | null, incoming: PlanData): PlanDiff {
  if (!stored) {
    return {
      aligned: incoming,
      changes: [{ op: "added", entity: "plan", key: incoming.code, label: incoming.title }],
    };
  }
  const changes: Change[] = [];
  const planFields = fieldChanges(stored, incoming, ["title", "shortName", "startYear", "endYear", "reportingFrom", "reportingTo", "timeZone", "accountable"] as const);
  if (planFields.length) changes.push({ op: "changed", entity: "plan", key: incoming.code, label: incoming.title, fields: planFields });

  diffUnits(stored, incoming, changes);
  diffTasks(stored, incoming, changes);
  diffWorkItems(stored, incoming, changes);
  const aligned = { ...incoming, indicators: alignIndicators(stored.indicators, incoming.indicators) };
  diffIndicators(stored.indicators, aligned.indicators, changes);
  return { changes, aligned };
}

function diffUnits(stored: PlanData, incoming: PlanData, out: Change[]) {
  const before = new Map(stored.units.map((u) => [u.name, u]));
  const after = new Map(incoming.units.map((u) => [u.name, u]));
  for (const [name, u] of after) {
    const old = before.get(name);
    if (!old) out.push({ op: "added", entity: "unit", key: name, label: name });
    else {
      const fields = fieldChanges(
        { kind: old.kind, aliases: [...old.aliases].sort() },
        { kind: u.kind, aliases: [...u.aliases].sort() },
        ["kind", "aliases"] as const,
      );
      if (fields.length) out.push({ op: "changed", entity: "unit", key: name, label: name, fields });
    }
  }
  for (const name of before.keys()) {
    if (!after.has(name)) out.push({ op: "removed", entity: "unit", key: name, label: name });
  }
}

function tasksOf(p: PlanData) {
  return new Map(p.groups.flatMap((g) => g.tasks.map((t) => [t.code, { ...t, group: g.code }] as const)));
}

function diffTasks(stored: PlanData, incoming: PlanData, out: Change[]) {
  const before = tasksOf(stored);
  const after = tasksOf(incoming);
  for (const [code, t] of after) {
    const old = before.get(code);
    if (!old) out.push({ op: "added", entity: "task", key: code, label: t.title });
    else {
      const fields = fieldChanges(old, t, ["title", "group"] as const);
      if (fields.length) out.push({ op: "changed", entity: "task", key: code, label: t.title, fields });
    }
  }
  for (const [code, t] of before) {
    if (!after.has(code)) out.push({ op: "removed", entity: "task", key: code, label: t.title });
  }
}

function workItemsOf(p: PlanData): Map<string, WorkItem> {
  return new Map(p.groups.flatMap((g) => g.tasks.flatMap((t) => t.workItems.map((w) => [w.ref, w] as const))));
}

function diffWorkItems(stored: PlanData, incoming: PlanData, out: Change[]) {
  const before = workItemsOf(stored);
  const after = workItemsOf(incoming);
  for (const [ref, w] of after) {
    const old = before.get(ref);
    if (!old) out.push({ op: "added", entity: "workItem", key: ref, label: `${w.lead}: ${clip(w.text)}` });
    else {
      const fields = fieldChanges(old, w, ["text", "lead", "co", "notes"] as const);
      if (fields.length) out.push({ op: "changed", entity: "workItem", key: ref, label: `${w.lead}: ${clip(w.text)}`, fields });
    }
  }
  for (const [ref, w] of before) {
    if (!after.has(ref)) out.push({ op: "removed", entity: "workItem", key: ref, label: `${w.lead}: ${clip(w.text)}` });
  }
}

/** Gives incoming indicators the stored code of the indicator they continue. */
export function alignIndicators(stored: Indicator[], incoming: Indicator[]): Indicator[] {
  const storedByCode = new Map(stored.map((i) => [i.code, i]));
  const claimed = new Set<string>();
  const result: (Indicator | undefined)[] = new Array(incoming.length);
  // 1. Same code and same name: the same indicator.
  incoming.forEach((ind, idx) => {
    const s = storedByCode.get(ind.code);
    if (s && s.name === ind.name) {
      claimed.add(s.code);
      result[idx] = ind;
    }
  });
  // 2. Same name under another code (codes shifted): keep the stored code.
  incoming.forEach((ind, idx) => {
    if (result[idx]) return;
    const s = stored.find((x) => !claimed.has(x.code) && x.name === ind.name);
    if (s) {
      claimed.add(s.code);
      result[idx] = { ...ind, code: s.code };
    }
  });
  // 3. The rest: same code means renamed; a code taken by another stored indicator gets a fresh one.
  const used = new Set([...stored.map((s) => s.code), ...result.filter(Boolean).map((r) => r!.code)]);
  incoming.forEach((ind, idx) => {
    if (result[idx]) return;
    if (storedByCode.has(ind.code) && !claimed.has(ind.code)) {
      claimed.add(ind.code);
      result[idx] = ind;
      return;
    }
    let code = ind.code;
    for (let n = 2; used.has(code); n++) code = `${ind.code}.${n}`;
    used.add(code);
    result[idx] = { ...ind, code };
  });
  return result as Indicator[];
}

function diffIndicators(stored: Indicator[], incoming: Indicator[], out: Change[]) {
  const before = new Map(stored.map((i) => [i.code, i]));
  const after = new Map(incoming.map((i) => [i.code, i]));
  for (const [code, ind] of after) {
    const old = before.get(code);
    const label = `${ind.name} ${ind.target}${ind.unit}`;
    if (!old) out.push({ op: "added", entity: "indicator", key: code, label });
    else {
      const fields = fieldChanges(old, ind, INDICATOR_FIELDS);
      // A document that does not state the basis keeps the stored one.
      if (ind.basis !== undefined && ind.basis !== old.basis) fields.push({ field: "basis", from: old.basis, to: ind.basis });
      if (fields.length) out.push({ op: "changed", entity: "indicator", key: code, label, fields });
    }
  }
  for (const [code, ind] of before) {
    if (!after.has(code)) out.push({ op: "removed", entity: "indicator", key: code, label: `${ind.name} ${ind.target}${ind.unit}` });
  }
}

function fieldChanges<T extends object>(a: T, b: T, fields: readonly (keyof T)[]): FieldChange[] {
  return fields
    .filter((f) => stable(a[f]) !== stable(b[f]))
    .map((f) => ({ field: String(f), from: a[f], to: b[f] }));
}

/** JSON with sorted object keys, so {a,b} equals {b,a}. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : val,
  );
}

function clip(s: string, n = 24): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
