import { findPlanByName, planName, type PlanRef } from "../src/domain/obligations/obligations.js";
import { toSimplified } from "../src/domain/plan/script.js";
import { periodLabelFromKey } from "../src/i18n/report-words.js";
import { audienceWords, settingName, settingProblemText, stepWords } from "../src/i18n/schedule-words.js";
import { dateTimeWords } from "../src/i18n/time-words.js";
import { actorName, type HandlerContext } from "./context.js";
import type { ScheduleView } from "./ports.js";
import type { Reply } from "./types.js";

/**
 * 设置 (admins): with no arguments, show the plan's reminder schedule and its next
 * ten firings; with a key and a value (设置 截止日 第5个工作日), change it. Each plan
 * has its own schedule: with several plans in progress the plan is named first
 * (设置 示例 截止日 5).
 */
export async function handleSettings(args: string, ctx: HandlerContext, rawInput: string): Promise<Reply> {
  const { lang, store, actor, clock } = ctx;
  const zh = lang === "zh";
  if (!actor.isAdmin) {
    return { status: "denied", title: zh ? "只有管理员可以修改提醒设置" : "Only admins can change the reminder schedule", lines: [] };
  }
  const words = args.trim().split(/\s+/).filter(Boolean);
  const plans = await store.plans();
  let plan: PlanRef | null = words[0] ? findPlanByName(plans, toSimplified(words[0])) : null;
  if (plan) words.shift();
  else plan = ctx.plan ?? (await store.defaultPlan());
  if (!plan) return choosePlan(plans, lang);
  const [key, ...rest] = words;
  if (!key) return scheduleReply(await store.schedule(clock.now(), undefined, plan.id), plan, ctx, zh ? "提醒设置" : "Reminder schedule");
  const value = rest.join(" ");
  const result = await store.setSchedule(key, value, actorName(actor), plan.id);
  await store.audit({ actor: actorName(actor), platform: actor.platform, action: "schedule.set", subject: `${plan.code}:${key}`, rawInput, result: result.ok ? "ok" : "rejected", details: result.ok ? { key: result.key } : { problem: result.problem.code } });
  if (!result.ok) {
    return {
      status: "error",
      title: zh ? "设置没有保存" : "Setting not saved",
      lines: [`- ${settingProblemText(result.problem, lang)}`],
      example: zh ? "设置 截止日 第5个工作日\n设置 免打扰 20:00-08:00\n设置 专班群 钉钉 cidXXXX" : "set due 5\nset quiet 20:00-08:00\nset taskforce slack C0123",
    };
  }
  return scheduleReply(await store.schedule(clock.now(), undefined, plan.id), plan, ctx, zh ? `已修改「${settingName(result.key, lang)}」` : `Changed ${result.key}`);
}

/** Several plans in progress and none named: list them, with how to name one. */
export function choosePlan(plans: PlanRef[], lang: "zh" | "en"): Reply {
  const zh = lang === "zh";
  const names = plans.map((p) => planName(p));
  return {
    status: "error",
    title: zh ? "有多个方案，请写明是哪一个" : "Several plans: name one",
    lines: plans.map((p) => `- 《${planName(p)}》${p.shortName ? "" : `（${p.code}）`}`),
    example: zh ? `设置 ${names[0] ?? "示例"} 截止日 5` : `set ${names[0] ?? "example"} due 5`,
  };
}

function scheduleReply(v: ScheduleView, plan: PlanRef, ctx: HandlerContext, title: string): Reply {
  const { lang } = ctx;
  const zh = lang === "zh";
  const c = v.config;
  const due =
    c.window.due.kind === "fixed_day"
      ? zh ? `每月 ${c.window.due.day} 日${c.window.rollForward ? "（遇节假日顺延）" : ""}` : `day ${c.window.due.day}${c.window.rollForward ? " (moved past holidays)" : ""}`
      : zh ? `每月第 ${c.window.due.n} 个工作日` : `working day ${c.window.due.n}`;
  const tz = plan.timeZone;
  const group = (id: string | undefined) => id ?? (zh ? "未设置" : "not set");
  const lines = zh
    ? [
        `方案：《${planName(plan)}》`,
        `截止：${due}；提前 ${c.ladder.beforeDueWorkdays} 个工作日提醒；逾期后每 ${c.ladder.repeatEveryWorkdays} 个工作日通报专班`,
        `发送时间 ${c.sendAt}；免打扰 ${c.quietHours.start}—${c.quietHours.end}${c.quietHours.skipNonWorkdays ? "，节假日不发" : ""}`,
        `专班群：Slack ${group(c.taskforce.slack)}，钉钉 ${group(c.taskforce.dingtalk)}`,
        "**接下来 10 次提醒**",
      ]
    : [
        `Plan: ${planName(plan)}`,
        `Due: ${due}; reminder ${c.ladder.beforeDueWorkdays} working days before; escalate every ${c.ladder.repeatEveryWorkdays} working days`,
        `Send at ${c.sendAt}; quiet ${c.quietHours.start}-${c.quietHours.end}`,
        `Task-force group: Slack ${group(c.taskforce.slack)}, DingTalk ${group(c.taskforce.dingtalk)}`,
        "**Next ten reminders**",
      ];
  lines.push(
    ...v.next.map(
      (n) => `- ${dateTimeWords(n.at, tz, lang)} ${periodLabelFromKey(n.period, lang)} ${stepWords(n.step, lang)} → ${audienceWords(n.audience, lang)}${n.provisional ? (zh ? "（当年放假安排未公布，日期可能变动）" : " (calendar not official)") : ""}`,
    ),
  );
  if (v.missingYears.length) {
    lines.push(zh ? `⚠ 还没有 ${v.missingYears.join("、")} 年的放假调休安排，请管理员用 duban calendar add 录入。` : `⚠ No holiday calendar for ${v.missingYears.join(", ")} yet: enter it with duban calendar add.`);
  }
  return { status: "info", title, lines };
}
