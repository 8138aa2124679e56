import { planName } from "../src/domain/obligations/obligations.js";
import { exampleReport } from "../src/domain/report/example.js";
import { chatUserWords } from "../src/i18n/platform-words.js";
import { periodLabel } from "../src/i18n/report-words.js";
import type { HandlerContext } from "./context.js";
import type { Reply } from "./types.js";

/** 帮助: the commands, with examples built from the user's own indicators; says so when the unit's plans have ended. */
export function handleHelp(ctx: HandlerContext): Reply {
  const { lang, actor } = ctx;
  const obligations = ctx.obligations ?? [];
  const owing = obligations.filter((o) => o.owes);
  const owed = owing.flatMap((o) => o.indicators);
  const period = ctx.clock.openPeriod();
  const zh = lang === "zh";
  const lines = zh
    ? [
        "- **上报** [月份] 指标 数值单位 … 进展：… 问题：… 计划：…",
        "- **修改** [月份] 指标 数值单位 原因：…（更正已报数据，保留历史；过了截止日改数必须写原因）",
        "- **查询** [月份]：本单位该月已报、未报",
        "- **我的任务**：牵头的工作事项和需报指标",
        "- **帮助**",
        "月份可写 2026年10月、2026-10、10月、上月；不写则为当前填报月。指标可用名称、别名或编号，简体繁体均可。",
        "数值按指标的口径报：累计类写当年1月至本月的累计数（如「1-10月累计 480家」），也可写「本月新增 50家」，系统会换算并在回复中写明。",
      ]
    : [
        "- **report** [month] indicator value+unit … progress: … problems: … next: …",
        "- **correct** [month] indicator value+unit reason: … (keeps the history; after the due date a change needs a reason)",
        "- **status** [month]: what your unit has and has not reported",
        "- **tasks**: the work items you lead and the indicators you owe",
        "- **help**",
        "Month: 2026-10, 10月, last month; default: the month open for reporting. Indicators by name, alias or code.",
        "Figures follow the indicator's basis: totals year to date (1-10月累计 480), or 本月新增 50 for this month's own figure; the reply shows the conversion.",
      ];
  if (obligations.length && !owing.length) {
    for (const o of obligations) {
      if (o.position === "after") lines.push(zh ? `注意：《${planName(o.plan)}》已于${periodLabel(o.plan.span.end, lang)}结束，不再催报；历史数据仍可查询。` : `Note: "${planName(o.plan)}" ended with ${periodLabel(o.plan.span.end, lang)}; nothing is chased any more, its history stays readable.`);
      if (o.position === "before") lines.push(zh ? `注意：《${planName(o.plan)}》自${periodLabel(o.plan.span.start, lang)}起报送。` : `Note: "${planName(o.plan)}" is reported from ${periodLabel(o.plan.span.start, lang)}.`);
    }
  }
  if (owing.length > 1) {
    lines.push(zh ? `本单位同时在 ${owing.length} 个方案中报送：${owing.map((o) => `《${planName(o.plan)}》`).join("、")}；同名指标请在前面写方案简称，如「上报 ${planName(owing[1]!.plan)} …」。` : `Your unit reports in ${owing.length} plans; name the plan before an indicator both have.`);
  }
  if (actor.isAdmin || actor.isTaskforce) {
    lines.push(
      zh
        ? "- 专班、管理员：**排名 说明** 单位 [季度]（如 排名 说明 义乌市 2026年第三季度）；**排名 月报** [月份]"
        : "- Task force, admins: **ranking explain** unit [quarter] (e.g. ranking explain 义乌市 2026Q3); **ranking digest** [month]",
    );
  }
  if (actor.isAdmin) {
    lines.push(zh ? "- 管理员：**绑定** 用户ID 单位 [联络员|专班|管理员]；**解绑** 用户ID [单位]" : "- Admins: **bind** user-id unit [liaison|taskforce|admin]; **unbind** user-id [unit]");
    lines.push(zh ? "- 管理员：**设置** 查看提醒安排；**设置** 项 值 修改（如 设置 截止日 第5个工作日）" : "- Admins: **set** shows the reminder schedule; **set** key value changes it (e.g. set due 5)");
  }
  if (!actor.liaisonOf.length && !actor.isAdmin && !actor.isTaskforce) {
    lines.push(zh ? `您还没有登记。请把您的用户ID发给管理员：${chatUserWords(actor, lang)}` : `You are not registered yet. Give your admin your user id: ${chatUserWords(actor, lang)}`);
  }
  return {
    status: "info",
    title: zh ? "督办 使用说明" : "Duban: how to use",
    lines,
    example: owed.length ? exampleReport(owed, period, { mode: "report", lang }) : undefined,
  };
}
