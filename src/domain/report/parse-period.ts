/**
 * Reporting periods as liaisons type them: 2026-10, 2026.10, 2026/10,
 * 2026年10月(份), 今年10月, 去年12月, 10月, 十月, 上月/上个月, 本月/这个月,
 * last month / this month, Oct 2026.
 *
 * Pure: `now` and the time zone come from the caller (a report sent at 23:30
 * UTC on the 31st is already next month in Beijing).
 *
 * Decisions:
 * - No period → the period open for reporting (`openPeriod`, from the caller's
 *   schedule), not the calendar month: in early November the open period is
 *   October, and that is what 上报 without a date means.
 * - A month without a year (10月, 十月) is the current year, unless that lies
 *   in the future, then the year before: in January, "12月" means the December
 *   that was just reported on, not next December.
 * - After the current calendar month → period_in_future. The current month
 *   itself is allowed (mid-month progress is a real thing to report).
 */
import { parseChineseNumeral, toHalfWidth } from "../plan/numbers.js";
import { toSimplified } from "../plan/script.js";
import { type Period, addMonths, periodKey } from "./types.js";

export interface PeriodContext {
  now: Date;
  /** IANA zone, e.g. "Asia/Shanghai". */
  timeZone: string;
  /** The default when the user names no period. */
  openPeriod: Period;
}

export type PeriodResult =
  | { ok: true; period: Period; explicit: boolean }
  | { ok: false; problem: { code: "bad_period"; raw: string } }
  | { ok: false; problem: { code: "period_in_future"; raw: string; period: Period; current: Period } };

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The last answer per zone and quarter hour: every message asks, and formatToParts is slow. */
const lastAnswer = new Map<string, { bucket: number; period: Period }>();
/** Every UTC offset in use is a whole number of quarter hours, so a month never turns inside one. */
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** The calendar month `now` falls in, in `timeZone`. */
export function currentPeriod(now: Date, timeZone: string): Period {
  const bucket = Math.floor(now.getTime() / QUARTER_HOUR_MS);
  const last = lastAnswer.get(timeZone);
  if (last && last.bucket === bucket) return { ...last.period };
  const period = formatPeriod(now, timeZone);
  lastAnswer.set(timeZone, { bucket, period: { ...period } });
  return period;
}

function formatPeriod(now: Date, timeZone: string): Period {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError on an unknown zone: that is a configuration error the
    // config loader must catch at startup, not something to paper over here.
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric" });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(now);
  const year = Number(parts.find((p) => p.type === "year")?.value);
  const month = Number(parts.find((p) => p.type === "month")?.value);
  return { year, month };
}

/** What a period expression says before it is placed relative to today. */
type PeriodExpr =
  | { kind: "absolute"; year: number; month: number }
  | { kind: "month"; month: number; yearOffset?: 0 | -1 }
  | { kind: "relative"; offset: 0 | -1 };

interface PeriodPattern {
  re: RegExp;
  /** Numeric forms like 2026.10 look like decimals: only accepted where a period is expected. */
  headOnly: boolean;
  read(m: RegExpExecArray): PeriodExpr;
}

const CN_MONTH = "[一二三四五六七八九十]{1,3}";
const EN_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function monthNumber(s: string): number {
  return /^\d+$/u.test(s) ? Number(s) : parseChineseNumeral(s);
}

/**
 * Patterns over Simplified, half-width, lower-cased text; the `y` flag anchors
 * each at the position tried. Longer forms first.
 */
