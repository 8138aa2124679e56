/**
 * Who owes what, for which month: the one rule behind 查询, 我的任务, 帮助, the
 * reminders and escalations, the monthly digest, the rankings and any page.
 * Pure: the caller loads a plan's facts (persistence/plan-facts.ts) and the
 * stored reports; nothing here reads a clock or a database.
 *
 * The rule, per plan and month:
 * - Nothing is owed outside the plan's reporting span (`before` it starts,
 *   `after` it ends): it is neither chased nor scored, and a report for such a
 *   month is refused with that reason.
 * - Within the span a unit owes
 *   - for each work item it leads (列第一位的为牵头单位): the indicators the
 *     item carries, judged on the city-wide target;
 *   - for each target it answers for without a work item (an owner set in the
 *     任务分解表, e.g. a 攻坚目标): that indicator, on the city-wide target;
 *   - for each target split across counties where it holds a share (任务分解):
 *     that indicator, judged on its share;
 *   - and, when it leads at least one work item, the month's narrative
 *     (进展情况): a lead unit reports progress on its work even where the work
 *     carries no number, so a lead without indicators still owes a report.
 * - Placeholder units (市级相关部门) owe nothing: nobody can report for them.
 * A unit owing nothing in a month is simply not in that month's lists; it is
 * never counted as missing.
 */
import type { IndicatorKind, ReportingBasis, UnitKind } from "../plan/types.js";
import type { IndicatorRef, Period } from "../report/types.js";
import { periodKey } from "../report/types.js";

/** Months, inclusive, as `ranking/periods.ts`'s PlanWindow. */
export interface PlanSpan {
  start: Period;
  end: Period;
}

/** A plan as every view names it. */
export interface PlanRef {
  id: number;
  code: string;
  title: string;
  /** "" when none was given: views then use the title. */
  shortName: string;
  /** The plan's own years (2021—2023年). */
  startYear: number;
  endYear: number;
  /** The months it is chased and scored in. */
  span: PlanSpan;
  timeZone: string;
  /** The generated 示例 plan. */
  example: boolean;
}

export interface FactWorkItem {
  id: number;
  /** "T3#2" */
  ref: string;
  taskCode: string;
  taskTitle: string;
  text: string;
  leadUnitIds: readonly number[];
}

export interface FactShare {
  target: number;
  /** The county's base-year level (level targets), when entered. */
  baseline: number | null;
}

export interface FactIndicator {
  id: number;
  code: string;
  name: string;
  aliases: readonly string[];
  kind: IndicatorKind;
  basis: ReportingBasis;
  unit: string;
  /** City-wide target. */
  target: number;
  targetMax: number | null;
  comparator: "gte" | "lte";
  /** ISO date ("2023-12-31"). */
  deadline: string;
  headline: boolean;
  weight: number;
  /** City-wide base-year level, and its year (level targets). */
  baseline: number | null;
  baselineYear: number | null;
  workItemId: number | null;
  ownerUnitId: number | null;
  shares: ReadonlyMap<number, FactShare>;
}

export interface FactUnit {
  id: number;
  name: string;
  kind: UnitKind;
}

/** Everything about one plan that obligations are computed from. */
export interface PlanFacts {
  plan: PlanRef;
  /** In plan order (task, then clause). */
  workItems: readonly FactWorkItem[];
  /** Live (not retired) indicators, in plan order. */
  indicators: readonly FactIndicator[];
  /** Every unit with a role in the plan (lead, co, accountable, owner, share). */
  units: ReadonlyMap<number, FactUnit>;
  /** 责任主体 named for the whole plan (counties, the zone), in the plan's order. */
  accountableUnitIds: readonly number[];
}

export type SpanPosition = "before" | "within" | "after";

export function spanPosition(span: PlanSpan, period: Period): SpanPosition {
  const k = periodKey(period);
  if (k < periodKey(span.start)) return "before";
  if (k > periodKey(span.end)) return "after";
  return "within";
}

