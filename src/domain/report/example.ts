/**
 * A correct example message built from the user's own indicators, attached to
 * every error reply: the fastest fix is a line to copy and edit.
 *
 * Every example parses: test/domain/report/example.test.ts feeds it back
 * through parseCommand for every indicator of the bundled plan.
 */
import { toHalfWidth } from "../plan/numbers.js";
import { matchIndicator } from "./match-indicator.js";
import type { IndicatorRef, Period } from "./types.js";
import { formatPeriod } from "./types.js";

export interface ExampleOptions {
  /** report (上报) or correct (修改, with a reason). Default report. */
  mode?: "report" | "correct";
  /** Words of the example; the data (names, units) stay as stored. Default zh. */
  lang?: "zh" | "en";
  /** Indicator ids to show first (e.g. the ones the user got wrong). */
  prefer?: readonly number[];
}

/** Indicators in an example: enough to show the pattern, short enough for a phone. */
const MAX_INDICATORS = 2;
/** Longer names are replaced by the code, which is quicker to type. */
const MAX_NAME_LENGTH = 12;

/**
 * A plausible-looking figure in the indicator's unit that the parser accepts: about a third of
 * the unit's target when it is known (a rate: near its threshold), else a small number.
 */
function sampleValue(indicator: IndicatorRef & { target?: number }): string {
  const unit = toHalfWidth(indicator.unit).trim();
  const t = indicator.target;
  if (t !== undefined && Number.isFinite(t) && t > 0) {
    const rate = indicator.kind === "ratio" || indicator.kind === "growth" || indicator.kind === "reduction";
    const x = rate ? t * 0.9 : t / 3;
    const shown = x >= 100 ? Math.round(x) : x >= 10 ? Math.round(x * 10) / 10 : Math.round(x * 100) / 100;
    if (shown > 0) return `${shown}${unit}`;
  }
  switch (unit) {
    case "亿元":
      return "1.5亿元";
    case "万元":
      return "120万元";
    case "亿美元":
      return "0.5亿美元";
    case "万吨标准煤":
      return "0.8万吨标准煤";
    case "万吨":
      return "1.2万吨";
    case "万元/人":
      return "25万元/人";
    case "%":
      return indicator.kind === "ratio" ? "55%" : "8.5%";
    default:
      return `3${unit}`;
  }
}

/** The name if it is short and unambiguous among the user's indicators, else the code. */
function label(indicator: IndicatorRef, indicators: readonly IndicatorRef[], lang: "zh" | "en"): string {
  if (lang === "en" || indicator.name.length > MAX_NAME_LENGTH) return indicator.code;
  const m = matchIndicator(indicator.name, indicators);
  return m.kind === "found" && m.indicator.id === indicator.id ? indicator.name : indicator.code;
}

function pick<I extends IndicatorRef>(indicators: readonly I[], prefer: readonly number[], n: number): I[] {
  const preferred = prefer.map((id) => indicators.find((i) => i.id === id)).filter((i): i is I => i !== undefined);
  const rest = indicators.filter((i) => !prefer.includes(i.id));
  return [...new Set([...preferred, ...rest])].slice(0, n);
}

function periodText(p: Period, lang: "zh" | "en"): string {
  return lang === "zh" ? `${p.year}年${p.month}月` : formatPeriod(p);
}

/**
 * "上报 2026年10月 新增工业机器人 3台 在役机器人总量 3台 进展:… 问题:… 计划:…",
 * or, with mode "correct", "修改 2026年10月 新增工业机器人 3台 原因:…".
 * With no indicators, a narrative-only report (still a valid message).
 */
export function exampleReport(indicators: readonly (IndicatorRef & { target?: number })[], period: Period, options: ExampleOptions = {}): string {
  const lang = options.lang ?? "zh";
  const mode = options.mode ?? "report";
  const zh = lang === "zh";
  const shown = pick(indicators, options.prefer ?? [], mode === "correct" ? 1 : MAX_INDICATORS);
  const items = shown.map((i) => `${label(i, indicators, lang)} ${sampleValue(i)}`);
  const verb = mode === "correct" ? (zh ? "修改" : "correct") : zh ? "上报" : "report";
  const tail =
    mode === "correct"
      ? zh
        ? "原因：上次录入有误"
        : "reason: typo in the first report"
      : zh
        ? "进展：按计划推进 问题：无 计划：继续推进"
        : "progress: on schedule problems: none next: keep going";
  return [verb, periodText(period, lang), ...items, tail].join(" ");
}

/** The correction form of the example (修改 … 原因:…). */
export function exampleCorrection(indicators: readonly IndicatorRef[], period: Period, options: Omit<ExampleOptions, "mode"> = {}): string {
  return exampleReport(indicators, period, { ...options, mode: "correct" });
}
