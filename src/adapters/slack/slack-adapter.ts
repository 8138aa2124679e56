/**
 * The Slack adapter: Bolt in HTTP mode (mounted on our one HttpServer at POST /slack/events) or
 * in Socket Mode, chosen by config; listeners in ./listeners.ts.
 *
 * Bolt settings that matter (platforms.md §3–§5, performance.md):
 * - HTTPReceiver is never start()ed: its `requestListener` is mounted as a Route, so Slack,
 *   /healthz and the local chat share PORT. App.start() would make it listen on a port of its own.
 * - `deferInitialization` + `app.init()` in start(): auth.test runs once, at start (a bad token
 *   fails start, loudly), and Bolt caches the bot identity instead of calling auth.test per request.
 * - `convoStore: false`: the default in-memory conversation store costs ~25 % and we do not use it.
 * - `retryConfig` explicit: otherwise SocketModeClient writes {retries: 100} into the shared
 *   clientOptions, and a listener's calls would retry for hours.
 */
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as SlackLogger, type webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { Bot, Reply } from "../../../handlers/types.js";
import type { Config } from "../../config/load-config.js";
import type { HttpServer, Route } from "../../http/http-server.js";
import { boltLogger } from "./bolt-logger.js";
import { registerListeners } from "./listeners.js";
import { createResponder } from "./response-url.js";
import { renderReply } from "./render-reply.js";
import { buildReportModal } from "./report-modal.js";

export const SLACK_EVENTS_PATH = "/slack/events";

/**
 * Web API retries in production: a few quick ones. Slack's default (10 retries over ~30 min)
 * suits a batch job, not a chat reply that is useless minutes late; 429s still honour Retry-After.
 */
export const DEFAULT_RETRY_CONFIG: webApi.RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000, randomize: true };

export interface SlackAdapterOptions {
  config: NonNullable<Config["slack"]>;
  bot: Bot;
  logger: Logger;
  /** Required in HTTP mode: the adapter mounts POST /slack/events on it. */
  http?: HttpServer;
  /** Web API retry policy; tests pass { retries: 0 }. */
  retryConfig?: webApi.RetryOptions;
  /** How long a modal submission waits for the Bot before closing the modal and answering by DM. Default 2500 ms. */
  submitDeadlineMs?: number;
  /** Socket Mode only: ping timeout (App does not forward it; we build the receiver ourselves). */
  clientPingTimeout?: number;
}

export interface SlackAdapter {
  readonly mode: "http" | "socket";
  /** The Web API client (bot token, our retry policy); usable before start() for anything but replies in listeners. */
  readonly client: webApi.WebClient;
  start(): Promise<void>;
  /** Stops receiving, then waits (up to 5 s) for answers still being sent. */
  stop(): Promise<void>;
  /**
   * Posts a reply to the user's DM with the app: chat.postMessage with channel = the user id,
   * which Slack delivers to the app's Messages tab (needs only chat:write; no conversations.open).
   */
  postDirect(userId: string, reply: Reply): Promise<webApi.ChatPostMessageResponse>;
  /** Posts a reply to a channel the bot is a member of (reminders, task-force notices). */
  postToChannel(channel: string, reply: Reply): Promise<webApi.ChatPostMessageResponse>;
}

const STOP_GRACE_MS = 5000;

