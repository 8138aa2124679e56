import { defaultPlanOf, findPlanByName, planName, spanPosition, type PlanRef } from "../domain/obligations/obligations.js";
import { toSimplified } from "../domain/plan/script.js";
import { currentPeriod } from "../domain/report/parse-period.js";
import { addMonths } from "../domain/report/types.js";
import { w } from "../i18n/lang.js";
import { spanWords } from "../i18n/time-words.js";
import { loadPlanRefs } from "../persistence/plan-facts.js";
import { CliError, type CommandContext } from "./command.js";

/** `--plan <code|简称|标题>` on every command that works on one plan. */
export const PLAN_OPTION = { plan: { type: "string" as const } };

/**
 * The plan a command acts on: `--plan` (code, short name or title, either script), else the
 * only plan, else the only one in progress; otherwise a clear error listing them.
 */
export async function resolvePlan(ctx: CommandContext): Promise<PlanRef> {
  const { prisma } = await ctx.db();
  const plans = await loadPlanRefs(prisma);
  if (!plans.length) throw new CliError(w("数据库里还没有方案。先导入：duban plan import <文件>", "No plan in the database yet. Import one: duban plan import <file>"));
  const asked = ctx.values.plan as string | undefined;
  if (asked) {
    const p = findPlanByName(plans, asked) ?? findPlanByName(plans, toSimplified(asked));
    if (!p) throw new CliError(w(`没有方案「${asked}」。现有方案：\n${listing(plans, "zh")}`, `No plan "${asked}". Plans:\n${listing(plans, "en")}`), { error: "unknown_plan", plans: plans.map((x) => x.code) });
    return p;
  }
  const open = addMonths(currentPeriod(new Date(), plans[0]!.timeZone), -1);
  const p = defaultPlanOf(plans, open);
  if (!p) {
    throw new CliError(
      w(`有多个方案，请用 --plan 指明：\n${listing(plans, "zh")}`, `Several plans: name one with --plan:\n${listing(plans, "en")}`),
      { error: "plan_required", plans: plans.map((x) => x.code) },
    );
  }
  return p;
}

function listing(plans: PlanRef[], lang: "zh" | "en"): string {
  const now = addMonths(currentPeriod(new Date(), plans[0]?.timeZone ?? "Asia/Shanghai"), -1);
  const state = (p: PlanRef) => {
    const pos = spanPosition(p.span, now);
    if (lang === "zh") return pos === "within" ? "进行中" : pos === "after" ? "已结束" : "未开始";
    return pos === "within" ? "in progress" : pos === "after" ? "ended" : "not started";
  };
  return plans.map((p) => `  ${p.code}  ${planName(p)}（${spanWords(p.span, lang)}，${state(p)}）`).join("\n");
}
