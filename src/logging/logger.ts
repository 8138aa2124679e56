import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Structured logs (JSON lines for collectors), pretty in a terminal. Secrets are
 * redacted by key wherever they appear, as a second line of defence: config is
 * only ever logged through describeConfig(), which masks them already.
 */
export function createLogger(level: string, opts: { pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  const options: pino.LoggerOptions = {
    level,
    base: { app: "duban" },
    redact: {
      paths: ["*.botToken", "*.signingSecret", "*.appToken", "*.clientSecret", "*.password", "*.token", "*.accessToken"],
      censor: "****",
    },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (pretty) {
    return pino({
      ...options,
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,app" } },
    });
  }
  return pino(options);
}
