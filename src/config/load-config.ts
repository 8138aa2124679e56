import { z } from "zod";

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
  .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional())
  .optional();

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const envSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .trim()
      .default("")
      .transform((s) => (s === "" ? "file:./data/duban.db" : s))
      .refine((s) => /^(file:|postgres(ql)?:\/\/)/.test(s), {
        error: 'must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)',
      }),
    PORT: z.coerce
      .number({ error: "must be a number" })
      .int("must be an integer")
      .min(0, "must be 0–65535")
      .max(65535, "must be 0–65535")
      .default(3000),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
    DUBAN_LANG: z.enum(["zh", "en"]).optional(),
    DUBAN_PLAN_FILE: z.string().trim().optional(),
    DUBAN_EXAMPLE: z.enum(["auto", "on", "off"], { error: "must be auto, on or off" }).default("auto"),
    SLACK_BOT_TOKEN: optionalSecret.refine((s) => s === undefined || s.startsWith("xoxb-"), {
      error: 'must start with "xoxb-"',
    }),
    SLACK_SIGNING_SECRET: optionalSecret,
    SLACK_APP_TOKEN: optionalSecret.refine((s) => s === undefined || s.startsWith("xapp-"), {
      error: 'must start with "xapp-"',
    }),
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
function crossCheck(env: Record<string, string | undefined>): { variable: string; message: string }[] {
  const has = (k: string) => Boolean(env[k]?.trim());
  const out: { variable: string; message: string }[] = [];
  // A half-configured platform is a mistake worth stopping for, not a silent fallback to local chat.
  if (has("SLACK_BOT_TOKEN") && !has("SLACK_SIGNING_SECRET") && !has("SLACK_APP_TOKEN")) {
    out.push({
      variable: "SLACK_SIGNING_SECRET",
      message: "is required with SLACK_BOT_TOKEN (HTTP mode), unless SLACK_APP_TOKEN is set (Socket Mode)",
    });
  }
  if (!has("SLACK_BOT_TOKEN") && (has("SLACK_SIGNING_SECRET") || has("SLACK_APP_TOKEN"))) {
    out.push({ variable: "SLACK_BOT_TOKEN", message: "is required when other SLACK_* variables are set" });
  }
  if (has("DINGTALK_CLIENT_ID") !== has("DINGTALK_CLIENT_SECRET")) {
    out.push({
      variable: has("DINGTALK_CLIENT_ID") ? "DINGTALK_CLIENT_SECRET" : "DINGTALK_CLIENT_ID",
      message: "DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET are needed together",
    });
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

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(problems.map((p) => `${p.variable} ${p.message}`).join("; "));
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? "environment"), message: i.message }))),
    ...crossCheck(env),
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

/** Keeps a recognisable prefix (xoxb-…) and hides the rest. */
export function mask(secret: string): string {
  const keep = secret.match(/^(xox[a-z]-|xapp-)/)?.[0] ?? "";
  return `${keep}****${secret.length > 12 ? secret.slice(-2) : ""}`;
}

export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:****@");
}
