import { parsePeriod } from "../../domain/report/parse-period.js";
import { periodKey } from "../../domain/report/types.js";
import { w } from "../../i18n/lang.js";
import { periodLabelFromKey } from "../../i18n/report-words.js";
import { writeAudit } from "../../persistence/audit-repository.js";
import { resolvePlan } from "../plan-option.js";
import { dateTimeWords } from "../../i18n/time-words.js";
import { auditActorWords } from "../../i18n/audit-words.js";
import { inputWords } from "../../i18n/cli-words.js";
import { isoInZone } from "../../i18n/iso-time.js";
import { findReport, listReports } from "../../persistence/report-repository.js";
import { resolveUnit } from "../../persistence/unit-repository.js";
import { systemClock } from "../../services/clock.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";

async function planOf(ctx: CommandContext) {
  return resolvePlan(ctx);
}

function periodArg(ctx: CommandContext, text: string | undefined, timeZone = "Asia/Shanghai"): number | undefined {
  if (!text) return undefined;
  const clock = systemClock(timeZone);
  const r = parsePeriod(text, { now: clock.now(), timeZone: clock.timeZone, openPeriod: clock.openPeriod() });
  if (!r.ok) throw new UsageError(w(`看不懂月份「${text}」，请写成 2026-10 或 2026年10月`, `cannot read the month "${text}"; write 2026-10`));
  return periodKey(r.period);
}

async function unitArg(ctx: CommandContext, name: string | undefined) {
  if (!name) return undefined;
  const { prisma } = await ctx.db();
  const unit = await resolveUnit(prisma, name);
  if (!unit) throw new CliError(w(`没有找到单位「${name}」`, `No unit "${name}"`), { error: "unknown_unit", unit: name });
  return unit;
}

export const reportList: Command = {
  name: ["report", "list"],
  args: [],
  summary: w("列出已上报的月报", "List stored monthly reports"),
  help: w("  --unit <单位>  --period <2026-10>", "  --unit <unit>  --period <2026-10>"),
  options: { unit: { type: "string" }, period: { type: "string" }, plan: { type: "string" } },
  async run(ctx) {
    const plan = await planOf(ctx);
    const unit = await unitArg(ctx, ctx.values.unit as string | undefined);
    const period = periodArg(ctx, ctx.values.period as string | undefined, plan.timeZone);
    const { prisma } = await ctx.db();
    const rows = await listReports(prisma, plan.id, { unitId: unit?.id, period });
    const tz = plan.timeZone;
    const data = rows.map((r) => ({
      unit: r.unit.name,
      period: r.period,
      revision: r.revision,
      revisions: r._count.revisions,
      values: r.values.length,
      firstAt: isoInZone(r.firstAt, tz),
      updatedAt: isoInZone(r.updatedAt, tz),
    }));
    const zh = ctx.lang === "zh";
    ctx.print(data, () =>
      data.length
        ? data.map((r) => `${periodLabelFromKey(r.period, ctx.lang)} ${r.unit}：${r.values} ${zh ? "项" : "values"}，${zh ? "第" : "rev "}${r.revision}${zh ? "版" : ""}，${zh ? "最后更新" : "updated"} ${dateTimeWords(new Date(r.updatedAt), tz, ctx.lang)}`)
        : [zh ? "没有月报" : "No reports"],
    );
    return 0;
  },
};

