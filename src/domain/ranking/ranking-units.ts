/**
 * The two rankings' unit lists, from the obligations rule (domain/obligations):
 * what a unit is judged on is what it owes, with no second definition here.
 * - lead departments: the department units owing something in the plan
 *   (leads of work items, owners of 攻坚目标), judged on the indicators they
 *   owe (lead or owner: the city target);
 * - counties (and the zone): the plan's 责任主体 and every county or zone
 *   holding a share (任务分解), judged on what they owe (their shares).
 * Every unit owing something in the plan is in exactly one of the two, so the
 * digest built from both counts every unit that owes a report. A unit listed
 * without anything owed in a window comes out unranked ("not_owed").
 */
import type { OwedIndicator, PlanFacts, StoredMonth, UnitObligation } from "../obligations/obligations.js";
import { monthStatus, obligedUnitIds, unitObligation } from "../obligations/obligations.js";
import type { Period } from "../report/types.js";
import type { RankingKind } from "./score.js";
import type { ConductMonth, RankingUnit, ScoringIndicator } from "./types.js";

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
 * indicators), so the deadline is read once per indicator (`due`) and no
 * object is spread.
 */
function scoring(o: OwedIndicator, deadline: Period | undefined): ScoringIndicator {
  // Two literals rather than `ind.deadline = …` afterwards: a property added to
  // a finished literal goes to a separate property store, ~50 bytes more on
  // each of the 16,800 objects, all alive for the whole ranking.
  if (!deadline) {
    return { id: o.id, code: o.code, name: o.name, unit: o.unit, kind: o.kind, basis: o.basis, comparator: o.comparator, target: o.target, targetSource: o.targetSource, targetMax: o.targetMax, baseline: o.baseline, baselineYear: o.baselineYear, weight: o.weight, headline: o.headline };
  }
  return { id: o.id, code: o.code, name: o.name, unit: o.unit, kind: o.kind, basis: o.basis, comparator: o.comparator, target: o.target, targetSource: o.targetSource, targetMax: o.targetMax, baseline: o.baseline, baselineYear: o.baselineYear, weight: o.weight, headline: o.headline, deadline };
}

/** The kind of ranking a unit of `unitKind` stands in: departments, or counties and the zone. */
export function rankingKindOfUnit(unitKind: string): RankingKind | null {
  if (unitKind === "department") return "department";
  if (unitKind === "county" || unitKind === "zone") return "county";
  return null;
}

/** The ids a ranking of `kind` lists, in unit id order: obliged units of that kind (and, for counties, the plan's 责任主体). */
export function rankingUnitIds(facts: PlanFacts, kind: RankingKind): number[] {
  const ids = new Set(obligedUnitIds(facts).filter((id) => rankingKindOfUnit(facts.units.get(id)?.kind ?? "") === kind));
  if (kind === "county") for (const id of facts.accountableUnitIds) if (rankingKindOfUnit(facts.units.get(id)?.kind ?? "") === "county") ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

/**
 * What each unit of a ranking of `kind` owes as of `asOf` (the window's last
 * month): what it owes is listed whatever the month's position in the plan;
 * whether anything was owed in a month is monthStatus's business.
 */
export function rankingObligations(facts: PlanFacts, kind: RankingKind, asOf: Period): UnitObligation[] {
  return rankingUnitIds(facts, kind).map((unitId) => unitObligation(facts, unitId, asOf));
}

/** The units to rank, each judged on what it owes. */
export function rankingUnits(facts: PlanFacts, obligations: readonly UnitObligation[]): RankingUnit[] {
  const due = new Map(facts.indicators.map((i) => [i.id, deadlinePeriod(i.deadline)]));
  return obligations.map((ob) => ({
    unitId: ob.unitId,
    name: facts.units.get(ob.unitId)?.name ?? String(ob.unitId),
    indicators: ob.indicators.map((o) => scoring(o, due.get(o.id))),
    narrative: ob.narrative,
  }));
}

/** What is stored for a unit's month, with the instants of the revisions after the first. */
export interface StoredReport extends StoredMonth {
  corrections: readonly Date[];
}

/**
 * One unit's month as conduct scores it: the obligations rule's monthStatus
 * (items owed: the indicators and the narrative; reported; on time by the
 * first submission) and the corrections made after `dueAt`. `ob` is what the
 * unit owes in `period` (unitObligation for that month).
 */
export function conductMonth(ob: UnitObligation, period: Period, stored: StoredReport | null, dueAt: Date): ConductMonth {
  const status = monthStatus(ob, stored, dueAt);
  return {
    unitId: ob.unitId,
    period,
    dueAt,
    firstSubmittedAt: stored?.firstAt ?? null,
    owed: status.owed,
    reported: status.reported,
    missingNarrative: status.missingNarrative,
    correctionsAfterDue: stored ? stored.corrections.filter((c) => c.getTime() > dueAt.getTime()).length : 0,
  };
}
