/**
 * Plausibility checks that need stored data (the period's status, the last
 * figure reported). Pure: the caller loads the data and passes it in.
 *
 * What "a cumulative figure that goes down" means here. Liaisons report, per
 * month, one figure per indicator, and what that figure is depends on the kind:
 *
 * - cumulative / per_year (三年新增…, 每年新增…): the figure is the month's
 *   increment (new this month). Progress is the sum of increments, so it can
 *   only go down if an increment is negative: a negative monthly figure is
 *   implausible (`negative_increment`). Comparing with last month's figure
 *   would be wrong: 20 new robots in May after 30 in April is normal.
 * - stock (总量突破…, 有效数突破…): the figure is a level, a running total. A
 *   level below the previous reported level is implausible (`below_previous`),
 *   strictly, without tolerance: the reply tells the liaison that a real drop
 *   is entered with 修改 and a reason, so the explanation is on record.
 *   Only a previous figure from an *earlier* period counts (a late report for
 *   an old month is not compared with newer ones).
 * - ratio, growth, reduction: rates can move either way; no trend check.
 *   A ratio stated in % (比重, 占比, 落地率) cannot exceed 100 (`share_over_100`).
 */
import { isFlow, type ReportingBasis } from "../plan/types.js";
import {
  type IndicatorRef,
  type Period,
  type Problem,
  type ReportValue,
  briefOf,
  periodKey,
} from "./types.js";

export interface ValidationContext {
  /** With their basis when known (a negative year-to-date total reads differently from a negative month). */
  indicators: readonly (IndicatorRef & { basis?: ReportingBasis })[];
  /** The last figure stored for each indicator before this report (indicatorId → value, period). */
  previous: ReadonlyMap<number, { value: number; period: Period }>;
  periodStatus: "open" | "closed";
  /** The period reported on; when given, only earlier `previous` figures are compared. */
  period?: Period;
}

type ValueToCheck = Pick<ReportValue, "indicatorId" | "value"> & { raw?: string };

function isPercentRatio(indicator: IndicatorRef): boolean {
  return indicator.kind === "ratio" && indicator.unit.trim() === "%";
}

function checkValue(v: ValueToCheck, indicator: IndicatorRef & { basis?: ReportingBasis }, ctx: ValidationContext): Problem | null {
  const brief = briefOf(indicator);
  const raw = v.raw === undefined ? {} : { raw: v.raw };
  if (isPercentRatio(indicator) && v.value > 100) {
    return { code: "share_over_100", indicator: brief, value: v.value, ...raw };
  }
  if (isFlow(indicator.kind) && v.value < 0) {
    return { code: "cumulative_decreased", indicator: brief, value: v.value, ...raw, rule: indicator.basis === "ytd" ? "negative_total" : "negative_increment" };
  }
  if (indicator.kind === "stock") {
    const prev = ctx.previous.get(indicator.id);
    const earlier = prev !== undefined && (ctx.period === undefined || periodKey(prev.period) < periodKey(ctx.period));
    if (prev && earlier && v.value < prev.value) {
      return {
        code: "cumulative_decreased",
        indicator: brief,
        value: v.value,
        ...raw,
        rule: "below_previous",
        previous: { value: prev.value, period: { ...prev.period } },
      };
    }
  }
  return null;
}

/**
 * Every implausibility in `values`, in their order; [] when they may be stored.
 * Values for indicators not in `ctx.indicators` are skipped (the parser already
 * only produces known ones).
 */
export function validateReportValues(values: readonly ValueToCheck[], ctx: ValidationContext): Problem[] {
  const problems: Problem[] = [];
  if (ctx.periodStatus === "closed") problems.push(ctx.period ? { code: "period_closed", period: { ...ctx.period } } : { code: "period_closed" });
  const byId = new Map(ctx.indicators.map((i) => [i.id, i]));
  for (const v of values) {
    const indicator = byId.get(v.indicatorId);
    if (!indicator) continue;
    const problem = checkValue(v, indicator, ctx);
    if (problem) problems.push(problem);
  }
  return problems;
}
