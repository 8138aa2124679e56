/**
 * What the ranking takes in. The caller loads it from the database (current
 * revision values only, report metadata, what each unit owes from the
 * obligations rule) and passes it; the ranking reads no clock, no storage, no
 * environment.
 */
import type { IndicatorKind, ReportingBasis } from "../plan/types.js";
import type { Period } from "../report/types.js";
import type { MonthFigure } from "./progress.js";

/** An indicator as one unit is judged on it (an OwedIndicator of domain/obligations, reduced to what scoring reads). */
export interface ScoringIndicator {
  id: number;
  code: string;
  name: string;
  unit: string;
  kind: IndicatorKind;
  /** How values are reported and stored: month (当月), ytd (1—N月累计), level (期末存量), rate (比率). */
  basis: ReportingBasis;
  comparator: "gte" | "lte";
  /** The target this unit is judged on: the county's share when set, else the city target. A range's lower bound. */
  target: number;
  targetSource: "city" | "share";
  /** Upper end of a range target (建设1—2所): shown, never judged on (the lower bound is). */
  targetMax: number | null;
  /** Level targets: the base-year level (the unit's own for a share), when entered in the plan. */
  baseline: number | null;
  baselineYear: number | null;
  /** Indicator.weight (default 1); `config.indicatorWeights[code]` overrides it. */
  weight: number;
  /** Among the 攻坚目标: shown in the monthly digest's headline values. */
  headline: boolean;
  /** Month the target is due ("2023-12-31" → 2023-12); absent = the plan's end. */
  deadline?: Period;
}

/**
 * A unit to rank, with the indicators it owes (domain/obligations: a lead
 * department its work items' and owned targets', on the city target; a county
 * its shares).
 */
export interface RankingUnit {
  unitId: number;
  name: string;
  indicators: ScoringIndicator[];
  /** Owes the month's progress narrative (leads a work item): counted in conduct, not in results. */
  narrative?: boolean;
}

/**
 * One stored figure of the current revision, in the indicator's basis: an
 * increment (month), a year-to-date total (ytd), a level, or a rate.
 */
export interface MonthlyValue {
  unitId: number;
  indicatorId: number;
  period: Period;
  value: number;
  /** Opt-in: a sum of this many monthly increments, aggregated by the caller (see MonthFigure.months). */
  months?: number;
}

/**
 * The figures already grouped: unitId → indicatorId → that unit's figures of
 * the indicator, ascending by month (what computeRanking would build from
 * MonthlyValue[]). The ranking may keep these arrays and figures in its
 * result (a sum's inputs.months): the caller must not change them afterwards.
 */
export type FigureIndex = ReadonlyMap<number, ReadonlyMap<number, readonly MonthFigure[]>>;

/**
 * One unit's month as conduct sees it: domain/obligations' monthStatus, plus
 * the corrections made after the due date. The service gives one per unit and
 * month of the window; without one, a unit is taken to owe its indicators and
 * to have sent nothing.
 */
export interface ConductMonth {
  unitId: number;
  period: Period;
  /** The last instant of the due day in the plan's time zone. */
  dueAt: Date;
  /** Report.firstAt; null when nothing was submitted. */
  firstSubmittedAt: Date | null;
  /** Items owed that month: the indicators, plus the narrative when owed. 0 = nothing owed: the month does not count. */
  owed: number;
  /** Of those, present in the current revision. */
  reported: number;
  /** The narrative (进展情况) was owed and is absent. */
  missingNarrative?: boolean;
  /** Revisions after the first whose createdAt is after dueAt. */
  correctionsAfterDue: number;
}
