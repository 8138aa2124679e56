import { formatQuarter, quarterOf, addQuarters } from "../src/domain/ranking/periods.js";
import { toSimplified } from "../src/domain/plan/script.js";
import { parsePeriod } from "../src/domain/report/parse-period.js";
import { dayOf, explainLines, windowLabel } from "../src/i18n/ranking-words.js";
import type { HandlerContext } from "./context.js";
import { findPlanByName, planName } from "../src/domain/obligations/obligations.js";
import { choosePlan } from "./settings.js";
import type { Reply } from "./types.js";

/**
 * 排名 (task force and admins): `排名 说明 义乌市 [2026Q3]` / `ranking explain
 * <unit> [quarter]` shows how the unit's score is computed, indicator by
 * indicator, so every number of a briefing can be checked by hand.
 * `排名 月报 [2026-10]` / `ranking digest [period]` shows the monthly digest as it
 * stands now (default: the period open for reporting), to the asker only: the
 * group gets it once, from the scheduler or `duban digest post`.
 */
const EXPLAIN = /^(?:说明|解释|explain)$/i;
const DIGEST = /^(?:月报|digest)$/i;

export async function handleRanking(args: string, ctx: HandlerContext): Promise<Reply> {
  const { lang, store, actor, clock } = ctx;
  const zh = lang === "zh";
  if (!actor.isAdmin && !actor.isTaskforce) {
    return { status: "denied", title: zh ? "只有专班和管理员可以查看排名说明" : "Only the task force and admins can see ranking explanations", lines: [] };
  }
  const words = args.trim().split(/\s+/).filter(Boolean);
  // Each plan has its own ranking: with several plans in progress one is named first (排名 示例 说明 义乌市).
  const plans = await store.plans();
  let plan = words[0] ? findPlanByName(plans, toSimplified(words[0])) : null;
  if (plan) words.shift();
  else plan = ctx.plan ?? (await store.defaultPlan());
  if (!plan) return { ...choosePlan(plans, lang), example: zh ? `排名 ${planName(plans[plans.length - 1]!)} 说明 义乌市` : "ranking <plan> explain 义乌市" };
  const [verb, unit, ...rest] = words;
  if (verb && DIGEST.test(toSimplified(verb))) return digest(words.slice(1).join(" "), ctx, plan.id);
  if (!verb || !EXPLAIN.test(toSimplified(verb)) || !unit) {
    return {
      status: "error",
      title: zh ? "请写明要说明哪个单位，或要看哪个月的月报" : "Name the unit to explain, or ask for a month's digest",
      lines: [zh ? "月报：排名 月报 2026年10月" : "digest: ranking digest 2026-10"],
      example: zh ? "排名 说明 义乌市 2026年第三季度" : "ranking explain 义乌市 2026Q3",
    };
  }
  const quarter = rest.length ? rest.join(" ") : formatQuarter(defaultQuarter(clock.openPeriod()));
  const r = await store.explainRanking(unit, quarter, plan.id);
  if (!r.ok) {
    const title =
      r.problem === "unknown_unit"
        ? zh ? `没有找到单位「${unit}」` : `No unit "${unit}"`
        : r.problem === "bad_window"
          ? zh ? `看不懂期间「${quarter}」，请写成2026年第三季度、2026年或2026年10月` : `Cannot read the period "${quarter}"; write 2026Q3, 2026 or 2026-10`
          : zh ? `${r.unit ?? unit} 不参与排名` : `${r.unit ?? unit} is not in any ranking`;
    return { status: "error", title, lines: [], example: zh ? "排名 说明 义乌市 2026年第三季度" : "ranking explain 义乌市 2026Q3" };
  }
  const e = r.explanation;
  const lines = explainLines(e, lang);
  if (r.published && (r.published.rank !== e.rank || r.published.total !== e.total)) {
    const day = dayOf(r.published.at, e.timeZone, lang);
    lines.unshift(
      zh
        ? `⚠ ${day}发布的通报为${r.published.rank === null ? "未排名" : `第${r.published.rank}名`}、${r.published.total ?? "—"}分；此后数据有更正，以下为按当前数据的计算`
        : `⚠ The briefing published on ${day} had rank ${r.published.rank ?? "—"}, total ${r.published.total ?? "—"}; data were corrected since, below is today's computation`,
    );
  }
  const when = windowLabel(e.window, lang);
  return { status: "info", title: zh ? `${e.name} ${when}排名计算说明` : `${e.name} ${when}: how the score is computed`, lines };
}

async function digest(periodText: string, ctx: HandlerContext, planId: number): Promise<Reply> {
  const { lang, store, clock } = ctx;
  const zh = lang === "zh";
  const p = parsePeriod(periodText, { now: clock.now(), timeZone: clock.timeZone, openPeriod: clock.openPeriod() });
  if (!p.ok) {
    return {
      status: "error",
      title: zh ? `看不懂月份「${periodText}」` : `Cannot read the month "${periodText}"`,
      lines: [],
      example: zh ? "排名 月报 2026年10月" : "ranking digest 2026-10",
    };
  }
  const d = await store.monthlyDigest(p.period, lang, planId);
  if (d.owed === 0) {
    // Outside the plan's span the digest's one line says so; inside it nobody owed anything.
    const lines = d.lines.length ? d.lines : [zh ? "这个月没有单位需要上报" : "No unit owed a report this month"];
    return { status: "info", title: d.title, lines };
  }
  return { status: "info", title: d.title, lines: d.lines };
}

/** The last quarter whose months are all open for reporting or past (October open → Q3). */
function defaultQuarter(open: { year: number; month: number }) {
  const q = quarterOf(open);
  return open.month % 3 === 0 ? q : addQuarters(q, -1);
}
