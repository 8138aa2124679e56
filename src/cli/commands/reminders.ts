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
import { planName } from "../../domain/obligations/obligations.js";
import { wallClock } from "../../domain/calendar/zoned-time.js";
import { audienceWords, settingName, stepWords } from "../../i18n/schedule-words.js";
import { dateTimeWords, dateWords } from "../../i18n/time-words.js";
import { chatUserWords, platformWords } from "../../i18n/platform-words.js";
import type { ReminderPlatform } from "../../reminders/sender.js";
import { auditActorWords } from "../../i18n/audit-words.js";
import { zonedInstant } from "../../domain/calendar/zoned-time.js";
import { isoInZone } from "../../i18n/iso-time.js";
import { resolvePlan } from "../plan-option.js";
import { calendarOverrides, loadSchedule, putCalendarDays, removeCalendarDay, saveSchedule } from "../../persistence/schedule-repository.js";
import { runReminders } from "../../reminders/run-reminders.js";
import { systemClock } from "../../services/clock.js";
import { createBot } from "../../services/bot.js";
import { createStore } from "../../services/store.js";
import { buildSenders } from "../../reminders/build-senders.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";

async function plan(ctx: CommandContext) {
  const { prisma } = await ctx.db();
  return { prisma, plan: await resolvePlan(ctx) };
}


const STATUS_WORDS: Record<string, { zh: string; en: string }> = {
  claimed: { zh: "待发送", en: "claimed" },
  sending: { zh: "发送中", en: "sending" },
  sent: { zh: "已送达", en: "sent" },
  failed: { zh: "失败", en: "failed" },
  uncertain: { zh: "不确定（发送时进程中断，未重发，请管理员核实）", en: "uncertain (the process stopped while sending; not resent)" },
  skipped: { zh: "已跳过", en: "skipped" },
};

const SKIP_WORDS: Record<string, { zh: string; en: string }> = {
  stale: { zh: "已过时，不再补发", en: "stale: not made up" },
  superseded: { zh: "已由后一次提醒取代", en: "superseded by a later step" },
};

async function scheduleView(ctx: CommandContext) {
  const { prisma, plan: p } = await plan(ctx);
  const { config, stored, updatedAt, updatedBy } = await loadSchedule(prisma, p.id);
  const overrides = await calendarOverrides(prisma);
  const calendar = createWorkingCalendar({ overrides });
  // The plan's own time zone: the server's TZ plays no part.
  const tz = p.timeZone;
  const firings = nextFirings(config, calendar, tz, new Date(), 10);
  const year = Number(wallClock(new Date(), tz).date.slice(0, 4));
  const missing = calendar.missingYears(year, year + 1);
  return {
    plan: p.code,
    planName: planName(p),
    stored,
    updatedAt: updatedAt ? isoInZone(updatedAt, tz) : undefined,
    updatedBy,
    timeZone: tz,
    config,
    next: firings.map((f) => ({ period: periodKey(f.period), step: f.step, audience: f.audience, at: isoInZone(f.at, tz), provisional: f.provisional })),
    calendarWarning: missing.length ? missing : undefined,
  };
}

