/**
 * Fake Slack for tests: Web API, response_url, file-upload URL and Socket Mode on one
 * 127.0.0.1 HTTP server, plus helpers that sign and send requests to an HTTP-mode Bolt app.
 *
 * Wire formats follow /work/shared/docs/platforms.md (Slack §1–§5). Point the real SDKs at it with
 *   new App({ ..., clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } } })
 * `retryConfig` must be explicit: otherwise SocketModeClient silently sets 100 retries on the
 * shared options object and a failing test hangs for minutes instead of failing.
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** One recorded Web API call. `args` are the parsed body; JSON-valued form fields are decoded. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** Bearer token (or legacy `token` body field); undefined when the caller sent none. */
  token: string | undefined;
  /** HTTP status the fake answered with. */
  status: number;
  at: number;
}

/** A one-shot failure injected with `failNext`. Defaults: 200 + {ok:false,error:"fatal_error"}. */
export interface FailSpec {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Token bucket: `burst` requests at once, refilled at `perSecond`; keyed per `key(args)`. */
export interface RateLimitSpec {
  perSecond: number;
  burst: number;
  /** Bucket key, e.g. the channel for chat.postMessage. Default: one bucket per method. */
  key?: (args: Record<string, unknown>) => string;
}

/**
 * Approximations of Slack's published limits (platforms.md §4). Not enabled by default so that
 * unrelated tests are not slowed down; opt in with `startFakeSlack({ rateLimits: realisticSlackRateLimits })`.
 */
export const realisticSlackRateLimits: Readonly<Record<string, RateLimitSpec>> = {
  // "Special" tier: ~1 message/s per channel, short bursts allowed.
  "chat.postMessage": { perSecond: 1, burst: 3, key: (a) => String(a["channel"] ?? "") },
  // Tier 4 (100+/min).
  "views.open": { perSecond: 100 / 60, burst: 10 },
  "files.completeUploadExternal": { perSecond: 100 / 60, burst: 10 },
  // Tier 1 (1+/min).
  "apps.connections.open": { perSecond: 1 / 60, burst: 5 },
};

export interface FakeSlackOptions {
  teamId?: string;
  appId?: string;
  rateLimits?: Readonly<Record<string, RateLimitSpec>>;
  /** Socket Mode ack deadline (Slack: 3 s). */
  ackTimeoutMs?: number;
  /** Server→client WebSocket ping interval; the client drops the link if none arrives in 30 s. */
  serverPingIntervalMs?: number;
  /** Lifetime of trigger_ids issued by `issueTriggerId()` (Slack: 3 s). */
  triggerTtlMs?: number;
  /** Users returned by users.info; others are synthesised from the id. */
  users?: Readonly<Record<string, Partial<SlackUser>>>;
}

export interface SlackUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  is_bot: boolean;
  tz: string;
  profile: { display_name: string; real_name: string; email: string };
}

/** A JSON body POSTed to a response_url. */
export interface RecordedResponse {
  id: string;
  body: unknown;
  contentType: string | undefined;
  at: number;
}

export interface RecordedUpload {
  fileId: string;
  contentType: string | undefined;
  bytes: Buffer;
}

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

