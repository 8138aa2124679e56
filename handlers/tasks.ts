import type { Period } from "../src/domain/report/types.js";
import { periodKey } from "../src/domain/report/types.js";
import { periodLabel, periodLabelFromKey } from "../src/i18n/report-words.js";
import type { HandlerContext } from "./context.js";
import { fmtNumber } from "./reply-helpers.js";
import type { Reply } from "./types.js";

/** 我的任务: the work items my unit leads and the indicators it owes, with last values. */
export async function handleTasks(period: Period, ctx: HandlerContext): Promise<Reply> {
  const { lang, store } = ctx;
  const unit = ctx.unit!;
  const { workItems, indicators } = ctx.obligations!;
  const last = await store.latestValues(unit.id, indicators.map((i) => i.id), periodKey(period));
  const lines: string[] = [];
  if (workItems.length) {
    lines.push(lang === "zh" ? `**牵头的工作事项(${workItems.length} 项)**` : `**Work items you lead (${workItems.length})**`);
    for (const w of workItems) lines.push(`- [${w.ref}] ${clip(w.text, 40)}`);
  }
  lines.push(lang === "zh" ? `**${periodLabel(period, lang)} 需报指标(${indicators.length} 个)**` : `**Indicators owed for ${periodLabel(period, lang)} (${indicators.length})**`);
  for (const i of indicators) {
    const v = last.get(i.id);
    const target = i.share !== undefined ? (lang === "zh" ? `本地目标 ${fmtNumber(i.share)}${i.unit}` : `local target ${fmtNumber(i.share)}${i.unit}`) : `${lang === "zh" ? "目标" : "target"} ${fmtNumber(i.target)}${i.unit}`;
    const lastText = v ? `${lang === "zh" ? "上次" : "last"} ${fmtNumber(v.value)}${i.unit} (${periodLabelFromKey(v.period, lang)})` : lang === "zh" ? "尚无数据" : "no data yet";
    lines.push(`- \`${i.code}\` ${i.name}: ${target}; ${lastText}`);
  }
  if (!indicators.length) {
    lines.push(lang === "zh" ? "本单位没有需要按月上报的量化指标,可只报进展情况。" : "Your unit owes no numeric indicator; you can report progress only.");
  }
  return {
    status: "info",
    title: lang === "zh" ? `${unit.name} 的任务` : `${unit.name}: tasks`,
    lines,
    actions: [{ id: "open_report_form", label: lang === "zh" ? "填报" : "Report", value: `${period.year}-${String(period.month).padStart(2, "0")}` }],
  };
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
