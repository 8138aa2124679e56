import { civilParts, type CivilDate } from "../domain/calendar/civil-date.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import type { IndicatorKind } from "../domain/plan/types.js";
import type { BriefingSummary, DigestHeadline, IndicatorExplanation, MissingEntry, MonthlyDigest, SnapshotChange, UnitExplanation } from "../domain/ranking/explain.js";
import type { PlanWindow, ScoringWindow } from "../domain/ranking/periods.js";
import type { MonthFigure } from "../domain/ranking/progress.js";
import type { RankingConfig } from "../domain/ranking/ranking-config.js";
import type { ConductMonthScore, ConductStatus, Light, RankingKind, SummonOutcome, UnrankedReason } from "../domain/ranking/score.js";
import type { Period } from "../domain/report/types.js";
import type { Lang } from "./lang.js";
import { periodLabel } from "./report-words.js";

/**
 * The ranking's words: the briefing message, the explanation, the digest, in
 * either language. Chinese reads as an office writes it: Chinese words only
 * (indicator codes and ids aside), full-width punctuation, dates with the year
 * in the plan's time zone. Every formula is rendered here from the structured
 * inputs (progress.ts ProgressInputs), never from the language-neutral
 * `formula` strings kept for JSON.
 */

const QUARTER_ZH = ["一", "二", "三", "四"];
const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// ---------------------------------------------------------------------------
// Numbers, dates, periods

/** 2,400 / 2.35 / -1.5: at most two decimals, thousands grouped. "—" for nothing. */
export function amount(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "—";
  const s = String(Number(x.toFixed(2)));
  const [int, frac] = s.split(".");
  const sign = int!.startsWith("-") ? "-" : "";
  const grouped = int!.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/gu, ",");
  return `${sign}${grouped}${frac ? `.${frac}` : ""}`;
}

/** An amount with its unit of measure: 2,400台, 2.3%. */
export function withUnit(x: number | null, unit: string): string {
  return x === null ? "—" : `${amount(x)}${unit}`;
}

/** 0.8 → 80.0% */
export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Scores: up to two decimals. */
export function score(x: number | null): string {
  return amount(x);
}

/** "2026年12月4日" / "4 Dec 2026": a civil date. */
export function dateText(date: CivilDate, lang: Lang): string {
  const { year, month, day } = civilParts(date);
  return lang === "zh" ? `${year}年${month}月${day}日` : `${day} ${EN_MONTHS[month - 1]} ${year}`;
}

/** "2026年12月4日" in the plan's zone, from an instant. */
export function dayOf(at: Date | string, timeZone: string, lang: Lang): string {
  return dateText(wallClock(typeof at === "string" ? new Date(at) : at, timeZone).date, lang);
}

/** "2026年12月4日 09:00" in the plan's zone. */
export function dateTimeText(at: Date | string, timeZone: string, lang: Lang): string {
  const w = wallClock(typeof at === "string" ? new Date(at) : at, timeZone);
  const hh = String(Math.floor(w.minutes / 60)).padStart(2, "0");
  const mm = String(w.minutes % 60).padStart(2, "0");
  return `${dateText(w.date, lang)} ${hh}:${mm}`;
}

/** "2026年1—9月" / "Jan–Sep 2026": January to the month (just "2026年1月" for January). */
export function yearToDate(p: Period, lang: Lang): string {
  if (lang === "zh") return p.month === 1 ? `${p.year}年1月` : `${p.year}年1—${p.month}月`;
  return p.month === 1 ? `Jan ${p.year}` : `Jan–${EN_MONTHS[p.month - 1]} ${p.year}`;
}

/** "2026年7月至9月" / "2026年7月至2027年2月" / "Jul–Sep 2026". */
export function monthsSpan(from: Period, to: Period, lang: Lang): string {
  if (from.year === to.year && from.month === to.month) return periodLabel(from, lang);
  if (lang === "zh") return from.year === to.year ? `${from.year}年${from.month}月至${to.month}月` : `${from.year}年${from.month}月至${to.year}年${to.month}月`;
  return from.year === to.year ? `${EN_MONTHS[from.month - 1]}–${EN_MONTHS[to.month - 1]} ${to.year}` : `${periodLabel(from, lang)} – ${periodLabel(to, lang)}`;
}

/** "2026年第三季度" / "Q3 2026"; "2026年度"; "2026年10月". */
export function windowLabel(w: Pick<ScoringWindow, "label" | "scope" | "months">, lang: Lang): string {
  const first = w.months[0]!;
  if (w.scope === "quarter") {
    const q = Math.floor((first.month - 1) / 3);
    return lang === "zh" ? `${first.year}年第${QUARTER_ZH[q]}季度` : `Q${q + 1} ${first.year}`;
  }
  if (w.scope === "year") return lang === "zh" ? `${first.year}年度` : `${first.year}`;
  return periodLabel(first, lang);
}

/** Months as an office lists them: "2022年1—3月、5月，2023年2月" / "Jan–Mar, May 2022; Feb 2023" (runs of consecutive months joined). */
export function monthsList(periods: readonly Period[], lang: Lang): string {
  const zh = lang === "zh";
  const byYear = new Map<number, number[]>();
  for (const p of periods) byYear.set(p.year, [...(byYear.get(p.year) ?? []), p.month]);
  const years: string[] = [];
  for (const [year, months] of [...byYear].sort((a, b) => a[0] - b[0])) {
    const sorted = [...new Set(months)].sort((a, b) => a - b);
    const runs: string[] = [];
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      const a = sorted[i]!;
      const b = sorted[j]!;
      runs.push(zh ? (a === b ? `${a}月` : `${a}—${b}月`) : a === b ? EN_MONTHS[a - 1]! : `${EN_MONTHS[a - 1]}–${EN_MONTHS[b - 1]}`);
      i = j + 1;
    }
    years.push(zh ? `${year}年${runs.join("、")}` : `${runs.join(", ")} ${year}`);
  }
  return years.join(zh ? "，" : "; ");
}

/** The window's months as a span: 本期 in the explanation. */
function windowMonths(w: Pick<ScoringWindow, "months">, lang: Lang): string {
  return monthsSpan(w.months[0]!, w.months[w.months.length - 1]!, lang);
}

export function kindLabel(kind: RankingKind, lang: Lang): string {
  if (lang === "zh") return kind === "department" ? "牵头部门" : "县（市、区）";
  return kind === "department" ? "lead departments" : "counties";
}

const LIGHT_ICONS: Record<Light, string> = { green: "🟢", amber: "🟡", red: "🔴", none: "⚪" };

export function lightWord(light: Light, lang: Lang): string {
  const zh = { green: "绿灯", amber: "黄灯", red: "红灯", none: "未亮灯" };
  const en = { green: "green", amber: "amber", red: "red", none: "no light" };
  return (lang === "zh" ? zh : en)[light];
}