/** An indicator as one unit owes it. */
export interface OwedIndicator extends IndicatorRef {
  basis: ReportingBasis;
  comparator: "gte" | "lte";
  /** The target this unit is judged on: its share where it holds one, else the city-wide target. */
  target: number;
  targetSource: "city" | "share";
  /** The city-wide target. */
  cityTarget: number;
  /** This unit's share, when it holds one (= target then). */
  share?: number;
  targetMax: number | null;
  /** The base-year level this unit is judged from (its own for a share, else the city's). */
  baseline: number | null;
  baselineYear: number | null;
  deadline: string;
  headline: boolean;
  weight: number;
  /** Why the unit owes it. */
  via: "lead" | "owner" | "share";
  /** The work item it leads that carries the indicator (via "lead"). */
  workItemRef?: string;
}

export interface UnitObligation {
  plan: PlanRef;
  unitId: number;
  period: Period;
  position: SpanPosition;
  /** Within the span and something is owed: chased, counted, scored. */
  owes: boolean;
  /** Leads at least one work item: owes the month's narrative (进展情况). */
  narrative: boolean;
  /** The work items it leads. */
  workItems: readonly FactWorkItem[];
  /** What it owes, in plan order. Listed whatever the position (what it would owe), so views can say what ended. */
  indicators: readonly OwedIndicator[];
}

function owed(i: FactIndicator, via: OwedIndicator["via"], share: FactShare | undefined, workItemRef?: string): OwedIndicator {
  return {
    id: i.id,
    code: i.code,
    name: i.name,
    aliases: [...i.aliases],
    kind: i.kind,
    unit: i.unit,
    basis: i.basis,
    comparator: i.comparator,
    target: share ? share.target : i.target,
    targetSource: share ? "share" : "city",
    cityTarget: i.target,
    ...(share ? { share: share.target } : {}),
    targetMax: share ? null : i.targetMax,
    baseline: share ? share.baseline : i.baseline,
    baselineYear: i.baselineYear,
    deadline: i.deadline,
    headline: i.headline,
    weight: i.weight,
    via,
    ...(workItemRef ? { workItemRef } : {}),
  };
}

/**
 * What `unitId` owes in the plan for `period`. A unit that holds a share of an
 * indicator it also leads owes it once, on its share.
 */
export function unitObligation(facts: PlanFacts, unitId: number, period: Period): UnitObligation {
  const position = spanPosition(facts.plan.span, period);
  const unit = facts.units.get(unitId);
  const placeholder = unit?.kind === "placeholder";
  const led = placeholder ? [] : facts.workItems.filter((w) => w.leadUnitIds.includes(unitId));
  const ledIds = new Map(led.map((w) => [w.id, w.ref]));
  const indicators: OwedIndicator[] = [];
  if (!placeholder) {
    for (const i of facts.indicators) {
      const share = i.shares.get(unitId);
      if (share) indicators.push(owed(i, "share", share));
      else if (i.workItemId !== null && ledIds.has(i.workItemId)) indicators.push(owed(i, "lead", undefined, ledIds.get(i.workItemId)));
      else if (i.ownerUnitId === unitId) indicators.push(owed(i, "owner", undefined));
    }
  }
  const narrative = led.length > 0;
  return {
    plan: facts.plan,
    unitId,
    period,
    position,
    owes: position === "within" && (narrative || indicators.length > 0),
    narrative,
    workItems: led,
    indicators,
  };
}

/** Units with something to owe in the plan (any month of its span), by id. */
export function obligedUnitIds(facts: PlanFacts): number[] {
  const ids = new Set<number>();
  for (const w of facts.workItems) for (const u of w.leadUnitIds) ids.add(u);
  for (const i of facts.indicators) {
    if (i.ownerUnitId !== null) ids.add(i.ownerUnitId);
    for (const u of i.shares.keys()) ids.add(u);
  }
  return [...ids].filter((id) => facts.units.get(id)?.kind !== "placeholder").sort((a, b) => a - b);
}