export const reportShow: Command = {
  name: ["report", "show"],
  args: ["<unit>", "<period>"],
  summary: w("显示一份月报：数值、进展和全部修改历史", "Show one report: values, narrative and every revision"),
  options: { plan: { type: "string" } },
  async run(ctx) {
    const [unitName, periodText] = ctx.positionals;
    if (!unitName || !periodText) throw new UsageError(w("需要 <单位> 和 <月份>", "need <unit> and <period>"));
    const plan = await planOf(ctx);
    const unit = (await unitArg(ctx, unitName))!;
    const period = periodArg(ctx, periodText, plan.timeZone)!;
    const { prisma } = await ctx.db();
    const report = await findReport(prisma, plan.id, unit.id, period);
    if (!report) {
      throw new CliError(w(`${unit.name} ${periodLabelFromKey(period, "zh")} 没有月报`, `No report from ${unit.name} for ${periodLabelFromKey(period, "en")}`), { error: "not_found" });
    }
    const revisions = report.revisions.map((rev) => ({
      revision: rev.revision,
      at: isoInZone(rev.createdAt, plan.timeZone),
      by: rev.identity ? `${rev.identity.platform}:${rev.identity.tenant}:${rev.identity.userId}` : rev.platform,
      platform: rev.platform,
      reason: rev.reason,
      progress: rev.progress,
      problems: rev.problems,
      nextSteps: rev.nextSteps,
      rawInput: rev.rawInput,
      values: report.values
        .filter((v) => v.revision === rev.revision)
        .map((v) => ({ code: v.indicator.code, name: v.indicator.name, value: v.value, unit: v.indicator.unit, raw: v.raw })),
    }));
    const current = revisions.find((r) => r.revision === report.revision)!;
    const data = { unit: unit.name, period, revision: report.revision, values: current.values, narrative: { progress: current.progress, problems: current.problems, nextSteps: current.nextSteps }, revisions };
    ctx.print(data, () => {
      const zh = ctx.lang === "zh";
      const lines = [zh ? `${unit.name} ${periodLabelFromKey(period, ctx.lang)}（当前第${report.revision}版）` : `${unit.name} ${periodLabelFromKey(period, ctx.lang)} (revision ${report.revision})`];
      for (const v of current.values) lines.push(`  ${v.code} ${v.name}：${v.value}${v.unit}`);
      if (current.progress) lines.push(`  ${zh ? "进展" : "Progress"}：${current.progress}`);
      if (current.problems) lines.push(`  ${zh ? "问题" : "Problems"}：${current.problems}`);
      if (current.nextSteps) lines.push(`  ${zh ? "计划" : "Next"}：${current.nextSteps}`);
      lines.push(zh ? "修改历史：" : "History:");
      for (const r of revisions) {
        lines.push(`  ${zh ? `第${r.revision}版` : `#${r.revision}`} ${dateTimeWords(new Date(r.at), plan.timeZone, ctx.lang)} ${auditActorWords(r.by, ctx.lang)}${r.reason ? ` ${zh ? "原因：" : "reason: "}${r.reason}` : ""}`);
        lines.push(`     「${inputWords(r.rawInput, ctx.lang)}」`);
      }
      return lines;
    });
    return 0;
  },
};

function periodStatusCommand(status: "open" | "closed"): Command {
  return {
    name: ["period", status === "closed" ? "close" : "open"],
    args: ["<period>"],
    summary:
      status === "closed"
        ? w("关闭某月的填报（之后不能再上报或修改）", "Close a month for reporting (no more reports or corrections)")
        : w("重新开放某月的填报", "Reopen a month for reporting"),
    options: { plan: { type: "string" } },
    async run(ctx) {
      const text = ctx.positionals[0];
      if (!text) throw new UsageError(w("需要 <月份>", "need <period>"));
      const plan = await planOf(ctx);
      const period = periodArg(ctx, text, plan.timeZone)!;
      const { prisma } = await ctx.db();
      const y = Math.floor(period / 100);
      const m = period % 100;
      await prisma.reportingPeriod.upsert({
        where: { planId_period: { planId: plan.id, period } },
        create: { planId: plan.id, period, opensAt: new Date(Date.UTC(y, m, 1)), dueAt: new Date(Date.UTC(y, m, 5)), status },
        update: { status },
      });
      await writeAudit(prisma, { actor: ctx.actor, platform: "cli", action: `period.${status === "closed" ? "close" : "open"}`, subject: `${plan.code}:${period}`, result: "ok" });
      const zh = ctx.lang === "zh";
      ctx.print({ plan: plan.code, period, status }, () => [
        zh ? `${periodLabelFromKey(period, ctx.lang)}：${status === "closed" ? "已关闭填报，不能再上报或修改" : "已重新开放填报"}` : `${periodLabelFromKey(period, ctx.lang)}: ${status}`,
      ]);
      return 0;
    },
  };
}

export const periodClose = periodStatusCommand("closed");
export const periodOpen = periodStatusCommand("open");
