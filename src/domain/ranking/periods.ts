/**
 * Quarters and scoring windows as the ranking sees them: civil months only
 * (no instants; a quarter is its three reporting months).
 *
 * A scoring window is the months whose conduct is judged (the quarter's three
 * months, the year's twelve, one month for the digest); progress is judged
 * "as of" the window's last month (sums run from the start of the plan or the
 * year up to that month, not from the window's first month).
 */
import { toHalfWidth, parseChineseNumeral } from "../plan/numbers.js";
import { type Period, addMonths, formatPeriod, periodKey } from "../report/types.js";

export interface Quarter {
  year: number;
  quarter: 1 | 2 | 3 | 4;
}

/** The months a ranking is computed over, ascending and contiguous; the last one is the "as of" month. */
export interface ScoringWindow {
  /** "2026Q3", "2026", "2026-10": the RankingSnapshot.period label. */
  label: string;
  scope: "quarter" | "year" | "month";
  months: Period[];
}

/** The plan's reporting span in months (startYear-01 … endYear-12 for a calendar plan). */
export interface PlanWindow {
  start: Period;
  end: Period;
}

export function planWindow(startYear: number, endYear: number): PlanWindow {
  return { start: { year: startYear, month: 1 }, end: { year: endYear, month: 12 } };
}

function asQuarter(year: number, q: number): Quarter | null {
  if (!Number.isInteger(year) || year < 2000 || year > 2099) return null;
  if (q !== 1 && q !== 2 && q !== 3 && q !== 4) return null;
  return { year, quarter: q };
}

const QUARTER_NUM = "([1-4]|[一二三四])";
const QUARTER_PATTERNS: ReadonlyArray<{ re: RegExp; year: number; q: number }> = [
  // 2026Q3, 2026-Q3, 2026 Q3, 2026/Q3
  { re: /^(\d{4})\s*[-/]?\s*q([1-4])$/u, year: 1, q: 2 },
  // Q3 2026, Q3-2026
  { re: /^q([1-4])\s*[-/]?\s*(\d{4})$/u, year: 2, q: 1 },
  // 2026年第三季度, 2026年三季度, 2026年第3季度, 2026年3季, 2026第三季度
  { re: new RegExp(`^(\\d{4})\\s*年?\\s*第?\\s*${QUARTER_NUM}\\s*季度?$`, "u"), year: 1, q: 2 },
];

/**
 * "2026Q3", "2026-q3", "Q3 2026", "2026年第三季度", "2026年三季度", "２０２６年第３季度"
 * (full width) → { year: 2026, quarter: 3 }; null for anything else. Traditional
 * input needs no conversion: 年, 第, 季, 度 are the same characters in both scripts.
 */
export function parseQuarter(text: string): Quarter | null {
  const s = toHalfWidth(text).trim().toLowerCase();
  for (const p of QUARTER_PATTERNS) {
    const m = p.re.exec(s);
    if (!m) continue;
    const qs = m[p.q]!;
    const q = /^\d$/u.test(qs) ? Number(qs) : parseChineseNumeral(qs);
    return asQuarter(Number(m[p.year]), q);
  }
  return null;
}

/** "2026Q3": neutral and sortable (the edge may say 2026年第三季度). */
export function formatQuarter(q: Quarter): string {
  return `${q.year}Q${q.quarter}`;
}

export function quarterOf(p: Period): Quarter {
  return { year: p.year, quarter: (Math.floor((p.month - 1) / 3) + 1) as Quarter["quarter"] };
}

/** The quarter `n` quarters after `q` (n may be negative). */
export function addQuarters(q: Quarter, n: number): Quarter {
  const index = q.year * 4 + (q.quarter - 1) + n;
  return { year: Math.floor(index / 4), quarter: ((index % 4) + 1) as Quarter["quarter"] };
}

export function quarterMonths(q: Quarter): Period[] {
  const first: Period = { year: q.year, month: (q.quarter - 1) * 3 + 1 };
  return [0, 1, 2].map((n) => addMonths(first, n));
}

export function quarterWindow(q: Quarter): ScoringWindow {
  return { label: formatQuarter(q), scope: "quarter", months: quarterMonths(q) };
}

/** The annual assessment (年度考核): the twelve months of `year`, as of December. */
export function yearWindow(year: number): ScoringWindow {
  return { label: String(year), scope: "year", months: Array.from({ length: 12 }, (_, i) => ({ year, month: i + 1 })) };
}

/** The monthly digest: one month. */
export function monthWindow(p: Period): ScoringWindow {
  return { label: formatPeriod(p), scope: "month", months: [{ ...p }] };
}

export function asOfMonth(w: ScoringWindow): Period {
  const last = w.months[w.months.length - 1];
  if (!last) throw new RangeError(`scoring window ${w.label} has no months`);
  return last;
}

/** Month index (year × 12 + month − 1): differences are month counts. */
export function monthIndex(p: Period): number {
  return p.year * 12 + p.month - 1;
}

/** Months from `from` to `to`, both included (0 when `to` is before `from`). */
export function monthsInclusive(from: Period, to: Period): number {
  return Math.max(0, monthIndex(to) - monthIndex(from) + 1);
}

export function isWithin(p: Period, from: Period, to: Period): boolean {
  const k = periodKey(p);
  return k >= periodKey(from) && k <= periodKey(to);
}