export function unrankedText(reason: UnrankedReason | null, lang: Lang): string {
  const zh = lang === "zh";
  switch (reason) {
    case "not_owed":
      return zh ? "本期无应报事项" : "owed nothing this period";
    case "no_indicators":
      return zh ? "仅报进展情况，无量化指标" : "owes the progress narrative only, no indicator";
    case "no_data":
      return zh ? "暂无数据" : "no data";
    default:
      return "";
  }
}

const KIND_ZH: Record<IndicatorKind, string> = {
  cumulative: "方案期累计",
  per_year: "年度",
  annual_total: "年度总量",
  stock: "存量",
  ratio: "比率",
  growth: "增速",
  reduction: "下降率",
};
const KIND_EN: Record<IndicatorKind, string> = {
  cumulative: "total over the plan",
  per_year: "per year",
  annual_total: "annual total",
  stock: "level",
  ratio: "ratio",
  growth: "growth rate",
  reduction: "reduction",
};

export function indicatorKindText(kind: IndicatorKind, lang: Lang): string {
  return (lang === "zh" ? KIND_ZH : KIND_EN)[kind];
}

/** How an indicator is reported: 当月数, 1—N月累计, 期末数, 比率. */
export function basisText(basis: IndicatorExplanation["basis"], lang: Lang): string {
  const zh = { month: "按当月数报送", ytd: "按年初至当月累计报送", level: "按期末数报送", rate: "按比率报送" };
  const en = { month: "reported as the month's increment", ytd: "reported year to date", level: "reported as the month-end level", rate: "reported as a rate" };
  return (lang === "zh" ? zh : en)[basis];
}

function sep(lang: Lang): { list: string; clause: string; colon: string; open: string; close: string } {
  return lang === "zh" ? { list: "、", clause: "；", colon: "：", open: "（", close: "）" } : { list: ", ", clause: "; ", colon: ": ", open: " (", close: ")" };
}

// ---------------------------------------------------------------------------
// One indicator, in words

/** "目标3,000台" / "目标≥2.3%" / "目标1—2所，按下限1所考核". */
function targetText(i: Pick<IndicatorExplanation, "target" | "targetMax" | "unit" | "comparator" | "kind">, lang: Lang): string {
  const zh = lang === "zh";
  if (i.targetMax !== null) {
    return zh
      ? `目标${amount(i.target)}—${amount(i.targetMax)}${i.unit}，按下限${withUnit(i.target, i.unit)}考核`
      : `target ${amount(i.target)}–${amount(i.targetMax)}${i.unit}, judged on the lower bound ${withUnit(i.target, i.unit)}`;
  }
  const rate = i.kind === "ratio" || i.kind === "growth" || i.kind === "reduction";
  const cmp = i.comparator === "lte" ? "≤" : rate ? "≥" : "";
  return zh ? `目标${cmp}${withUnit(i.target, i.unit)}` : `target ${cmp}${withUnit(i.target, i.unit)}`;
}

/** "2026年9月 2.1%" */
function figureAt(f: MonthFigure, unit: string, lang: Lang): string {
  return `${periodLabel(f.period, lang)} ${withUnit(f.value, unit)}`;
}

/** How the points came out: "得满分100分", "得80分", "超额6.7个百分点，加3.3分，得103.3分". */
function pointsText(i: IndicatorExplanation, lang: Lang): string {
  const zh = lang === "zh";
  if (!i.counted) return zh ? (i.weight <= 0 ? "权重为0，不计分" : "不计分") : i.weight <= 0 ? "weight 0, not scored" : "not scored";
  const p = i.points ?? 0;
  const bonus = i.bonus ?? 0;
  if (bonus > 0) return zh ? `加${score(bonus)}分，得${score(p)}分` : `bonus ${score(bonus)}, ${score(p)} points`;
  if (i.met && p >= 100) return zh ? "得满分100分" : "full marks, 100 points";
  return zh ? `得${score(p)}分` : `${score(p)} points`;
}

function metText(i: IndicatorExplanation, lang: Lang): string {
  const zh = lang === "zh";
  if (i.ratio === null) return "";
  return zh ? `完成序时进度${percent(i.ratio)}` : `${percent(i.ratio)} of 序时进度`;
}

/** The freshness rule in words: "早于本期" / "超过12个月". */
function staleWhy(e: Pick<UnitExplanation, "config" | "window">, lang: Lang): string {
  const n = e.config.result.maxAgeMonths;
  if (lang === "zh") return n === null ? "早于本期" : `距今超过${n}个月`;
  return n === null ? "before this period" : `more than ${n} months old`;
}

/**
 * The computation of one indicator in words, from its structured inputs:
 * "实际 = 2026年1—9月累计 2,400台；序时目标 = 3,000 × 9/12 = 2,250台；完成序时进度106.7%，得满分100分".
 */
