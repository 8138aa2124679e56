import { planName, type OwedIndicator, type UnitObligation } from "../src/domain/obligations/obligations.js";
import { checkYearToDate, placeInBasis } from "../src/domain/report/basis.js";
import type { CorrectCommand, Period, Problem, ReportCommand } from "../src/domain/report/types.js";
import { briefOf, periodFromKey, periodKey } from "../src/domain/report/types.js";
import { validateReportValues } from "../src/domain/report/validate-report.js";
import { periodLabel } from "../src/i18n/report-words.js";
import { dateWords } from "../src/i18n/time-words.js";
import { actorName, type HandlerContext } from "./context.js";
import { fmtNumber, problemsReply } from "./reply-helpers.js";
import type { AuditRecord, SubmitOutcome, SubmitRequest } from "./ports.js";
import type { Reply } from "./types.js";

/**
 * 上报 / 修改: place each figure in its indicator's basis (本月新增 → 1–N月累计 …),
 * check it against what is stored (closed month, year-to-date totals that fall,
 * levels that fall, shares over 100 %, a figure changed after the due date
 * without a reason), store one revision per plan touched in one transaction,
 * audit, and answer with exactly what was recorded (and how it was converted)
 * and what is still missing for the month.
 *
 * The bot only hands over commands for a month inside at least one of the
 * unit's plans, with the indicators of those plans (ctx.obligations).
 */
