import { writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { dateTimeText, explainLines, kindLabel, score, unrankedText, windowLabel } from "../../i18n/ranking-words.js";
import { w } from "../../i18n/lang.js";
import type { RankingKind } from "../../domain/ranking/score.js";
import { resolvePlan } from "../plan-option.js";
import { plainLines } from "../plain-text.js";
import { toSimplified } from "../../domain/plan/script.js";
import { buildBriefingPosters } from "../../reminders/build-briefing-posters.js";
import { postBriefing, type TargetResult, type TargetStatus } from "../../services/post-briefing.js";
import type { Lang } from "../../i18n/lang.js";
import { computeWindow, explainRanking, parseWindow, prepareBriefing } from "../../services/rankings.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";

/**
 * `duban ranking compute|post|explain`, `duban export`: the quarterly briefing, and with --year the
 * annual assessment (年度考核), from the command line. The monthly digest is `duban digest` (./digest.ts).
 */

/** --plan, else the only plan, else the only one in progress (plan-option.ts). */
async function planOf(ctx: CommandContext) {
  return resolvePlan(ctx);
}

/**
 * The window: --quarter 2026Q3, or --year 2026 for the annual assessment (年度考核). --quarter
 * also takes what parseWindow reads (2026, 2026-10), as before; --year is the plain way to say a year.
 */
function quarterArg(ctx: CommandContext): string {
  const text = ctx.values.quarter as string | undefined;
  const year = ctx.values.year as string | undefined;
  if (text && year) throw new UsageError(w("--quarter 和 --year 只能用一个", "use --quarter or --year, not both"));
  if (year !== undefined) {
    if (!/^\d{4}$/u.test(year.trim())) throw new UsageError(w(`看不懂年份「${year}」，请写成 2026`, `cannot read the year "${year}"; write 2026`));
    return year.trim();
  }
  if (!text) throw new UsageError(w("需要 --quarter 或 --year，例如 --quarter 2026年第三季度、--year 2026", "need --quarter or --year, e.g. --quarter 2026Q3, --year 2026"));
  if (!parseWindow(text)) throw new UsageError(w(`看不懂「${text}」，请写成 2026年第三季度、2026年或2026年10月`, `cannot read "${text}"; write 2026Q3, 2026 or 2026-10`));
  return text;
}

/** --kind in either language: 县 / 县市区 / county, 部门 / 牵头部门 / department. */
const KINDS: Record<string, RankingKind> = { county: "county", 县: "county", 县市区: "county", "县（市、区）": "county", department: "department", 部门: "department", 牵头部门: "department" };

function kindArg(ctx: CommandContext): RankingKind {
  const k = toSimplified(((ctx.values.kind as string | undefined) ?? "county").trim());
  const kind = KINDS[k];
  if (!kind) throw new UsageError(w(`--kind 只能是 县（县市区，默认）或 部门（牵头部门），收到「${k}」`, `--kind must be county or department, got "${k}"`));
  return kind;
}

const common = { quarter: { type: "string" as const }, year: { type: "string" as const }, kind: { type: "string" as const }, plan: { type: "string" as const } };
const HELP = w(
  "  --quarter 2026年第三季度（写 2026年 为年度，2026年10月 为月份）  --year 2026 年度考核\n  --kind 县（县市区，默认）或 部门（牵头部门）",
  "  --quarter 2026Q3 (or 2026 for the year, 2026-10 for a month)  --year 2026 for the annual assessment (年度考核)\n  --kind county|department (default county)",
);

export const rankingCompute: Command = {
  name: ["ranking", "compute"],
  args: [],
  summary: w("计算排名（不保存）", "Compute a ranking (stores nothing)"),
  help: HELP,
  options: common,
  async run(ctx) {
    const window = quarterArg(ctx);
    const kind = kindArg(ctx);
    const plan = await planOf(ctx);
    const { prisma } = await ctx.db();
    // The plan's own time zone (Plan.timeZone), not the server's TZ.
    const { ranking } = await computeWindow(prisma, plan.id, window, kind);
    ctx.print(ranking, () => {
      const zh = ctx.lang === "zh";
      const lines = [`${windowLabel(ranking.window, ctx.lang)} ${kindLabel(kind, ctx.lang)}${zh ? "排名" : " ranking"}`];
      for (const u of ranking.ranked) {
        const mark = u.summoned ? (zh ? "  通报约谈" : "  summoned") : u.bottom ? (zh ? "  排名靠后" : "  bottom") : "";
        lines.push(`${String(u.rank).padStart(3)}  ${u.name}  ${score(u.total)}${mark}`);
      }
      for (const u of ranking.unranked) lines.push(zh ? `  —  ${u.name}（${unrankedText(u.unranked, ctx.lang)}）` : `  -  ${u.name} (${unrankedText(u.unranked, ctx.lang)})`);
      return lines;
    });
    return 0;
  },
};

export const rankingPost: Command = {
  name: ["ranking", "post"],
  args: [],
  summary: w("发布季度通报或年度考核（同一期只发布一次）", "Publish the quarterly briefing or the annual assessment (once per window)"),
  help: w(
    `${HELP.zh}\n  --dry-run 只显示，不保存\n  --retry 重发上次失败或结果不明的专班群`,
    `${HELP.en}\n  --dry-run shows it and stores nothing\n  --retry posts again to groups whose last attempt failed or is uncertain`,
  ),
  options: { ...common, "dry-run": { type: "boolean" }, retry: { type: "boolean" } },
  async run(ctx) {
    const window = quarterArg(ctx);
    const kind = kindArg(ctx);
    const dryRun = ctx.values["dry-run"] === true;
    const plan = await planOf(ctx);
    const { prisma } = await ctx.db();
    const config = ctx.config();
    // Through the briefing posters and the delivery ledger, as the bot's quarterly tick does.
    const r = await postBriefing(
      { db: prisma, planId: plan.id, posters: dryRun ? {} : buildBriefingPosters(config), instanceId: `cli:${hostname()}:${process.pid}` },
      window,
      kind,
      { lang: ctx.lang, dryRun, retry: ctx.values.retry === true },
    );
    const b = r.briefing;
    const status = r.status === "posted" ? "posted" : r.status === "published_without_platform" ? "published" : r.status === "incomplete" ? "draft" : r.status;
    const targets = r.targets.map((t) => `${t.platform}:${t.group}`);
    const data = {
      status,
      window: r.window,
      kind,
      snapshotId: r.snapshotId,
      publishedAt: r.publishedAt,
      targets: r.targets,
      wouldPost: { to: targets, message: [b.title, ...b.lines], chartBytes: b.chart.png.length, workbookBytes: b.workbook.length },
    };
    ctx.print(data, () => {
      const zh = ctx.lang === "zh";
      const at = data.publishedAt ? dateTimeText(data.publishedAt, b.ranking.timeZone, ctx.lang) : "";
      const groups = r.targets.map((t) => targetName(t, ctx.lang)).join(zh ? "、" : ", ");
      const head =
        status === "already_published"
          ? zh ? `${b.title}已于${at}发布，不再重复发布。` : `${b.title} was published on ${at}; nothing posted again.`
          : status === "dry_run"
            ? zh ? "试运行：未保存。" : "Dry run: nothing stored."
            : status === "published"
              ? zh ? "未配置专班群：已保存并冻结快照，消息如下。" : "No task-force group configured: snapshot stored and frozen; the message follows."
              : status === "posted"
                ? zh ? `已发送到${groups}，快照已冻结。` : `Posted to ${groups}; snapshot frozen.`
                : zh ? "已保存草稿快照，尚未全部发送：" : "Draft snapshot stored; not posted everywhere yet:";
      const perTarget = r.targets.map((t) => `  ${targetName(t, ctx.lang)}  ${targetStatusText(t.status, ctx.lang)}${t.error ? `  ${t.error}` : ""}`);
      const would = zh
        ? `消息${data.wouldPost.message.length}行，图表${data.wouldPost.chartBytes}字节，工作簿${data.wouldPost.workbookBytes}字节`
        : `A ${data.wouldPost.message.length}-line message, a ${data.wouldPost.chartBytes}-byte PNG chart, a ${data.wouldPost.workbookBytes}-byte workbook`;
      return [head, ...perTarget, would, "", ...plainLines(data.wouldPost.message)];
    });
    return r.targets.some((t) => t.status === "failed") ? 1 : 0;
  },
};

export const rankingExplain: Command = {
  name: ["ranking", "explain"],
  args: ["<unit>"],
  summary: w("逐项说明某单位的得分计算", "Show how a unit's score is computed, indicator by indicator"),
  help: HELP,
  options: { quarter: common.quarter, year: common.year, plan: common.plan },
  async run(ctx) {
    const unit = ctx.positionals[0];
    if (!unit) throw new UsageError(w("需要 <单位>", "need <unit>"));
    const window = quarterArg(ctx);
    const plan = await planOf(ctx);
    const { prisma } = await ctx.db();
    const r = await explainRanking(prisma, plan.id, unit, window);
    if (!r.ok) {
      const words =
        r.problem === "unknown_unit"
          ? w(`没有找到单位「${unit}」`, `No unit "${unit}"`)
          : w(`${r.unit ?? unit} 不参与排名`, `${r.unit ?? unit} is not in any ranking`);
      throw new CliError(words, { error: r.problem, unit });
    }
    ctx.print(r, () => [
      ctx.lang === "zh" ? `${r.explanation.name} ${windowLabel(r.explanation.window, ctx.lang)}排名计算说明` : `${r.explanation.name} ${windowLabel(r.explanation.window, ctx.lang)}: how the score is computed`,
      ...plainLines(explainLines(r.explanation, ctx.lang)),
    ]);
    return 0;
  },
};

export const exportCommand: Command = {
  name: ["export"],
  args: [],
  summary: w("导出通报工作簿（排名、分指标、原始数据）", "Export the briefing workbook (ranking, per indicator, raw data)"),
  help: w(`${HELP.zh}\n  --out 文件.xlsx`, `${HELP.en}\n  --out file.xlsx`),
  options: { ...common, out: { type: "string" } },
  async run(ctx) {
    const window = quarterArg(ctx);
    const kind = kindArg(ctx);
    const out = ctx.values.out as string | undefined;
    if (!out) throw new UsageError(w("需要 --out 文件.xlsx", "need --out file.xlsx"));
    const plan = await planOf(ctx);
    const { prisma } = await ctx.db();
    // Same source as the briefing: the frozen snapshot once published, else today's data.
    const b = await prepareBriefing(prisma, plan.id, window, kind, { lang: ctx.lang, persist: false });
    const path = resolve(ctx.cwd, out);
    await writeFile(path, b.workbook);
    ctx.print({ file: path, bytes: b.workbook.length, window: b.ranking.window.label, kind, frozen: b.alreadyPublished }, () => [
      ctx.lang === "zh" ? `已写入 ${path}（${b.workbook.length}字节）` : `Wrote ${path} (${b.workbook.length} bytes)`,
    ]);
    return 0;
  },
};

/** A task-force group as people name it: "钉钉群 cid…" / "Slack 群 C0123". */
export function targetName(t: Pick<TargetResult, "platform" | "group">, lang: Lang): string {
  if (lang === "zh") return `${t.platform === "dingtalk" ? "钉钉群" : "Slack群"} ${t.group}`;
  return `${t.platform === "dingtalk" ? "DingTalk" : "Slack"} group ${t.group}`;
}

/** A group post's outcome in words (the briefing's and the digest's). */
export function targetStatusText(status: TargetStatus, lang: Lang): string {
  const zh: Record<TargetStatus, string> = {
    sent: "已发送",
    already_sent: "此前已发送",
    failed: "发送失败",
    previously_failed: "此前发送失败或结果不明，加 --retry 重发",
    in_progress: "正在由其他进程发送",
    no_poster: "本机未配置该平台",
    would_post: "将发送",
  };
  const en: Record<TargetStatus, string> = {
    sent: "sent",
    already_sent: "already sent",
    failed: "failed",
    previously_failed: "failed or uncertain before; --retry to post again",
    in_progress: "being posted by another process",
    no_poster: "platform not configured here",
    would_post: "would post",
  };
  return (lang === "zh" ? zh : en)[status];
}