export function indicatorComputation(i: IndicatorExplanation, e: Pick<UnitExplanation, "config" | "window">, lang: Lang): string {
  const zh = lang === "zh";
  const s = sep(lang);
  const u = i.unit;
  const inp = i.inputs;
  const expectedFlow = (elapsed: number, total: number) =>
    zh ? `序时目标 = ${amount(i.target)} × ${elapsed}/${total} = ${withUnit(i.expected, u)}` : `expected = ${amount(i.target)} × ${elapsed}/${total} = ${withUnit(i.expected, u)}`;
  const judged = [metText(i, lang), pointsText(i, lang)].filter(Boolean).join(zh ? "，" : ", ");
  switch (inp.rule) {
    case "sum_months": {
      const months = inp.months.reduce((c, f) => c + (f.months ?? 1), 0);
      const span = inp.scope === "year" ? yearToDate(inp.to, lang) : monthsSpan(inp.from, inp.to, lang);
      const actual = zh ? `实际 = ${span}当月数之和（${months}个月）${withUnit(i.actual, u)}` : `actual = sum of the monthly increments ${span} (${months} months) ${withUnit(i.actual, u)}`;
      return [actual, expectedFlow(inp.elapsedMonths, inp.totalMonths), judged].join(s.clause);
    }
    case "ytd_year": {
      const actual = zh ? `实际 = ${yearToDate(inp.latest.period, lang)}累计 ${withUnit(i.actual, u)}` : `actual = ${yearToDate(inp.latest.period, lang)} year to date ${withUnit(i.actual, u)}`;
      return [actual, expectedFlow(inp.elapsedMonths, inp.totalMonths), judged].join(s.clause);
    }
    case "ytd_plan": {
      const parts = inp.years.map((f) => (zh ? `${yearToDate(f.period, lang)}累计 ${amount(f.value)}` : `${yearToDate(f.period, lang)} ${amount(f.value)}`));
      const actual =
        parts.length === 1
          ? zh ? `实际 = ${parts[0]}${u}` : `actual = ${parts[0]}${u} year to date`
          : zh ? `实际 = ${parts.join(" + ")} = ${withUnit(i.actual, u)}` : `actual = ${parts.join(" + ")} (each year's last year-to-date figure) = ${withUnit(i.actual, u)}`;
      return [actual, expectedFlow(inp.elapsedMonths, inp.totalMonths), judged].join(s.clause);
    }
    case "stock_linear": {
      const b = inp.baseline;
      const base =
        inp.baselineSource === "plan"
          ? zh ? `基期值 ${withUnit(b.value, u)}（方案确定，${b.period.year}年末）` : `baseline ${withUnit(b.value, u)} (entered in the plan, end of ${b.period.year})`
          : zh ? `基期值 ${withUnit(b.value, u)}（方案未录入基期值，以首次填报${periodLabel(b.period, lang)}的数据起算）` : `baseline ${withUnit(b.value, u)} (no baseline entered in the plan: the first report, ${periodLabel(b.period, lang)})`;
      const latest = zh ? `最新 ${figureAt(inp.latest, u, lang)}` : `latest ${figureAt(inp.latest, u, lang)}`;
      const sign = i.comparator === "gte" ? 1 : -1;
      const needed = sign * (i.target - b.value);
      let how: string;
      if (needed <= 0) how = zh ? `基期值已达目标，按最新值对照目标：完成${percent(i.completion ?? 0)}` : `the baseline already meets the target: judged on the latest level, ${percent(i.completion ?? 0)}`;
      else if (inp.elapsedMonths === 0 && inp.totalMonths > 0) how = zh ? "尚无应增量，视为达到序时进度" : "no gain expected yet: on pace";
      else {
        const gain = Math.max(0, sign * (inp.latest.value - b.value));
        const due = needed * (inp.totalMonths === 0 ? 1 : inp.elapsedMonths / inp.totalMonths);
        how = zh ? `已增${withUnit(gain, u)}，应增${withUnit(due, u)}，${metText(i, lang)}` : `gained ${withUnit(gain, u)} of ${withUnit(due, u)} due, ${metText(i, lang)}`;
      }
      const expected = zh
        ? `序时目标 = ${amount(b.value)} + （${amount(i.target)} − ${amount(b.value)}）× ${inp.elapsedMonths}/${inp.totalMonths} = ${withUnit(inp.expectedLevel, u)}`
        : `expected level = ${amount(b.value)} + (${amount(i.target)} − ${amount(b.value)}) × ${inp.elapsedMonths}/${inp.totalMonths} = ${withUnit(inp.expectedLevel, u)}`;
      return [base, latest, expected, `${how}${zh ? "，" : ", "}${pointsText(i, lang)}`].join(s.clause);
    }
    case "stock_target":
      return [zh ? `最新 ${figureAt(inp.latest, u, lang)}` : `latest ${figureAt(inp.latest, u, lang)}`, zh ? `对照${targetText(i, lang)}（不按序时）` : `against the full ${targetText(i, lang)} (no 序时)`, zh ? `完成${percent(i.completion ?? 0)}，${pointsText(i, lang)}` : `${percent(i.completion ?? 0)}, ${pointsText(i, lang)}`].join(s.clause);
    case "latest_value":
      return [zh ? `最新 ${figureAt(inp.latest, u, lang)}` : `latest ${figureAt(inp.latest, u, lang)}`, targetText(i, lang), zh ? `完成${percent(i.ratio ?? 0)}，${pointsText(i, lang)}` : `${percent(i.ratio ?? 0)} of the threshold, ${pointsText(i, lang)}`].join(s.clause);
    case "growth_gap": {
      const g = inp.gap;
      const per = e.config.result.growth.pointsPerPoint;
      const gapText =
        g >= 0
          ? zh ? (g === 0 ? "达到目标" : `高于目标${amount(g)}个百分点`) : g === 0 ? "at the target" : `${amount(g)} points above the target`
          : zh ? `低于目标${amount(-g)}个百分点，每个百分点扣${amount(per)}分` : `${amount(-g)} points below the target, ${amount(per)} points off per point`;
      return [zh ? `最新 ${figureAt(inp.latest, u, lang)}` : `latest ${figureAt(inp.latest, u, lang)}`, targetText(i, lang), `${gapText}${zh ? "，" : ", "}${pointsText(i, lang)}`].join(s.clause);
    }
    case "reduction_pro_rata": {
      const expected = zh
        ? `序时目标 = ${withUnit(i.target, u)} × ${inp.elapsedMonths}/${inp.totalMonths} = ${withUnit(i.expected, u)}（自${inp.from.year}年末起至${periodLabel(inp.deadline, lang)}）`
        : `expected = ${withUnit(i.target, u)} × ${inp.elapsedMonths}/${inp.totalMonths} = ${withUnit(i.expected, u)} (from the end of ${inp.from.year} to ${periodLabel(inp.deadline, lang)})`;
      return [zh ? `最新 ${periodLabel(inp.latest.period, lang)} 累计下降${withUnit(inp.latest.value, u)}` : `latest ${periodLabel(inp.latest.period, lang)} reduction so far ${withUnit(inp.latest.value, u)}`, expected, judged].join(s.clause);
    }
    case "none": {
      const zero = e.config.result.missingIndicator === "zero";
      if (inp.reason === "not_started") return zh ? "方案尚未开始，不计分" : "the plan has not started: not scored";
      if (inp.reason === "stale" && inp.latest) {
        // A yearly target's year-to-date figure of an earlier year is not this year's total, however recent.
        const asOf = e.window.months[e.window.months.length - 1]!;
        const lastYear = (i.kind === "per_year" || i.kind === "annual_total") && i.basis !== "month" && inp.latest.period.year !== asOf.year;
        const why = lastYear ? (zh ? `不是${asOf.year}年的累计数` : `not a ${asOf.year} year-to-date figure`) : staleWhy(e, lang);
        const when = zh ? `最近一次为${periodLabel(inp.latest.period, lang)}（${withUnit(inp.latest.value, u)}），${why}，不计` : `latest figure ${periodLabel(inp.latest.period, lang)} (${withUnit(inp.latest.value, u)}) is ${why}: not used`;
        return `${when}${s.clause}${zero ? (zh ? "未报视为未完成，得0分" : "counted as not done, 0 points") : zh ? "不计入结果得分" : "left out of the result"}`;
      }
      return zero ? (zh ? "本期未报，视为未完成，得0分" : "not reported this period: counted as not done, 0 points") : zh ? "本期未报，不计入结果得分" : "not reported this period: left out of the result";
    }
  }
}