const PATTERNS: PeriodPattern[] = [
  {
    re: /(\d{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?/uy,
    headOnly: false,
    read: (m) => ({ kind: "absolute", year: Number(m[1]), month: monthNumber(m[2] as string) }),
  },
  {
    re: /(\d{4})\s*[-./]\s*(\d{1,2})(?![\d.%])/uy,
    headOnly: true,
    read: (m) => ({ kind: "absolute", year: Number(m[1]), month: Number(m[2]) }),
  },
  {
    re: new RegExp(`(今年|本年|去年)\\s*(\\d{1,2}|${CN_MONTH})\\s*月份?`, "uy"),
    headOnly: false,
    read: (m) => ({ kind: "month", month: monthNumber(m[2] as string), yearOffset: m[1] === "去年" ? -1 : 0 }),
  },
  {
    re: new RegExp(`(\\d{1,2}|${CN_MONTH})\\s*月份?`, "uy"),
    headOnly: false,
    read: (m) => ({ kind: "month", month: monthNumber(m[1] as string) }),
  },
  {
    re: /(?:上一?个?月|前一?个?月|last\s+month|previous\s+month)(?![a-z])/uy,
    headOnly: false,
    read: () => ({ kind: "relative", offset: -1 }),
  },
  {
    re: /(?:本月|这一?个?月|当月|this\s+month|current\s+month)(?![a-z])/uy,
    headOnly: false,
    read: () => ({ kind: "relative", offset: 0 }),
  },
  {
    re: /(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?:\s*,?\s*(\d{4}))?(?![a-z\d])/uy,
    headOnly: true,
    read: (m) => {
      const month = EN_MONTHS.indexOf((m[1] as string).slice(0, 3)) + 1;
      return m[2] ? { kind: "absolute", year: Number(m[2]), month } : { kind: "month", month };
    },
  },
];

/** A period expression found in text. */
export interface PeriodMatch {
  start: number;
  end: number;
  raw: string;
  expr: PeriodExpr;
}

/**
 * A period expression starting exactly at `pos` of `text` (normalised:
 * Simplified, half-width, lower-case), or null. `head` allows the numeric
 * forms (2026.10) that elsewhere could be a decimal.
 */
export function periodAt(text: string, pos: number, head: boolean): PeriodMatch | null {
  // A digit before means we are inside a number (12月 in "112月" is not a month).
  if (pos > 0 && /[\d.]/u.test(text[pos - 1] as string)) return null;
  for (const p of PATTERNS) {
    if (p.headOnly && !head) continue;
    p.re.lastIndex = pos;
    const m = p.re.exec(text);
    if (m) return { start: pos, end: pos + m[0].length, raw: m[0], expr: p.read(m) };
  }
  return null;
}

/** Places an expression on the calendar and checks it. */
export function resolvePeriod(match: Pick<PeriodMatch, "raw" | "expr">, ctx: PeriodContext): PeriodResult {
  const current = currentPeriod(ctx.now, ctx.timeZone);
  const { expr, raw } = match;
  let period: Period;
  if (expr.kind === "relative") {
    period = addMonths(current, expr.offset);
  } else if (expr.kind === "month") {
    period = { year: current.year + (expr.yearOffset ?? 0), month: expr.month };
    if (expr.yearOffset === undefined && periodKey(period) > periodKey(current)) period.year -= 1;
  } else {
    period = { year: expr.year, month: expr.month };
  }
  if (!Number.isInteger(period.month) || period.month < 1 || period.month > 12 || period.year < 2000 || period.year > 2099) {
    return { ok: false, problem: { code: "bad_period", raw } };
  }
  if (periodKey(period) > periodKey(current)) {
    return { ok: false, problem: { code: "period_in_future", raw, period, current } };
  }
  return { ok: true, period, explicit: true };
}

/**
 * A whole string as a period ("" → the open period). Anything left over
 * ("10月 abc") makes it a bad_period: for 查询/任务 the argument is only a period.
 */
export function parsePeriod(text: string, ctx: PeriodContext): PeriodResult {
  const norm = toSimplified(toHalfWidth(text)).trim().toLowerCase();
  if (norm === "") return { ok: true, period: { ...ctx.openPeriod }, explicit: false };
  const m = periodAt(norm, 0, true);
  if (!m || norm.slice(m.end).trim() !== "") return { ok: false, problem: { code: "bad_period", raw: text.trim() } };
  return resolvePeriod(m, ctx);
}
