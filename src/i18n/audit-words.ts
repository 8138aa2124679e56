import { settingKey } from "../domain/schedule/schedule-config.js";
import type { Lang } from "./lang.js";
import { chatUserWords, platformWords } from "./platform-words.js";
import { periodLabelFromKey } from "./report-words.js";
import { settingName } from "./schedule-words.js";
import { dateWords } from "./time-words.js";
import { isCivilDate } from "../domain/calendar/civil-date.js";

/** Audit log actions and results in words; an unknown code is shown as it is. */

const ACTIONS: Record<string, { zh: string; en: string }> = {
  "plan.create": { zh: "导入方案", en: "plan imported" },
  "plan.revise": { zh: "修订方案", en: "plan revised" },
  "plan.extend": { zh: "调整报送期", en: "plan span changed" },
  "plan.split": { zh: "导入任务分解表", en: "task split imported" },
  "example.create": { zh: "生成示例方案", en: "example made" },
  "example.remove": { zh: "删除示例方案", en: "example removed" },
  "report.submit": { zh: "上报", en: "report" },
  "report.correct": { zh: "修改", en: "correction" },
  bind: { zh: "绑定", en: "bind" },
  unbind: { zh: "解绑", en: "unbind" },
  "schedule.set": { zh: "修改提醒设置", en: "schedule changed" },
  "calendar.add": { zh: "录入日历", en: "calendar days added" },
  "calendar.remove": { zh: "删除日历", en: "calendar day removed" },
  "period.close": { zh: "关闭填报", en: "month closed" },
  "period.open": { zh: "重新开放填报", en: "month reopened" },
  "ranking.publish": { zh: "发布通报", en: "briefing published" },
  "digest.post": { zh: "发送月度监测", en: "digest posted" },
};

const RESULTS: Record<string, { zh: string; en: string }> = {
  ok: { zh: "成功", en: "ok" },
  rejected: { zh: "已拒绝", en: "rejected" },
  error: { zh: "出错", en: "error" },
};

export function auditActionWords(action: string, lang: Lang): string {
  return ACTIONS[action]?.[lang] ?? action;
}

export function auditResultWords(result: string, lang: Lang): string {
  return RESULTS[result]?.[lang] ?? result;
}

/**
 * Who did it, as people read it: "Slack U012ABC（工作区 T1）", "命令行（root）", "系统"; an
 * actor written another way is shown as it is.
 */
export function auditActorWords(actor: string, lang: Lang): string {
  const zh = lang === "zh";
  const [platform, ...rest] = actor.split(":");
  if (platform === "system") return zh ? "系统" : "system";
  if (platform === "cli") return rest.length && rest.join(":") ? (zh ? `命令行（${rest.join(":")}）` : `CLI (${rest.join(":")})`) : zh ? "命令行" : "CLI";
  if (!rest.length) return platformWords(actor, lang);
  if ((platform === "slack" || platform === "dingtalk" || platform === "local") && rest.length >= 2) {
    return chatUserWords({ platform, tenant: rest[0]!, userId: rest.slice(1).join(":") }, lang);
  }
  return actor;
}

/** What it was done to: a chat user, a unit's month (义乌市 2026年10月), a plan's setting or month. */
export function auditSubjectWords(action: string, subject: string, lang: Lang): string {
  const identity = /^(slack|dingtalk|local):([^:]*):(.+)$/u.exec(subject);
  if (identity) return chatUserWords({ platform: identity[1]!, tenant: identity[2]!, userId: identity[3]! }, lang);
  const unitMonth = /^(.+)\/(\d{6})$/u.exec(subject);
  if (unitMonth) return `${unitMonth[1]} ${periodLabelFromKey(Number(unitMonth[2]), lang)}`;
  const planMonth = /^([\w-]+):(\d{6})$/u.exec(subject);
  if (planMonth && action.startsWith("period.")) return `${planMonth[1]} ${periodLabelFromKey(Number(planMonth[2]), lang)}`;
  const planSetting = /^([\w-]+):(.+)$/u.exec(subject);
  if (planSetting && action === "schedule.set") {
    const key = settingKey(planSetting[2]!);
    return `${planSetting[1]} ${key ? settingName(key, lang) : planSetting[2]}`;
  }
  if (action.startsWith("calendar.") && lang === "zh") {
    const days = subject.split("..");
    if (days.every(isCivilDate)) return days.map((d) => dateWords(d, lang)).join("至");
  }
  return subject;
}
