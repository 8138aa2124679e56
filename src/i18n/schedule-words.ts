import type { ExpectedForm, SettingKey, SettingProblem } from "../domain/schedule/schedule-config.js";
import type { Lang } from "./lang.js";

/** Schedule setting problems in words, with an example of a correct value. */

const EXPECTED: Record<ExpectedForm, Record<Lang, string>> = {
  day_or_workday: { zh: "日期（如 5）或第几个工作日（如 第5个工作日）", en: "a day (5) or a working day (workday 5)" },
  day: { zh: "每月几号，如 1", en: "a day of the month, e.g. 1" },
  workdays: { zh: "工作日数，如 2", en: "a number of working days, e.g. 2" },
  repeat: { zh: "如 每2个工作日，或 每2个工作日最多3次，或 关", en: "e.g. 2, or 2 max 3, or off" },
  time_range: { zh: "时段，如 20:00-08:00，或 关", en: "a time range like 20:00-08:00, or off" },
  time: { zh: "时间，如 09:00", en: "a time like 09:00" },
  platform_id: { zh: "平台和群ID，如 钉钉 cidXXXX 或 Slack C0123", en: "a platform and group id, e.g. slack C0123 or dingtalk cidXXXX" },
  on_off: { zh: "开 或 关", en: "on or off" },
  hours: { zh: "小时数，如 24", en: "a number of hours, e.g. 24" },
};

/**
 * Each setting by the name an admin types (设置 截止日 5); English keeps the key. The
 * Chinese names are aliases settingKey() reads back (schedule-config.ts).
 */
export const SETTING_NAMES: Record<SettingKey, Record<Lang, string>> = {
  due: { zh: "截止日", en: "due" },
  opens: { zh: "开始日", en: "opens" },
  before: { zh: "提前", en: "before" },
  repeat: { zh: "重复", en: "repeat" },
  quiet: { zh: "免打扰", en: "quiet" },
  sendAt: { zh: "发送时间", en: "sendAt" },
  taskforce: { zh: "专班群", en: "taskforce" },
  rollForward: { zh: "顺延", en: "rollForward" },
  catchUp: { zh: "补发时限", en: "catchUp" },
};

export function settingName(key: SettingKey, lang: Lang): string {
  return SETTING_NAMES[key][lang];
}

export function settingProblemText(p: SettingProblem, lang: Lang): string {
  const zh = lang === "zh";
  switch (p.code) {
    case "unknown_key":
      return zh
        ? `没有「${p.key}」这项设置；可设置：${p.known.map((k) => settingName(k, lang)).join("、")}`
        : `No setting "${p.key}"; settings: ${p.known.join(", ")}`;
    case "bad_value":
      return zh ? `「${p.value}」不是有效的${settingName(p.key, lang)}；应为${EXPECTED[p.expected].zh}` : `"${p.value}" is not a valid ${p.key}; expected ${EXPECTED[p.expected].en}`;
    case "out_of_range":
      return zh ? `${settingName(p.key, lang)}须在 ${p.min} 到 ${p.max} 之间（填的是 ${p.value}）` : `${p.key} must be between ${p.min} and ${p.max} (got ${p.value})`;
    case "unknown_platform":
      return zh ? `不认识平台「${p.value}」，应为 Slack 或 钉钉` : `Unknown platform "${p.value}": slack or dingtalk`;
    default:
      return conflictText(p, lang);
  }
}

function conflictText(p: Exclude<SettingProblem, { code: "unknown_key" | "bad_value" | "out_of_range" | "unknown_platform" }>, lang: Lang): string {
  const zh = lang === "zh";
  if (p.code === "opens_not_before_due") return zh ? "开始填报日必须早于截止日" : "The window must open before the due date";
  return zh ? "至少要提醒一类单位（牵头单位或分解到的县（市、区））" : "At least one kind of unit must be reminded (lead units or counties with shares)";
}

/** A reminder step in words: 开始填报通知, 截止前提醒, 截止日提醒, 第2次逾期通报; digest and briefing posts too. */
export function stepWords(step: string, lang: Lang): string {
  const zh = lang === "zh";
  const esc = /^escalation_(\d+)$/u.exec(step);
  if (esc) return zh ? `第${esc[1]}次逾期通报` : `escalation ${esc[1]}`;
  switch (step) {
    case "opening":
      return zh ? "开始填报通知" : "opening notice";
    case "before_due":
      return zh ? "截止前提醒" : "reminder before the due date";
    case "due_day":
      return zh ? "截止日提醒" : "due-day reminder";
    case "digest":
      return zh ? "月度监测通报" : "monthly digest";
    default: {
      const b = /^briefing:([^:]+):(\w+)$/u.exec(step);
      if (!b) return step;
      const annual = /^\d{4}$/u.test(b[1]!);
      const kind = b[2] === "county" ? (zh ? "县（市、区）" : "counties") : zh ? "牵头部门" : "lead departments";
      return zh ? `${annual ? "年度考核" : "季度通报"}（${kind}）` : `${annual ? "annual assessment" : "quarterly briefing"} (${kind})`;
    }
  }
}

/** Who a step goes to. */
export function audienceWords(audience: string, lang: Lang): string {
  return audience === "unit" ? (lang === "zh" ? "各单位联络员" : "unit liaisons") : lang === "zh" ? "专班群" : "task-force group";
}