export async function handleReport(cmd: ReportCommand | CorrectCommand, ctx: HandlerContext, rawInput: string): Promise<Reply> {
  const { store, lang } = ctx;
  const unit = ctx.unit!;
  const owing = (ctx.obligations ?? []).filter((o) => o.owes);
  const period = cmd.period;
  const key = periodKey(period);
  const allOwed = owing.flatMap((o) => o.indicators);
  const planOf = new Map<number, UnitObligation>();
  const indicatorOf = new Map<number, OwedIndicator>();
  for (const o of owing) {
    for (const i of o.indicators) {
      if (planOf.has(i.id)) continue;
      planOf.set(i.id, o);
      indicatorOf.set(i.id, i);
    }
  }

  // The plans this message writes to: those its figures belong to; a message with only a
  // narrative goes to the plans where the unit reports progress (else every plan it owes in).
  const touched = new Map<number, UnitObligation>();
  for (const v of cmd.values) {
    const o = planOf.get(v.indicatorId);
    if (o) touched.set(o.plan.id, o);
  }
  if (!touched.size) for (const o of owing.some((x) => x.narrative) ? owing.filter((x) => x.narrative) : owing) touched.set(o.plan.id, o);

  const problems: Problem[] = [];
  const statuses = await Promise.all([...touched.values()].map((o) => store.periodStatus(o.plan.id, key)));
  if (statuses.includes("closed")) problems.push({ code: "period_closed", period });

  // Each figure in its indicator's basis, against the unit's stored months of the year.
  const flows = cmd.values.filter((v) => {
    const b = indicatorOf.get(v.indicatorId)?.basis;
    return b === "ytd" || b === "month";
  });
  const year = flows.length ? await store.yearValues(unit.id, flows.map((v) => v.indicatorId), period.year) : new Map<number, Map<number, number>>();
  const placed: SubmitRequest["values"] = [];
  const conversions = new Map<number, { stated: number }>();
  for (const v of cmd.values) {
    const indicator = indicatorOf.get(v.indicatorId);
    if (!indicator) continue;
    const months = year.get(v.indicatorId) ?? new Map<number, number>();
    const r = placeInBasis(v, indicator, period, months);
    if (!r.ok) {
      problems.push(r.problem);
      continue;
    }
    placed.push({ indicatorId: v.indicatorId, value: r.value, raw: v.raw, ...(r.stated ? { stated: r.stated, statedValue: r.statedValue! } : {}) });
    if (r.stated && period.month > 1) conversions.set(v.indicatorId, { stated: r.statedValue! });
    const ytd = checkYearToDate(indicator, r.value, v.raw, period, months);
    // A year-to-date total that really fell is recorded through 修改 with its reason.
    if (ytd && cmd.type !== "correct") problems.push(ytd);
  }

  // Only levels (stock) are compared with an earlier figure; skip the read otherwise.
  const stockIds = placed.filter((v) => indicatorOf.get(v.indicatorId)?.kind === "stock").map((v) => v.indicatorId);
  const previous = stockIds.length
    ? await store.latestValues(
        unit.id,
        stockIds,
        // The figure to compare with is the last one before this period (a correction
        // of this period compares with the month before, not with itself).
        key - 1,
      )
    : new Map();
  problems.push(
    ...validateReportValues(placed.map((v) => ({ ...v, raw: v.raw })), {
      indicators: allOwed,
      previous: new Map([...previous].map(([id, v]) => [id, { value: v.value, period: periodFromKey(v.period) }])),
      periodStatus: "open",
      period,
    })
      // A total that really fell is recorded through 修改 with a reason: the reason is
      // the explanation the plausibility check asks for.
      .filter((p) => !(cmd.type === "correct" && p.code === "cumulative_decreased" && p.rule === "below_previous")),
  );

  // After the due date a figure already reported changes only with a reason (修改 … 原因：…).
  if (cmd.type === "report" && placed.length) {
    const now = ctx.clock.now().getTime();
    for (const o of touched.values()) {
      const due = await store.due(o.plan.id, period);
      if (now <= due.at.getTime()) continue;
      const current = await store.currentReport(o.plan.id, unit.id, key);
      if (!current) continue;
      const changes = placed
        .filter((v) => planOf.get(v.indicatorId) === o)
        .flatMap((v) => {
          const was = current.values.get(v.indicatorId);
          return was && was.value !== v.value ? [{ indicator: briefOf(indicatorOf.get(v.indicatorId)!), from: was.value, to: v.value }] : [];
        });
      if (changes.length) problems.push({ code: "late_change_needs_reason", due: dateWords(due.date, lang), changes });
    }
  }

  if (problems.length) {
    await ctx.store.audit(auditRecord(ctx, cmd, rawInput, "rejected", { problems: problems.map((p) => p.code) }));
    return problemsReply(problems, lang, allOwed, period, cmd.type);
  }

  const reqs: SubmitRequest[] = [...touched.values()].map((o) => ({
    planId: o.plan.id,
    unitId: unit.id,
    period: key,
    mode: cmd.type,
    identityId: ctx.actor.identityId,
    platform: ctx.actor.platform,
    rawInput,
    reason: cmd.type === "correct" ? cmd.reason : null,
    narrative: cmd.narrative,
    values: placed.filter((v) => planOf.get(v.indicatorId) === o),
    audit: auditRecord(ctx, cmd, rawInput, "ok", { values: placed.filter((v) => planOf.get(v.indicatorId) === o).length, plan: o.plan.code }),
  }));
  // With a delivery to record (bot.ts), the store records this answer in the reports' own
  // transaction; built once, here or there.
  let answered: Reply | undefined;
  const answer = (outcomes: SubmitOutcome[]) => (answered = acceptedReply(cmd, ctx, outcomes, [...touched.values()], conversions, period));
  let outcomes: SubmitOutcome[];
  try {
    outcomes = await store.submit(reqs, answer);
  } catch (e) {
    if ((e as Error).name === "NothingToCorrectError") {
      return {
        status: "error",
        title: lang === "zh" ? `${unit.name} ${periodLabel(period, lang)} 还没有上报，无从修改` : `Nothing to correct: ${unit.name} has not reported for ${periodLabel(period, lang)}`,
        lines: [lang === "zh" ? "请先用「上报」提交。" : `Submit it first with "report" (上报).`],
      };
    }
    throw e;
  }
  return answered ?? answer(outcomes);
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

/**
 * How a figure said in another basis was recorded, with both terms, so the liaison sees the
 * stored figure and how it came about before anyone else reads it.
 */
function conversionWords(basis: string, stated: number, stored: number, unit: string, period: Period, lang: "zh" | "en"): string {
  const zh = lang === "zh";
  const base = Math.abs(stored - stated);
  const m = period.month;
  if (basis === "ytd") {
    return zh
      ? `（本月新增 ${fmtNumber(stated)}${unit}，加上1—${m - 1}月累计 ${fmtNumber(base)}${unit}，记为1—${m}月累计）`
      : ` (this month ${fmtNumber(stated)}${unit} plus Jan–${m - 1} ${fmtNumber(base)}${unit}: recorded as the Jan–${m} total)`;
  }
  return zh
    ? `（1—${m}月累计 ${fmtNumber(stated)}${unit}，减去1—${m - 1}月已报 ${fmtNumber(base)}${unit}，记为当月数）`
    : ` (Jan–${m} total ${fmtNumber(stated)}${unit} less Jan–${m - 1} ${fmtNumber(base)}${unit}: recorded as this month's figure)`;
}

function acceptedReply(
  cmd: ReportCommand | CorrectCommand,
  ctx: HandlerContext,
  outcomes: SubmitOutcome[],
  plans: UnitObligation[],
  conversions: Map<number, { stated: number }>,
  period: Period,
): Reply {
  const { lang } = ctx;
  const zh = lang === "zh";
  const unit = ctx.unit!;
  const label = periodLabel(period, lang);
  const touched = new Set(cmd.values.map((v) => v.indicatorId));
  const lines: string[] = [];
  const several = plans.length > 1;
  let revision = 0;
  for (const o of plans) {
    const outcome = outcomes.find((x) => x.planId === o.plan.id);
    if (!outcome) continue;
    revision = Math.max(revision, outcome.revision);
    if (several || o.plan.example) lines.push(`**《${planName(o.plan)}》**${several ? (zh ? `（第 ${outcome.revision} 版）` : ` (revision ${outcome.revision})`) : ""}`);
    for (const i of o.indicators) {
      if (!touched.has(i.id)) continue;
      const stored = outcome.values.get(i.id);
      if (!stored) continue;
      const was = stored.changedFrom !== undefined ? (zh ? `（原 ${fmtNumber(stored.changedFrom)}${i.unit}）` : ` (was ${fmtNumber(stored.changedFrom)}${i.unit})`) : "";
      const conv = conversions.get(i.id);
      const how = conv
        ? conversionWords(i.basis, conv.stated, stored.value, i.unit, period, lang)
        : i.basis === "ytd"
          ? zh ? `（1—${period.month}月累计）` : ` (Jan–${period.month} total)`
          : "";
      lines.push(`- ${i.name}：**${fmtNumber(stored.value)}${i.unit}**${how}${was}`);
    }
    const n = outcome.narrative;
    if (cmd.narrative.progress && n.progress) lines.push(`${zh ? "进展" : "Progress"}：${n.progress}`);
    if (cmd.narrative.problems && n.problems) lines.push(`${zh ? "问题" : "Problems"}：${n.problems}`);
    if (cmd.narrative.nextSteps && n.nextSteps) lines.push(`${zh ? "计划" : "Next"}：${n.nextSteps}`);
    const missing = o.indicators.filter((i) => !outcome.values.has(i.id)).map((i) => i.name);
    if (o.narrative && !n.progress) missing.push(zh ? "工作进展" : "progress");
    if (missing.length) lines.push(zh ? `本月还未报：${missing.join("、")}` : `Still missing this month: ${missing.join(", ")}`);
    else lines.push(zh ? "本月应报内容已全部报齐。" : "Everything due for the month is in.");
  }
  const title =
    cmd.type === "correct"
      ? zh ? `已修改 ${unit.name} ${label} 的数据${several ? "" : `（第 ${revision} 版）`}` : `Corrected ${unit.name}, ${label}${several ? "" : ` (revision ${revision})`}`
      : revision <= 1
        ? zh ? `已收到 ${unit.name} ${label} 的上报` : `Received ${unit.name}'s report for ${label}`
        : zh ? `已更新 ${unit.name} ${label} 的上报${several ? "" : `（第 ${revision} 版）`}` : `Updated ${unit.name}'s report for ${label}${several ? "" : ` (revision ${revision})`}`;
  return { status: "ok", title, lines };
}