/** The heading of an indicator: "🟢 T18-2 新增工业机器人（年度，目标3,000台，分解目标）". */
export function indicatorHeading(i: IndicatorExplanation, lang: Lang): string {
  const zh = lang === "zh";
  const s = sep(lang);
  const parts = [indicatorKindText(i.kind, lang), targetText(i, lang)];
  if (i.targetSource === "share") parts.push(zh ? "分解目标" : "county share");
  if (i.weight !== 1) parts.push(zh ? `权重${amount(i.weight)}` : `weight ${amount(i.weight)}`);
  return `${LIGHT_ICONS[i.light]} ${i.code} ${i.name}${s.open}${parts.join(zh ? "，" : ", ")}${s.close}`;
}

// ---------------------------------------------------------------------------
// The rules, stated

/** Every rule the scores depend on, with its configured values (ranking explain, the workbook). */
export function ruleLines(config: RankingConfig, kind: RankingKind, window: Pick<ScoringWindow, "months">, lang: Lang): string[] {
  const zh = lang === "zh";
  const r = config.result;
  const pct = (x: number) => `${amount(x * 100)}%`;
  const period = windowMonths(window, lang);
  const lines: string[] = [];
  const bonus = r.bonus.perPoint > 0
    ? zh ? `超额部分每1个百分点加${amount(r.bonus.perPoint)}分，最多加${amount(r.bonus.max)}分` : `each point beyond it adds ${amount(r.bonus.perPoint)}, at most ${amount(r.bonus.max)}`
    : zh ? "超额完成不加分" : "over-performance earns nothing more";
  lines.push(
    zh
      ? `结果得分：各项指标按序时进度计分，达到序时进度得满分100分，未达到的按完成比例计分（完成序时进度80%得80分）；${bonus}；按权重平均。`
      : `Result: each indicator against 序时进度; meeting it is full marks (100), below it the share met (80% → 80 points); ${bonus}; weighted mean.`,
  );
  lines.push(
    r.missingIndicator === "zero"
      ? zh ? `未报视为未完成：应报未报，或数据早于本期（${period}）的指标，得0分；未报送的单位照常排名。` : `Not reported counts as not done: an owed indicator without a figure in this period (${period}) scores 0; units that did not report are ranked all the same.`
      : zh ? `应报未报的指标不计入结果得分；一项数据都没有的单位结果得分为0。` : `An owed indicator without a figure is left out of the result; a unit without any scores 0.`,
  );
  if (r.maxAgeMonths !== null) {
    lines.push(zh ? `数据时效：存量、比率和累计数须为近${r.maxAgeMonths}个月内填报，更早的不计。` : `Freshness: levels, rates and year-to-date figures older than ${r.maxAgeMonths} months are not used.`);
  } else {
    lines.push(zh ? `数据时效：存量、比率和累计数须为本期（${period}）填报，早于本期的不计。` : `Freshness: levels, rates and year-to-date figures must be reported in this period (${period}); older ones are not used.`);
  }
  lines.push(
    zh
      ? "累计类指标：按年初至当月累计数考核，年度指标对照全年目标的序时进度（已过月数÷12），方案期累计数为此前各年末累计数与本年累计数之和；按当月数报送的，逐月相加。"
      : "Flows: judged on year-to-date totals; yearly targets against N/12 of the target; a total over the plan adds each earlier year's last year-to-date figure to this year's; figures reported as monthly increments are added up.",
  );
  lines.push(
    r.stockExpectation === "linear"
      ? zh ? "存量指标：自方案确定的基期值起，按至截止期的序时进度考核新增量；方案未录入基期值的，以首次填报值起算。" : "Levels: the gain from the baseline entered in the plan, against the gain due by now (序时) on the way to the deadline; without a baseline, from the first report."
      : zh ? "存量指标：以最新值对照目标值考核。" : "Levels: the latest level against the full target.",
  );
  lines.push(zh ? "比率类指标：以最新值对照目标值考核。" : "Ratios and shares: the latest value against the threshold.");
  lines.push(
    r.reduction === "pro_rata"
      ? zh ? "下降类指标：按至截止期的序时进度考核（多年目标按已过时间折算）。" : "Reductions: against the share due by now (序时) of the reduction due by the deadline."
      : zh ? "下降类指标：以最新值对照目标值考核。" : "Reductions: the latest value against the full target.",
  );
  lines.push(
    zh
      ? `增速类指标：按与目标的差距计分，每低1个百分点扣${amount(r.growth.pointsPerPoint)}分，达到目标得满分；低于目标${amount(r.growth.amberGap)}个百分点以内为黄灯。`
      : `Growth rates: by the gap in points, ${amount(r.growth.pointsPerPoint)} points off per point below the target, full marks at it; amber within ${amount(r.growth.amberGap)} points.`,
  );
  lines.push(zh ? "区间目标按下限考核。" : "Range targets: judged on the lower bound.");
  lines.push(
    zh
      ? `亮灯：完成序时进度达到${pct(config.lights.green)}为绿灯，达到${pct(config.lights.amber)}为黄灯，低于${pct(config.lights.amber)}为红灯。`
      : `Lights: green at ${pct(config.lights.green)} of 序时进度 or more, amber at ${pct(config.lights.amber)} or more, red below.`,
  );
  const c = config.conduct;
  lines.push(
    zh
      ? `报送得分：每月按时报送得${amount(c.onTime * 100)}分，报送齐全（含应报的进展情况）得${amount(c.complete * 100)}分${c.completeness === "proportional" ? "（按已报项数比例）" : ""}，截止后每修改一次扣${amount(c.lateCorrectionPenalty)}分；取各应报月份的平均。`
      : `Conduct: each owed month, ${amount(c.onTime * 100)} for reporting on time and ${amount(c.complete * 100)} for reporting every owed item (with the narrative)${c.completeness === "proportional" ? " in proportion" : ""}, ${amount(c.lateCorrectionPenalty)} off per correction after the due date; the mean over owed months.`,
  );
  lines.push(
    zh
      ? `综合得分 = 结果得分 × ${pct(config.weights.result)} + 报送得分 × ${pct(config.weights.conduct)}。`
      : `Total = result × ${pct(config.weights.result)} + conduct × ${pct(config.weights.conduct)}.`,
  );
  const weights = Object.entries(config.indicatorWeights);
  if (weights.length) lines.push(zh ? `指标权重：${weights.map(([code, wt]) => `${code}为${amount(wt)}`).join("，")}，其余为1。` : `Indicator weights: ${weights.map(([code, wt]) => `${code} ${amount(wt)}`).join(", ")}; others 1.`);
  lines.push(summonRule(config, kind, lang));
  return lines;
}

