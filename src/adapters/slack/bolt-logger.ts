/**
 * Bolt and the Web API client log through @slack/logger's interface; this routes them into our
 * pino logger so Slack's warnings ("not acknowledged within 3 seconds", signature failures) land
 * in the same JSON lines as ours, with a `component` field to filter on.
 */
import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "pino";

const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

export function boltLogger(parent: Logger, initial: LogLevel = LogLevel.WARN): SlackLogger {
  let level = initial;
  let log = parent.child({ component: "slack-sdk" });
  const enabled = (l: LogLevel) => ORDER.indexOf(l) >= ORDER.indexOf(level);
  // Slack's loggers take printf-like varargs; errors are kept as objects so pino serialises stacks.
  const emit = (l: LogLevel, msg: unknown[]) => {
    if (!enabled(l)) return;
    const err = msg.find((m): m is Error => m instanceof Error);
    const text = msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : safeStringify(m))).join(" ");
    const method = l === LogLevel.DEBUG ? "debug" : l === LogLevel.INFO ? "info" : l === LogLevel.WARN ? "warn" : "error";
    if (err) log[method]({ err }, text);
    else log[method](text);
  };
  return {
    debug: (...m: unknown[]) => emit(LogLevel.DEBUG, m),
    info: (...m: unknown[]) => emit(LogLevel.INFO, m),
    warn: (...m: unknown[]) => emit(LogLevel.WARN, m),
    error: (...m: unknown[]) => emit(LogLevel.ERROR, m),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: (name: string) => void (log = parent.child({ component: name })),
  };
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
