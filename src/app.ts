import type { Clock } from "../handlers/ports.js";
import type { Bot } from "../handlers/types.js";
import { createDingTalkAdapter } from "./adapters/dingtalk/index.js";
import { createLocalChat, type LocalChat } from "./adapters/local/index.js";
import { createLocalDirectory } from "./services/local-directory.js";
import { hostname } from "node:os";
import { buildSenders } from "./reminders/build-senders.js";
import { createWorkingCalendar } from "./domain/calendar/working-calendar.js";
import { wallClock } from "./domain/calendar/zoned-time.js";
import { calendarOverrides } from "./persistence/schedule-repository.js";
import { startReminderScheduler } from "./scheduler/reminder-scheduler.js";
import { buildBriefingPosters } from "./reminders/build-briefing-posters.js";
import { startBriefingScheduler } from "./scheduler/briefing-scheduler.js";
import { createSlackAdapter, type SlackAdapter } from "./adapters/slack/slack-adapter.js";
import type { Config } from "./config/load-config.js";
import { checkHealth } from "./http/health.js";
import { sendJson, startHttpServer, type HttpServer } from "./http/http-server.js";
import type { Logger } from "./logging/logger.js";
import { openDatabase, type Database } from "./persistence/database.js";
import { loadPlanRefs } from "./persistence/plan-facts.js";
import { exampleEnded, findExample, resetExample } from "./services/example-world.js";
import { createBot } from "./services/bot.js";
import { systemClock } from "./services/clock.js";
import { seedBundledPlan } from "./services/seed-bundled-plan.js";
import { createStore } from "./services/store.js";

