import { planName } from "../src/domain/obligations/obligations.js";
import type { Period } from "../src/domain/report/types.js";
import { periodKey } from "../src/domain/report/types.js";
import { REPORT_BASIS_WORDS } from "../src/i18n/plan-words.js";
import { periodLabel, periodLabelFromKey } from "../src/i18n/report-words.js";
import type { HandlerContext } from "./context.js";
import { fmtNumber } from "./reply-helpers.js";
import { notOwedLine } from "./status.js";
import type { Reply } from "./types.js";


/** 我的任务: per plan, the work items my unit leads and the indicators it owes, with targets and last values. */
export async function handleTasks(period: Period, ctx: HandlerContext): Promise<Reply> {
  const { lang, store } = ctx;
  const zh = lang === "zh";
  const unit = ctx.unit!;
  const obligations = ctx.obligations ?? [];
  const lines: string[] = [];
  const several = obligations.length > 1;
  const all = obligations.flatMap((o) => o.indicators.map((i) => i.id));
  const last = await store.latestValues(unit.id, all, periodKey(period));
  for (const ob of obligations) {
    if (several || ob.plan.example) lines.push(`**《${planName(ob.plan)}》**`);
    if (!ob.owes) lines.push(notOwedLine(ob, period, lang));
    if (ob.workItems.length) {
      lines.push(zh ? `牵头的工作事项（${ob.workItems.length} 项）：` : `Work items you lead (${ob.workItems.length}):`);
      for (const w of ob.workItems) lines.push(`- [${w.ref}] ${clip(w.text, 40)}`);
    }
    if (ob.indicators.length) {
      lines.push(zh ? `需报指标（${ob.indicators.length} 个）：` : `Indicators owed (${ob.indicators.length}):`);
      for (const i of ob.indicators) {
        const v = last.get(i.id);
        const target = i.share !== undefined
          ? zh ? `分解目标 ${fmtNumber(i.share)}${i.unit}` : `your share ${fmtNumber(i.share)}${i.unit}`
          : zh ? `目标 ${fmtNumber(i.target)}${i.targetMax !== null ? `—${fmtNumber(i.targetMax)}` : ""}${i.unit}` : `target ${fmtNumber(i.target)}${i.unit}`;
        const lastText = v ? (zh ? `上次 ${fmtNumber(v.value)}${i.unit}（${periodLabelFromKey(v.period, lang)}）` : `last ${fmtNumber(v.value)}${i.unit} (${periodLabelFromKey(v.period, lang)})`) : zh ? "尚无数据" : "no data yet";
        lines.push(`- \`${i.code}\` ${i.name}：${target}，${REPORT_BASIS_WORDS[i.basis][lang]}；${lastText}`);
      }
    }
    if (ob.owes && !ob.indicators.length) {
      lines.push(zh ? "本单位没有需要按月上报的量化指标，每月报送工作进展即可。" : "Your unit owes no numeric indicator; report your progress each month.");
    } else if (ob.owes && ob.narrative) {
      lines.push(zh ? "另需每月报送工作进展（文字）。" : "Also report your progress (text) each month.");
    }
  }
  if (!obligations.length) {
    lines.push(zh ? "本单位在各方案中没有牵头的工作事项，也没有分解到的指标。" : "Your unit leads no work item and holds no target share in any plan.");
  }
  const owing = obligations.some((o) => o.owes);
  return {
    status: "info",
    title: zh ? `${unit.name} 的任务（${periodLabel(period, lang)}）` : `${unit.name}: tasks (${periodLabel(period, lang)})`,
    lines,
    actions: owing ? [{ id: "open_report_form", label: zh ? "填报" : "Report", value: `${period.year}-${String(period.month).padStart(2, "0")}` }] : undefined,
  };
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
