import { hostname } from "node:os";
import { w } from "../../i18n/lang.js";
import { resolvePlan } from "../plan-option.js";
import { plainLines } from "../plain-text.js";
import { buildBriefingPosters } from "../../reminders/build-briefing-posters.js";
import { digestPeriod, prepareDigest } from "../../services/monthly-digest.js";
import { postDigest } from "../../services/post-digest.js";
import { UsageError, type Command, type CommandContext } from "../command.js";
import { targetName, targetStatusText } from "./rankings.js";

/** `duban digest show|post`: the monthly digest (月度监测) from the command line. */

/** --plan, else the only plan, else the only one in progress (plan-option.ts). */
async function planOf(ctx: CommandContext) {
  return resolvePlan(ctx);
}

function periodArg(ctx: CommandContext) {
  const text = ctx.values.period as string | undefined;
  if (!text) throw new UsageError(w("需要 --period，例如 --period 2026年10月", "need --period, e.g. --period 2026-10"));
  try {
    return digestPeriod(text);
  } catch {
    throw new UsageError(w(`看不懂月份「${text}」，请写成 2026-10 或 2026年10月`, `cannot read the month "${text}"; write 2026-10`));
  }
}

const common = { period: { type: "string" as const }, plan: { type: "string" as const } };
const HELP = w(
  "  --period 2026年10月（月份，也可写 2026-10；按当前数据计算）\n  专班群设置：duban schedule set 专班群 \"钉钉 cidXXXX\"",
  "  --period 2026-10 (the month; computed from today's data)\n  Task-force groups: duban schedule set taskforce \"slack C0123\"",
);

export const digestShow: Command = {
  name: ["digest", "show"],
  args: [],
  summary: w("显示月度监测简报（不发送）", "Show the monthly digest (posts nothing)"),
  help: HELP,
  options: common,
  async run(ctx) {
    const period = periodArg(ctx);
    const plan = await planOf(ctx);
    const { prisma } = await ctx.db();
    // The plan's own time zone (Plan.timeZone), not the server's TZ.
    const d = await prepareDigest(prisma, plan.id, period, { lang: ctx.lang });
    ctx.print(d, () => [d.title, ...plainLines(d.lines)]);
    return 0;
  },
};

export const digestPost: Command = {
  name: ["digest", "post"],
  args: [],
  summary: w("发送月度监测简报到专班群（每月每群只发一次）", "Post the monthly digest to the task-force group (once per month and group)"),
  help: w(
    `${HELP.zh}\n  --dry-run 只显示，不发送\n  --retry 重发上次失败或结果不明的专班群`,
    `${HELP.en}\n  --dry-run shows it and posts nothing\n  --retry posts again to groups whose last attempt failed or is uncertain`,
  ),
  options: { ...common, "dry-run": { type: "boolean" }, retry: { type: "boolean" } },
  async run(ctx) {
    const period = periodArg(ctx);
    const dryRun = ctx.values["dry-run"] === true;
    const plan = await planOf(ctx);
    const { prisma } = await ctx.db();
    const config = ctx.config();
    // Through the posters and the delivery ledger, as the bot's tick does: once per month and group.
    const r = await postDigest(
      { db: prisma, planId: plan.id, posters: dryRun ? {} : buildBriefingPosters(config), instanceId: `cli:${hostname()}:${process.pid}` },
      period,
      { lang: ctx.lang, dryRun, retry: ctx.values.retry === true },
    );
    const d = r.digest;
    const data = { status: r.status, period: r.period, targets: r.targets, message: [d.title, ...d.lines] };
    ctx.print(data, () => {
      const zh = ctx.lang === "zh";
      const to = r.targets.map((t) => targetName(t, ctx.lang)).join(zh ? "、" : ", ");
      const outside = d.position !== "within";
      const head = {
        posted: zh ? `已发送到${to}。` : `Posted to ${to}.`,
        no_group: zh ? "未配置专班群（或其平台未配置）：未发送，消息如下。" : "No task-force group on a configured platform: nothing posted; the message follows.",
        nothing_owed: outside ? (zh ? "该月不在方案报送期内：不发送。" : "The month is outside the plan: nothing to post.") : zh ? "该月没有单位应报：不发送。" : "No unit owed a report that month: nothing to post.",
        dry_run: zh ? "试运行：未发送。" : "Dry run: nothing posted.",
        incomplete: zh ? "尚未全部发送：" : "Not posted everywhere:",
      }[r.status];
      const perTarget = r.targets.map((t) => `  ${targetName(t, ctx.lang)}  ${targetStatusText(t.status, ctx.lang)}${t.error ? `  ${t.error}` : ""}`);
      return [head, ...perTarget, "", ...plainLines(data.message)];
    });
    return r.targets.some((t) => t.status === "failed") ? 1 : 0;
  },
};