function viewLines(v: Awaited<ReturnType<typeof scheduleView>>, lang: "zh" | "en"): string[] {
  const zh = lang === "zh";
  const c = v.config;
  const tz = v.timeZone;
  const due = c.window.due.kind === "fixed_day" ? (zh ? `每月 ${c.window.due.day} 日${c.window.rollForward ? "（遇节假日顺延）" : ""}` : `day ${c.window.due.day}${c.window.rollForward ? " (moved past holidays)" : ""}`) : zh ? `每月第 ${c.window.due.n} 个工作日` : `working day ${c.window.due.n}`;
  const when = (iso: string) => dateTimeWords(new Date(iso), tz, lang);
  const group = (id: string | undefined) => id ?? (zh ? "未设置" : "not set");
  const lines = zh
    ? [
        `方案《${v.planName}》（${v.stored ? `${auditActorWords(v.updatedBy ?? "", "zh")} 于 ${when(v.updatedAt!)} 设置` : "默认设置"}，时区 ${tz}）`,
        `  截止：${due}；每月 ${c.window.opensOnDay} 日开始填报；提前 ${c.ladder.beforeDueWorkdays} 个工作日提醒；逾期后每 ${c.ladder.repeatEveryWorkdays} 个工作日通报专班${c.ladder.maxRepeats !== undefined ? `（最多 ${c.ladder.maxRepeats} 次）` : ""}`,
        `  发送时间 ${c.sendAt}；免打扰 ${c.quietHours.start}—${c.quietHours.end}${c.quietHours.skipNonWorkdays ? "，节假日不发" : ""}`,
        `  专班群：Slack ${group(c.taskforce.slack)}，钉钉 ${group(c.taskforce.dingtalk)}`,
        "接下来 10 次提醒：",
      ]
    : [
        `Plan ${v.planName} (${v.stored ? `set by ${v.updatedBy} on ${when(v.updatedAt!)}` : "defaults"}, time zone ${tz})`,
        `  due: ${due}; opens on day ${c.window.opensOnDay}; reminder ${c.ladder.beforeDueWorkdays} working days before; escalate every ${c.ladder.repeatEveryWorkdays} working days${c.ladder.maxRepeats !== undefined ? ` (max ${c.ladder.maxRepeats})` : ""}`,
        `  send at ${c.sendAt}; quiet ${c.quietHours.start}-${c.quietHours.end}${c.quietHours.skipNonWorkdays ? ", not on non-working days" : ""}`,
        `  task-force group: Slack ${group(c.taskforce.slack)}, DingTalk ${group(c.taskforce.dingtalk)}`,
        "Next ten reminders:",
      ];
  lines.push(
    ...v.next.map((n) => `  ${when(n.at)}  ${periodLabelFromKey(n.period, lang)} ${stepWords(n.step, lang)} → ${audienceWords(n.audience, lang)}${n.provisional ? (zh ? "（当年放假安排未公布，可能变动）" : " (calendar not official yet)") : ""}`),
  );
  if (v.calendarWarning) {
    lines.push(zh ? `⚠ 还没有 ${v.calendarWarning.join("、")} 年的节假日安排：用 duban calendar add 录入国务院公布的放假调休。` : `⚠ No holiday calendar for ${v.calendarWarning.join(", ")} yet: enter the State Council's calendar with duban calendar add.`);
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

export const scheduleList: Command = { ...scheduleShow, name: ["schedule", "list"], summary: w("同 duban schedule show", "Same as schedule show") };

export const scheduleSet: Command = {
  name: ["schedule", "set"],
  args: ["<key>", "<value>"],
  summary: w("修改提醒设置（截止日、提前、重复、免打扰、发送时间、专班群…）", "Change a reminder setting (due, before, repeat, quiet, sendAt, taskforce …)"),
  help: w(
    `设置项：${SETTING_KEYS.map((k) => settingName(k, "zh")).join("、")}\n例：duban schedule set 截止日 第5个工作日\n例：duban schedule set 免打扰 20:00-08:00\n例：duban schedule set 专班群 "钉钉 cidXXXX"`,
    `keys: ${SETTING_KEYS.join(" ")}\ne.g. duban schedule set due 5 ; duban schedule set quiet 20:00-08:00 ; duban schedule set taskforce "slack C0123"`,
  ),
  options: { plan: { type: "string" } },
  async run(ctx) {
    const [key, ...rest] = ctx.positionals;
    const value = rest.join(" ");
    if (!key || !value) throw new UsageError(w("需要 <设置项> 和 <值>", "need <key> and <value>"));
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
  summary: w("按某一时刻执行提醒（补发、测试）；--dry-run 只列出将发给谁", "Run the reminder ladder as of a moment (resend, test); --dry-run lists who would get what"),
  help: w(
    "  --at <时间>  按方案时区的时间（默认现在）\n  --dry-run    不发送、不写入\n例：duban remind run --dry-run --at \"2026-11-06 09:00\"",
    "  --at <time>   on the plan's clock (\"2026-11-06 09:00\") or an ISO instant; default now\n  --dry-run     send nothing, write nothing",
  ),
  options: { at: { type: "string" }, "dry-run": { type: "boolean" }, plan: { type: "string" } },
  async run(ctx) {
    const atText = ctx.values.at as string | undefined;
    const { prisma, plan: p } = await plan(ctx);
    const at = atText ? readInstant(atText, p.timeZone) : new Date();
    if (Number.isNaN(at.getTime())) throw new UsageError(w(`看不懂 --at 的时间「${atText}」，请写成「2026-11-06 09:00」（方案时区）`, `--at is not a time: ${atText}`));
    const dryRun = Boolean(ctx.values["dry-run"]);
    const config = ctx.config();
    // A dry run plans for every platform, the local chat's liaisons included (the example world's
    // units are bound there): it shows who would get what. A real run sends through the configured ones.
    const senders = dryRun ? { slack: dryRunSender("slack"), dingtalk: dryRunSender("dingtalk"), local: dryRunSender("local") } : buildSenders(config);
    if (!dryRun && !Object.keys(senders).length) {
      throw new CliError(w("没有配置 Slack 或钉钉，无法发送；可加 --dry-run 查看将发给谁", "Neither Slack nor DingTalk is configured; add --dry-run to see who would get what"));
    }
    const bot = createBot({ db: prisma, store: createStore(prisma), clock: systemClock(p.timeZone) });
    const report = await runReminders(
      { db: prisma, planId: p.id, timeZone: p.timeZone, senders, bot, instanceId: `cli@${hostname()}:${process.pid}` },
      { at, dryRun, ignoreLastRun: Boolean(atText) },
    );
    const zh = ctx.lang === "zh";
    // --json: instants as ISO with the plan's offset, like every other command.
    const data = { ...report, at: isoInZone(at, p.timeZone), steps: report.steps.map((x) => ({ ...x, at: isoInZone(new Date(x.at), p.timeZone) })) };
    ctx.print(data, () => [
      zh ? `《${planName(p)}》截至 ${dateTimeWords(at, p.timeZone, "zh")}${report.sendingAllowed ? "：" : "（免打扰时段，不发送）："}` : `${planName(p)} as of ${dateTimeWords(at, p.timeZone, "en")}${report.sendingAllowed ? "" : " (quiet time: nothing is sent)"}:`,
      ...(report.steps.length ? [] : [zh ? "  此刻没有到期的提醒。" : "  No step is due now."]),
      ...report.steps.map((s) => `  ${periodLabelFromKey(s.period, ctx.lang)} ${stepWords(s.step, ctx.lang)} → ${audienceWords(s.audience, ctx.lang)}`),
      ...report.planned.map((d) =>
        zh
          ? `    ${recipientWords(d.platform, d.recipient)} ${d.unit ?? "专班群"}：${d.title}`
          : `    ${platformWords(d.platform, ctx.lang)} ${d.recipient.replace(/^group:/u, "")} ${d.unit ?? "task-force group"}: ${d.title}`,
      ),
      ...(report.noRecipient.length ? [(zh ? "  无人可送达（请先绑定联络员或设置专班群）：" : "  No reachable liaison (bind one first): ") + report.noRecipient.join(zh ? "、" : ", ")] : []),
      ...skippedLines(report.skipped, ctx.lang),
      ...(dryRun ? [] : [zh ? `已发送 ${report.sent}，失败 ${report.failed}，此前已发 ${report.alreadyDone}` : `sent ${report.sent}, failed ${report.failed}, already done ${report.alreadyDone}`]),
    ]);
    return report.failed ? 1 : 0;
  },
};

/** "2026-11-06 09:00" on the plan's clock, or an ISO instant ("2026-11-06T01:00:00Z"); an invalid Date otherwise. */
function readInstant(text: string, timeZone: string): Date {
  const wall = /^\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?\s*$/u.exec(text);
  if (wall && isCivilDate(wall[1]!)) {
    const minutes = wall[2] === undefined ? 0 : Number(wall[2]) * 60 + Number(wall[3]);
    return minutes < 24 * 60 ? zonedInstant(wall[1]!, minutes, timeZone) : new Date(Number.NaN);
  }
  return new Date(text);
}

/** A ledger recipient as people read it: "钉钉群 cid…", "Slack U012ABC（工作区 T1）". */
function recipientWords(platform: string, recipient: string): string {
  const group = /^group:(.+)$/u.exec(recipient);
  if (group) return `${platformWords(platform, "zh")}群 ${group[1]}`;
  const user = /^([^:]*):(.+)$/u.exec(recipient);
  return user ? chatUserWords({ platform, tenant: user[1]!, userId: user[2]! }, "zh") : `${platformWords(platform, "zh")} ${recipient}`;
}

/**
 * Steps not sent, in words: one line per step of the latest month, the earlier months summed
 * up (a run as of a past moment would otherwise list every step of three months).
 */
function skippedLines(skipped: { period: number; step: string; reason: string }[], lang: "zh" | "en"): string[] {
  if (!skipped.length) return [];
  const latest = Math.max(...skipped.map((s) => s.period));
  const older = skipped.filter((s) => s.period !== latest);
  const lines = skipped
    .filter((s) => s.period === latest)
    .map((s) => `  ${lang === "zh" ? "跳过" : "skip"} ${periodLabelFromKey(s.period, lang)} ${stepWords(s.step, lang)}${lang === "zh" ? "：" : ": "}${SKIP_WORDS[s.reason]?.[lang] ?? s.reason}`);
  if (older.length) {
    const months = [...new Set(older.map((s) => s.period))].sort().map((p) => periodLabelFromKey(p, lang));
    lines.push(lang === "zh" ? `  另有 ${older.length} 次较早的提醒（${months.join("、")}）已过时或已被取代，不再补发` : `  and ${older.length} earlier steps (${months.join(", ")}) stale or superseded: not made up`);
  }
  return lines;
}

/** Dry runs only plan: a sender that is never called. */
function dryRunSender(platform: ReminderPlatform) {
  return {
    platform,
    sendDirect: async () => new Map(),
    sendGroup: async () => ({ ok: false as const, permanent: true, error: "dry run" }),
  };
}

export const remindStatus: Command = {
  name: ["remind", "status"],
  args: [],
  summary: w("每个单位的提醒发送情况：发了什么、何时、哪些失败", "Per unit: which reminders were sent, when, and what failed"),
  options: { period: { type: "string" }, plan: { type: "string" } },
  async run(ctx) {
    const { prisma, plan: p } = await plan(ctx);
    let period: number | undefined;
    const text = ctx.values.period as string | undefined;
    if (text) {
      const clock = systemClock(p.timeZone);
      const r = parsePeriod(text, { now: clock.now(), timeZone: clock.timeZone, openPeriod: clock.openPeriod() });
      if (!r.ok) throw new UsageError(w(`看不懂月份「${text}」，请写成 2026-10 或 2026年10月`, `cannot read the month "${text}"`));
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
      claimedAt: isoInZone(r.claimedAt, p.timeZone),
      sentAt: r.sentAt ? isoInZone(r.sentAt, p.timeZone) : null,
      error: r.error,
    }));
    const zh = ctx.lang === "zh";
    ctx.print(data, () =>
      data.length
        ? data.map((d) => `${periodLabelFromKey(d.period, ctx.lang)} ${stepWords(d.step, ctx.lang)} ${d.unit === "专班群" && !zh ? "task force" : d.unit} ${zh ? recipientWords(d.platform, d.recipient) : `${platformWords(d.platform, ctx.lang)}:${d.recipient.replace(/^group:/u, "")}`} ${STATUS_WORDS[d.status]?.[ctx.lang] ?? d.status}${d.sentAt ? ` ${dateTimeWords(new Date(d.sentAt), p.timeZone, ctx.lang)}` : ""}${d.error ? `  ✗ ${d.error}` : ""}`)
        : [zh ? "还没有提醒记录" : "No reminders yet"],
    );
    return 0;
  },
};

export const calendarList: Command = {
  name: ["calendar", "list"],
  args: [],
  summary: w("列出管理员录入的节假日和调休日，并提示缺少哪一年的日历", "List admin-entered holidays and make-up days, and which years are missing"),
  options: {},
  async run(ctx) {
    const { prisma } = await ctx.db();
    const days = await calendarOverrides(prisma);
    const year = Number(wallClock(new Date(), "Asia/Shanghai").date.slice(0, 4));
    const missing = createWorkingCalendar({ overrides: days }).missingYears(year, year + 1);
    ctx.print({ days, missingYears: missing }, () => [
      ...days.map((d) => `${ctx.lang === "zh" ? dateWords(d.date, "zh") : d.date} ${d.workday ? (ctx.lang === "zh" ? "上班" : "working day") : ctx.lang === "zh" ? "放假" : "holiday"}${d.name ? ` ${d.name}` : ""}`),
      ...(missing.length ? [ctx.lang === "zh" ? `⚠ 缺少 ${missing.join("、")} 年的放假安排` : `⚠ Missing calendar for ${missing.join(", ")}`] : []),
    ]);
    return 0;
  },
};

export const calendarAdd: Command = {
  name: ["calendar", "add"],
  args: ["<YYYY-MM-DD[..YYYY-MM-DD]>", "<holiday|workday>", "[name]"],
  summary: w("录入放假或调休上班日（国务院公布次年安排后）", "Enter holidays or make-up working days (once the State Council publishes next year's calendar)"),
  help: w("例：duban calendar add 2027-10-01..2027-10-07 放假 国庆节\n例：duban calendar add 2027-09-26 上班 国庆调休", "e.g. duban calendar add 2027-10-01..2027-10-07 holiday 国庆节"),
  options: {},
  async run(ctx) {
    const [range, kind, ...nameParts] = ctx.positionals;
    if (!range || !kind) throw new UsageError(w("需要 <日期> 和 <放假|上班>", "need a date and holiday|workday"));
    const workday = /^(workday|上班|工作日)$/.test(kind) ? true : /^(holiday|放假|休息)$/.test(kind) ? false : undefined;
    if (workday === undefined) throw new UsageError(w(`第二个参数须为 放假 或 上班，填的是「${kind}」`, `second argument must be holiday or workday, got ${kind}`));
    const [from, to = from] = range.split("..");
    if (!from || !isCivilDate(from) || !to || !isCivilDate(to) || to < from) {
      throw new UsageError(w(`日期应写成「2027-10-01」或「2027-10-01..2027-10-07」，填的是「${range}」`, `dates must look like 2027-10-01 or 2027-10-01..2027-10-07, got ${range}`));
    }
    const days = [];
    for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
      days.push({ date: d.toISOString().slice(0, 10), workday, ...(nameParts.length ? { name: nameParts.join(" ") } : {}) });
      if (days.length > 366) throw new UsageError(w("一次最多录入 366 天", "at most 366 days at once"));
    }
    const { prisma } = await ctx.db();
    await putCalendarDays(prisma, days, ctx.actor);
    await writeAudit(prisma, { actor: ctx.actor, platform: "cli", action: "calendar.add", subject: range, rawInput: ["duban", "calendar", "add", ...ctx.positionals].join(" "), result: "ok", details: { days: days.length, workday } });
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
    if (!date || !isCivilDate(date)) throw new UsageError(w("需要日期，写成「2027-09-26」", "need a date YYYY-MM-DD"));
    const { prisma } = await ctx.db();
    if (!(await removeCalendarDay(prisma, date))) throw new CliError(w(`${dateWords(date, "zh")} 没有录入`, `${date} was not entered`));
    await writeAudit(prisma, { actor: ctx.actor, platform: "cli", action: "calendar.remove", subject: date, result: "ok" });
    ctx.print({ removed: date }, () => [ctx.lang === "zh" ? `已删除 ${dateWords(date, "zh")}` : `Removed ${date}`]);
    return 0;
  },
};