export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const { config, bot } = opts;
  const log = opts.logger.child({ component: "slack" });
  const sdkLog = boltLogger(opts.logger, slackLevel(opts.logger.level));
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig: opts.retryConfig ?? DEFAULT_RETRY_CONFIG,
    // Also reaches the SocketModeClient's own WebClient, which would otherwise log to the console.
    logger: sdkLog,
    // views.open must beat a 3 s trigger; a call hanging longer helps nobody.
    timeout: 10_000,
  };

  const http = opts.http;
  const httpReceiver = config.mode === "http" ? buildHttpReceiver(config.signingSecret, http, sdkLog) : undefined;
  const receiver = httpReceiver ?? buildSocketReceiver(config.appToken, clientOptions, sdkLog, opts.clientPingTimeout);

  const app = new App({
    receiver,
    token: config.botToken,
    logger: sdkLog,
    logLevel: sdkLog.getLevel(),
    clientOptions,
    convoStore: false,
    deferInitialization: true,
  });
  const client = app.client;

  const post = (channel: string, reply: Reply) => client.chat.postMessage({ channel, ...renderReply(reply) });
  const postDirect = (userId: string, reply: Reply) => post(userId, reply);

  const inflight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    inflight.add(settled);
    void settled.then(() => inflight.delete(settled));
    return work;
  };

  const respond = createResponder();
  registerListeners(app, {
    bot,
    log,
    respond,
    openModal: async (triggerId, form) => {
      await client.views.open({ trigger_id: triggerId, view: buildReportModal(form) });
    },
    postDirect,
    submitDeadlineMs: opts.submitDeadlineMs ?? 2500,
    track,
  });

  // HTTP mode: the route is mounted once and switched by `accepting`, as HttpServer cannot unmount.
  let accepting = false;
  let mounted = false;
  const route: Route = (req, res) => {
    if (!accepting || !httpReceiver || req.method !== "POST" || pathOf(req.url) !== SLACK_EVENTS_PATH) return false;
    // Path and method match the receiver's endpoint, so it handles the request (and never throws
    // its "deferred request" error, which is only for paths it does not own). It answers
    // asynchronously; Bolt's own handlers deal with every failure from here on.
    httpReceiver.requestListener(req, res);
    return true;
  };

  let started = false;
  return {
    mode: config.mode,
    client,
    async start() {
      if (started) return;
      // auth.test once; Bolt then knows botId/botUserId and never calls it per request.
      await app.init();
      if (http) {
        if (!mounted) http.use(route);
        mounted = true;
        accepting = true;
      } else {
        await app.start();
      }
      started = true;
      log.info({ mode: config.mode, ...(config.mode === "http" ? { path: SLACK_EVENTS_PATH } : {}) }, "Slack adapter started");
    },
    async stop() {
      if (!started) return;
      started = false;
      accepting = false;
      if (config.mode === "socket") await app.stop();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_GRACE_MS);
      });
      await Promise.race([Promise.all([...inflight]), grace]);
      clearTimeout(timer);
      respond.close();
      log.info("Slack adapter stopped");
    },
    postDirect,
    postToChannel: post,
  };
}

function buildHttpReceiver(signingSecret: string | undefined, http: HttpServer | undefined, logger: SlackLogger): HTTPReceiver {
  if (!signingSecret) throw new Error("Slack HTTP mode needs SLACK_SIGNING_SECRET");
  if (!http) throw new Error("Slack HTTP mode needs the HttpServer to mount POST /slack/events on");
  // Never start()ed: see the file comment. Its 3001 ms "not acknowledged" timer still applies.
  return new HTTPReceiver({ signingSecret, endpoints: SLACK_EVENTS_PATH, logger });
}

function buildSocketReceiver(
  appToken: string | undefined,
  clientOptions: webApi.WebClientOptions,
  logger: SlackLogger,
  clientPingTimeout: number | undefined,
): SocketModeReceiver {
  if (!appToken) throw new Error("Slack Socket Mode needs SLACK_APP_TOKEN");
  return new SocketModeReceiver({
    appToken,
    logger,
    ...(clientPingTimeout !== undefined ? { clientPingTimeout } : {}),
    // Its SocketModeClient makes the apps.connections.open call through these options.
    installerOptions: { clientOptions },
  });
}

function pathOf(url: string | undefined): string {
  return new URL(url ?? "/", "http://localhost").pathname;
}

/** Bolt filters before formatting; match pino's level so debug logs are not built for nothing. */
function slackLevel(pinoLevel: string): LogLevel {
  if (pinoLevel === "trace" || pinoLevel === "debug") return LogLevel.DEBUG;
  if (pinoLevel === "info") return LogLevel.INFO;
  if (pinoLevel === "warn") return LogLevel.WARN;
  return LogLevel.ERROR;
}
