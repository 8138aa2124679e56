import { startApp } from "./app.js";
import { ConfigError, describeConfig, loadConfig } from "./config/load-config.js";
import { createLogger } from "./logging/logger.js";

/**
 * `npm start`: read the environment, start the app, stop cleanly on SIGTERM/SIGINT.
 * Everything else is in app.ts, which the end-to-end tests start in-process.
 */
export async function main(env: Record<string, string | undefined> = process.env) {
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(
        `duban: configuration error, not starting:\n${e.problems.map((p) => `  ${p.variable} ${p.message}`).join("\n")}\n` +
          "See .env.example for every variable.\n",
      );
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  log.info({ config: describeConfig(config) }, "starting duban");

  // `stop` is defined below; the terminal chat's /quit calls it later.
  const app = await startApp({ config, log, onQuit: () => void stop("quit") });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await app.stop();
    log.info("stopped");
    log.flush();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  return app;
}

// Started directly (npm start), not imported by a test.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("src/main.ts")) {
  main().catch((e: unknown) => {
    process.stderr.write(`duban: failed to start: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
