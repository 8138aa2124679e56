/**
 * The 示例 (example) plan: the bundled plan re-dated so that it runs through the
 * current year, with an example county split of its city-wide targets (任务分解),
 * owners for the headline targets, base-year levels, and a few months of
 * generated reports (some late, some missing, one correction), so that a
 * newcomer's first start shows reminders, 查询, the digest, the ranking, the
 * chart and the workbook with something true to show in any month of any year.
 * Pure and deterministic: the same plan and month give the same world.
 *
 * Decisions:
 * - Span: January of the year before the month open for reporting to December
 *   of the year after it, so the last complete quarter always has a year of
 *   history behind it and the plan is still running.
 * - Named 示例 everywhere: the code ends in -example, the short name is 示例,
 *   the title starts with 【示例】 and its years are the new ones.
 * - The split weighs the counties roughly by the size of their industry (an
 *   illustration, not an official split), rounds to whole units where the
 *   indicator counts things, and lets the shares miss the city total a little,
 *   as real 任务分解表 do.
 * - Performance differs by unit so the ranking has a top and a bottom: most
 *   units near 序时进度, two counties and one department clearly behind.
 */
import type { PlanData } from "../plan/plan-document.js";
import { defaultBasis, isFlow, type IndicatorKind } from "../plan/types.js";
import { addMonths, periodKey, type Period } from "../report/types.js";

export const EXAMPLE_SHORT_NAME = "示例";

/** Share of the city-wide target each county (and the zone) is given, by name. Sums to 1. */
export const COUNTY_WEIGHTS: Readonly<Record<string, number>> = {
  婺城区: 0.1,
  金东区: 0.08,
  兰溪市: 0.08,
  东阳市: 0.12,
  义乌市: 0.19,
  永康市: 0.12,
  浦江县: 0.06,
  武义县: 0.06,
  磐安县: 0.03,
  金华开发区: 0.16,
};

/** How each unit does against 序时进度 (1 = on pace); units not listed do 0.95–1.15. */
const PACE: Readonly<Record<string, number>> = {
  磐安县: 0.58,
  浦江县: 0.72,
  武义县: 0.86,
  义乌市: 1.18,
  东阳市: 1.08,
  金华开发区: 1.12,
  市金融办: 0.66,
  市经信局: 1.05,
  市科技局: 1.1,
};

/** Who answers for a 攻坚目标 no work item carries, by a word in its name. */
const OWNERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/研究与试验|R&D|研发/u, "市科技局"],
  [/投资/u, "市发改委"],
  [/能耗|用能|减碳/u, "市发改委"],
  [/./u, "市经信局"],
];

/** Indicators split across the counties: the headline targets and a few key tasks with numbers. */
function splitIt(i: PlanData["indicators"][number]): boolean {
  return i.headline || /机器人|高新技术企业|品字标|招引落地|小微企业园|整治提升/u.test(i.name);
}

/** Whole numbers for things counted; two decimals for money and tonnes; one for rates. */
export function roundFor(unit: string, x: number): number {
  if (/^(家|项|个|台|所|座|条|人|件|套)$/u.test(unit)) return Math.round(x);
  if (unit === "%") return Math.round(x * 10) / 10;
  if (/万元\/|元\/(亩|人)/u.test(unit)) return Math.round(x * 10) / 10;
  return Math.round(x * 100) / 100;
}

export interface ExampleDates {
  /** The month open for reporting when the world is made. */
  anchor: Period;
  start: Period;
  end: Period;
  /** Years added to the source plan's dates. */
  shift: number;
}

export function exampleDates(source: Pick<PlanData, "startYear">, anchor: Period): ExampleDates {
  const startYear = anchor.year - 1;
  return { anchor, start: { year: startYear, month: 1 }, end: { year: anchor.year + 1, month: 12 }, shift: startYear - source.startYear };
}

const SHIFT_YEARS = /(20\d\d)/gu;

