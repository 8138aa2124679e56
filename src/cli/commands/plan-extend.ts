import { planName } from "../../domain/obligations/obligations.js";
import { periodKey, type Period } from "../../domain/report/types.js";
import { w } from "../../i18n/lang.js";
import { periodLabel } from "../../i18n/report-words.js";
import { extendPlan } from "../../services/extend-plan.js";
import { CliError, UsageError, type Command } from "../command.js";
import { PLAN_OPTION, resolvePlan } from "../plan-option.js";

/** "2026-12", "2026年12月" → the month; null otherwise. */
function readMonth(text: string): Period | null {
  const m = /^\s*(\d{4})\s*(?:-|\/|年)\s*(\d{1,2})\s*月?\s*$/u.exec(text);
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : null;
}

export const planExtend: Command = {
  name: ["plan", "extend"],
  args: [],
  summary: w("延长（或缩短）方案的报送期：此后照常催报、通报", "Extend (or shorten) the months a plan is chased and scored in"),
  help: w(
    "  --to <2026-12>   新的最后一个报送月\n  --plan <代码>     有多个方案时必填\n  记入审计日志；不能缩短到已有月报的月份之前。",
    "  --to <2026-12>   the new last reporting month\n  --plan <code>    required when there are several plans\n  Audited; cannot end before a month that already holds reports.",
  ),
  options: { to: { type: "string" }, ...PLAN_OPTION },
  async run(ctx) {
    const toText = ctx.values.to as string | undefined;
    if (!toText) throw new UsageError(w("需要 --to <月份>，如 --to 2026-12", "need --to <month>, e.g. --to 2026-12"));
    const to = readMonth(toText);
    if (!to) throw new UsageError(w(`看不懂月份「${toText}」，请写成 2026-12`, `cannot read the month "${toText}"; write 2026-12`));
    const plan = await resolvePlan(ctx);
    const { prisma } = await ctx.db();
    const r = await extendPlan(prisma, plan.id, to, { actor: ctx.actor, platform: "cli", rawInput: `duban plan extend --to ${toText}` });
    if (!r.ok) {
      if (r.problem === "before_start") throw new CliError(w(`报送期不能在开始月（${periodLabel(r.start, "zh")}）之前结束`, `the span cannot end before it starts (${periodLabel(r.start, "en")})`), { error: r.problem });
      if (r.problem === "reports_after") {
        throw new CliError(w(`${periodLabel(r.latest, "zh")} 已有月报，报送期不能在其之前结束`, `${periodLabel(r.latest, "en")} already holds reports: the span cannot end before it`), { error: r.problem, latest: periodKey(r.latest) });
      }
      throw new CliError(w("没有这个方案", "No such plan"), { error: r.problem });
    }
    const data = { plan: r.code, from: periodKey(r.from), to: periodKey(r.to), previous: periodKey(r.previous), changed: r.changed };
    ctx.print(data, () =>
      r.changed
        ? [ctx.lang === "zh" ? `《${planName(plan)}》报送期改为 ${periodLabel(r.from, "zh")}—${periodLabel(r.to, "zh")}（原至${periodLabel(r.previous, "zh")}），已记入审计日志。` : `"${planName(plan)}" now runs ${periodLabel(r.from, "en")} – ${periodLabel(r.to, "en")} (was until ${periodLabel(r.previous, "en")}); audited.`]
        : [ctx.lang === "zh" ? `《${planName(plan)}》报送期本来就到${periodLabel(r.to, "zh")}，未改动。` : `"${planName(plan)}" already runs until ${periodLabel(r.to, "en")}; nothing changed.`],
    );
    return 0;
  },
};