/** 通报约谈 as the plan applies it to this kind of unit. */
export function summonRule(config: RankingConfig, kind: RankingKind, lang: Lang): string {
  const zh = lang === "zh";
  const s = config.summon;
  if (!s.kinds.includes(kind) || s.bottomN === 0) {
    return zh ? `通报约谈：${kindLabel(kind, lang)}排名靠后的${s.bottomN > 0 ? `（后${s.bottomN}位）` : ""}予以通报，不约谈。` : `Summons: ${kindLabel(kind, lang)} at the bottom${s.bottomN > 0 ? ` (last ${s.bottomN})` : ""} are named, not summoned.`;
  }
  return zh
    ? `通报约谈：${kindLabel(kind, lang)}排名后${s.bottomN}位（同分并列），参与排名不少于${s.minRanked}个时适用；各项指标均达到序时进度的不约谈。`
    : `Summons: the last ${s.bottomN} ${kindLabel(kind, lang)} (ties included), when at least ${s.minRanked} are ranked; never a unit on pace on every indicator.`;
}

/** Why nobody (or not everybody at the bottom) is summoned, in words; "" when the bottom is summoned. */
export function summonNote(s: SummonOutcome, kind: RankingKind, rankedCount: number, lang: Lang): string {
  const zh = lang === "zh";
  switch (s.reason) {
    case "kind_not_named":
      return zh ? `${kindLabel(kind, lang)}排名靠后的予以通报，不约谈。` : `${kindLabel(kind, lang)} at the bottom are named, not summoned.`;
    case "too_few_ranked":
      return zh ? `参与排名${rankedCount}个，少于${s.minRanked}个，本期不约谈。` : `${rankedCount} ranked, fewer than ${s.minRanked}: nobody is summoned.`;
    case "none_at_bottom":
      return zh ? "排名靠后的单位各项指标均达到序时进度，本期不约谈。" : "The units at the bottom are on pace on every indicator: nobody is summoned.";
    default:
      return "";
  }
}

// ---------------------------------------------------------------------------
// ranking explain

function conductStatusText(m: ConductMonthScore, timeZone: string, lang: Lang): string {
  const zh = lang === "zh";
  const words: Record<ConductStatus, string> = zh
    ? { on_time: "按时报送", late: "逾期报送", missing: "未报", not_owed: "无应报事项" }
    : { on_time: "on time", late: "late", missing: "not reported", not_owed: "nothing owed" };
  const base = words[m.status];
  return m.status === "late" && m.firstSubmittedAt ? (zh ? `${base}（${dayOf(m.firstSubmittedAt, timeZone, lang)}）` : `${base} (${dayOf(m.firstSubmittedAt, timeZone, lang)})`) : base;
}

/** One conduct month: "2026年7月：按时报送，应报3项（含进展情况），已报3项，得100分". */
export function conductMonthText(m: ConductMonthScore, hasNarrative: boolean, timeZone: string, lang: Lang): string {
  const zh = lang === "zh";
  const s = sep(lang);
  const parts = [conductStatusText(m, timeZone, lang)];
  if (m.status !== "missing" && m.status !== "not_owed") {
    parts.push(zh ? `应报${m.owed}项${hasNarrative ? "（含进展情况）" : ""}，已报${m.reported}项` : `${m.reported} of ${m.owed} items${hasNarrative ? " (with the narrative)" : ""}`);
    if (m.missingNarrative) parts.push(zh ? "缺进展情况" : "no narrative");
  }
  if (m.correctionsAfterDue) parts.push(zh ? `截止后修改${m.correctionsAfterDue}次，扣${amount(m.penalty)}分` : `${m.correctionsAfterDue} correction(s) after the due date, ${amount(m.penalty)} off`);
  parts.push(zh ? `得${score(m.score)}分` : `${score(m.score)} points`);
  return `${periodLabel(m.period, lang)}${s.colon}${parts.join(zh ? "，" : ", ")}`;
}

/** The computation for one unit: rank, the rules, each indicator, the result, conduct and total (chat and CLI). */
export function explainLines(e: UnitExplanation, lang: Lang): string[] {
  const zh = lang === "zh";
  const s = sep(lang);
  const lines: string[] = [];
  const kind = kindLabel(e.kind, lang);
  if (e.rank !== null) {
    const mark = e.summoned ? (zh ? "，列入通报约谈" : ", summoned (通报约谈)") : e.bottom ? (zh ? "，排名靠后" : ", at the bottom") : "";
    lines.push(zh ? `${windowLabel(e.window, lang)}${kind}排名：第${e.rank}名／共${e.rankedCount}个${mark}` : `${windowLabel(e.window, lang)}: rank ${e.rank} of ${e.rankedCount} ${kind}${mark}`);
    if (e.bottom && !e.summoned && e.allMet && e.summon.applies) lines.push(zh ? "各项指标均达到序时进度，不约谈。" : "On pace on every indicator: not summoned.");
    else if (e.bottom && !e.summoned) {
      const note = summonNote(e.summon, e.kind, e.rankedCount, lang);
      if (note) lines.push(note);
    }
  } else {
    lines.push(zh ? `未参与排名${s.colon}${unrankedText(e.unranked, lang)}` : `Not ranked: ${unrankedText(e.unranked, lang)}`);
  }
  lines.push(zh ? "**计分规则**" : "**Rules**");
  for (const r of ruleLines(e.config, e.kind, e.window, lang)) lines.push(`- ${r}`);
  lines.push(zh ? `**指标**（截至${periodLabel(e.asOf, lang)}）` : `**Indicators** (as of ${periodLabel(e.asOf, lang)})`);
  if (e.indicators.length === 0) lines.push(zh ? "- 无应报指标" : "- no indicator owed");
  for (const i of e.indicators) {
    lines.push(`- ${indicatorHeading(i, lang)}`, `  ${indicatorComputation(i, e, lang)}`);
    if (i.inputs.rule === "sum_months" && i.values.length > 1) {
      lines.push(`  ${zh ? "逐月数据" : "by month"}${s.colon}${i.values.map((v) => figureAt(v, i.unit, lang)).join(s.list)}`);
    }
  }
  lines.push(resultLine(e, lang));
  lines.push(conductLine(e, lang));
  if (e.conduct) {
    const narrative = e.conduct.months.some((m) => m.missingNarrative) || e.indicators.length === 0;
    for (const m of e.conduct.months) if (m.score !== null) lines.push(`  ${conductMonthText(m, narrative, e.timeZone, lang)}`);
  }
  lines.push(totalLine(e, lang));
  return lines;
}