/** The source plan, re-dated and split: what the example imports. */
export function examplePlanData(source: PlanData, dates: ExampleDates, countyNames: readonly string[]): PlanData {
  const shiftText = (s: string) => s.replace(SHIFT_YEARS, (y) => String(Number(y) + dates.shift));
  const counties = countyNames.filter((c) => COUNTY_WEIGHTS[c] !== undefined);
  const unitNames = new Set(source.units.map((u) => u.name));
  const indicators = source.indicators.map((i) => {
    const split = splitIt(i) && counties.length > 0;
    const owner = i.workItem === null ? (OWNERS.find(([re]) => re.test(i.name))?.[1] ?? null) : null;
    const level = i.kind === "stock";
    const baseYear = dates.start.year - 1;
    // A level's base: four fifths of the target (the plan asks for the rest over its span).
    const baseline = level ? roundFor(i.unit, i.target * 0.8) : null;
    const shares: Record<string, number> = {};
    const shareBaselines: Record<string, number> = {};
    if (split) {
      for (const c of counties) {
        const w = COUNTY_WEIGHTS[c]!;
        // Rates are the same threshold for every county; amounts and counts are divided.
        shares[c] = isRate(i.kind) ? i.target : roundFor(i.unit, i.target * w * 1.02);
        if (level) shareBaselines[c] = roundFor(i.unit, i.target * w * 0.8);
      }
    }
    return {
      ...i,
      deadline: shiftText(i.deadline),
      source: shiftText(i.source),
      basis: defaultBasis(i.kind),
      owner: owner && unitNames.has(owner) ? owner : null,
      baseline,
      baselineYear: level ? baseYear : null,
      shares,
      shareBaselines,
    };
  });
  return {
    ...source,
    code: `${source.code.replace(/-\d{4}-\d{4}$/u, "")}-example`,
    title: `【示例】${shiftText(source.title)}`,
    shortName: EXAMPLE_SHORT_NAME,
    startYear: dates.start.year,
    endYear: dates.end.year,
    reportingFrom: `${dates.start.year}-01`,
    reportingTo: `${dates.end.year}-12`,
    groups: source.groups.map((g) => ({ ...g, title: shiftText(g.title), tasks: g.tasks.map((t) => ({ ...t, title: shiftText(t.title), workItems: t.workItems.map((w) => ({ ...w, text: shiftText(w.text) })) })) })),
    indicators,
  };
}

function isRate(kind: IndicatorKind): boolean {
  return kind === "ratio" || kind === "growth" || kind === "reduction";
}

// ---------------------------------------------------------------------------
// Generated figures

/** A small deterministic generator (mulberry32) seeded by text. */
export function seeded(text: string): () => number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a unit does (≈1 on pace), fixed per unit. */
export function paceOf(unit: string): number {
  return PACE[unit] ?? 0.95 + seeded(`pace:${unit}`)() * 0.2;
}

export interface FigureInput {
  unit: string;
  indicator: { code: string; kind: IndicatorKind; unit: string; target: number; baseline: number | null; deadline: string };
  period: Period;
  span: { start: Period; end: Period };
}

/**
 * A unit's figure for an indicator and month, in the indicator's default basis:
 * year to date for flows, month-end level for levels, the rate for rates.
 */
