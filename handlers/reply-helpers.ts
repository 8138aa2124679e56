import type { Problem, Period } from "../src/domain/report/types.js";
import { exampleReport } from "../src/domain/report/example.js";
import { problemIndicatorCode, problemText } from "../src/i18n/report-words.js";
import type { OwedIndicator } from "./ports.js";
import type { Lang, Reply } from "./types.js";

/** One reply naming every problem, with a correct example built from the user's own indicators. */
/** Problems that 修改 with a reason settles: the example then shows a correction of that figure. */
const NEEDS_CORRECTION = new Set(["late_change_needs_reason", "ytd_decreased", "cumulative_decreased"]);

export function problemsReply(problems: Problem[], lang: Lang, owed: OwedIndicator[], period: Period, mode: "report" | "correct" = "report"): Reply {
  const fieldErrors: Record<string, string> = {};
  for (const p of problems) {
    const code = problemIndicatorCode(p) ?? (p.code === "missing_reason" ? "reason" : p.code.startsWith("period") || p.code === "bad_period" ? "period" : undefined);
    if (code && !fieldErrors[code]) fieldErrors[code] = problemText(p, lang);
  }
  // A year-to-date total below last month's is most often this month's own figure: show that message.
  const monthly = problems.find((p): p is Extract<Problem, { code: "ytd_decreased" }> => p.code === "ytd_decreased" && p.side === "earlier");
  if (monthly && problems.length === 1) {
    const fig = `${fmtNumber(monthly.value)}${monthly.indicator.unit}`;
    return {
      status: "error",
      title: lang === "zh" ? "没有保存：有 1 处问题" : "Not saved: 1 problem",
      lines: problems.map((p) => `- ${problemText(p, lang)}`),
      example: lang === "zh" ? `上报 ${period.year}年${period.month}月 ${monthly.indicator.name} 本月新增 ${fig}` : `report ${period.year}-${String(period.month).padStart(2, "0")} ${monthly.indicator.code} 本月新增 ${fig}`,
      fieldErrors: { [monthly.indicator.code]: problemText(monthly, lang) },
    };
  }
  const correction = problems.find((p) => NEEDS_CORRECTION.has(p.code) && !(p.code === "cumulative_decreased" && p.rule !== "below_previous"));
  const prefer = problems.flatMap((p) => ("indicator" in p && p.indicator ? [p.indicator.indicatorId] : p.code === "late_change_needs_reason" ? p.changes.map((c) => c.indicator.indicatorId) : []));
  return {
    status: "error",
    title: lang === "zh" ? `没有保存：有 ${problems.length} 处问题` : `Not saved: ${problems.length} problem(s)`,
    lines: problems.map((p) => `- ${problemText(p, lang)}`),
    example: owed.length ? exampleReport(owed, period, { mode: correction ? "correct" : mode, lang, prefer }) : undefined,
    fieldErrors,
  };
}

/** Made once: toLocaleString builds a new ICU formatter on every call, costly on every reply. */
const INTEGER = new Intl.NumberFormat("en-US");
const DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

/** 1,200 and 1,356.6: thousands grouped, decimals as precise as stored (to ten significant digits). */
export function fmtNumber(n: number): string {
  return Number.isInteger(n) ? INTEGER.format(n) : DECIMAL.format(Number(n.toPrecision(10)));
}
