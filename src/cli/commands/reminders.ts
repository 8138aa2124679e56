import { hostname } from "node:os";
import { createWorkingCalendar } from "../../domain/calendar/working-calendar.js";
import { isCivilDate } from "../../domain/calendar/civil-date.js";
import { parsePeriod } from "../../domain/report/parse-period.js";
import { periodKey } from "../../domain/report/types.js";
import { nextFirings } from "../../domain/schedule/reminder-ladder.js";
import { applySetting, SETTING_KEYS } from "../../domain/schedule/schedule-config.js";
import { w } from "../../i18n/lang.js";
import { periodLabelFromKey } from "../../i18n/report-words.js";
import { settingProblemText } from "../../i18n/schedule-words.js";
import { writeAudit } from "../../persistence/audit-repository.js";
import { deliveriesFor } from "../../persistence/delivery-repository.js";
import { findPlan } from "../../persistence/plan-repository.js";
import { calendarOverrides, loadSchedule, putCalendarDays, removeCalendarDay, saveSchedule } from "../../persistence/schedule-repository.js";
import { runReminders } from "../../reminders/run-reminders.js";
import { systemClock } from "../../services/clock.js";
import { createBot } from "../../services/bot.js";
import { createStore } from "../../services/store.js";
import { buildSenders } from "../../reminders/build-senders.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";

async function plan(ctx: CommandContext) {
  const { prisma } = await ctx.db();
  const p = await findPlan(prisma, ctx.values.plan as string | undefined);
  if (!p) throw new CliError(w("数据库里还没有方案", "No plan in the database"));
  return { prisma, plan: p };
}

async function scheduleView(ctx: CommandContext) {
  const { prisma, plan: p } = await plan(ctx);
  const { config, stored, updatedAt, updatedBy } = await loadSchedule(prisma, p.id);
  const overrides = await calendarOverrides(prisma);
  const calendar = createWorkingCalendar({ overrides });
  const tz = ctx.config().tz;
  const firings = nextFirings(config, calendar, tz, new Date(), 10);
  const year = new Date().getFullYear();
  const missing = calendar.missingYears(year, year + 1);
  return {
    plan: p.code,
    stored,
    updatedAt: updatedAt?.toISOString(),
    updatedBy,
    timeZone: tz,
    config,
    next: firings.map((f) => ({ period: periodKey(f.period), step: f.step, audience: f.audience, at: f.at.toISOString(), local: f.at.toLocaleString("zh-CN", { timeZone: tz, hour12: false }), provisional: f.provisional })),
    calendarWarning: missing.length ? missing : undefined,
  };
}

function viewLines(v: Awaited<ReturnType<typeof scheduleView>>, lang: "zh" | "en"): string[] {
  const zh = lang === "zh";
  const c = v.config;
  const due = c.window.due.kind === "fixed_day" ? (zh ? `每月 ${c.window.due.day} 日${c.window.rollForward ? "(遇节假日顺延)" : ""}` : `day ${c.window.due.day}${c.window.rollForward ? " (moved past holidays)" : ""}`) : zh ? `第 ${c.window.due.n} 个工作日` : `working day ${c.window.due.n}`;
  const lines = [
    `${zh ? "方案" : "Plan"} ${v.plan} (${v.stored ? (zh ? `已设置,${v.updatedBy} 于 ${v.updatedAt}` : `set by ${v.updatedBy} at ${v.updatedAt}`) : zh ? "默认设置" : "defaults"}, ${v.timeZone})`,
    `  ${zh ? "截止" : "due"}: ${due}; ${zh ? "开始" : "opens"}: ${c.window.opensOnDay}; ${zh ? "提前提醒" : "before due"}: ${c.ladder.beforeDueWorkdays} ${zh ? "个工作日" : "working days"}; ${zh ? "逾期每" : "escalate every"} ${c.ladder.repeatEveryWorkdays} ${zh ? "个工作日通报专班" : "working days"}${c.ladder.maxRepeats !== undefined ? ` (${zh ? "最多" : "max"} ${c.ladder.maxRepeats})` : ""}`,
    `  ${zh ? "发送时间" : "send at"} ${c.sendAt}; ${zh ? "免打扰" : "quiet"} ${c.quietHours.start}-${c.quietHours.end}${c.quietHours.skipNonWorkdays ? (zh ? ",节假日不发" : ", not on non-working days") : ""}`,
    `  ${zh ? "专班群" : "task-force group"}: slack ${c.taskforce.slack ?? "-"}, dingtalk ${c.taskforce.dingtalk ?? "-"}`,
    zh ? "接下来 10 次提醒:" : "Next ten reminders:",
    ...v.next.map((n) => `  ${n.local}  ${periodLabelFromKey(n.period, lang)} ${n.step} → ${n.audience === "unit" ? (zh ? "各单位" : "units") : zh ? "专班群" : "task force"}${n.provisional ? (zh ? " (日历未定,可能变动)" : " (calendar not official yet)") : ""}`),
  ];
  if (v.calendarWarning) {
    lines.push(zh ? `⚠ 还没有 ${v.calendarWarning.join("、")} 年的节假日安排:用 duban calendar add 录入国务院公布的放假调休。` : `⚠ No holiday calendar for ${v.calendarWarning.join(", ")} yet: enter the State Council's calendar with duban calendar add.`);
  }
  return lines;
}

