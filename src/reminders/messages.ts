import type { Reply } from "../../handlers/types.js";
import type { CivilDate } from "../domain/calendar/civil-date.js";
import { civilParts, dayOfWeek } from "../domain/calendar/civil-date.js";
import type { Period } from "../domain/report/types.js";
import type { StepName } from "../domain/schedule/reminder-ladder.js";
import { periodLabel } from "../i18n/report-words.js";

/**
 * The words of each reminder step. Chinese: reminders go to officials who may
 * never have spoken to the bot, so there is no language preference to follow.
 * Reminders after the opening are the same for every unit (batchable: DingTalk
 * sends one message to 20 users per call); the opening notice is per unit.
 */

const WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];

export function dueLabel(date: CivilDate): string {
  const { year, month, day } = civilParts(date);
  return `${year}年${month}月${day}日（周${WEEKDAYS[dayOfWeek(date)]}）`;
}

const fillButton = (period: Period) => [
  { id: "open_report_form" as const, label: "填报", value: `${period.year}-${String(period.month).padStart(2, "0")}` },
];

export interface OwedLine {
  name: string;
  unit: string;
  last?: string;
  /** How it is reported: "1—N月累计" etc., shown so nobody sends a monthly figure for a total. */
  basis?: string;
}

/** 《示例》: said when several plans are in progress, or for the example plan (示例 everywhere it appears). */
export interface PlanLabel {
  name: string;
  show: boolean;
}

const inPlan = (plan: PlanLabel | undefined) => (plan?.show ? `《${plan.name}》` : "");

export function openingNotice(unitName: string, period: Period, due: CivilDate, owed: OwedLine[], workItems: number, plan?: PlanLabel): Reply {
  const lines = [`请于 **${dueLabel(due)}** 前报送 ${unitName} ${inPlan(plan)}${periodLabel(period, "zh")} 的月度情况。`];
  if (workItems) lines.push(`贵单位牵头工作事项 ${workItems} 项，请报送工作进展。`);
  if (owed.length) {
    lines.push(`需报指标 ${owed.length} 个：`);
    for (const o of owed) lines.push(`- ${o.name}（${o.unit}${o.basis ? `，${o.basis}` : ""}）${o.last ? `，上次 ${o.last}` : ""}`);
  } else {
    lines.push("本单位无需按月上报的量化指标，请报送进展情况。");
  }
  // The month is named: a notice sent early (before a holiday that moves the due date) arrives
  // while the previous month is still the default one.
  lines.push(`点「填报」，或直接回复：上报 ${periodLabel(period, "zh")} 指标 数值单位 … 进展：…`);
  return { status: "info", title: `【督办】${inPlan(plan)}${periodLabel(period, "zh")} 月报开始填报`, lines, actions: fillButton(period) };
}

/**
 * The reminders after the opening, worded by the day they actually go out (`sentOn`): a step sent
 * late after downtime must not say 今天截止 the day after the deadline.
 */
export function chaseNotice(step: StepName, period: Period, due: CivilDate, plan?: PlanLabel, sentOn?: CivilDate): Reply {
  const day = sentOn ?? (step === "due_day" ? due : "");
  const when = day === "" || day < due ? "before" : day === due ? "today" : "after";
  const label = `${inPlan(plan)}${periodLabel(period, "zh")} 月报`;
  const title = when === "today" ? `【督办】今天截止：${label}` : when === "after" ? `【督办】${label}已过截止日` : `【督办】${label}即将截止`;
  return {
    status: "info",
    title,
    lines: [
      when === "after"
        ? `贵单位 ${periodLabel(period, "zh")} 的月报尚未报齐，截止时间 **${dueLabel(due)}** 已过，请尽快报送。`
        : `贵单位 ${periodLabel(period, "zh")} 的月报尚未报齐，截止时间 **${dueLabel(due)}**。`,
      `回复「查询 ${periodLabel(period, "zh")}」查看缺项，或点「填报」。`,
    ],
    actions: fillButton(period),
  };
}

export interface MissingUnit {
  name: string;
  /** Owed items (indicators, and the narrative when owed) still missing, and how many are owed. */
  missing: number;
  owed: number;
  reported: boolean;
}

export function escalationNotice(period: Period, due: CivilDate, missing: MissingUnit[], total: number, plan?: PlanLabel): Reply {
  return {
    status: "info",
    title: `【督办】${inPlan(plan)}${periodLabel(period, "zh")} 月报逾期：${missing.length} 个单位（截止 ${dueLabel(due)}）`,
    lines: [
      `应报 ${total} 个单位，已报齐 ${total - missing.length} 个。尚未报齐：`,
      ...missing.map((m) => `- ${m.name}：${m.reported ? `缺 ${m.missing}/${m.owed} 项` : "未报送"}`),
    ],
  };
}
