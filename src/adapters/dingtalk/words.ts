/**
 * The few words the DingTalk adapter itself shows: card chrome and hints. Everything a user
 * reads about their report comes from the Bot's Reply; these only frame it.
 * The command words are the documented vocabulary (issue 3 §2), not rules.
 */
import type { Lang } from "../../../handlers/types.js";

export interface AdapterWords {
  command: { report: string; correct: string };
  /** Hint for an `open_report_form` action, which a markdown message cannot carry as a button. */
  actionHint: (label: string, command: string) => string;
  formFallbackIntro: string;
  formFallbackPartial: string;
  valuePlaceholder: string;
  last: string;
  current: string;
  /** "上次：260台" / "last: 260" */
  labelled: (label: string, value: string) => string;
  submitted: string;
  processing: string;
  busy: string;
  fieldError: string;
}

export const WORDS: Record<Lang, AdapterWords> = {
  zh: {
    command: { report: "上报", correct: "修改" },
    actionHint: (label, command) => `👉 ${label}：发送「${command}」`,
    formFallbackIntro: "请按以下格式发送（复制后改数值）：",
    formFallbackPartial: "可以只填其中几项。",
    valuePlaceholder: "数值",
    last: "上次",
    current: "本期已填",
    labelled: (label, value) => `${label}：${value}`,
    submitted: "已提交",
    processing: "正在处理，请稍候…",
    busy: "系统繁忙，请稍后再试",
    fieldError: "⚠",
  },
  en: {
    command: { report: "report", correct: "correct" },
    actionHint: (label, command) => `👉 ${label}: send "${command}"`,
    formFallbackIntro: "Send a message in this format (copy it, change the numbers):",
    formFallbackPartial: "You may fill in only some of them.",
    valuePlaceholder: "value",
    last: "last",
    current: "this period",
    labelled: (label, value) => `${label}: ${value}`,
    submitted: "Submitted",
    processing: "Processing, please wait…",
    busy: "The system is busy, please try again later",
    fieldError: "⚠",
  },
};
