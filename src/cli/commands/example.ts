import { periodKey } from "../../domain/report/types.js";
import { w } from "../../i18n/lang.js";
import { periodLabel } from "../../i18n/report-words.js";
import { removeExample, resetExample } from "../../services/example-world.js";
import type { Command } from "../command.js";

export const exampleReset: Command = {
  name: ["example", "reset"],
  args: [],
  summary: w("重新生成示例方案（示例）：按当前月份改写日期，附县（市、区）分解和几个月的模拟月报", "Make the example plan (示例) again, dated around this month, with a county split and generated reports"),
  help: w(
    "  示例方案由第一个真实方案生成，名称都带「示例」；已有的示例方案连同其月报一起删除后重建。\n  首次启动且未配置钉钉或 Slack 时会自动生成（设 DUBAN_EXAMPLE=on 则总是生成，DUBAN_EXAMPLE=off 则不生成）。",
    "  Made from the first real plan and named 示例 everywhere; an existing example and its reports are removed first.\n  Made on the first start when no chat platform is configured (DUBAN_EXAMPLE=auto|on|off).",
  ),
  options: {},
  async run(ctx) {
    const { prisma } = await ctx.db();
    const r = await resetExample(prisma, { actor: ctx.actor, platform: "cli" });
    const data = { plan: r.code, title: r.title, from: periodKey(r.from), to: periodKey(r.to), months: r.months, reports: r.reports };
    ctx.print(data, () => [
      ctx.lang === "zh"
        ? `已生成${r.title}（${periodLabel(r.from, "zh")}—${periodLabel(r.to, "zh")}），模拟月报 ${r.reports} 份，覆盖 ${r.months} 个月。`
        : `Made ${r.code} (${periodLabel(r.from, "en")} – ${periodLabel(r.to, "en")}): ${r.reports} generated reports over ${r.months} months.`,
    ]);
    return 0;
  },
};

export const exampleRemove: Command = {
  name: ["example", "remove"],
  args: [],
  summary: w("删除示例方案及其全部月报（单位和真实方案不受影响）", "Remove the example plan and all its reports (units and real plans stay)"),
  options: {},
  async run(ctx) {
    const { prisma } = await ctx.db();
    const r = await removeExample(prisma, { actor: ctx.actor, platform: "cli" });
    ctx.print({ removed: r.removed }, () => [
      r.removed ? (ctx.lang === "zh" ? `已删除示例方案 ${r.removed}。` : `Removed ${r.removed}.`) : ctx.lang === "zh" ? "没有示例方案。" : "There is no example plan.",
    ]);
    return 0;
  },
};