export interface App {
  http: HttpServer;
  database: Database;
  bot: Bot;
  planId: number;
  platforms: { slack: boolean; dingtalk: boolean; local: boolean };
  slack?: SlackAdapter;
  dingtalk?: ReturnType<typeof createDingTalkAdapter>;
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  log: Logger;
  /** Tests pass a fixed clock. */
  clock?: Clock;
  /** Where the HTTP server binds; tests use 127.0.0.1. */
  host?: string;
  /** Called when the user quits the terminal chat (/quit, Ctrl+C). */
  onQuit?: () => void;
  /** Start the reminder tick (default true when a platform is configured). */
  reminders?: boolean;
  /** Local chat streams (tests); default process.stdin/stdout, terminal chat only on a TTY. */
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/**
 * Everything `npm start` runs, without the process concerns (env, signals):
 * open and migrate the database, seed the bundled plan on first start, build the
 * core, serve /healthz, and start the platform adapters that are configured.
 */
export async function startApp({ config, log, clock, host, onQuit, stdin, stdout, reminders }: AppOptions): Promise<App> {
  const database = await openDatabase(config.database.url, {
    migrate: true,
    log: (line) => log.info(line),
    backgroundCheckpoints: true,
    onCheckpointError: (message) => log.warn({ message }, "WAL checkpoint failed; retried in a second"),
  });
  log.info({ provider: database.provider }, "database ready (migrations applied)");

  const seed = await seedBundledPlan(database.prisma, config.planFile);
  if (seed.seeded) {
    const o = seed.outcome;
    log.info({ plan: o.code, indicators: o.data.indicators.length, unplaced: o.unplaced.length }, "first start: imported the bundled plan (duban plan show to see it)");
  } else if ("existing" in seed) {
    log.info({ plan: seed.existing }, "plan loaded");
  } else {
    log.error({ error: seed.error.code, detail: seed.error.detail }, "could not import the plan file");
  }
  // The example world (示例): on the first start of the embedded default (no chat platform), or when
  // asked (DUBAN_EXAMPLE=on); made again when the one there has ended (a newcomer's first look, months later).
  const local = !config.slack && !config.dingtalk;
  const wanted = config.example === "on" || (config.example === "auto" && local);
  const existing = await findExample(database.prisma);
  const at = clock?.now() ?? new Date();
  if (wanted && ((seed.seeded && !existing) || (existing && exampleEnded(existing, at)))) {
    const made = await resetExample(database.prisma, { now: at, actor: "system:start", platform: "system" });
    log.info({ plan: made.code, months: made.months, reports: made.reports }, "example plan (示例) ready: duban example reset|remove");
  }
  const plans = await loadPlanRefs(database.prisma);
  if (!plans.length) {
    await database.close();
    throw new Error("no plan in the database: import one with `duban plan import <file>`");
  }
  // Periods named in chat (上月, 10月) are read on the plans' clock, not the server's TZ.
  const zone = plans[0]!.timeZone;

  const bot = createBot({
    db: database.prisma,
    store: createStore(database.prisma, clock ? { now: () => clock.now() } : {}),
    clock: clock ?? systemClock(zone),
    logger: log,
    // PostgreSQL overlaps I/O; on SQLite the reports in flight together commit together
    // (unit-of-work.ts), while the bound keeps each burst short enough to ack between.
    maxConcurrent: 8,
  });

  const startedAt = Date.now();
  const platforms = { slack: false, dingtalk: false, local: !config.slack && !config.dingtalk };
  const http = await startHttpServer(
    config.port,
    [
      async (req, res) => {
        if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") return false;
        const report = await checkHealth({ db: database.prisma, provider: database.provider, platforms: () => platforms, startedAt });
        sendJson(res, report.database === "ok" ? 200 : 503, report);
        return true;
      },
    ],
    host,
  );
  http.server.on("routeError", (e) => log.error({ err: e }, "request failed"));
  log.info({ port: http.port }, `listening: http://127.0.0.1:${http.port}/healthz`);

  let slack: SlackAdapter | undefined;
  let dingtalk: ReturnType<typeof createDingTalkAdapter> | undefined;
  const stopAdapters = async () => {
    // Adapters first: stop taking messages, let answers in flight go out.
    await slack?.stop();
    await dingtalk?.stop();
  };
  try {
    if (config.slack) {
      // Only HTTP mode gets the server: given one, the adapter mounts a route instead of opening the socket.
      slack = createSlackAdapter({ config: config.slack, bot, logger: log, ...(config.slack.mode === "http" ? { http } : {}) });
      await slack.start(); // a bad token fails the start here (auth.test)
      platforms.slack = true;
      log.info({ mode: slack.mode }, slack.mode === "http" ? "Slack connected: POST /slack/events" : "Slack connected (Socket Mode)");
    } else {
      log.info("Slack not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode); see README");
    }
    if (config.dingtalk) {
      dingtalk = createDingTalkAdapter({ config: config.dingtalk, bot, logger: log, cardTemplateId: config.dingtalk.cardTemplateId, lang: config.lang });
      await dingtalk.start(); // bad credentials fail the start here
      platforms.dingtalk = true;
      log.info("DingTalk connected (Stream mode)");
    } else {
      log.info("DingTalk not configured: set DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET and DINGTALK_ROBOT_CODE; see README");
    }
  } catch (e) {
    await stopAdapters().catch(() => {});
    await http.close();
    await database.close();
    throw e;
  }

  // Reminders: one tick a minute on every replica; the delivery ledger makes each delivery once.
  const senders = buildSenders(config, { dingtalkOpenApi: dingtalk?.openapi });
  const scheduler =
    (reminders ?? true) && Object.keys(senders).length
      ? startReminderScheduler({
          db: database.prisma,
          senders,
          bot,
          log,
          instanceId: `${hostname()}:${process.pid}`,
          now: clock ? () => clock.now() : undefined,
        })
      : undefined;
  if (scheduler) log.info({ platforms: Object.keys(senders) }, "reminder scheduler started (every minute, duban schedule show for the ladder)");
  // The monthly digest, the quarterly briefing and (after Q4) the annual assessment: the working
  // day after the due date of the month / the quarter's last month, each once (ledger + snapshot).
  const posters = buildBriefingPosters(config, { dingtalkOpenApi: dingtalk?.openapi });
  const briefings =
    (reminders ?? true) && Object.keys(posters).length
      ? startBriefingScheduler({
          db: database.prisma,
          posters,
          log,
          instanceId: `${hostname()}:${process.pid}`,
          ...(config.lang ? { lang: config.lang } : {}),
          now: clock ? () => clock.now() : undefined,
        })
      : undefined;
  // The State Council publishes next year's holidays each November: say so until an admin enters them.
  const year = Number(wallClock(clock?.now() ?? new Date(), zone).date.slice(0, 4));
  const missing = createWorkingCalendar({ overrides: await calendarOverrides(database.prisma) }).missingYears(year, year + 1);
  if (missing.length) log.warn({ years: missing }, `working calendar missing for ${missing.join(", ")}: reminders there assume Mon–Fri; enter the official calendar with duban calendar add`);

  // The embedded default: with no platform, the local chat makes the bot usable.
  let localChat: LocalChat | undefined;
  if (platforms.local) {
    localChat = createLocalChat({
      bot,
      directory: createLocalDirectory(database.prisma),
      http,
      logger: log,
      onQuit,
      ...(stdin ? { stdin: stdin as never } : {}),
      ...(stdout ? { stdout: stdout as never } : {}),
    });
    // It logs its address itself (or, at a terminal, prints it in the chat).
    localChat.start();
  }

  return {
    http, database, bot, planId: plans[0]!.id, platforms, slack, dingtalk,
    async stop() {
      await scheduler?.stop();
      await briefings?.stop();
      localChat?.stop();
      await stopAdapters();
      await http.close();
      await database.close();
    },
  };
}
