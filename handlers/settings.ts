import { periodLabelFromKey } from "../src/i18n/report-words.js";
import { settingProblemText } from "../src/i18n/schedule-words.js";
import { actorName, type HandlerContext } from "./context.js";
import type { ScheduleView } from "./ports.js";
import type { Reply } from "./types.js";

/**
 * 设置 (admins): with no arguments, show the reminder schedule and its next ten
 * firings; with a key and a value (设置 截止日 第5个工作日), change it.
 */
export async function handleSettings(args: string, ctx: HandlerContext, rawInput: string): Promise<Reply> {
  const { lang, store, actor, clock } = ctx;
  const zh = lang === "zh";
  if (!actor.isAdmin) {
    return { status: "denied", title: zh ? "只有管理员可以修改提醒设置" : "Only admins can change the reminder schedule", lines: [] };
  }
  const [key, ...rest] = args.trim().split(/\s+/).filter(Boolean);
  if (!key) return scheduleReply(await store.schedule(clock.now(), clock.timeZone), ctx, zh ? "提醒设置" : "Reminder schedule");
  const value = rest.join(" ");
  const result = await store.setSchedule(key, value, actorName(actor));
  await store.audit({ actor: actorName(actor), platform: actor.platform, action: "schedule.set", subject: key, rawInput, result: result.ok ? "ok" : "rejected", details: result.ok ? { key: result.key } : { problem: result.problem.code } });
  if (!result.ok) {
    return {
      status: "error",
      title: zh ? "设置没有保存" : "Setting not saved",
      lines: [`- ${settingProblemText(result.problem, lang)}`],
      example: zh ? "设置 截止日 第5个工作日\n设置 免打扰 20:00-08:00\n设置 专班群 钉钉 cidXXXX" : "set due 5\nset quiet 20:00-08:00\nset taskforce slack C0123",
    };
  }
  return scheduleReply(await store.schedule(clock.now(), clock.timeZone), ctx, zh ? `已修改 ${key}` : `Changed ${key}`);
}

function scheduleReply(v: ScheduleView, ctx: HandlerContext, title: string): Reply {
  const { lang, clock } = ctx;
  const zh = lang === "zh";
  const c = v.config;
  const due =
    c.window.due.kind === "fixed_day"
      ? zh ? `每月 ${c.window.due.day} 日${c.window.rollForward ? "(遇节假日顺延)" : ""}` : `day ${c.window.due.day}${c.window.rollForward ? " (moved past holidays)" : ""}`
      : zh ? `第 ${c.window.due.n} 个工作日` : `working day ${c.window.due.n}`;
  const fmt = (d: Date) => d.toLocaleString(zh ? "zh-CN" : "en-GB", { timeZone: clock.timeZone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
  const lines = [
    `${zh ? "截止" : "Due"}: ${due};${zh ? "提前" : " before"} ${c.ladder.beforeDueWorkdays} ${zh ? "个工作日提醒" : "working days"};${zh ? "逾期每" : " escalate every"} ${c.ladder.repeatEveryWorkdays} ${zh ? "个工作日通报专班" : "working days"}`,
    `${zh ? "发送时间" : "Send at"} ${c.sendAt};${zh ? "免打扰" : " quiet"} ${c.quietHours.start}-${c.quietHours.end}`,
    `${zh ? "专班群" : "Task-force group"}: slack ${c.taskforce.slack ?? "-"}, ${zh ? "钉钉" : "dingtalk"} ${c.taskforce.dingtalk ?? "-"}`,
    zh ? "**接下来 10 次提醒**" : "**Next ten reminders**",
    ...v.next.map((n) => `- ${fmt(n.at)} ${periodLabelFromKey(n.period, lang)} ${n.step}${n.provisional ? (zh ? "(日历未定)" : " (calendar not official)") : ""}`),
  ];
  if (v.missingYears.length) {
    lines.push(zh ? `⚠ 还没有 ${v.missingYears.join("、")} 年的放假调休安排,请管理员用 duban calendar add 录入。` : `⚠ No holiday calendar for ${v.missingYears.join(", ")} yet: enter it with duban calendar add.`);
  }
  return { status: "info", title, lines };
}