export interface OutgoingEnvelope {
  type: EnvelopeType;
  payload: Record<string, unknown>;
  envelope_id?: string;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** What the client sent back for an envelope. A bare `ack()` still yields `payload: {}`. */
export interface SocketAck {
  envelope_id: string;
  payload: Record<string, unknown> | undefined;
  /** Time from push to ack. */
  ms: number;
}

export type DisconnectReason = "warning" | "refresh_requested" | "too_many_websockets" | "link_disabled";

export interface FakeSlackSocket {
  /** Number of currently open Socket Mode connections. */
  readonly openConnections: number;
  /** Every ack received, including late ones (after the deadline) and unknown envelope ids. */
  readonly acks: readonly (SocketAck & { late: boolean })[];
  /** Resolves once at least `count` connections have received `hello`. */
  waitForConnection(timeoutMs?: number, count?: number): Promise<void>;
  /** Pushes an envelope to the newest connection and resolves with the client's ack. */
  send(envelope: OutgoingEnvelope, opts?: { ackTimeoutMs?: number }): Promise<SocketAck>;
  /** Sends a `disconnect` frame to every open connection (the client then closes with 1000). */
  disconnect(reason?: DisconnectReason): void;
}

export interface FakeSlack {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `${url}/api/` — what to pass as `slackApiUrl`. */
  readonly apiUrl: string;
  readonly calls: readonly SlackCall[];
  readonly responses: readonly RecordedResponse[];
  readonly uploads: readonly RecordedUpload[];
  readonly socket: FakeSlackSocket;
  responseUrl(id: string): string;
  /** Registers a trigger_id so views.open can enforce the 3 s expiry; returns it. */
  issueTriggerId(): string;
  waitForCall(method: string, predicate?: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  waitForResponse(predicate?: (r: RecordedResponse) => boolean, timeoutMs?: number): Promise<RecordedResponse>;
  /** The next call of `method` (or "respond" / "upload" for those endpoints) answers `spec`. */
  failNext(method: string, spec?: FailSpec): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Small generic pieces
// ---------------------------------------------------------------------------------------------

/** An append-only log whose entries can be awaited. */
class WaitableLog<T> {
  readonly items: T[] = [];
  private waiters = new Set<{ match: (t: T) => boolean; resolve: (t: T) => void }>();

  push(item: T): void {
    this.items.push(item);
    for (const w of this.waiters) {
      if (w.match(item)) {
        this.waiters.delete(w);
        w.resolve(item);
      }
    }
  }

  /** Resolves with the first matching entry, past or future. */
  waitFor(match: (t: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const found = this.items.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (t: T) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

class TokenBucketLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly spec: RateLimitSpec) {}

  /** Returns 0 when allowed, else the seconds to wait (≥1, as Retry-After is whole seconds). */
  take(args: Record<string, unknown>): number {
    const key = this.spec.key?.(args) ?? "";
    const now = Date.now();
    const b = this.buckets.get(key) ?? { tokens: this.spec.burst, at: now };
    b.tokens = Math.min(this.spec.burst, b.tokens + ((now - b.at) / 1000) * this.spec.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.spec.perSecond));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** Form fields the Web API client JSON-encodes (platforms.md §4: object arguments). */
const JSON_FORM_FIELDS = new Set(["blocks", "attachments", "view", "files", "metadata"]);

function parseApiArgs(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString("utf8");
  if (text.length === 0) return {};
  if (contentType?.startsWith("application/json")) {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    args[k] = JSON_FORM_FIELDS.has(k) ? tryJson(v) : v;
  }
  return args;
}

function tryJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith("Bearer ") ? h.slice("Bearer ".length) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

// ---------------------------------------------------------------------------------------------
// Web API method handlers
// ---------------------------------------------------------------------------------------------

/** Result of a method handler: a Slack JSON body (HTTP 200, as Slack answers even for errors). */
type ApiResult = { ok: true; [k: string]: unknown } | { ok: false; error: string; [k: string]: unknown };
type ApiHandler = (args: Record<string, unknown>, token: string | undefined) => ApiResult;

/** Mutable world state behind the Web API handlers. */
class SlackState {
  private tsCounter = 0;
  private idCounter = 0;
  readonly messages = new Map<string, Record<string, unknown>>();
  readonly views = new Map<string, Record<string, unknown>>();
  /** trigger_id → issue time (undefined: not issued by us, so its age is unknown). */
  readonly triggers = new Map<string, number | undefined>();
  readonly usedTriggers = new Set<string>();
  readonly pendingFiles = new Map<string, { filename: string; length: number; uploaded: boolean }>();
  readonly tickets = new Set<string>();

  constructor(readonly opts: Required<Pick<FakeSlackOptions, "teamId" | "appId" | "triggerTtlMs">> & FakeSlackOptions) {}

  nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, "0")}`;
  }

  nextId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}FAKE${String(this.idCounter).padStart(6, "0")}`;
  }
}

function buildHandlers(state: SlackState, baseUrl: () => string): Record<string, ApiHandler> {
  const { teamId, appId } = state.opts;
  const invalid = (msg: string): ApiResult => ({
    ok: false,
    error: "invalid_arguments",
    response_metadata: { messages: [msg] },
  });

  const materialiseView = (view: Record<string, unknown>, id: string): Record<string, unknown> => ({
    type: "modal",
    callback_id: "",
    private_metadata: "",
    ...view,
    id,
    team_id: teamId,
    app_id: appId,
    bot_id: "BBOT",
    root_view_id: id,
    previous_view_id: null,
    hash: `${Date.now()}.${randomUUID().slice(0, 8)}`,
    state: { values: {} },
  });

  return {
    "auth.test": () => ({
      ok: true,
      url: "https://fake.slack.com/",
      team: "Fake Team",
      user: "duban",
      team_id: teamId,
      user_id: "UBOT",
      bot_id: "BBOT",
      is_enterprise_install: false,
    }),

    "chat.postMessage": (a) => {
      const channel = str(a["channel"]);
      if (!channel) return { ok: false, error: "channel_not_found" };
      if (!str(a["text"]) && !Array.isArray(a["blocks"]) && !Array.isArray(a["attachments"])) {
        return { ok: false, error: "no_text" };
      }
      const ts = state.nextTs();
      const message = {
        type: "message",
        subtype: "bot_message",
        text: a["text"] ?? "",
        ts,
        bot_id: "BBOT",
        ...(a["blocks"] !== undefined ? { blocks: a["blocks"] } : {}),
        ...(a["thread_ts"] !== undefined ? { thread_ts: a["thread_ts"] } : {}),
      };
      state.messages.set(`${channel}:${ts}`, message);
      return { ok: true, channel, ts, message };
    },

    "chat.postEphemeral": (a) => {
      if (!str(a["channel"])) return { ok: false, error: "channel_not_found" };
      if (!str(a["user"])) return { ok: false, error: "user_not_in_channel" };
      return { ok: true, message_ts: state.nextTs() };
    },

    "chat.update": (a) => {
      const channel = str(a["channel"]);
      const ts = str(a["ts"]);
      if (!channel || !ts) return invalid("channel and ts are required");
      const existing = state.messages.get(`${channel}:${ts}`);
      if (!existing) return { ok: false, error: "message_not_found" };
      const message = { ...existing, text: a["text"] ?? existing["text"], ...(a["blocks"] ? { blocks: a["blocks"] } : {}) };
      state.messages.set(`${channel}:${ts}`, message);
      return { ok: true, channel, ts, text: message["text"], message };
    },

    "views.open": (a) => {
      const trigger = str(a["trigger_id"]);
      if (!trigger) return invalid("invalid `trigger_id`");
      if (state.usedTriggers.has(trigger)) return { ok: false, error: "trigger_exchanged" };
      const issuedAt = state.triggers.get(trigger);
      if (issuedAt !== undefined && Date.now() - issuedAt > state.opts.triggerTtlMs) {
        return { ok: false, error: "trigger_expired" };
      }
      const view = a["view"];
      if (typeof view !== "object" || view === null) return invalid("invalid `view`");
      state.usedTriggers.add(trigger);
      const id = state.nextId("V");
      const stored = materialiseView(view as Record<string, unknown>, id);
      state.views.set(id, stored);
      return { ok: true, view: stored };
    },

    "views.update": (a) => {
      const id =
        str(a["view_id"]) ??
        [...state.views.values()].find((v) => v["external_id"] !== undefined && v["external_id"] === a["external_id"])?.["id"];
      if (typeof id !== "string") return invalid("view_id or external_id is required");
      const existing = state.views.get(id);
      if (!existing) return { ok: false, error: "not_found" };
      if (str(a["hash"]) && a["hash"] !== existing["hash"]) return { ok: false, error: "hash_conflict" };
      const view = a["view"];
      if (typeof view !== "object" || view === null) return invalid("invalid `view`");
      const stored = materialiseView(view as Record<string, unknown>, id);
      state.views.set(id, stored);
      return { ok: true, view: stored };
    },

    "conversations.open": (a) => {
      const users = str(a["users"]);
      const channel = str(a["channel"]);
      if (!users && !channel) return invalid("users or channel is required");
      // Deterministic per user set, as Slack returns the same DM channel every time.
      const id = channel ?? `D${Buffer.from(users ?? "").toString("hex").slice(0, 10).toUpperCase()}`;
      return { ok: true, channel: { id } };
    },

    "users.info": (a) => {
      const id = str(a["user"]);
      if (!id) return { ok: false, error: "user_not_found" };
      const override = state.opts.users?.[id];
      const name = override?.name ?? id.toLowerCase();
      const user: SlackUser = {
        id,
        team_id: teamId,
        name,
        real_name: override?.real_name ?? `User ${id}`,
        is_bot: false,
        tz: "Asia/Shanghai",
        profile: { display_name: name, real_name: override?.real_name ?? `User ${id}`, email: `${name}@example.com` },
        ...override,
      };
      return { ok: true, user };
    },

    "files.getUploadURLExternal": (a) => {
      const filename = str(a["filename"]);
      const length = Number(a["length"]);
      if (!filename || !Number.isFinite(length) || length <= 0) return invalid("filename and length are required");
      const fileId = state.nextId("F");
      state.pendingFiles.set(fileId, { filename, length, uploaded: false });
      return { ok: true, upload_url: `${baseUrl()}/upload/v1/${fileId}`, file_id: fileId };
    },

    "files.completeUploadExternal": (a) => {
      const files = a["files"];
      if (!Array.isArray(files) || files.length === 0) return invalid("files is required");
      const out: Record<string, unknown>[] = [];
      for (const f of files as { id?: unknown; title?: unknown }[]) {
        const id = str(f.id);
        const pending = id ? state.pendingFiles.get(id) : undefined;
        if (!id || !pending?.uploaded) return { ok: false, error: "file_not_found" };
        out.push({ id, title: f.title ?? pending.filename, name: pending.filename, size: pending.length });
      }
      return { ok: true, files: out };
    },

    "apps.connections.open": (_a, token) => {
      // Only app-level tokens may open Socket Mode connections.
      if (!token?.startsWith("xapp-")) return { ok: false, error: "not_allowed_token_type" };
      const ticket = randomUUID();
      state.tickets.add(ticket);
      return { ok: true, url: `${baseUrl().replace(/^http/, "ws")}/link/?ticket=${ticket}&app_id=${appId}` };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Socket Mode
// ---------------------------------------------------------------------------------------------

const ClientAck = z.object({
  envelope_id: z.string(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

interface PendingAck {
  resolve: (a: SocketAck) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

class SocketModeServer implements FakeSlackSocket {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly helloed: WebSocket[] = [];
  private readonly pending = new Map<string, PendingAck>();
  private readonly ackLog: (SocketAck & { late: boolean })[] = [];
  private readonly sentAt = new Map<string, number>();
  private connectionWaiters: (() => void)[] = [];

  constructor(private readonly state: SlackState, private readonly opts: { ackTimeoutMs: number; pingMs: number }) {}

  get openConnections(): number {
    return this.helloed.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  get acks(): readonly (SocketAck & { late: boolean })[] {
    return this.ackLog;
  }

  /** Called from the HTTP server's `upgrade` event. The ticket from apps.connections.open is single-use. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://x");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (!url.pathname.startsWith("/link") || !this.state.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    this.helloed.push(ws);
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.openConnections,
        debug_info: { host: "fake-slack", build_number: 0, approximate_connection_time: 18060 },
        connection_info: { app_id: this.state.opts.appId },
      }),
    );
    // Slack pings the client; once one ping arrived the client expects another within 30 s.
    const pinger = setInterval(() => ws.readyState === WebSocket.OPEN && ws.ping(), this.opts.pingMs);
    ws.on("close", () => clearInterval(pinger));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.onClientMessage(data.toString());
    });
    const waiters = this.connectionWaiters;
    this.connectionWaiters = [];
    for (const w of waiters) w();
  }

  private onClientMessage(text: string): void {
    const parsed = ClientAck.safeParse(tryJson(text));
    if (!parsed.success) return;
    const { envelope_id, payload } = parsed.data;
    const pending = this.pending.get(envelope_id);
    const ms = Date.now() - (this.sentAt.get(envelope_id) ?? Date.now());
    const ack: SocketAck = { envelope_id, payload, ms };
    this.ackLog.push({ ...ack, late: pending === undefined });
    if (pending) {
      clearTimeout(pending.timer);
      this.pending.delete(envelope_id);
      pending.resolve(ack);
    }
  }

  async waitForConnection(timeoutMs = 3000, count = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.openConnections < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no Socket Mode connection within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.connectionWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(envelope: OutgoingEnvelope, opts: { ackTimeoutMs?: number } = {}): Promise<SocketAck> {
    const ws = [...this.helloed].reverse().find((w) => w.readyState === WebSocket.OPEN);
    if (!ws) return Promise.reject(new Error("no open Socket Mode connection"));
    const envelope_id = envelope.envelope_id ?? randomUUID();
    const frame = {
      accepts_response_payload: envelope.type !== "events_api",
      ...envelope,
      envelope_id,
      ...(envelope.type === "events_api"
        ? { retry_attempt: envelope.retry_attempt ?? 0, retry_reason: envelope.retry_reason ?? "" }
        : {}),
    };
    const timeoutMs = opts.ackTimeoutMs ?? this.opts.ackTimeoutMs;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope_id);
        reject(new Error(`envelope ${envelope_id} (${envelope.type}) not acked within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelope_id, { resolve, reject, timer });
      this.sentAt.set(envelope_id, Date.now());
      ws.send(JSON.stringify(frame));
    });
  }

  disconnect(reason: DisconnectReason = "warning"): void {
    const frame = JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-slack" } });
    for (const ws of this.helloed) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error("fake Slack closed"));
    }
    this.pending.clear();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

/** response_url may be used up to 5 times (Slack docs); the error body is [UNVERIFIED]. */
const RESPONSE_URL_MAX_USES = 5;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const state = new SlackState({ teamId: "T1", appId: "A1", triggerTtlMs: 3000, ...options });
  let url = "";
  const handlers = buildHandlers(state, () => url);
  const limiters = new Map(Object.entries(options.rateLimits ?? {}).map(([m, s]) => [m, new TokenBucketLimiter(s)]));
  const failures = new Map<string, FailSpec[]>();
  const calls = new WaitableLog<SlackCall>();
  const responses = new WaitableLog<RecordedResponse>();
  const uploads: RecordedUpload[] = [];
  const responseUses = new Map<string, number>();
  const socket = new SocketModeServer(state, {
    ackTimeoutMs: options.ackTimeoutMs ?? 3000,
    pingMs: options.serverPingIntervalMs ?? 5000,
  });

  /** Pops an injected failure and writes it; returns the status sent, or undefined when none was queued. */
  const injectFailure = (key: string, res: ServerResponse): number | undefined => {
    const spec = failures.get(key)?.shift();
    if (!spec) return undefined;
    const status = spec.status ?? 200;
    sendJson(res, status, spec.body ?? { ok: false, error: "fatal_error" }, spec.headers);
    return status;
  };

  const handleApi = (method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void => {
    const args = parseApiArgs(raw, req.headers["content-type"]);
    const token = bearer(req) ?? str(args["token"]);
    const record = (status: number): void => calls.push({ method, args, token, status, at: Date.now() });

    const injected = injectFailure(method, res);
    if (injected !== undefined) return record(injected);

    const retryAfter = limiters.get(method)?.take(args) ?? 0;
    if (retryAfter > 0) {
      sendJson(res, 429, { ok: false, error: "ratelimited" }, { "retry-after": String(retryAfter) });
      return record(429);
    }
    const handler = handlers[method];
    let result: ApiResult;
    if (!handler) result = { ok: false, error: "unknown_method" };
    else if (!token) result = { ok: false, error: "not_authed" };
    else if (token.startsWith("xapp-") && method !== "apps.connections.open") result = { ok: false, error: "not_allowed_token_type" };
    else result = handler(args, token);
    sendJson(res, 200, result);
    record(200);
  };

  const handleRespond = (id: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void => {
    if (injectFailure("respond", res) !== undefined) return;
    const uses = (responseUses.get(id) ?? 0) + 1;
    responseUses.set(id, uses);
    if (uses > RESPONSE_URL_MAX_USES) return sendJson(res, 404, { ok: false, error: "used_url" });
    const contentType = req.headers["content-type"];
    if (!contentType?.startsWith("application/json")) return sendJson(res, 400, { ok: false, error: "invalid_payload" });
    responses.push({ id, body: tryJson(raw.toString("utf8")), contentType, at: Date.now() });
    sendJson(res, 200, { ok: true });
  };

  const handleUpload = (fileId: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void => {
    if (injectFailure("upload", res) !== undefined) return;
    const pending = state.pendingFiles.get(fileId);
    if (!pending) {
      res.writeHead(404).end();
      return;
    }
    pending.uploaded = true;
    uploads.push({ fileId, contentType: req.headers["content-type"], bytes: raw });
    res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${raw.length}`);
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const [, root, rest] = /^\/([^/]+)\/(.+)$/.exec(path) ?? [];
      if (req.method === "POST" && root === "api" && rest) return handleApi(rest, req, raw, res);
      if (req.method === "POST" && root === "respond" && rest) return handleRespond(decodeURIComponent(rest), req, raw, res);
      if (req.method === "POST" && root === "upload" && rest?.startsWith("v1/")) return handleUpload(rest.slice(3), req, raw, res);
      res.writeHead(404).end();
    });
  });
  server.on("upgrade", (req, sock, head) => socket.handleUpgrade(req, sock, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls: calls.items,
    responses: responses.items,
    uploads,
    socket,
    responseUrl: (id) => `${url}/respond/${encodeURIComponent(id)}`,
    issueTriggerId: () => {
      const id = `${Date.now()}.${Math.floor(Math.random() * 1e8)}.${randomUUID().replace(/-/g, "")}`;
      state.triggers.set(id, Date.now());
      return id;
    },
    waitForCall: (method, predicate = () => true, timeoutMs = 3000) =>
      calls.waitFor((c) => c.method === method && predicate(c), timeoutMs, `Slack call ${method}`),
    waitForResponse: (predicate = () => true, timeoutMs = 3000) =>
      responses.waitFor(predicate, timeoutMs, "a response_url POST"),
    failNext: (method, spec = {}) => {
      const queue = failures.get(method) ?? [];
      queue.push(spec);
      failures.set(method, queue);
    },
    close: async () => {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Driving an HTTP-mode Bolt app: signing and recorded-shape bodies
// ---------------------------------------------------------------------------------------------

export interface SlackSignatureHeaders {
  "X-Slack-Request-Timestamp": string;
  "X-Slack-Signature": string;
}

/** v0 signature: hex(HMAC_SHA256(secret, "v0:" + ts + ":" + rawBody)). `ts` in Unix seconds. */
export function signSlackRequest(secret: string, body: string, ts: number = Math.floor(Date.now() / 1000)): SlackSignatureHeaders {
  const sig = createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex");
  return { "X-Slack-Request-Timestamp": String(ts), "X-Slack-Signature": `v0=${sig}` };
}

/** Fields of a slash-command form body (platforms.md §1); all strings, as on the wire. */
export interface SlashCommandPayload {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  response_url: string;
  trigger_id: string;
  enterprise_id?: string;
  enterprise_name?: string;
}

export function slashCommandPayload(overrides: Partial<SlashCommandPayload> = {}): SlashCommandPayload {
  return {
    token: "xyzz0WbapA4vBCDEFasx0q6G",
    team_id: "T1",
    team_domain: "d",
    channel_id: "C1",
    channel_name: "general",
    user_id: "U1",
    user_name: "u",
    command: "/duban",
    text: "",
    api_app_id: "A1",
    is_enterprise_install: "false",
    response_url: "https://hooks.slack.com/commands/T1/1/x",
    trigger_id: `${Date.now()}.1.${randomUUID().replace(/-/g, "")}`,
    ...overrides,
  };
}

/** Form-urlencoded slash-command body. */
export function slashCommandBody(overrides: Partial<SlashCommandPayload> = {}): string {
  const fields = Object.entries(slashCommandPayload(overrides)).filter((e): e is [string, string] => e[1] !== undefined);
  return new URLSearchParams(fields).toString();
}

export interface BlockActionsOptions {
  actionId?: string;
  blockId?: string;
  value?: string;
  userId?: string;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
  responseUrl?: string;
}

/** A `block_actions` payload in the shape recorded in platforms.md §2 (one button click). */
export function blockActionsPayload(o: BlockActionsOptions = {}): Record<string, unknown> {
  const user = o.userId ?? "U1";
  const channel = o.channelId ?? "C1";
  const ts = o.messageTs ?? "1.1";
  return {
    type: "block_actions",
    user: { id: user, username: "u", name: "u", team_id: "T1" },
    api_app_id: "A1",
    token: "x",
    container: { type: "message", message_ts: ts, channel_id: channel, is_ephemeral: false },
    trigger_id: o.triggerId ?? "1.2.3",
    team: { id: "T1", domain: "d" },
    channel: { id: channel, name: "general" },
    message: { type: "message", ts, text: "x" },
    response_url: o.responseUrl ?? "https://hooks.slack.com/actions/x",
    state: { values: {} },
    actions: [
      {
        type: "button",
        action_id: o.actionId ?? "btn",
        block_id: o.blockId ?? "b1",
        text: { type: "plain_text", text: "Go" },
        value: o.value ?? "v",
        action_ts: "1.2",
      },
    ],
  };
}

/** One input's state: `{type, value | selected_option | ...}` (platforms.md §2). */
export type ViewStateValue = { type: string } & Record<string, unknown>;

export interface ViewSubmissionOptions {
  callbackId?: string;
  /** view.state.values[block_id][action_id] */
  values?: Record<string, Record<string, ViewStateValue>>;
  privateMetadata?: string;
  userId?: string;
  viewId?: string;
  triggerId?: string;
}

/** A `view_submission` payload in the shape recorded in platforms.md §2. */
export function viewSubmissionPayload(o: ViewSubmissionOptions = {}): Record<string, unknown> {
  const viewId = o.viewId ?? "V1";
  return {
    type: "view_submission",
    team: { id: "T1", domain: "d" },
    user: { id: o.userId ?? "U1", name: "u", team_id: "T1" },
    api_app_id: "A1",
    token: "x",
    trigger_id: o.triggerId ?? "1.2.3",
    view: {
      id: viewId,
      team_id: "T1",
      type: "modal",
      callback_id: o.callbackId ?? "modal1",
      private_metadata: o.privateMetadata ?? "",
      hash: "1.a",
      app_id: "A1",
      bot_id: "B1",
      root_view_id: viewId,
      previous_view_id: null,
      title: { type: "plain_text", text: "t" },
      close: null,
      submit: { type: "plain_text", text: "s" },
      blocks: [],
      state: { values: o.values ?? {} },
    },
    response_urls: [],
  };
}

/** `payload=<urlencoded JSON>` body for interactivity over HTTP. */
export function interactivePayloadBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export const blockActionsBody = (o?: BlockActionsOptions): string => interactivePayloadBody(blockActionsPayload(o));
export const viewSubmissionBody = (o?: ViewSubmissionOptions): string => interactivePayloadBody(viewSubmissionPayload(o));

export interface PostToBoltOptions {
  secret: string;
  retryNum?: number;
  retryReason?: string;
  /** Default exactly `application/x-www-form-urlencoded`: Bolt 4.7.3 answers 400 to anything else. */
  contentType?: string;
  /** Unix seconds to sign with (e.g. stale ones to test rejection). */
  timestamp?: number;
  /** Overrides the computed signature (forgery tests). */
  signature?: string;
}

export interface BoltReply {
  status: number;
  body: string;
  contentType: string | null;
  ms: number;
}

/** Sends a signed request to an HTTP-mode Bolt app (e.g. `http://127.0.0.1:P/slack/events`). */
export async function postToBolt(boltUrl: string, body: string, o: PostToBoltOptions): Promise<BoltReply> {
  const signed = signSlackRequest(o.secret, body, o.timestamp);
  const headers: Record<string, string> = {
    "Content-Type": o.contentType ?? "application/x-www-form-urlencoded",
    ...signed,
    ...(o.signature !== undefined ? { "X-Slack-Signature": o.signature } : {}),
    ...(o.retryNum !== undefined ? { "X-Slack-Retry-Num": String(o.retryNum) } : {}),
    ...(o.retryReason !== undefined ? { "X-Slack-Retry-Reason": o.retryReason } : {}),
  };
  const started = Date.now();
  const res = await fetch(boltUrl, { method: "POST", headers, body });
  const text = await res.text();
  return { status: res.status, body: text, contentType: res.headers.get("content-type"), ms: Date.now() - started };
}
