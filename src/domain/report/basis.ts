/**
 * Reporting bases: a figure as the liaison said it, turned into the basis the
 * indicator is stored in, and the year-to-date plausibility rules. Pure: the
 * caller passes the unit's stored values of the year.
 *
 * Statistics offices report flows year to date (1–N月累计) and liaisons also
 * write 本月新增: the words say which (domain.md). So:
 * - an indicator stored year to date that gets 本月新增 X for month M stores
 *   ytd(M−1) + X, which needs month M−1 of the same year (January: X itself);
 *   without it the figure cannot be placed, and the reply asks for the
 *   year-to-date figure instead of guessing;
 * - an indicator stored as monthly increments that gets 1–M月累计 Y stores
 *   Y − Σ(months 1…M−1), which needs every earlier month of the year;
 * - levels and rates are what they are: 累计 in front of 在役机器人总量 is a
 *   word, not a basis;
 * - "1-9月累计" in a report for October is refused (the range names the month).
 * A year-to-date total never falls within a year and restarts in January: a
 * figure below the one of an earlier month of the year, or above a later one's
 * (a late report for an earlier month), is flagged; 修改 with a reason records
 * a real revision.
 */
import type { ReportingBasis } from "../plan/types.js";
import { briefOf, type IndicatorRef, type Period, type Problem, type ReportValue, type StatedBasis } from "./types.js";

export interface BasisIndicator extends IndicatorRef {
  basis: ReportingBasis;
}

export type Placed =
  | { ok: true; value: number; stated?: StatedBasis; statedValue?: number }
  | { ok: false; problem: Problem };

/**
 * The figure in the indicator's basis. `year` holds the unit's current stored
 * values of the period's year for this indicator (month → value); the period's
 * own month is ignored (it is being replaced).
 */
export function placeInBasis(v: ReportValue, indicator: BasisIndicator, period: Period, year: ReadonlyMap<number, number>): Placed {
  const brief = briefOf(indicator);
  const raw = v.basisWords ? `${v.basisWords}${v.raw}` : v.raw;
  if (indicator.basis === "level" || indicator.basis === "rate") return { ok: true, value: v.value };
  if (v.stated === "ytd" && v.statedThrough !== undefined && v.statedThrough !== period.month) {
    return { ok: false, problem: { code: "basis_period_mismatch", indicator: brief, raw, through: v.statedThrough, period } };
  }
  const stated = v.stated ?? indicator.basis;
  if (stated === indicator.basis) return { ok: true, value: v.value };
  const m = period.month;
  if (indicator.basis === "ytd") {
    // 本月新增 X → the year to date.
    if (m === 1) return { ok: true, value: v.value, stated, statedValue: v.value };
    const before = year.get(m - 1);
    if (before === undefined) {
      return { ok: false, problem: { code: "basis_needs_months", indicator: brief, raw, stated, missing: [{ year: period.year, month: m - 1 }] } };
    }
    return { ok: true, value: round(before + v.value), stated, statedValue: v.value };
  }
  // A monthly indicator given 1–M月累计 Y → this month's increment.
  const missing: Period[] = [];
  let sum = 0;
  for (let k = 1; k < m; k++) {
    const x = year.get(k);
    if (x === undefined) missing.push({ year: period.year, month: k });
    else sum += x;
  }
  if (missing.length) return { ok: false, problem: { code: "basis_needs_months", indicator: brief, raw, stated, missing } };
  return { ok: true, value: round(v.value - sum), stated, statedValue: v.value };
}

/**
 * A year-to-date figure against the stored months of its year: not below the
 * nearest earlier month's, not above the nearest later month's. null when plausible.
 */
export function checkYearToDate(indicator: BasisIndicator, value: number, raw: string | undefined, period: Period, year: ReadonlyMap<number, number>): Problem | null {
  if (indicator.basis !== "ytd") return null;
  const brief = briefOf(indicator);
  for (let k = period.month - 1; k >= 1; k--) {
    const x = year.get(k);
    if (x === undefined) continue;
    if (value < x) return { code: "ytd_decreased", indicator: brief, value, ...(raw ? { raw } : {}), neighbour: { value: x, period: { year: period.year, month: k } }, side: "earlier" };
    break;
  }
  for (let k = period.month + 1; k <= 12; k++) {
    const x = year.get(k);
    if (x === undefined) continue;
    if (value > x) return { code: "ytd_decreased", indicator: brief, value, ...(raw ? { raw } : {}), neighbour: { value: x, period: { year: period.year, month: k } }, side: "later" };
    break;
  }
  return null;
}

/** Sums of decimals (0.1 + 0.2) stored as the figure a person would write. */
function round(x: number): number {
  return Number(x.toPrecision(12));
}
