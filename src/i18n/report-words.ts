import type { IndicatorBrief, Period, Problem } from "../domain/report/types.js";
import type { Lang } from "./lang.js";
import { spanWords } from "./time-words.js";

/** Problem codes from the report grammar and validation, in words a liaison understands. */

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function periodLabel(p: Period, lang: Lang): string {
  return lang === "zh" ? `${p.year}年${p.month}月` : `${EN_MONTHS[p.month - 1]} ${p.year}`;
}

export function periodLabelFromKey(key: number, lang: Lang): string {
  return periodLabel({ year: Math.floor(key / 100), month: key % 100 }, lang);
}

const ind = (i: IndicatorBrief) => `${i.name}（${i.code}）`;
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });
const fmt = (n: number) => NUMBER.format(n);
const names = (xs: IndicatorBrief[]) => xs.map(ind).join("、");

export function problemText(p: Problem, lang: Lang): string {
  const zh = lang === "zh";
  switch (p.code) {
    case "unknown_command":
      return zh
        ? `看不懂命令「${p.raw}」${p.suggestion === "report" ? "，如果是上报，请以「上报」开头" : ""}`
        : `Unknown command "${p.raw}"${p.suggestion === "report" ? `; to report, start with "report" (上报)` : ""}`;
    case "unknown_indicator":
      return zh
        ? `没有找到指标「${p.raw}」${p.suggestions.length ? `，是不是：${names(p.suggestions)}？` : "，发送「我的任务」查看本单位的指标"}`
        : `No indicator "${p.raw}"${p.suggestions.length ? `. Did you mean: ${names(p.suggestions)}?` : `. Send "tasks" to see your unit's indicators`}`;
    case "ambiguous_indicator":
      return zh ? `「${p.raw}」可指多个指标：${names(p.candidates)}，请写全名或编号` : `"${p.raw}" matches several indicators: ${names(p.candidates)}; use the full name or the code`;
    case "missing_indicator":
      return zh ? `数值「${p.raw}」前面没有写指标名` : `The value "${p.raw}" has no indicator before it`;
    case "missing_value":
      return zh ? `${ind(p.indicator)} 没有填数值` : `${ind(p.indicator)} has no value`;
    case "missing_unit":
      return zh
        ? `${ind(p.indicator)} 的数值「${p.raw}」要带单位，如「${p.raw}${p.expectedUnit}」`
        : `${ind(p.indicator)}: "${p.raw}" needs a unit, e.g. "${p.raw}${p.expectedUnit}"`;
    case "wrong_unit":
      return zh
        ? `${ind(p.indicator)} 的单位是「${p.expectedUnit}」，不能用「${p.givenUnit}」`
        : `${ind(p.indicator)} is measured in ${p.expectedUnit}, not ${p.givenUnit}`;
    case "bad_number":
      return zh ? `「${p.raw}」不是有效的数值${p.indicator ? `（${ind(p.indicator)}）` : ""}` : `"${p.raw}" is not a valid number${p.indicator ? ` (${ind(p.indicator)})` : ""}`;
    case "bad_period":
      return zh ? `看不懂月份「${p.raw}」，请写成 2026年10月 或 2026-10` : `Cannot read the month "${p.raw}"; write 2026-10`;
    case "period_in_future":
      return zh
        ? `${periodLabel(p.period, lang)} 还没到，现在是 ${periodLabel(p.current, lang)}`
        : `${periodLabel(p.period, lang)} is in the future (it is ${periodLabel(p.current, lang)} now)`;
    case "duplicate_indicator":
      return zh ? `${ind(p.indicator)} 在一条消息里出现了两次` : `${ind(p.indicator)} appears twice in one message`;
    case "missing_reason":
      return zh ? "修改数据必须写明原因，如「原因：统计口径调整」" : `A correction needs a reason, e.g. "reason: figures revised by the statistics bureau"`;
    case "empty_report":
      return zh ? "没有数值，也没有进展情况" : "No values and no narrative";
    case "missing_argument":
      return zh
        ? `${p.command === "bind" ? "绑定" : "解绑"}缺少${p.argument === "userId" ? "用户ID" : "单位"}`
        : `${p.command} needs ${p.argument === "userId" ? "a user id" : "a unit"}`;
    case "too_many_problems":
      return zh ? `还有 ${p.omitted} 处问题未列出` : `${p.omitted} more problem(s) not listed`;
    case "period_closed":
      return zh
        ? `${p.period ? periodLabel(p.period, lang) : "该月"} 已关闭，不能再上报或修改；如确需修改请联系管理员`
        : `${p.period ? periodLabel(p.period, lang) : "That month"} is closed for reporting; ask an admin if a change is needed`;
    case "share_over_100":
      return zh ? `${ind(p.indicator)} 是比例，不能超过 100%（填的是 ${p.value}%）` : `${ind(p.indicator)} is a share and cannot exceed 100% (got ${p.value}%)`;
    case "outside_plan": {
      const list = p.plans.map((x) =>
        zh
          ? `《${x.name}》${x.position === "after" ? `已于${periodLabel(x.end, lang)}结束` : `自${periodLabel(x.start, lang)}开始报送`}（实施期${spanWords({ start: x.start, end: x.end }, lang)}）`
          : `"${x.name}" ${x.position === "after" ? `ended with ${periodLabel(x.end, lang)}` : `starts with ${periodLabel(x.start, lang)}`} (${spanWords({ start: x.start, end: x.end }, lang)})`,
      );
      return zh
        ? `${periodLabel(p.period, lang)}不在本单位任何方案的实施期内，不能上报：${list.join("；")}`
        : `${periodLabel(p.period, lang)} is outside every plan your unit reports in: ${list.join("; ")}`;
    }
    case "ambiguous_plan":
      return zh
        ? `「${p.raw}」在多个方案中都有（${p.plans.map((x) => `《${x}》`).join("、")}），请在指标前写明方案，如「上报 ${p.plans[0]} ${p.raw} …」`
        : `"${p.raw}" is in several plans (${p.plans.join(", ")}); name the plan first, e.g. "report ${p.plans[0]} ${p.raw} …"`;
    case "ytd_decreased":
      return zh
        ? `${ind(p.indicator)} 按当年累计数报送，${periodLabel(p.neighbour.period, lang)}已累计 ${fmt(p.neighbour.value)}${p.indicator.unit}，${p.side === "earlier" ? "之后的累计数不会更少" : "之前月份的累计数不会更多"}（填的是 ${fmt(p.value)}${p.indicator.unit}）。${p.side === "earlier" ? `如果 ${fmt(p.value)}${p.indicator.unit} 是本月新增数，请写「${p.indicator.name} 本月新增 ${fmt(p.value)}${p.indicator.unit}」，系统会加上此前累计；` : ""}如确需更正累计数，请用「修改」并写明原因`
        : `${ind(p.indicator)} is a year-to-date total: ${periodLabel(p.neighbour.period, lang)} already stands at ${fmt(p.neighbour.value)}${p.indicator.unit}, so ${fmt(p.value)} ${p.side === "earlier" ? "cannot be less" : "cannot be more"}.${p.side === "earlier" ? ` If ${fmt(p.value)} is this month's own figure, write "${p.indicator.name} 本月新增 ${fmt(p.value)}${p.indicator.unit}" and it is added to the total;` : ""} to revise the total, use "correct" with a reason`;
    case "basis_needs_months": {
      const months = p.missing.map((m) => periodLabel(m, lang)).join(zh ? "、" : ", ");
      return p.stated === "month"
        ? zh
          ? `${ind(p.indicator)} 按1月至当月的累计数报送；写的是本月新增数，但还没有${months}的累计数，无法换算。请直接报${p.missing[0] ? `1—${p.missing[0].month + 1}月` : "当年"}累计数，如「${p.indicator.name} 累计 …${p.indicator.unit}」`
          : `${ind(p.indicator)} is reported year to date; "this month" needs ${months}'s year-to-date figure, which is missing. Send the year-to-date total instead`
        : zh
          ? `${ind(p.indicator)} 按当月数报送；写的是累计数，但${months}还没有报数，无法换算出本月数。请直接报本月新增数`
          : `${ind(p.indicator)} is reported month by month; a year-to-date figure needs ${months}, which are missing. Send this month's figure instead`;
    }
    case "basis_period_mismatch":
      return zh
        ? `${ind(p.indicator)} 写的是1—${p.through}月累计，但上报的是${periodLabel(p.period, lang)}；请写1—${p.period.month}月累计，或写明月份「上报 ${p.period.year}年${p.through}月 …」`
        : `${ind(p.indicator)} says Jan–${p.through} but the report is for ${periodLabel(p.period, lang)}`;
    case "late_change_needs_reason":
      return zh
        ? `已过报送截止日（${p.due}），更改已报数据需说明原因：${p.changes.map((c) => `${c.indicator.name} ${fmt(c.from)}→${fmt(c.to)}${c.indicator.unit}`).join("、")}。请用「修改 … 原因：…」`
        : `The due date (${p.due}) has passed: changing a reported figure needs a reason (${p.changes.map((c) => `${c.indicator.name} ${fmt(c.from)}→${fmt(c.to)}`).join(", ")}). Use "correct … reason: …"`;
    case "cumulative_decreased":
      if (p.rule === "negative_total") {
        return zh ? `${ind(p.indicator)} 是累计数，不能为负（${p.value}${p.indicator.unit}）` : `${ind(p.indicator)} is a year-to-date total and cannot be negative (${p.value}${p.indicator.unit})`;
      }
      return p.rule === "negative_increment"
        ? zh
          ? `${ind(p.indicator)} 填的是本月新增数，不能为负（${p.value}${p.indicator.unit}）`
          : `${ind(p.indicator)} is this month's increase and cannot be negative (${p.value}${p.indicator.unit})`
        : zh
          ? `${ind(p.indicator)} 是总量，不应比上次（${p.previous ? `${periodLabel(p.previous.period, lang)} ` : ""}${p.previous ? fmt(p.previous.value) : ""}${p.indicator.unit}）还少；如确有减少请用「修改」并写明原因`
          : `${ind(p.indicator)} is a total and should not fall below the last figure (${p.previous?.value ?? ""}${p.indicator.unit}); if it really fell, use "correct" with a reason`;
  }
}

/** The indicator a problem is about, for form field errors. */
export function problemIndicatorCode(p: Problem): string | undefined {
  if ("indicator" in p && p.indicator) return p.indicator.code;
  return undefined;
}

export const ROLE_WORDS: Record<"liaison" | "taskforce" | "admin", Record<Lang, string>> = {
  liaison: { zh: "联络员", en: "liaison" },
  taskforce: { zh: "专班", en: "task-force" },
  admin: { zh: "管理员", en: "admin" },
};