export function exampleFigure(f: FigureInput): number {
  const { indicator: i, period } = f;
  const pace = paceOf(f.unit);
  // Each unit × indicator × year has its own spread around the unit's pace.
  const jitter = 0.88 + seeded(`${f.unit}:${i.code}:${period.year}`)() * 0.24;
  const deadlineYear = Number(i.deadline.slice(0, 4)) || f.span.end.year;
  const years = Math.max(1, deadlineYear - f.span.start.year + 1);
  const elapsedYear = period.month / 12;
  if (i.kind === "cumulative") {
    // Year to date of a plan-long total: what has been done since the plan began, less what was
    // done by the end of last year. Rounding the running total (not each year) lets a small share
    // (1 个 over three years) show up in the year it is reached, as real figures do.
    const planJitter = 0.88 + seeded(`${f.unit}:${i.code}`)() * 0.24;
    const months = years * 12;
    const done = (y: number, m: number) => roundFor(i.unit, i.target * Math.min(1, ((y - f.span.start.year) * 12 + m) / months) * pace * planJitter);
    const before = period.year > f.span.start.year ? done(period.year - 1, 12) : 0;
    return Math.max(0, roundFor(i.unit, done(period.year, period.month) - before));
  }
  if (isFlow(i.kind)) {
    const annual = i.kind === "per_year" ? i.target : i.target * (0.82 + 0.09 * Math.min(years - 1, period.year - f.span.start.year));
    return Math.max(0, roundFor(i.unit, annual * elapsedYear * pace * jitter));
  }
  const months = (deadlineYear - f.span.start.year + 1) * 12;
  const elapsed = Math.min(1, ((period.year - f.span.start.year) * 12 + period.month) / months);
  if (i.kind === "stock") {
    const base = i.baseline ?? i.target * 0.8;
    return roundFor(i.unit, base + (i.target - base) * elapsed * pace * jitter);
  }
  if (i.kind === "growth") return roundFor(i.unit, i.target + (pace - 1) * 9 + (jitter - 1) * 6);
  if (i.kind === "reduction") return roundFor(i.unit, i.target * elapsed * pace * jitter);
  // Ratios and per-area figures: near the threshold, above it for the strong.
  const scale = /^%$/u.test(i.unit) && i.target >= 99 ? Math.min(1, 0.9 + (pace - 0.9) * 0.5) : 0.9 + (pace - 0.9) * 0.55;
  return roundFor(i.unit, i.target * scale * jitter);
}

export type Submission = "on_time" | "late" | "missing";

export interface ConductPlan {
  /** The last complete quarter's months at `anchor` (the briefing's), for the planted cases. */
  quarter: Period[];
}

/** The quarter a briefing at `anchor` is about: the latest whose last month is open or earlier. */
export function lastCompleteQuarterMonths(anchor: Period): Period[] {
  const lastMonth = anchor.month % 3 === 0 ? anchor : addMonths(anchor, -(anchor.month % 3));
  return [addMonths(lastMonth, -2), addMonths(lastMonth, -1), lastMonth];
}

/**
 * Whether and when a unit submitted a month, with the planted cases: 磐安县 misses
 * the middle month of the last complete quarter, 市投资促进中心 misses the last
 * month before the open one, 浦江县 is late every month of that quarter; a few
 * others are late now and then. The open month itself: if its due date has
 * passed everyone but the planted cases reported, else about half so far.
 */
export function submissionOf(unit: string, period: Period, anchor: Period, openDue: boolean): Submission {
  const quarter = lastCompleteQuarterMonths(anchor);
  const key = periodKey(period);
  if (unit === "磐安县" && key === periodKey(quarter[1]!)) return "missing";
  if (unit === "市投资促进中心" && key === periodKey(addMonths(anchor, -1))) return "missing";
  if (key === periodKey(anchor) && !openDue) return seeded(`open:${unit}:${key}`)() < 0.5 ? "on_time" : "missing";
  if (unit === "浦江县" && quarter.some((q) => periodKey(q) === key)) return "late";
  return seeded(`late:${unit}:${key}`)() < 0.08 ? "late" : "on_time";
}

/** Progress words for a lead unit's month (the narrative every lead owes). */
export function progressText(unit: string, period: Period, workItem: string): string {
  const r = seeded(`text:${unit}:${periodKey(period)}`)();
  const phrases = [
    `${workItem}按计划推进，本月召开专题推进会一次，重点项目均已落实责任人。`,
    `${workItem}有序推进，完成阶段性目标，已梳理下一步工作清单。`,
    `${workItem}稳步推进，协调解决企业用地、用能问题若干项。`,
  ];
  return phrases[Math.floor(r * phrases.length)]!;
}
