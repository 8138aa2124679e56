import type { Config, ConfigProblem, ConfigProblemCode } from "../config/load-config.js";
import { mask, maskUrl } from "../config/mask.js";
import type { Lang, Words } from "./lang.js";

/** The environment's problems and the configuration `duban config check` shows, in words. */

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export const CONFIG_PROBLEM_WORDS: Record<ConfigProblemCode, Words> = {
  database_url: {
    zh: "须以 file:（SQLite 文件）或 postgresql://（PostgreSQL）开头",
    en: 'must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)',
  },
  port_number: { zh: "须为数字", en: "must be a number" },
  port_integer: { zh: "须为整数", en: "must be an integer" },
  port_range: { zh: "须在 0 到 65535 之间", en: "must be 0–65535" },
  log_level: {
    zh: `须为以下之一：${LOG_LEVELS.map((l) => `LOG_LEVEL=${l}`).join("、")}`,
    en: `must be one of ${LOG_LEVELS.join(", ")}`,
  },
  lang: { zh: "须为 DUBAN_LANG=zh（中文）或 DUBAN_LANG=en（英文）", en: "must be zh or en" },
  example: {
    zh: "须为 DUBAN_EXAMPLE=auto（未配置聊天平台时生成）、DUBAN_EXAMPLE=on（总是生成）或 DUBAN_EXAMPLE=off（不生成）",
    en: "must be auto, on or off",
  },
  slack_bot_token: { zh: "Slack 机器人令牌须以 xoxb- 开头", en: 'must start with "xoxb-"' },
  slack_app_token: { zh: "Slack 应用令牌须以 xapp- 开头", en: 'must start with "xapp-"' },
  http_url: { zh: "须为以 http:// 或 https:// 开头的网址", en: "must be an http(s) URL" },
  slack_signing_secret_needed: {
    zh: "设置了 SLACK_BOT_TOKEN 时必填（事件回调方式），除非设置了 SLACK_APP_TOKEN（长连接方式）",
    en: "is required with SLACK_BOT_TOKEN (HTTP mode), unless SLACK_APP_TOKEN is set (Socket Mode)",
  },
  slack_bot_token_needed: { zh: "设置了其他 Slack 变量（如 SLACK_APP_TOKEN）时必填", en: "is required when other SLACK_* variables are set" },
  dingtalk_pair: {
    zh: "DINGTALK_CLIENT_ID 和 DINGTALK_CLIENT_SECRET 须同时设置",
    en: "DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET are needed together",
  },
  invalid: { zh: "取值无效", en: "is invalid" },
};

/** One line per bad variable: "  PORT：须为数字". */
export function configProblemLines(problems: readonly ConfigProblem[], lang: Lang): string {
  return problems.map((p) => (lang === "zh" ? `  ${p.variable}：${CONFIG_PROBLEM_WORDS[p.code].zh}` : `  ${p.variable}: ${p.message}`)).join("\n");
}

const LOG_LEVEL_ZH: Record<string, string> = { fatal: "致命", error: "错误", warn: "警告", info: "信息", debug: "调试", trace: "跟踪", silent: "不记录" };
const EXAMPLE_ZH: Record<Config["example"], string> = { auto: "自动（未配置钉钉或 Slack 时生成）", on: "总是生成", off: "不生成" };

/** What `config check` shows in Chinese: each setting by name, secrets masked. */
export function configLinesZh(c: Config): string[] {
  const unset = "未设置";
  const slack = c.slack
    ? `${c.slack.mode === "socket" ? "长连接方式" : "事件回调方式"}；机器人令牌 ${mask(c.slack.botToken)}，签名密钥 ${c.slack.signingSecret ? mask(c.slack.signingSecret) : unset}，应用令牌 ${c.slack.appToken ? mask(c.slack.appToken) : unset}，接口地址 ${c.slack.apiUrl ?? "https://slack.com/api/"}`
    : "未配置";
  const ding = c.dingtalk
    ? `应用 ${c.dingtalk.clientId}，密钥 ${mask(c.dingtalk.clientSecret)}，机器人编码 ${c.dingtalk.robotCode ?? unset}，接口地址 ${c.dingtalk.apiUrl ?? "https://api.dingtalk.com"}，卡片模板 ${c.dingtalk.cardTemplateId ?? "未设置（表单以文字发送）"}`
    : "未配置";
  return [
    "配置有效。将使用：",
    `  数据库：${c.database.provider === "sqlite" ? "SQLite" : "PostgreSQL"} ${maskUrl(c.database.url)}`,
    `  端口（PORT）：${c.port}`,
    `  日志级别（LOG_LEVEL）：${LOG_LEVEL_ZH[c.logLevel] ?? c.logLevel}`,
    `  界面语言（DUBAN_LANG）：${c.lang === "zh" ? "中文" : c.lang === "en" ? "英文" : "未设置（按系统语言，默认中文）"}`,
    `  方案文件（DUBAN_PLAN_FILE）：${c.planFile ?? "内置方案"}`,
    `  示例方案（DUBAN_EXAMPLE）：${EXAMPLE_ZH[c.example]}`,
    `  Slack：${slack}`,
    `  钉钉：${ding}`,
  ];
}
