/**
 * What the ranking takes in. The caller loads it from the database (current
 * revision values only, report metadata, the unit list) and passes it; the
 * ranking reads no clock, no storage, no environment.
 */
import type { IndicatorKind } from "../plan/types.js";
import type { Period } from "../report/types.js";
import type { MonthFigure } from "./progress.js";

/** An indicator as one unit is judged on it. */
export interface ScoringIndicator {
  id: number;
  code: string;
  name: string;
  unit: string;
  kind: IndicatorKind;
  comparator: "gte" | "lte";
  /** The target this unit is judged on: the county's share when set, else the city target. */
  target: number;
  targetSource: "city" | "share";
  /** Indicator.weight (default 1); `config.indicatorWeights[code]` overrides it. */
  weight: number;
  /** Among the 攻坚目标: shown in the monthly digest's headline values. */
  headline: boolean;
  /** Month the target is due ("2023-12-31" → 2023-12); absent = the plan's end. Used by cumulative and stock. */
  deadline?: Period;
}

/** A unit to rank, with the indicators it answers for (lead department: the ones it leads; county: its shares). */
export interface RankingUnit {
  unitId: number;
  name: string;
  indicators: ScoringIndicator[];
}

/**
 * One stored figure of the current revision. For cumulative / per_year it is
 * the month's increment; for stock a level; for ratio / growth / reduction a
 * rate (see validate-report.ts).
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
 * One unit's report for one month, as conduct sees it. A month of the window
 * with no record for a unit that has indicators counts as not submitted.
 */
export interface ConductMonth {
  unitId: number;
  period: Period;
  /** The reporting period's due instant (ReportingPeriod.dueAt). */
  dueAt: Date;
  /** Report.firstAt; null when nothing was submitted. */
  firstSubmittedAt: Date | null;
  /** Indicators the unit owed that month. 0 = nothing owed: the month does not count. */
  owed: number;
  /** Owed indicators with a value in the current revision. */
  reported: number;
  /** Revisions after the first whose createdAt is after dueAt. */
  correctionsAfterDue: number;
}
