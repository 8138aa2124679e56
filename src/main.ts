import { ConfigError, describeConfig, loadConfig } from "./config/load-config.js";
import { checkHealth } from "./http/health.js";
import { sendJson, startHttpServer } from "./http/http-server.js";
import { createLogger } from "./logging/logger.js";
import { openDatabase } from "./persistence/database.js";
import { seedBundledPlan } from "./services/seed-bundled-plan.js";
import { createSlackAdapter, type SlackAdapter } from "./adapters/slack/slack-adapter.js";
import { createDingTalkAdapter } from "./adapters/dingtalk/index.js";
import { findPlan } from "./persistence/plan-repository.js";
import { createBot } from "./services/bot.js";
import { systemClock } from "./services/clock.js";
import { createStore } from "./services/store.js";

/**
 * Composition root: read the config, open (and migrate) the database, seed the
 * bundled plan on first start, serve /healthz, start the platform adapters that
 * are configured, and shut down cleanly on SIGTERM/SIGINT.
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
  // node-cron and our date maths read TZ; make the process agree with the config.
  process.env.TZ = config.tz;
  const log = createLogger(config.logLevel);
  log.info({ config: describeConfig(config) }, "starting duban");

  const database = await openDatabase(config.database.url, {
    migrate: true,
    log: (line) => log.info(line),
  });
  log.info({ provider: database.provider }, "database ready (migrations applied)");

  const seed = await seedBundledPlan(database.prisma, config.planFile);
  if (seed.seeded) {
    const o = seed.outcome;
    log.info(
      { plan: o.code, indicators: o.data.indicators.length, unplaced: o.unplaced.length },
      "first start: imported the bundled plan (duban plan show to see it)",
    );
  } else if ("existing" in seed) {
    log.info({ plan: seed.existing }, "plan loaded");
  } else {
    log.error({ error: seed.error.code, detail: seed.error.detail }, "could not import the plan file");
  }

  const plan = await findPlan(database.prisma);
  if (!plan) throw new Error("no plan in the database: import one with `duban plan import <file>`");
  const clock = systemClock(config.tz);
  const bot = createBot({ db: database.prisma, store: createStore(database.prisma, plan.id), clock, logger: log });

  const startedAt = Date.now();
  const platforms = { slack: false, dingtalk: false, local: !config.slack && !config.dingtalk };
  const http = await startHttpServer(config.port, [
    async (req, res) => {
      if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") return false;
      const report = await checkHealth({ db: database.prisma, provider: database.provider, platforms: () => platforms, startedAt });
      sendJson(res, report.database === "ok" ? 200 : 503, report);
      return true;
    },
  ]);
  http.server.on("routeError", (e) => log.error({ err: e }, "request failed"));
  log.info({ port: http.port }, `listening: http://127.0.0.1:${http.port}/healthz`);

  let slack: SlackAdapter | undefined;
  if (config.slack) {
    slack = createSlackAdapter({ config: config.slack, bot, logger: log, http });
    await slack.start(); // a bad token fails the start here (auth.test)
    platforms.slack = true;
    log.info({ mode: slack.mode }, slack.mode === "http" ? "Slack connected: POST /slack/events" : "Slack connected (Socket Mode)");
  } else {
    log.info("Slack not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode); see README");
  }
  let dingtalk: ReturnType<typeof createDingTalkAdapter> | undefined;
  if (config.dingtalk) {
    dingtalk = createDingTalkAdapter({
      config: config.dingtalk,
      bot,
      logger: log,
      cardTemplateId: config.dingtalk.cardTemplateId,
      lang: config.lang,
    });
    await dingtalk.start(); // bad credentials fail the start here
    platforms.dingtalk = true;
    log.info("DingTalk connected (Stream mode)");
  } else {
    log.info("DingTalk not configured: set DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET and DINGTALK_ROBOT_CODE; see README");
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    // Adapters first: stop taking messages, let answers in flight go out.
    await slack?.stop();
    await dingtalk?.stop();
    await http.close();
    await database.close();
    log.info("stopped");
    log.flush();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  return { http, database, bot, stop };
}

// Started directly (npm start), not imported by a test.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("src/main.ts")) {
  main().catch((e: unknown) => {
    process.stderr.write(`duban: failed to start: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
