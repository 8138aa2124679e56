import type { Lang } from "./lang.js";

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
