import type { CorrectCommand, Period, ReportCommand, ReportValue } from "../src/domain/report/types.js";
import { periodFromKey, periodKey } from "../src/domain/report/types.js";
import { validateReportValues } from "../src/domain/report/validate-report.js";
import { periodLabel } from "../src/i18n/report-words.js";
import { actorName, type HandlerContext } from "./context.js";
import { fmtNumber, problemsReply } from "./reply-helpers.js";
import type { AuditRecord } from "./ports.js";
import type { Reply } from "./types.js";

/**
 * 上报 / 修改: validate against what is stored (closed period, implausible values),
 * store as a new revision, audit, and answer with what was recorded and what is
 * still missing for the period.
 */
export async function handleReport(cmd: ReportCommand | CorrectCommand, ctx: HandlerContext, rawInput: string): Promise<Reply> {
  const { store, lang } = ctx;
  const unit = ctx.unit!;
  const owed = ctx.obligations!.indicators;
  const period = cmd.period;
  const key = periodKey(period);

  const status = await store.periodStatus(key);
  // Only levels (stock) are compared with an earlier figure; skip the read otherwise.
  const stockIds = cmd.values.filter((v) => owed.find((i) => i.id === v.indicatorId)?.kind === "stock").map((v) => v.indicatorId);
  const previous = stockIds.length
    ? await store.latestValues(
        unit.id,
        stockIds,
        // The figure to compare with is the last one before this period (a correction
        // of this period compares with the month before, not with itself).
        key - 1,
      )
    : new Map();
  const problems = validateReportValues(cmd.values, {
    indicators: owed,
    previous: new Map([...previous].map(([id, v]) => [id, { value: v.value, period: periodFromKey(v.period) }])),
    periodStatus: status,
    period,
  })
    // A total that really fell is recorded through 修改 with a reason: the reason is
    // the explanation the plausibility check asks for.
    .filter((p) => !(cmd.type === "correct" && p.code === "cumulative_decreased" && p.rule === "below_previous"));
  if (problems.length) {
    await audit(ctx, cmd, rawInput, "rejected", { problems: problems.map((p) => p.code) });
    return problemsReply(problems, lang, owed, period, cmd.type);
  }

  // With a delivery to record (bot.ts), the store records this answer in the report's own
  // transaction; built once, here or there.
  let answered: Reply | undefined;
  const answer = (o: { revision: number; values: Map<number, { value: number; raw: string; changedFrom?: number }> }) =>
    (answered = acceptedReply(cmd, ctx, o.revision, o.values, period));
  let outcome;
  try {
    outcome = await store.submit({
      unitId: unit.id,
      period: key,
      mode: cmd.type,
      identityId: ctx.actor.identityId,
      platform: ctx.actor.platform,
      rawInput,
      reason: cmd.type === "correct" ? cmd.reason : null,
      narrative: cmd.narrative,
      values: cmd.values.map((v) => ({ indicatorId: v.indicatorId, value: v.value, raw: v.raw })),
      audit: auditRecord(ctx, cmd, rawInput, "ok", { values: cmd.values.length }),
    }, answer);
  } catch (e) {
    if ((e as Error).name === "NothingToCorrectError") {
      return {
        status: "error",
        title: lang === "zh" ? `${unit.name} ${periodLabel(period, lang)} 还没有上报,无从修改` : `Nothing to correct: ${unit.name} has not reported for ${periodLabel(period, lang)}`,
        lines: [lang === "zh" ? "请先用「上报」提交。" : `Submit it first with "report" (上报).`],
      };
    }
    throw e;
  }
  return answered ?? answer(outcome);
}

async function audit(ctx: HandlerContext, cmd: ReportCommand | CorrectCommand, rawInput: string, result: "ok" | "rejected", details: Record<string, unknown>) {
  await ctx.store.audit(auditRecord(ctx, cmd, rawInput, result, details));
}

function auditRecord(ctx: HandlerContext, cmd: ReportCommand | CorrectCommand, rawInput: string, result: "ok" | "rejected", details: Record<string, unknown>): AuditRecord {
  return {
    actor: actorName(ctx.actor),
    platform: ctx.actor.platform,
    action: cmd.type === "correct" ? "report.correct" : "report.submit",
    subject: `${ctx.unit!.name}/${periodKey(cmd.period)}`,
    rawInput,
    result,
    details: { ...details, ...(cmd.type === "correct" ? { reason: cmd.reason } : {}) },
  };
}

function acceptedReply(
  cmd: ReportCommand | CorrectCommand,
  ctx: HandlerContext,
  revision: number,
  values: Map<number, { value: number; raw: string; changedFrom?: number }>,
  period: Period,
): Reply {
  const { lang } = ctx;
  const owed = ctx.obligations!.indicators;
  const unit = ctx.unit!;
  const byId = new Map(owed.map((i) => [i.id, i]));
  const touched = new Set(cmd.values.map((v: ReportValue) => v.indicatorId));
  const lines: string[] = [];
  for (const v of cmd.values) {
    const i = byId.get(v.indicatorId);
    const stored = values.get(v.indicatorId);
    if (!i || !stored) continue;
    const was = stored.changedFrom !== undefined ? (lang === "zh" ? `(原 ${fmtNumber(stored.changedFrom)}${i.unit})` : ` (was ${fmtNumber(stored.changedFrom)}${i.unit})`) : "";
    lines.push(`- ${i.name}: **${fmtNumber(stored.value)}${i.unit}**${was}`);
  }
  const n = cmd.narrative;
  if (n.progress) lines.push(`${lang === "zh" ? "进展" : "Progress"}: ${n.progress}`);
  if (n.problems) lines.push(`${lang === "zh" ? "问题" : "Problems"}: ${n.problems}`);
  if (n.nextSteps) lines.push(`${lang === "zh" ? "计划" : "Next"}: ${n.nextSteps}`);
  const missing = owed.filter((i) => !values.has(i.id) && !touched.has(i.id));
  if (missing.length) {
    lines.push(
      lang === "zh"
        ? `本月还未报:${missing.map((i) => i.name).join("、")}`
        : `Still missing this month: ${missing.map((i) => i.name).join(", ")}`,
    );
  } else if (owed.length) {
    lines.push(lang === "zh" ? "本月指标已全部报齐。" : "All indicators for the month are in.");
  }
  const label = periodLabel(period, lang);
  const title =
    cmd.type === "correct"
      ? lang === "zh" ? `已修改 ${unit.name} ${label} 的数据(第 ${revision} 版)` : `Corrected ${unit.name}, ${label} (revision ${revision})`
      : revision === 1
        ? lang === "zh" ? `已收到 ${unit.name} ${label} 的上报` : `Received ${unit.name}'s report for ${label}`
        : lang === "zh" ? `已更新 ${unit.name} ${label} 的上报(第 ${revision} 版)` : `Updated ${unit.name}'s report for ${label} (revision ${revision})`;
  return { status: "ok", title, lines };
}
