import { z } from "zod";
import type { PlanData } from "../domain/plan/plan-document.js";
import { defaultBasis, INDICATOR_KINDS, REPORTING_BASES } from "../domain/plan/types.js";
import { noteBindingsChanged } from "./binding-repository.js";
import { noteConfigChanged } from "./change-stamp.js";
import type { Db } from "./database.js";

/**
 * Plans in the database: load one back into the importable shape (for diffs and
 * YAML export) and write one (create or apply a revision) in a single transaction.
 */

const stringList = z.array(z.string());

/** 202312 → "2023-12". */
export function formatPeriodKey(key: number): string {
  return `${Math.floor(key / 100)}-${String(key % 100).padStart(2, "0")}`;
}

/** "2023-12" → 202312. */
export function periodKeyOf(month: string): number {
  const [y, m] = month.split("-");
  return Number(y) * 100 + Number(m);
}
const parseList = (json: string) => stringList.parse(JSON.parse(json));

export async function findPlan(db: Db, code?: string) {
  return code
    ? db.plan.findUnique({ where: { code } })
    : db.plan.findFirst({ orderBy: { id: "asc" } });
}

export async function loadPlanData(db: Db, code: string): Promise<PlanData | null> {
  const plan = await db.plan.findUnique({
    where: { code },
    include: {
      groups: {
        orderBy: { ordinal: "asc" },
        include: {
          tasks: {
            orderBy: { ordinal: "asc" },
            include: {
              workItems: {
                orderBy: { seq: "asc" },
                include: { units: { include: { unit: true }, orderBy: { position: "asc" } } },
              },
            },
          },
        },
      },
      indicators: {
        where: { retiredAt: null },
        orderBy: { ordinal: "asc" },
        include: { workItem: true, owner: true, shares: { include: { unit: true } } },
      },
    },
  });
  if (!plan) return null;

  const accountable = parseList(plan.accountable);
  const unitIds = new Set<number>();
  const groups = plan.groups.map((g) => ({
    code: g.code,
    title: g.title,
    kind: z.enum(["key_tasks", "measures"]).parse(g.kind),
    tasks: g.tasks.map((t) => ({
      code: t.code,
      title: t.title,
      workItems: t.workItems.map((w) => {
        for (const u of w.units) unitIds.add(u.unitId);
        return {
          ref: w.ref,
          text: w.text,
          clause: w.clause,
          lead: w.units.find((u) => u.role === "lead")?.unit.name ?? "",
          co: w.units.filter((u) => u.role === "co").map((u) => u.unit.name),
          notes: parseList(w.notes),
        };
      }),
    })),
  }));
  for (const i of plan.indicators) {
    for (const s of i.shares) unitIds.add(s.unitId);
    if (i.ownerUnitId !== null) unitIds.add(i.ownerUnitId);
  }
  const accountableUnits = await db.unit.findMany({ where: { name: { in: accountable } } });
  for (const u of accountableUnits) unitIds.add(u.id);
  const units = await db.unit.findMany({
    where: { id: { in: [...unitIds] } },
    include: { aliases: { orderBy: { id: "asc" } } },
    orderBy: { id: "asc" },
  });

  return {
    code: plan.code,
    title: plan.title,
    shortName: plan.shortName,
    startYear: plan.startYear,
    endYear: plan.endYear,
    reportingFrom: formatPeriodKey(plan.startPeriod),
    reportingTo: formatPeriodKey(plan.endPeriod),
    timeZone: plan.timeZone,
    accountable,
    units: units.map((u) => ({
      name: u.name,
      kind: z.enum(["department", "county", "zone", "placeholder"]).parse(u.kind),
      aliases: u.aliases.map((a) => a.alias),
    })),
    groups,
    indicators: plan.indicators.map((i) => ({
      code: i.code,
      name: i.name,
      kind: z.enum(INDICATOR_KINDS).parse(i.kind),
      basis: z.enum(REPORTING_BASES).parse(i.basis),
      unit: i.unit,
      target: i.target,
      targetMax: i.targetMax,
      baseline: i.baseline,
      baselineYear: i.baselineYear,
      owner: i.owner?.name ?? null,
      comparator: z.enum(["gte", "lte"]).parse(i.comparator),
      deadline: i.deadline,
      workItem: i.workItem?.ref ?? null,
      headline: i.headline,
      weight: i.weight,
      aliases: parseList(i.aliases),
      source: i.source,
      shares: Object.fromEntries(i.shares.map((s) => [s.unit.name, s.target])),
      shareBaselines: Object.fromEntries(i.shares.filter((s) => s.baseline !== null).map((s) => [s.unit.name, s.baseline!])),
    })),
  };
}

export interface SaveMeta {
  sourceHash: string;
  sourceName: string;
}

/**
 * Writes `data` as the plan's current state. Units are upserted and never deleted
 * (bindings and reports refer to them); indicators that disappear are retired, not
 * deleted, so stored reports stay attached; tasks and work items are replaced.
 */
export async function savePlan(db: Db, data: PlanData, meta: SaveMeta): Promise<number> {
  try {
    return await writePlan(db, data, meta);
  } finally {
    noteBindingsChanged(); // unit names may have changed
    noteConfigChanged(); // what units owe may have changed
  }
}