export const scheduleShow: Command = {
  name: ["schedule", "show"],
  args: [],
  summary: w("显示提醒设置和接下来 10 次提醒时间", "Show the reminder schedule and the next ten firing times"),
  options: { plan: { type: "string" } },
  async run(ctx) {
    const v = await scheduleView(ctx);
    ctx.print(v, () => viewLines(v, ctx.lang));
    return 0;
  },
};

export const scheduleList: Command = { ...scheduleShow, name: ["schedule", "list"], summary: w("同 schedule show", "Same as schedule show") };

export const scheduleSet: Command = {
  name: ["schedule", "set"],
  args: ["<key>", "<value>"],
  summary: w("修改提醒设置(截止日、提前、重复、免打扰、发送时间、专班群…)", "Change a reminder setting (due, before, repeat, quiet, sendAt, taskforce …)"),
  help: w(
    `键: ${SETTING_KEYS.join(" ")}\n例: duban schedule set 截止日 第5个工作日 ; duban schedule set 免打扰 20:00-08:00 ; duban schedule set 专班群 "钉钉 cidXXXX"`,
    `keys: ${SETTING_KEYS.join(" ")}\ne.g. duban schedule set due 5 ; duban schedule set quiet 20:00-08:00 ; duban schedule set taskforce "slack C0123"`,
  ),
  options: { plan: { type: "string" } },
  async run(ctx) {
    const [key, ...rest] = ctx.positionals;
    const value = rest.join(" ");
    if (!key || !value) throw new UsageError(w("需要 <键> 和 <值>", "need <key> and <value>"));
    const { prisma, plan: p } = await plan(ctx);
    const { config } = await loadSchedule(prisma, p.id);
    const r = applySetting(config, key, value);
    if (!r.ok) {
      throw new CliError(w(settingProblemText(r.problem, "zh"), settingProblemText(r.problem, "en")), { error: r.problem.code, problem: r.problem });
    }
    await saveSchedule(prisma, p.id, r.config, ctx.actor);
    await writeAudit(prisma, { actor: ctx.actor, platform: "cli", action: "schedule.set", subject: p.code, rawInput: `${key} ${value}`, result: "ok", details: { key: r.key } });
    const v = await scheduleView(ctx);
    ctx.print(v, () => viewLines(v, ctx.lang));
    return 0;
  },
};