/** Every unit that owes something in `period` (empty outside the span), by unit id. */
export function owingUnits(facts: PlanFacts, period: Period): UnitObligation[] {
  if (spanPosition(facts.plan.span, period) !== "within") return [];
  return obligedUnitIds(facts)
    .map((id) => unitObligation(facts, id, period))
    .filter((o) => o.owes);
}

// ---------------------------------------------------------------------------
// A month against what was owed

/** What is stored for a unit's month in one plan (the current revision). */
export interface StoredMonth {
  /** When the first revision came in. */
  firstAt: Date;
  /** Indicators with a value in the current revision. */
  valueIds: ReadonlySet<number>;
  /** The current revision carries a progress narrative. */
  narrative: boolean;
}

export type MonthState = "not_owed" | "missing" | "partial" | "complete";

export interface MonthStatus {
  state: MonthState;
  /** Items owed: the indicators, plus the narrative when owed. */
  owed: number;
  /** Of those, present in the current revision. */
  reported: number;
  missingIndicators: readonly OwedIndicator[];
  /** The narrative is owed and absent. */
  missingNarrative: boolean;
  submittedAt: Date | null;
  /** First submission by the due instant; null when nothing was submitted. */
  onTime: boolean | null;
}

/**
 * How a unit's month stands: nothing owed, nothing submitted, submitted in
 * part, or complete; on time or late against `dueAt` (the last instant of the
 * due day). Late is judged by the first submission, as the conduct score does.
 */
export function monthStatus(ob: UnitObligation, stored: StoredMonth | null, dueAt: Date): MonthStatus {
  const owedCount = ob.indicators.length + (ob.narrative ? 1 : 0);
  if (!ob.owes) {
    return { state: "not_owed", owed: 0, reported: 0, missingIndicators: [], missingNarrative: false, submittedAt: stored?.firstAt ?? null, onTime: null };
  }
  const missingIndicators = ob.indicators.filter((i) => !stored?.valueIds.has(i.id));
  const missingNarrative = ob.narrative && !stored?.narrative;
  const reported = owedCount - missingIndicators.length - (missingNarrative ? 1 : 0);
  const state: MonthState = !stored ? "missing" : reported >= owedCount ? "complete" : "partial";
  return {
    state,
    owed: owedCount,
    reported,
    missingIndicators,
    missingNarrative,
    submittedAt: stored?.firstAt ?? null,
    onTime: stored ? stored.firstAt.getTime() <= dueAt.getTime() : null,
  };
}

/** The name views use for a plan: its short name, else its title. */
export function planName(p: Pick<PlanRef, "shortName" | "title">): string {
  return p.shortName || p.title;
}

/** In progress at `period`: the month is within the span. */
export function inProgress(p: Pick<PlanRef, "span">, period: Period): boolean {
  return spanPosition(p.span, period) === "within";
}

/**
 * The plan a command acts on when none is named: the only plan, else the only
 * one in progress at `period`; null when that leaves a choice (the caller asks,
 * listing them).
 */
export function defaultPlanOf<P extends Pick<PlanRef, "span">>(plans: readonly P[], period: Period): P | null {
  if (plans.length === 1) return plans[0]!;
  const active = plans.filter((p) => inProgress(p, period));
  return active.length === 1 ? active[0]! : null;
}

/** A plan named by its code, short name or title (either script folded by the caller), or null. */
export function findPlanByName<P extends Pick<PlanRef, "code" | "shortName" | "title">>(plans: readonly P[], name: string): P | null {
  const n = name.trim();
  if (!n) return null;
  return (
    plans.find((p) => p.code === n || (p.shortName !== "" && p.shortName === n) || p.title === n) ??
    (plans.filter((p) => p.title.includes(n)).length === 1 ? plans.find((p) => p.title.includes(n))! : null)
  );
}
