/**
 * The two rankings' unit lists, from the plan's indicators. Both feed the same
 * `computeRanking`:
 * - lead departments: the indicators of the work items they lead (列第一位的为
 *   牵头单位), judged on the city target;
 * - counties (and the zone): the indicators where the county holds a share
 *   (任务分解), judged on the share. A county without any share is still listed
 *   (it comes out unranked, "no_indicators"), so the briefing can say so.
 *
 * The caller leaves retired indicators out.
 */
import type { Period } from "../report/types.js";
import type { RankingUnit, ScoringIndicator } from "./types.js";

/** A plan indicator as stored: what a ScoringIndicator takes from it, before a unit's target is chosen. */
export interface PlanIndicatorRow extends Pick<ScoringIndicator, "id" | "code" | "name" | "unit" | "kind" | "comparator" | "weight" | "headline"> {
  /** City-wide target. */
  target: number;
  /** ISO date ("2023-12-31") or null. */
  deadline: string | null;
  /** Lead unit(s) of the indicator's work item (WorkItemUnit role "lead"); empty for 攻坚目标 without a work item. */
  leadUnitIds: readonly number[];
  /** IndicatorShare rows: unitId → the county's target. */
  shares: ReadonlyMap<number, number>;
}

export interface UnitRow {
  unitId: number;
  name: string;
}

/** "2023-12-31" → 2023-12; undefined when it does not read as a date. */
export function deadlinePeriod(iso: string | null): Period | undefined {
  const m = iso === null ? null : /^(\d{4})-(\d{2})/u.exec(iso);
  if (!m) return undefined;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : undefined;
}

/**
 * The indicator as one unit is judged on it. Written as one literal per call:
 * a county ranking makes one per unit × indicator (16,800 for 200 counties × 84
 * indicators), so the deadline is read once per indicator (`deadlines`) and no
 * object is spread.
 */
function scoring(row: PlanIndicatorRow, deadline: Period | undefined, target: number, targetSource: "city" | "share"): ScoringIndicator {
  // Two literals rather than `ind.deadline = …` afterwards: a property added to
  // a finished literal goes to a separate property store, ~50 bytes more on
  // each of the 16,800 objects, all alive for the whole ranking.
  if (!deadline) {
    return { id: row.id, code: row.code, name: row.name, unit: row.unit, kind: row.kind, comparator: row.comparator, target, targetSource, weight: row.weight, headline: row.headline };
  }
  return { id: row.id, code: row.code, name: row.name, unit: row.unit, kind: row.kind, comparator: row.comparator, target, targetSource, weight: row.weight, headline: row.headline, deadline };
}

function deadlines(indicators: readonly PlanIndicatorRow[]): Map<number, Period | undefined> {
  return new Map(indicators.map((i) => [i.id, deadlinePeriod(i.deadline)]));
}

export function departmentUnits(indicators: readonly PlanIndicatorRow[], departments: readonly UnitRow[]): RankingUnit[] {
  const due = deadlines(indicators);
  return departments.map((d) => ({
    unitId: d.unitId,
    name: d.name,
    indicators: indicators.filter((i) => i.leadUnitIds.includes(d.unitId)).map((i) => scoring(i, due.get(i.id), i.target, "city")),
  }));
}

export function countyUnits(indicators: readonly PlanIndicatorRow[], counties: readonly UnitRow[]): RankingUnit[] {
  const due = deadlines(indicators);
  return counties.map((c) => {
    const own: ScoringIndicator[] = [];
    for (const i of indicators) {
      const share = i.shares.get(c.unitId);
      if (share !== undefined) own.push(scoring(i, due.get(i.id), share, "share"));
    }
    return { unitId: c.unitId, name: c.name, indicators: own };
  });
}