export const remindRun: Command = {
  name: ["remind", "run"],
  args: [],
  summary: w("按某一时刻执行提醒(补发、测试);--dry-run 只列出将发给谁", "Run the reminder ladder as of a moment (resend, test); --dry-run lists who would get what"),
  help: w("  --at <ISO时间>  默认现在\n  --dry-run       不发送、不写入", "  --at <ISO time>  default now\n  --dry-run        send nothing, write nothing"),
  options: { at: { type: "string" }, "dry-run": { type: "boolean" }, plan: { type: "string" } },
  async run(ctx) {
    const atText = ctx.values.at as string | undefined;
    const at = atText ? new Date(atText) : new Date();
    if (Number.isNaN(at.getTime())) throw new UsageError(w(`--at 不是有效时间: ${atText}`, `--at is not a time: ${atText}`));
    const { prisma, plan: p } = await plan(ctx);
    const dryRun = Boolean(ctx.values["dry-run"]);
    const config = ctx.config();
    // A dry run plans for every platform; a real run sends through the configured ones.
    const senders = dryRun ? { slack: dryRunSender("slack"), dingtalk: dryRunSender("dingtalk") } : buildSenders(config);
    if (!dryRun && !Object.keys(senders).length) {
      throw new CliError(w("没有配置 Slack 或钉钉,无法发送;可加 --dry-run 查看将发给谁", "Neither Slack nor DingTalk is configured; add --dry-run to see who would get what"));
    }
    const bot = createBot({ db: prisma, store: createStore(prisma), clock: systemClock(config.tz) });
    const report = await runReminders(
      { db: prisma, planId: p.id, timeZone: config.tz, senders, bot, instanceId: `cli@${hostname()}:${process.pid}` },
      { at, dryRun, ignoreLastRun: Boolean(atText) },
    );
    ctx.print(report, () => [
      ctx.lang === "zh" ? `截至 ${report.at}:${report.sendingAllowed ? "" : "(免打扰时段,不发送)"}` : `As of ${report.at}${report.sendingAllowed ? "" : " (quiet time: nothing is sent)"}:`,
      ...report.steps.map((s) => `  ${periodLabelFromKey(s.period, ctx.lang)} ${s.step} → ${s.audience}`),
      ...report.planned.map((d) => `    ${d.platform} ${d.recipient} ${d.unit ?? ""}: ${d.title}`),
      ...(report.noRecipient.length ? [(ctx.lang === "zh" ? "  没有可送达的联络员: " : "  No reachable liaison: ") + report.noRecipient.join("、")] : []),
      ...report.skipped.map((s) => `  ${ctx.lang === "zh" ? "跳过" : "skip"} ${periodLabelFromKey(s.period, ctx.lang)} ${s.step}: ${s.reason}`),
      ...(dryRun ? [] : [ctx.lang === "zh" ? `已发送 ${report.sent},失败 ${report.failed},此前已发 ${report.alreadyDone}` : `sent ${report.sent}, failed ${report.failed}, already done ${report.alreadyDone}`]),
    ]);
    return report.failed ? 1 : 0;
  },
};

/** Dry runs only plan: a sender that is never called. */
function dryRunSender(platform: "slack" | "dingtalk") {
  return {
    platform,
    sendDirect: async () => new Map(),
    sendGroup: async () => ({ ok: false as const, permanent: true, error: "dry run" }),
  };
}

export const remindStatus: Command = {
  name: ["remind", "status"],
  args: [],
  summary: w("每个单位的提醒发送情况:发了什么、何时、哪些失败", "Per unit: which reminders were sent, when, and what failed"),
  options: { period: { type: "string" }, plan: { type: "string" } },
  async run(ctx) {
    const { prisma, plan: p } = await plan(ctx);
    let period: number | undefined;
    const text = ctx.values.period as string | undefined;
    if (text) {
      const clock = systemClock(ctx.config().tz);
      const r = parsePeriod(text, { now: clock.now(), timeZone: clock.timeZone, openPeriod: clock.openPeriod() });
      if (!r.ok) throw new UsageError(w(`看不懂月份「${text}」`, `cannot read the month "${text}"`));
      period = periodKey(r.period);
    }
    const rows = await deliveriesFor(prisma, p.id, period);
    const units = new Map((await prisma.unit.findMany()).map((u) => [u.id, u.name]));
    const data = rows.map((r) => ({
      period: r.period,
      step: r.step,
      unit: r.unitId ? (units.get(r.unitId) ?? String(r.unitId)) : "专班群",
      platform: r.platform,
      recipient: r.recipient,
      status: r.status,
      attempts: r.attempts,
      claimedAt: r.claimedAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
      error: r.error,
    }));
    ctx.print(data, () =>
      data.length
        ? data.map((d) => `${periodLabelFromKey(d.period, ctx.lang)} ${d.step.padEnd(13)} ${d.unit} ${d.platform}:${d.recipient} ${d.status}${d.sentAt ? ` ${d.sentAt}` : ""}${d.error ? `  ✗ ${d.error}` : ""}`)
        : [ctx.lang === "zh" ? "还没有提醒记录" : "No reminders yet"],
    );
    return 0;
  },
};