function writePlan(db: Db, data: PlanData, meta: SaveMeta): Promise<number> {
  return db.$transaction(
    async (tx) => {
      const plan = await tx.plan.upsert({
        where: { code: data.code },
        create: {
          code: data.code,
          ...planFields(data),
          ...meta,
        },
        update: {
          ...planFields(data),
          ...meta,
        },
      });

      // Units and aliases (global: one registry of the city's units).
      const unitId = new Map<string, number>();
      for (const u of data.units) {
        const row = await tx.unit.upsert({
          where: { name: u.name },
          create: { name: u.name, kind: u.kind },
          update: { kind: u.kind },
        });
        unitId.set(u.name, row.id);
      }
      for (const u of data.units) {
        for (const alias of u.aliases) {
          if (alias === u.name) continue;
          await tx.unitAlias.upsert({
            where: { alias },
            create: { alias, unitId: unitId.get(u.name)! },
            update: { unitId: unitId.get(u.name)! },
          });
        }
      }
      const idOf = (name: string) => {
        const id = unitId.get(name);
        if (id === undefined) throw new Error(`unit "${name}" is not in the plan's unit list`);
        return id;
      };

      // Groups, tasks, work items: replaced wholesale (cheap, and nothing else points at them
      // except indicators, which are re-linked below by work item ref).
      await tx.taskGroup.deleteMany({ where: { planId: plan.id } });
      const workItemId = new Map<string, number>();
      const accountableIds = data.accountable.map(idOf);
      let taskOrdinal = 0;
      for (const [gi, g] of data.groups.entries()) {
        const group = await tx.taskGroup.create({
          data: { planId: plan.id, code: g.code, ordinal: gi + 1, title: g.title, kind: g.kind },
        });
        for (const t of g.tasks) {
          const task = await tx.task.create({
            data: { planId: plan.id, groupId: group.id, code: t.code, ordinal: ++taskOrdinal, title: t.title },
          });
          for (const [wi, w] of t.workItems.entries()) {
            const item = await tx.workItem.create({
              data: { taskId: task.id, ref: w.ref, seq: wi + 1, text: w.text, clause: w.clause, notes: JSON.stringify(w.notes) },
            });
            workItemId.set(w.ref, item.id);
            const roles = [
              { unitId: idOf(w.lead), role: "lead", position: 0 },
              ...w.co.map((c, i) => ({ unitId: idOf(c), role: "co", position: i + 1 })),
              ...accountableIds.map((id, i) => ({ unitId: id, role: "accountable", position: 100 + i })),
            ];
            // A unit listed twice in one clause keeps its first role.
            const seen = new Set<string>();
            await tx.workItemUnit.createMany({
              data: roles
                .filter((r) => {
                  const k = `${r.unitId}:${r.role}`;
                  if (seen.has(k)) return false;
                  seen.add(k);
                  return true;
                })
                .map((r) => ({ ...r, workItemId: item.id })),
            });
          }
        }
      }

      // Indicators: upsert by code, retire the ones no longer in the plan.
      const now = new Date();
      const storedBasis = new Map(
        (await tx.indicator.findMany({ where: { planId: plan.id }, select: { code: true, basis: true } })).map((i) => [i.code, i.basis]),
      );
      const keep = new Set(data.indicators.map((i) => i.code));
      await tx.indicator.updateMany({
        where: { planId: plan.id, code: { notIn: [...keep] }, retiredAt: null },
        data: { retiredAt: now },
      });
      for (const [idx, i] of data.indicators.entries()) {
        const fields = {
          ordinal: idx + 1,
          name: i.name,
          kind: i.kind,
          // An import that does not say keeps the stored basis (values are stored in it).
          basis: i.basis ?? storedBasis.get(i.code) ?? defaultBasis(i.kind),
          unit: i.unit,
          target: i.target,
          targetMax: i.targetMax,
          baseline: i.baseline,
          baselineYear: i.baselineYear,
          ownerUnitId: i.owner === null ? null : idOf(unitNameOf(i.owner, data)),
          comparator: i.comparator,
          deadline: i.deadline,
          source: i.source,
          headline: i.headline,
          weight: i.weight,
          aliases: JSON.stringify(i.aliases),
          retiredAt: null,
          workItemId: i.workItem ? (workItemId.get(i.workItem) ?? null) : null,
        };
        const row = await tx.indicator.upsert({
          where: { planId_code: { planId: plan.id, code: i.code } },
          create: { planId: plan.id, code: i.code, ...fields },
          update: fields,
        });
        await tx.indicatorShare.deleteMany({ where: { indicatorId: row.id } });
        const shares = Object.entries(i.shares).map(([county, target]) => ({
          indicatorId: row.id,
          unitId: resolveShareUnit(county, data, unitId),
          target,
          baseline: i.shareBaselines[county] ?? null,
        }));
        if (shares.length) await tx.indicatorShare.createMany({ data: shares });
      }
      return plan.id;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

function planFields(data: PlanData) {
  return {
    title: data.title,
    shortName: data.shortName,
    startYear: data.startYear,
    endYear: data.endYear,
    startPeriod: periodKeyOf(data.reportingFrom),
    endPeriod: periodKeyOf(data.reportingTo),
    timeZone: data.timeZone,
    accountable: JSON.stringify(data.accountable),
  };
}

/** A unit named by its canonical name or an alias in the plan's unit list. */
function unitNameOf(name: string, data: PlanData): string {
  return data.units.find((u) => u.name === name || u.aliases.includes(name))?.name ?? name;
}

function resolveShareUnit(name: string, data: PlanData, unitId: Map<string, number>): number {
  const direct = unitId.get(name);
  if (direct !== undefined) return direct;
  const owner = data.units.find((u) => u.aliases.includes(name));
  if (owner) return unitId.get(owner.name)!;
  throw new Error(`share for unknown unit "${name}"`);
}
