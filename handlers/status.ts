import { monthStatus, planName, type UnitObligation } from "../src/domain/obligations/obligations.js";
import type { Period } from "../src/domain/report/types.js";
import { periodKey } from "../src/domain/report/types.js";
import { periodLabel } from "../src/i18n/report-words.js";
import { dateTimeWords, dateWords, spanWords } from "../src/i18n/time-words.js";
import type { HandlerContext } from "./context.js";
import { fmtNumber } from "./reply-helpers.js";
import type { Reply } from "./types.js";

/**
 * 查询: what my unit has and has not reported for a month, plan by plan, from
 * the obligations rule (the same count the reminders, the digest and the
 * ranking use). A plan outside its span says so instead of a list of gaps.
 */
export async function handleStatus(period: Period, ctx: HandlerContext): Promise<Reply> {
  const { lang, store } = ctx;
  const zh = lang === "zh";
  const unit = ctx.unit!;
  const obligations = ctx.obligations ?? [];
  const label = periodLabel(period, lang);
  if (!obligations.length) {
    return {
      status: "info",
      title: zh ? `${unit.name} ${label}：无需报送` : `${unit.name}, ${label}: nothing to report`,
      lines: [zh ? "本单位在各方案中没有牵头的工作事项，也没有分解到的指标。如有疑问请联系管理员。" : "Your unit leads no work item and holds no target share in any plan. Ask your admin if this looks wrong."],
    };
  }
  const several = obligations.length > 1;
  const lines: string[] = [];
  let owed = 0;
  let reported = 0;
  let owing = 0;
  for (const ob of obligations) {
    const name = planName(ob.plan);
    if (several || ob.plan.example) lines.push(`**《${name}》**`);
    if (!ob.owes) {
      lines.push(notOwedLine(ob, period, lang));
      continue;
    }
    owing++;
    const [report, due] = await Promise.all([store.currentReport(ob.plan.id, unit.id, periodKey(period)), store.due(ob.plan.id, period)]);
    const status = monthStatus(
      ob,
      report ? { firstAt: report.firstAt, valueIds: new Set(report.values.keys()), narrative: Boolean(report.narrative.progress) } : null,
      due.at,
    );
    owed += status.owed;
    reported += status.reported;
    for (const i of ob.indicators) {
      const v = report?.values.get(i.id);
      lines.push(v ? `- ✅ ${i.name}：${fmtNumber(v.value)}${i.unit}` : `- ⬜ ${i.name}（${i.unit}）`);
    }
    if (ob.narrative) {
      lines.push(report?.narrative.progress ? `- ✅ ${zh ? "工作进展" : "Progress"}：${report.narrative.progress}` : `- ⬜ ${zh ? "工作进展（文字）" : "Progress (text)"}`);
    }
    const tz = ob.plan.timeZone;
    lines.push(zh ? `报送截止：${dateWords(due.date, lang)}` : `Due: ${dateWords(due.date, lang)}`);
    if (report) {
      const late = status.onTime === false ? (zh ? "，逾期报送" : ", submitted late") : "";
      lines.push(
        zh
          ? `当前为第 ${report.revision} 版，最后更新 ${dateTimeWords(report.updatedAt, tz, lang)}${late}`
          : `Revision ${report.revision}, last updated ${dateTimeWords(report.updatedAt, tz, lang)}${late}`,
      );
    } else if (ctx.clock.now().getTime() > due.at.getTime()) {
      lines.push(zh ? "已过截止日，尚未报送。" : "Past the due date, nothing reported yet.");
    }
  }
  const title =
    owing === 0
      ? zh ? `${unit.name} ${label}：无需报送` : `${unit.name}, ${label}: nothing to report`
      : zh
        ? `${unit.name} ${label}：已报 ${reported}/${owed} 项`
        : `${unit.name}, ${label}: ${reported}/${owed} reported`;
  return {
    status: "info",
    title,
    lines,
    actions: owing > 0 && reported < owed
      ? [{ id: "open_report_form", label: zh ? "填报" : "Report", value: `${period.year}-${String(period.month).padStart(2, "0")}` }]
      : undefined,
  };
}

/** Why a plan asks nothing of this month: it ended, or it has not started. */
export function notOwedLine(ob: UnitObligation, period: Period, lang: "zh" | "en"): string {
  const zh = lang === "zh";
  const span = spanWords(ob.plan.span, lang);
  if (ob.position === "after") {
    return zh
      ? `该方案已于${periodLabel(ob.plan.span.end, lang)}结束（实施期${span}），${periodLabel(period, lang)}不再报送；历史数据仍可查询，如「查询 ${periodLabel(ob.plan.span.end, lang)}」。`
      : `This plan ended with ${periodLabel(ob.plan.span.end, lang)} (${span}); nothing is due for ${periodLabel(period, lang)}. Its history stays readable, e.g. "status ${ob.plan.span.end.year}-${String(ob.plan.span.end.month).padStart(2, "0")}".`;
  }
  if (ob.position === "before") {
    return zh
      ? `该方案自${periodLabel(ob.plan.span.start, lang)}起报送（实施期${span}）。`
      : `This plan is reported from ${periodLabel(ob.plan.span.start, lang)} (${span}).`;
  }
  return zh ? "本月无需报送。" : "Nothing is due this month.";
}