export const calendarList: Command = {
  name: ["calendar", "list"],
  args: [],
  summary: w("列出管理员录入的节假日/调休日,并提示缺少哪一年的日历", "List admin-entered holidays and make-up days, and which years are missing"),
  options: {},
  async run(ctx) {
    const { prisma } = await ctx.db();
    const days = await calendarOverrides(prisma);
    const year = new Date().getFullYear();
    const missing = createWorkingCalendar({ overrides: days }).missingYears(year, year + 1);
    ctx.print({ days, missingYears: missing }, () => [
      ...days.map((d) => `${d.date} ${d.workday ? (ctx.lang === "zh" ? "上班" : "working day") : ctx.lang === "zh" ? "放假" : "holiday"}${d.name ? ` ${d.name}` : ""}`),
      ...(missing.length ? [ctx.lang === "zh" ? `⚠ 缺少 ${missing.join("、")} 年的放假安排` : `⚠ Missing calendar for ${missing.join(", ")}`] : []),
    ]);
    return 0;
  },
};

export const calendarAdd: Command = {
  name: ["calendar", "add"],
  args: ["<YYYY-MM-DD[..YYYY-MM-DD]>", "<holiday|workday>", "[name]"],
  summary: w("录入放假或调休上班日(国务院公布次年安排后)", "Enter holidays or make-up working days (once the State Council publishes next year's calendar)"),
  help: w("例: duban calendar add 2027-10-01..2027-10-07 holiday 国庆节 ; duban calendar add 2027-09-26 workday 国庆调休", "e.g. duban calendar add 2027-10-01..2027-10-07 holiday 国庆节"),
  options: {},
  async run(ctx) {
    const [range, kind, ...nameParts] = ctx.positionals;
    if (!range || !kind) throw new UsageError(w("需要日期和 holiday|workday", "need a date and holiday|workday"));
    const workday = /^(workday|上班|工作日)$/.test(kind) ? true : /^(holiday|放假|休息)$/.test(kind) ? false : undefined;
    if (workday === undefined) throw new UsageError(w(`第二个参数必须是 holiday 或 workday,收到 ${kind}`, `second argument must be holiday or workday, got ${kind}`));
    const [from, to = from] = range.split("..");
    if (!from || !isCivilDate(from) || !to || !isCivilDate(to) || to < from) {
      throw new UsageError(w(`日期格式应为 2027-10-01 或 2027-10-01..2027-10-07,收到 ${range}`, `dates must look like 2027-10-01 or 2027-10-01..2027-10-07, got ${range}`));
    }
    const days = [];
    for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
      days.push({ date: d.toISOString().slice(0, 10), workday, ...(nameParts.length ? { name: nameParts.join(" ") } : {}) });
      if (days.length > 366) throw new UsageError(w("一次最多录入 366 天", "at most 366 days at once"));
    }
    const { prisma } = await ctx.db();
    await putCalendarDays(prisma, days, ctx.actor);
    await writeAudit(prisma, { actor: ctx.actor, platform: "cli", action: "calendar.add", subject: range, rawInput: ctx.positionals.join(" "), result: "ok", details: { days: days.length, workday } });
    ctx.print({ added: days.length, days }, () => [ctx.lang === "zh" ? `已录入 ${days.length} 天` : `Entered ${days.length} day(s)`]);
    return 0;
  },
};

export const calendarRemove: Command = {
  name: ["calendar", "remove"],
  args: ["<YYYY-MM-DD>"],
  summary: w("删除一条录入的日历", "Remove an entered calendar day"),
  options: {},
  async run(ctx) {
    const date = ctx.positionals[0];
    if (!date || !isCivilDate(date)) throw new UsageError(w("需要日期 YYYY-MM-DD", "need a date YYYY-MM-DD"));
    const { prisma } = await ctx.db();
    if (!(await removeCalendarDay(prisma, date))) throw new CliError(w(`${date} 没有录入`, `${date} was not entered`));
    await writeAudit(prisma, { actor: ctx.actor, platform: "cli", action: "calendar.remove", subject: date, result: "ok" });
    ctx.print({ removed: date }, () => [ctx.lang === "zh" ? `已删除 ${date}` : `Removed ${date}`]);
    return 0;
  },
};