/** "结果得分 = （100 + 80）÷ 2 = 90分" from the counted indicators' points and weights. */
export function resultLine(e: Pick<UnitExplanation, "result" | "indicators">, lang: Lang): string {
  const zh = lang === "zh";
  const head = zh ? "结果得分" : "Result";
  if (!e.result) return `${head}${zh ? "：无可计分指标" : ": nothing to score"}`;
  const counted = e.indicators.filter((i) => i.counted);
  if (counted.length === 0) return zh ? `${head} = 0分（无可计分的数据）` : `${head} = 0 (no usable figure)`;
  const allOne = counted.every((i) => i.weight === 1);
  const terms = counted.map((i) => (allOne ? score(i.points) : `${score(i.points)} × ${amount(i.weight)}`)).join(" + ");
  if (counted.length === 1 && allOne) return zh ? `${head} = ${score(e.result.score)}分` : `${head} = ${score(e.result.score)}`;
  const body = `${zh ? "（" : "("}${terms}${zh ? "）" : ")"} ÷ ${amount(e.result.weightSum)}`;
  return zh ? `${head} = ${body} = ${score(e.result.score)}分` : `${head} = ${body} = ${score(e.result.score)}`;
}

/** "报送得分 = 各应报月份平均（100、50、0）= 50分". */
export function conductLine(e: Pick<UnitExplanation, "conduct">, lang: Lang): string {
  const zh = lang === "zh";
  if (!e.conduct) return zh ? "报送得分：本期无应报月份" : "Conduct: no month owed";
  const counted = e.conduct.months.filter((m) => m.score !== null);
  const terms = counted.map((m) => score(m.score)).join(zh ? "、" : ", ");
  return zh ? `报送得分 = 各应报月份平均（${terms}）= ${score(e.conduct.score)}分` : `Conduct = mean over owed months (${terms}) = ${score(e.conduct.score)}`;
}

/** "综合得分 = 90 × 70% + 50 × 30% = 78分". */
export function totalLine(e: Pick<UnitExplanation, "result" | "conduct" | "weightsUsed" | "total" | "unranked">, lang: Lang): string {
  const zh = lang === "zh";
  if (e.total === null || !e.result) return zh ? `综合得分：不排名（${unrankedText(e.unranked, lang)}）` : `Total: not ranked (${unrankedText(e.unranked, lang)})`;
  const pct = (x: number) => `${amount(x * 100)}%`;
  if (!e.conduct) return zh ? `综合得分 = 结果得分 = ${score(e.total)}分` : `Total = result = ${score(e.total)}`;
  return zh
    ? `综合得分 = ${score(e.result.score)} × ${pct(e.weightsUsed.result)} + ${score(e.conduct.score)} × ${pct(e.weightsUsed.conduct)} = ${score(e.total)}分`
    : `Total = ${score(e.result.score)} × ${pct(e.weightsUsed.result)} + ${score(e.conduct.score)} × ${pct(e.weightsUsed.conduct)} = ${score(e.total)}`;
}

// ---------------------------------------------------------------------------
// The briefing

/** A figure changed after its month's due date, for the briefing. */
export interface LateChangeView {
  unit: string;
  code: string;
  indicator: string;
  unitOfMeasure: string;
  period: Period;
  old: number;
  new: number;
  reason: string | null;
  /** ISO instant of the change. */
  at: string;
}

export interface BriefingView {
  summary: BriefingSummary;
  /** What later corrections changed in the previous published briefing's figures and ranks. */
  corrections: { since: string; changes: SnapshotChange[] } | null;
  /** Figures changed after their due date since the previous published briefing of this kind (its instant; null: none published). */
  lateChanges: { since: string | null; changes: LateChangeView[] };
  timeZone: string;
}

function rowText(r: BriefingSummary["rows"][number], lang: Lang, marked = true): string {
  const zh = lang === "zh";
  const mark = marked && r.summoned ? (zh ? "（通报约谈）" : " (summoned)") : "";
  return zh ? `- 第${r.rank}名 ${r.name} ${score(r.total)}分${LIGHT_ICONS[r.worstLight]}${mark}` : `- #${r.rank} ${r.name} ${score(r.total)}${LIGHT_ICONS[r.worstLight]}${mark}`;
}

function missingText(m: MissingEntry, lang: Lang): string {
  const zh = lang === "zh";
  const s = sep(lang);
  const parts: string[] = [];
  if (m.monthsNotSubmitted.length) parts.push(zh ? `${monthsList(m.monthsNotSubmitted, lang)}未报` : `nothing reported for ${monthsList(m.monthsNotSubmitted, lang)}`);
  // Nothing reported in the whole period: the indicators are all missing, no need to name them.
  const noData = m.nothingReported ? [] : m.indicators.filter((i) => i.status === "no_data");
  const stale = m.indicators.filter((i) => i.status === "stale");
  if (noData.length) parts.push(zh ? `缺${noData.map((i) => i.name).join("、")}` : `missing ${noData.map((i) => i.name).join(", ")}`);
  for (const i of stale) parts.push(zh ? `${i.name}最近一次为${i.latest ? periodLabel(i.latest.period, lang) : "—"}，早于本期` : `${i.name} last reported ${i.latest ? periodLabel(i.latest.period, lang) : "—"}, before this period`);
  return `- ${m.name}${s.colon}${parts.join(s.clause)}`;
}

