import type { Db } from "./database.js";

/**
 * What a unit owes in a plan: the work items it leads, and the indicators on them;
 * plus, for a county or the zone, every indicator split across counties where it
 * holds a share (任务分解).
 */
export async function obligationsOf(db: Db, planId: number, unitId: number) {
  const led = await db.workItem.findMany({
    where: { task: { planId }, units: { some: { unitId, role: "lead" } } },
    include: { task: true, indicators: { where: { retiredAt: null }, orderBy: { ordinal: "asc" } } },
    orderBy: [{ task: { ordinal: "asc" } }, { seq: "asc" }],
  });
  const shared = await db.indicator.findMany({
    where: { planId, retiredAt: null, shares: { some: { unitId } } },
    include: { shares: { where: { unitId } } },
    orderBy: { ordinal: "asc" },
  });
  const indicators = new Map<number, { id: number; code: string; name: string; aliases: string[]; kind: string; unit: string; target: number; share?: number; workItemRef?: string }>();
  for (const w of led) {
    for (const i of w.indicators) {
      indicators.set(i.id, { id: i.id, code: i.code, name: i.name, aliases: JSON.parse(i.aliases) as string[], kind: i.kind, unit: i.unit, target: i.target, workItemRef: w.ref });
    }
  }
  for (const i of shared) {
    indicators.set(i.id, {
      ...(indicators.get(i.id) ?? { id: i.id, code: i.code, name: i.name, aliases: JSON.parse(i.aliases) as string[], kind: i.kind, unit: i.unit, target: i.target }),
      share: i.shares[0]?.target,
    });
  }
  return {
    workItems: led.map((w) => ({ ref: w.ref, task: w.task.code, taskTitle: w.task.title, text: w.text, indicatorIds: w.indicators.map((i) => i.id) })),
    indicators: [...indicators.values()],
  };
}

/** Units that owe a report in a plan: every lead unit, and every county holding a share. */
export async function reportingUnits(db: Db, planId: number) {
  return db.unit.findMany({
    where: {
      OR: [
        { roles: { some: { role: "lead", workItem: { task: { planId } } } } },
        { shares: { some: { indicator: { planId, retiredAt: null } } } },
      ],
    },
    orderBy: { id: "asc" },
  });
}
