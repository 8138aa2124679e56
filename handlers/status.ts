import type { Period } from "../src/domain/report/types.js";
import { periodKey } from "../src/domain/report/types.js";
import { periodLabel } from "../src/i18n/report-words.js";
import type { HandlerContext } from "./context.js";
import { fmtNumber } from "./reply-helpers.js";
import type { Reply } from "./types.js";

/** 查询: what my unit has and has not reported this period. */
export async function handleStatus(period: Period, ctx: HandlerContext): Promise<Reply> {
  const { lang, store } = ctx;
  const unit = ctx.unit!;
  const owed = ctx.obligations!.indicators;
  const report = await store.currentReport(unit.id, periodKey(period));
  const label = periodLabel(period, lang);
  const done = owed.filter((i) => report?.values.has(i.id));
  const missing = owed.filter((i) => !report?.values.has(i.id));
  const lines: string[] = [];
  for (const i of done) {
    const v = report!.values.get(i.id)!;
    lines.push(`- ✅ ${i.name}: ${fmtNumber(v.value)}${i.unit}`);
  }
  for (const i of missing) lines.push(`- ⬜ ${i.name} (${i.unit})`);
  if (report?.narrative.progress) lines.push(`${lang === "zh" ? "进展" : "Progress"}: ${report.narrative.progress}`);
  if (report) {
    lines.push(
      lang === "zh"
        ? `当前为第 ${report.revision} 版,最后更新 ${report.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`
        : `Revision ${report.revision}, last updated ${report.updatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    );
  }
  const title =
    lang === "zh"
      ? `${unit.name} ${label}:已报 ${done.length}/${owed.length} 项${report ? "" : "(尚未上报)"}`
      : `${unit.name}, ${label}: ${done.length}/${owed.length} reported${report ? "" : " (no report yet)"}`;
  return {
    status: "info",
    title,
    lines,
    actions: missing.length
      ? [{ id: "open_report_form", label: lang === "zh" ? "填报" : "Report", value: `${period.year}-${String(period.month).padStart(2, "0")}` }]
      : undefined,
  };
}