/** The briefing message: who leads, who is at the bottom (通报约谈), movers, behind 序时进度, who did not report, late changes, corrections. */
export function briefingLines(v: BriefingView, lang: Lang): string[] {
  const zh = lang === "zh";
  const s = v.summary;
  const sp = sep(lang);
  const lines: string[] = [];
  lines.push(
    zh
      ? `参与排名${s.rankedCount}个${kindLabel(s.kind, lang)}（截至${periodLabel(s.asOf, lang)}；应报未报的按未完成计分，照常排名）`
      : `${s.rankedCount} ${kindLabel(s.kind, lang)} ranked (as of ${periodLabel(s.asOf, lang)}; units that owed and did not report are scored as not done and ranked)`,
  );
  // A unit named at the bottom is not also listed at the top (all tied: the bottom is the news).
  const top = s.top.filter((r) => !r.bottom);
  if (top.length) lines.push(zh ? "**排名靠前**" : "**Top**", ...top.map((r) => rowText(r, lang)));
  if (s.bottom.length) {
    // In rank order, as a 通报 names them; the heading says they are summoned, so a line says it only
    // when not all of them are (a unit on pace everywhere is spared).
    const all = s.bottom.every((r) => r.summoned);
    const rows = [...s.bottom].sort((a, b) => a.rank - b.rank || (a.name < b.name ? -1 : 1));
    lines.push(s.summon.applies && s.summoned.length ? (zh ? "**排名靠后（通报约谈）**" : "**Bottom (summoned for a talk)**") : zh ? "**排名靠后**" : "**Bottom**", ...rows.map((r) => rowText(r, lang, !all)));
    if (s.spared.length) lines.push(zh ? `注：${s.spared.map((r) => r.name).join("、")}各项指标均达到序时进度，不约谈。` : `Note: ${s.spared.map((r) => r.name).join(", ")} on pace on every indicator, not summoned.`);
    const note = summonNote(s.summon, s.kind, s.rankedCount, lang);
    if (note && !(s.summon.reason === "none_at_bottom" && s.spared.length)) lines.push(zh ? `注：${note}` : `Note: ${note}`);
  }
  if (s.movers.length) {
    lines.push(zh ? "**位次变化**" : "**Movers**");
    for (const m of s.movers) {
      const what =
        m.direction === "up" || m.direction === "down"
          ? zh ? `第${m.previousRank}名 → 第${m.currentRank}名（${m.change! > 0 ? "↑" : "↓"}${Math.abs(m.change!)}）` : `#${m.previousRank} → #${m.currentRank} (${m.change! > 0 ? "↑" : "↓"}${Math.abs(m.change!)})`
          : m.direction === "entered"
            ? zh ? `新进入排名，第${m.currentRank}名` : `entered at #${m.currentRank}`
            : zh ? `退出排名（上期第${m.previousRank}名）` : `left the ranking (was #${m.previousRank})`;
      lines.push(`- ${m.name}${sp.colon}${what}`);
    }
  }
  if (s.behind.length) {
    lines.push(zh ? "**落后序时进度**" : "**Behind schedule (序时进度)**");
    // Red (far below) by name; amber (near) too when few, else counted: a line per unit stays readable.
    for (const b of s.behind) {
      const item = (i: (typeof b.indicators)[number]) =>
        i.gap !== null
          ? zh ? `${i.name} 低于目标${amount(-i.gap)}个百分点${LIGHT_ICONS[i.light]}` : `${i.name} ${amount(-i.gap)} points below target${LIGHT_ICONS[i.light]}`
          : zh ? `${i.name} 完成序时进度${percent(i.ratio ?? 0)}${LIGHT_ICONS[i.light]}` : `${i.name} ${percent(i.ratio ?? 0)}${LIGHT_ICONS[i.light]}`;
      if (b.indicators.length <= 3) {
        lines.push(`- ${b.name}${sp.colon}${b.indicators.map(item).join(sp.list)}`);
        continue;
      }
      const red = b.indicators.filter((i) => i.light === "red");
      const amber = b.indicators.length - red.length;
      const parts: string[] = [];
      if (red.length) {
        const named = red.slice(0, 5).map(item).join(sp.list);
        parts.push(red.length > 5 ? (zh ? `${named}等${red.length}项红灯` : `${named} and more: ${red.length} red`) : named);
      }
      if (amber) parts.push(zh ? `${red.length ? "另有" : ""}${amber}项黄灯，接近序时进度` : `${amber}${red.length ? " more" : ""} amber, near 序时进度`);
      lines.push(`- ${b.name}${sp.colon}${parts.join(sp.clause)}`);
    }
  }
  if (s.missing.length) {
    lines.push(zh ? "**未报送（未报视为未完成）**" : "**Not reported (counted as not done)**");
    for (const m of s.missing) lines.push(missingText(m, lang));
  }
  if (v.lateChanges.changes.length) {
    lines.push(
      v.lateChanges.since
        ? zh ? `**截止后修改的数据**（上期通报${dateTimeText(v.lateChanges.since, v.timeZone, lang)}发布以来）` : `**Figures changed after their due date** (since the previous briefing, ${dateTimeText(v.lateChanges.since, v.timeZone, lang)})`
        : zh ? "**截止后修改的数据**" : "**Figures changed after their due date**",
    );
    for (const c of v.lateChanges.changes) {
      const reason = c.reason ? (zh ? `原因：${c.reason}` : `reason: ${c.reason}`) : zh ? "未说明原因" : "no reason given";
      lines.push(
        zh
          ? `- ${c.unit} ${c.indicator}（${c.code}）${periodLabel(c.period, lang)}：${withUnit(c.old, c.unitOfMeasure)} → ${withUnit(c.new, c.unitOfMeasure)}，${reason}，${dateTimeText(c.at, v.timeZone, lang)}修改`
          : `- ${c.unit} ${c.indicator} (${c.code}) ${periodLabel(c.period, lang)}: ${withUnit(c.old, c.unitOfMeasure)} → ${withUnit(c.new, c.unitOfMeasure)}, ${reason}, changed ${dateTimeText(c.at, v.timeZone, lang)}`,
      );
    }
  }
  const corrections = v.corrections;
  if (corrections && corrections.changes.length) {
    lines.push(zh ? `**${corrections.since}通报发布后的数据更正**` : `**Corrections since the ${corrections.since} briefing**`);
    for (const c of corrections.changes) {
      const field = c.field === "actual" ? (zh ? `${c.code}完成值` : `${c.code} actual`) : c.field === "total" ? (zh ? "综合得分" : "total") : zh ? "名次" : "rank";
      lines.push(`- ${c.name} ${field}${sp.colon}${amount(c.published)} → ${amount(c.now)}`);
    }
  }
  if (s.unranked.length) {
    lines.push(zh ? "**未参与排名**" : "**Not ranked**");
    const byReason = new Map<UnrankedReason, string[]>();
    for (const u of s.unranked) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.name]);
    for (const [reason, names] of byReason) lines.push(`- ${names.join(sp.list)}${sp.colon}${unrankedText(reason, lang)}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------
// 年度考核 and the monthly digest

/** What a published ranking is: a year window is the annual assessment (考核), any other the briefing (通报). */
export function publicationWord(w: Pick<ScoringWindow, "scope">): "考核" | "通报" {
  return w.scope === "year" ? "考核" : "通报";
}

/** The heading: "2026年第三季度 县（市、区）通报" / "Q3 2026 briefing: counties"; "2026年度 县（市、区）考核" / "2026 annual assessment: counties". */
export function briefingTitle(w: Pick<ScoringWindow, "label" | "scope" | "months">, kind: RankingKind, lang: Lang): string {
  if (lang === "zh") return `${windowLabel(w, lang)} ${kindLabel(kind, lang)}${publicationWord(w)}`;
  return w.scope === "year" ? `${w.months[0]!.year} annual assessment: ${kindLabel(kind, lang)}` : `${windowLabel(w, lang)} briefing: ${kindLabel(kind, lang)}`;
}

/** "2026年10月 月度监测" / "Monthly digest: Oct 2026". */
export function digestTitle(period: Period, lang: Lang): string {
  return lang === "zh" ? `${periodLabel(period, lang)} 月度监测` : `Monthly digest: ${periodLabel(period, lang)}`;
}

/** What digestLines reads: the month's digest of each kind of unit, and the due date they were held to. */
export interface DigestView {
  period: Period;
  /** The month's due date (遇节假日顺延 applied). */
  due: CivilDate;
  /** The plan's time zone: submission instants are shown as its dates. */
  timeZone: string;
  /** Departments first, then counties; a kind owing nothing is left out by the caller. */
  sections: MonthlyDigest[];
  /** The plan's span, and where the month falls in it: outside it, the digest says so. */
  span?: PlanWindow;
  position?: "before" | "within" | "after";
}

/** The month is outside the plan's span: one line saying so. */
export function outsideSpanLine(period: Period, span: PlanWindow, position: "before" | "after", lang: Lang): string {
  const zh = lang === "zh";
  const range = monthsSpan(span.start, span.end, lang);
  if (position === "after") {
    return zh
      ? `本方案报送期为${range}，已于${periodLabel(span.end, lang)}结束；${periodLabel(period, lang)}不在报送期内，无需报送。`
      : `The plan is reported ${range} and ended in ${periodLabel(span.end, lang)}; ${periodLabel(period, lang)} is outside it: nothing is owed.`;
  }
  return zh
    ? `本方案报送期为${range}，自${periodLabel(span.start, lang)}开始；${periodLabel(period, lang)}不在报送期内，无需报送。`
    : `The plan is reported ${range}, from ${periodLabel(span.start, lang)}; ${periodLabel(period, lang)} is outside it: nothing is owed.`;
}

/** A headline figure against what is expected: "300（序时300，100.0%）", "2.3%（目标≥2.3%）", "11.5%（低于目标1.5个百分点）". */
function headlineFigure(h: DigestHeadline, lang: Lang): string {
  const zh = lang === "zh";
  const sp = sep(lang);
  if (h.gap !== null) {
    const gap = h.gap >= 0 ? (zh ? "达到目标" : "at or above target") : zh ? `低于目标${amount(-h.gap)}个百分点` : `${amount(-h.gap)} points below target`;
    return `${withUnit(h.actual, h.unit)}${sp.open}${gap}${sp.close}`;
  }
  const against =
    h.expectedShare !== null && h.expectedShare < 1
      ? zh ? `序时${withUnit(h.expected, h.unit)}` : `expected ${withUnit(h.expected, h.unit)}`
      : zh ? `目标${h.comparator === "lte" ? "≤" : "≥"}${withUnit(h.target, h.unit)}` : `target ${h.comparator === "lte" ? "≤" : "≥"}${withUnit(h.target, h.unit)}`;
  return `${withUnit(h.actual, h.unit)}${sp.open}${against}${h.ratio !== null ? `${zh ? "，" : ", "}${percent(h.ratio)}` : ""}${sp.close}`;
}

/**
 * The digest message: the counts first (what a reader scanning the group needs), then per kind of
 * unit who reported on time, late (with the day), not at all, or only in part; then the headline
 * indicators (攻坚目标) unit by unit against 序时进度. A month outside the plan says so.
 */
export function digestLines(v: DigestView, lang: Lang): string[] {
  const zh = lang === "zh";
  const sp = sep(lang);
  if (v.span && v.position && v.position !== "within") return [outsideSpanLine(v.period, v.span, v.position, lang)];
  const lines: string[] = [];
  const owing = (d: MonthlyDigest) => d.onTime.length + d.late.length + d.missing.length;
  const count = (f: (d: MonthlyDigest) => number) => v.sections.reduce((n, d) => n + f(d), 0);
  const total = count(owing);
  const onTime = count((d) => d.onTime.length);
  const late = count((d) => d.late.length);
  const missing = count((d) => d.missing.length);
  lines.push(
    zh
      ? `报送截止${dateText(v.due, lang)}：应报${total}个单位，按时${onTime}个，逾期${late}个，未报${missing}个`
      : `Due ${dateText(v.due, lang)}: ${total} units owed a report; ${onTime} on time, ${late} late, ${missing} not reported`,
  );
  for (const d of v.sections) {
    lines.push(
      zh
        ? `**${kindLabel(d.kind, lang)}** 应报${owing(d)}个：按时${d.onTime.length}个，逾期${d.late.length}个，未报${d.missing.length}个`
        : `**${kindLabel(d.kind, lang)}** ${owing(d)} owed: ${d.onTime.length} on time, ${d.late.length} late, ${d.missing.length} not reported`,
    );
    if (d.onTime.length) lines.push(`- ${zh ? "按时" : "On time"}${sp.colon}${d.onTime.map((u) => u.name).join(sp.list)}`);
    if (d.late.length) {
      lines.push(`- ${zh ? "逾期" : "Late"}${sp.colon}${d.late.map((u) => (zh ? `${u.name}（${dayOf(u.firstSubmittedAt, v.timeZone, lang)}报送）` : `${u.name} (on ${dayOf(u.firstSubmittedAt, v.timeZone, lang)})`)).join(sp.list)}`);
    }
    if (d.missing.length) lines.push(`- ${zh ? "未报" : "Not reported"}${sp.colon}${d.missing.map((u) => u.name).join(sp.list)}`);
    if (d.incomplete.length) {
      const what = (u: MonthlyDigest["incomplete"][number]) => {
        const parts = zh ? [`已报${u.reported}项，应报${u.owed}项`] : [`${u.reported} of ${u.owed} items`];
        if (u.missingNarrative) parts.push(zh ? "缺进展情况" : "no narrative");
        return `${u.name}${sp.open}${parts.join(zh ? "，" : ", ")}${sp.close}`;
      };
      lines.push(`- ${zh ? "报送不全" : "Incomplete"}${sp.colon}${d.incomplete.map(what).join(sp.list)}`);
    }
  }
  const headlines = v.sections.flatMap((d) => d.headlines);
  if (headlines.length) {
    lines.push(zh ? "**攻坚目标对照序时进度**" : "**Headline targets against 序时进度**");
    // One line per indicator, its units in the order the sections list them.
    const byCode = new Map<string, DigestHeadline[]>();
    for (const h of headlines) byCode.set(h.code, [...(byCode.get(h.code) ?? []), h]);
    for (const hs of byCode.values()) {
      const first = hs[0]!;
      const shares = new Set(hs.map((h) => h.expectedShare).filter((x): x is number => x !== null && x < 1));
      const head = shares.size === 1 ? `${first.unit}${zh ? "，序时进度" : ", time-elapsed "}${percent([...shares][0]!)}` : first.unit;
      const entries = hs.map((h) => {
        // 未报视为未完成: the same light the ranking gives it.
        if (h.status === "no_data") return `${LIGHT_ICONS[h.light]}${h.unitName} ${zh ? "未报" : "not reported"}`;
        if (h.status === "stale") return `${LIGHT_ICONS[h.light]}${h.unitName} ${zh ? "本月未报（数据早于本期）" : "not reported this month (older figure)"}`;
        if (h.status === "not_started") return `${LIGHT_ICONS.none}${h.unitName} ${zh ? "未开始" : "not started"}`;
        return `${LIGHT_ICONS[h.light]}${h.unitName} ${headlineFigure(h, lang)}`;
      });
      lines.push(`- ${first.name}${sp.open}${head}${sp.close}${sp.colon}${entries.join(sp.clause)}`);
    }
  }
  return lines;
}
