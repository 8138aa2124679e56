import { z } from "zod";
import { CONFIG_PROBLEM_WORDS } from "../i18n/config-words.js";
import { mask, maskUrl } from "./mask.js";

export { mask, maskUrl };

/**
 * The one place that reads the environment. Pure: takes `env` as a parameter so
 * tests pass their own. Fails with every bad variable named (t3-env style).
 */

const optionalSecret = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

const optionalUrl = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .pipe(z.url({ protocol: /^https?$/, error: "http_url" }).optional())
  .optional();

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Each check's error is a ConfigProblemCode, worded per language in src/i18n/config-words.ts. */
export const envSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .trim()
      .default("")
      .transform((s) => (s === "" ? "file:./data/duban.db" : s))
      .refine((s) => /^(file:|postgres(ql)?:\/\/)/.test(s), { error: "database_url" }),
    PORT: z.coerce.number({ error: "port_number" }).int("port_integer").min(0, "port_range").max(65535, "port_range").default(3000),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: "log_level" }).default("info"),
    DUBAN_LANG: z.enum(["zh", "en"], { error: "lang" }).optional(),
    DUBAN_PLAN_FILE: z.string().trim().optional(),
    DUBAN_EXAMPLE: z.enum(["auto", "on", "off"], { error: "example" }).default("auto"),
    SLACK_BOT_TOKEN: optionalSecret.refine((s) => s === undefined || s.startsWith("xoxb-"), { error: "slack_bot_token" }),
    SLACK_SIGNING_SECRET: optionalSecret,
    SLACK_APP_TOKEN: optionalSecret.refine((s) => s === undefined || s.startsWith("xapp-"), { error: "slack_app_token" }),
    SLACK_API_URL: optionalUrl,
    DINGTALK_CLIENT_ID: optionalSecret,
    DINGTALK_CLIENT_SECRET: optionalSecret,
    DINGTALK_ROBOT_CODE: optionalSecret,
    DINGTALK_API_URL: optionalUrl,
    DINGTALK_CARD_TEMPLATE_ID: optionalSecret,
  });

/**
 * Checks across variables. Run on the raw strings, beside the schema, so that a
 * bad PORT does not hide a half-configured Slack: every problem is named at once.
 */
function crossCheck(env: Record<string, string | undefined>): { variable: string; code: ConfigProblemCode }[] {
  const has = (k: string) => Boolean(env[k]?.trim());
  const out: { variable: string; code: ConfigProblemCode }[] = [];
  // A half-configured platform is a mistake worth stopping for, not a silent fallback to local chat.
  if (has("SLACK_BOT_TOKEN") && !has("SLACK_SIGNING_SECRET") && !has("SLACK_APP_TOKEN")) {
    out.push({ variable: "SLACK_SIGNING_SECRET", code: "slack_signing_secret_needed" });
  }
  if (!has("SLACK_BOT_TOKEN") && (has("SLACK_SIGNING_SECRET") || has("SLACK_APP_TOKEN"))) {
    out.push({ variable: "SLACK_BOT_TOKEN", code: "slack_bot_token_needed" });
  }
  if (has("DINGTALK_CLIENT_ID") !== has("DINGTALK_CLIENT_SECRET")) {
    out.push({ variable: has("DINGTALK_CLIENT_ID") ? "DINGTALK_CLIENT_SECRET" : "DINGTALK_CLIENT_ID", code: "dingtalk_pair" });
  }
  return out;
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  database: { url: string; provider: "sqlite" | "postgresql" };
  port: number;
  logLevel: Env["LOG_LEVEL"];
  lang: "zh" | "en" | undefined;
  planFile: string | undefined;
  /** The 示例 plan on first start: auto (only without a chat platform), on, off. */
  example: "auto" | "on" | "off";
  slack:
    | { mode: "http" | "socket"; botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string }
    | undefined;
  dingtalk: { clientId: string; clientSecret: string; robotCode?: string; apiUrl?: string; cardTemplateId?: string } | undefined;
}

/** What can be wrong with a variable: a code, worded per language in src/i18n/config-words.ts. */
export type ConfigProblemCode =
  | "database_url"
  | "port_number"
  | "port_integer"
  | "port_range"
  | "log_level"
  | "lang"
  | "example"
  | "slack_bot_token"
  | "slack_app_token"
  | "http_url"
  | "slack_signing_secret_needed"
  | "slack_bot_token_needed"
  | "dingtalk_pair"
  | "invalid";

/** One bad variable: its code, and the English sentence (logs, --json). */
export interface ConfigProblem {
  variable: string;
  code: ConfigProblemCode;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.variable} ${p.message}`).join("; "));
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: ConfigProblem[] = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => problem(String(i.path[0] ?? "environment"), i.message))),
    ...crossCheck(env).map((p) => problem(p.variable, p.code)),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    database: { url: e.DATABASE_URL, provider: e.DATABASE_URL.startsWith("file:") ? "sqlite" : "postgresql" },
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    lang: e.DUBAN_LANG,
    planFile: e.DUBAN_PLAN_FILE || undefined,
    example: e.DUBAN_EXAMPLE,
    slack: e.SLACK_BOT_TOKEN
      ? {
          mode: e.SLACK_APP_TOKEN ? "socket" : "http",
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
        }
      : undefined,
    dingtalk:
      e.DINGTALK_CLIENT_ID && e.DINGTALK_CLIENT_SECRET
        ? {
            clientId: e.DINGTALK_CLIENT_ID,
            clientSecret: e.DINGTALK_CLIENT_SECRET,
            robotCode: e.DINGTALK_ROBOT_CODE,
            apiUrl: e.DINGTALK_API_URL,
            cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID,
          }
        : undefined,
  };
}


/** An issue's code (the schema's errors are codes) with its English sentence; zod's own messages are kept as they are. */
function problem(variable: string, code: string): ConfigProblem {
  const known = code in CONFIG_PROBLEM_WORDS;
  return { variable, code: known ? (code as ConfigProblemCode) : "invalid", message: known ? CONFIG_PROBLEM_WORDS[code as ConfigProblemCode].en : code };
}

/** For logs and `config check`: what it would connect to, secrets masked. */
export function describeConfig(c: Config): Record<string, unknown> {
  return {
    database: { provider: c.database.provider, url: maskUrl(c.database.url) },
    port: c.port,
    logLevel: c.logLevel,
    planFile: c.planFile ?? "(bundled)",
    example: c.example,
    slack: c.slack
      ? {
          mode: c.slack.mode,
          botToken: mask(c.slack.botToken),
          signingSecret: c.slack.signingSecret ? mask(c.slack.signingSecret) : undefined,
          appToken: c.slack.appToken ? mask(c.slack.appToken) : undefined,
          apiUrl: c.slack.apiUrl ?? "https://slack.com/api/",
        }
      : "not configured",
    dingtalk: c.dingtalk
      ? {
          clientId: c.dingtalk.clientId,
          clientSecret: mask(c.dingtalk.clientSecret),
          robotCode: c.dingtalk.robotCode,
          apiUrl: c.dingtalk.apiUrl ?? "https://api.dingtalk.com",
          cardTemplateId: c.dingtalk.cardTemplateId ?? "(not set: forms are sent as text)",
        }
      : "not configured",
  };
}
