import { exampleReport } from "../src/domain/report/example.js";
import type { HandlerContext } from "./context.js";
import type { Reply } from "./types.js";

/** 帮助: the commands, with examples built from the user's own indicators when bound. */
export function handleHelp(ctx: HandlerContext): Reply {
  const { lang, actor } = ctx;
  const owed = ctx.obligations?.indicators ?? [];
  const period = ctx.clock.openPeriod();
  const zh = lang === "zh";
  const lines = zh
    ? [
        "- **上报** [月份] 指标 数值单位 … 进展:… 问题:… 计划:…",
        "- **修改** [月份] 指标 数值单位 原因:…(更正已报数据,保留历史)",
        "- **查询** [月份]:本单位本月已报/未报",
        "- **我的任务**:牵头的工作事项和需报指标",
        "- **帮助**",
        "月份可写 2026年10月、2026-10、10月、上月;不写则为当前填报月。指标可用名称、别名或编号,简体繁体均可。",
      ]
    : [
        "- **report** [month] indicator value+unit … progress: … problems: … next: …",
        "- **correct** [month] indicator value+unit reason: … (keeps the history)",
        "- **status** [month]: what your unit has and has not reported",
        "- **tasks**: the work items you lead and the indicators you owe",
        "- **help**",
        "Month: 2026-10, 10月, last month; default: the month open for reporting. Indicators by name, alias or code.",
      ];
  if (actor.isAdmin || actor.isTaskforce) {
    lines.push(
      zh
        ? "- 专班、管理员:**排名 说明** 单位 [季度](如 排名 说明 义乌市 2026Q3);**排名 月报** [月份]"
        : "- Task force, admins: **ranking explain** unit [quarter] (e.g. ranking explain 义乌市 2026Q3); **ranking digest** [month]",
    );
  }
  if (actor.isAdmin) {
    lines.push(zh ? "- 管理员:**绑定** 用户ID 单位 [联络员|专班|管理员];**解绑** 用户ID [单位]" : "- Admins: **bind** user-id unit [liaison|taskforce|admin]; **unbind** user-id [unit]");
    lines.push(zh ? "- 管理员:**设置** 查看提醒安排;**设置** 项 值 修改(如 设置 截止日 第5个工作日)" : "- Admins: **set** shows the reminder schedule; **set** key value changes it (e.g. set due 5)");
  }
  if (!actor.liaisonOf.length && !actor.isAdmin && !actor.isTaskforce) {
    lines.push(zh ? `您还没有登记。请把您的用户ID发给管理员:${actor.platform} ${actor.userId}` : `You are not registered yet. Give your admin your user id: ${actor.platform} ${actor.userId}`);
  }
  return {
    status: "info",
    title: zh ? "督办 使用说明" : "Duban: how to use",
    lines,
    example: owed.length ? exampleReport(owed, period, { mode: "report", lang }) : undefined,
  };
}
