import { parsePeriod } from "../../domain/report/parse-period.js";
import { periodKey } from "../../domain/report/types.js";
import { w } from "../../i18n/lang.js";
import { periodLabelFromKey } from "../../i18n/report-words.js";
import { writeAudit } from "../../persistence/audit-repository.js";
import { findPlan } from "../../persistence/plan-repository.js";
import { findReport, listReports } from "../../persistence/report-repository.js";
import { resolveUnit } from "../../persistence/unit-repository.js";
import { systemClock } from "../../services/clock.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";

async function planOf(ctx: CommandContext) {
  const { prisma } = await ctx.db();
  const plan = await findPlan(prisma, ctx.values.plan as string | undefined);
  if (!plan) throw new CliError(w("数据库里还没有方案", "No plan in the database"));
  return plan;
}

function periodArg(ctx: CommandContext, text: string | undefined): number | undefined {
  if (!text) return undefined;
  const clock = systemClock(ctx.config().tz);
  const r = parsePeriod(text, { now: clock.now(), timeZone: clock.timeZone, openPeriod: clock.openPeriod() });
  if (!r.ok) throw new UsageError(w(`看不懂月份「${text}」,请写成 2026-10`, `cannot read the month "${text}"; write 2026-10`));
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
    const period = periodArg(ctx, ctx.values.period as string | undefined);
    const { prisma } = await ctx.db();
    const rows = await listReports(prisma, plan.id, { unitId: unit?.id, period });
    const data = rows.map((r) => ({
      unit: r.unit.name,
      period: r.period,
      revision: r.revision,
      revisions: r._count.revisions,
      values: r.values.length,
      firstAt: r.firstAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
    ctx.print(data, () =>
      data.length
        ? data.map((r) => `${periodLabelFromKey(r.period, ctx.lang)} ${r.unit}: ${r.values} ${ctx.lang === "zh" ? "项" : "values"}, ${ctx.lang === "zh" ? "第" : "rev "}${r.revision}${ctx.lang === "zh" ? "版" : ""}  ${r.updatedAt}`)
        : [ctx.lang === "zh" ? "没有月报" : "No reports"],
    );
    return 0;
  },
};

export const reportShow: Command = {
  name: ["report", "show"],
  args: ["<unit>", "<period>"],
  summary: w("显示一份月报:数值、进展和全部修改历史", "Show one report: values, narrative and every revision"),
  options: { plan: { type: "string" } },
  async run(ctx) {
    const [unitName, periodText] = ctx.positionals;
    if (!unitName || !periodText) throw new UsageError(w("需要 <单位> 和 <月份>", "need <unit> and <period>"));
    const plan = await planOf(ctx);
    const unit = (await unitArg(ctx, unitName))!;
    const period = periodArg(ctx, periodText)!;
    const { prisma } = await ctx.db();
    const report = await findReport(prisma, plan.id, unit.id, period);
    if (!report) {
      throw new CliError(w(`${unit.name} ${periodLabelFromKey(period, "zh")} 没有月报`, `No report from ${unit.name} for ${periodLabelFromKey(period, "en")}`), { error: "not_found" });
    }
    const revisions = report.revisions.map((rev) => ({
      revision: rev.revision,
      at: rev.createdAt.toISOString(),
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
      const lines = [`${unit.name} ${periodLabelFromKey(period, ctx.lang)} (${zh ? "当前第" : "revision "}${report.revision}${zh ? "版" : ""})`];
      for (const v of current.values) lines.push(`  ${v.code} ${v.name}: ${v.value}${v.unit}`);
      if (current.progress) lines.push(`  ${zh ? "进展" : "Progress"}: ${current.progress}`);
      if (current.problems) lines.push(`  ${zh ? "问题" : "Problems"}: ${current.problems}`);
      if (current.nextSteps) lines.push(`  ${zh ? "计划" : "Next"}: ${current.nextSteps}`);
      lines.push(zh ? "修改历史:" : "History:");
      for (const r of revisions) {
        lines.push(`  #${r.revision} ${r.at} ${r.by}${r.reason ? ` ${zh ? "原因" : "reason"}: ${r.reason}` : ""}`);
        lines.push(`     「${r.rawInput}」`);
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
        ? w("关闭某月的填报(之后不能再上报或修改)", "Close a month for reporting (no more reports or corrections)")
        : w("重新开放某月的填报", "Reopen a month for reporting"),
    options: { plan: { type: "string" } },
    async run(ctx) {
      const text = ctx.positionals[0];
      if (!text) throw new UsageError(w("需要 <月份>", "need <period>"));
      const plan = await planOf(ctx);
      const period = periodArg(ctx, text)!;
      const { prisma } = await ctx.db();
      const y = Math.floor(period / 100);
      const m = period % 100;
      await prisma.reportingPeriod.upsert({
        where: { planId_period: { planId: plan.id, period } },
        create: { planId: plan.id, period, opensAt: new Date(Date.UTC(y, m, 1)), dueAt: new Date(Date.UTC(y, m, 5)), status },
        update: { status },
      });
      await writeAudit(prisma, { actor: ctx.actor, platform: "cli", action: `period.${status === "closed" ? "close" : "open"}`, subject: String(period), result: "ok" });
      ctx.print({ period, status }, () => [`${periodLabelFromKey(period, ctx.lang)}: ${status}`]);
      return 0;
    },
  };
}

export const periodClose = periodStatusCommand("closed");
export const periodOpen = periodStatusCommand("open");
