/**
 * The few words the Slack adapter itself shows: the modal's chrome around the form's labels,
 * and the last-resort answers when the core failed. Everything about a report comes from the
 * Bot's Reply and ReportForm; these only frame it.
 */
import type { Lang, Reply } from "../../../handlers/types.js";

export interface SlackWords {
  /** "月份：2026年10月" */
  labelled: (label: string, value: string) => string;
  /** "新增工业机器人（台）" */
  withUnit: (name: string, unit: string) => string;
  internalError: string;
  formFailed: string;
}

export const WORDS: Record<Lang, SlackWords> = {
  zh: {
    labelled: (label, value) => `${label}：${value}`,
    withUnit: (name, unit) => `${name}（${unit}）`,
    internalError: "出错了，这次没有保存，请稍后再试",
    formFailed: "表单没能打开，请再试一次",
  },
  en: {
    labelled: (label, value) => `${label}: ${value}`,
    withUnit: (name, unit) => `${name} (${unit})`,
    internalError: "Something went wrong, please try again",
    formFailed: "The form could not be opened, please try again",
  },
};

/** Last-resort answer when the core fails (a database outage, a bug): the user must hear something. */
export function internalErrorReply(lang: Lang): Reply {
  return { status: "error", title: WORDS[lang].internalError, lines: [] };
}

/** When Slack would not open the modal (the 3-second trigger expired): the user can simply retry. */
export function formFailedReply(lang: Lang): Reply {
  return { status: "error", title: WORDS[lang].formFailed, lines: [] };
}
