/**
 * Fake DingTalk for tests: Stream-mode gateway + WebSocket, the OpenAPI endpoints Duban uses
 * (api.dingtalk.com), legacy oapi `/gettoken`, and per-message sessionWebhook endpoints — all on
 * one 127.0.0.1 HTTP server. Wire formats follow /work/shared/docs/platforms.md (DingTalk §6–§9).
 *
 * dingtalk-stream has no base-URL option (GATEWAY_URL / GET_TOKEN_URL are module constants), so
 * the client must be pointed here by subclassing DWClient: see ./dingtalk-client-for-tests.ts.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { z } from "zod";

export const TOPIC_ROBOT = "/v1.0/im/bot/messages/get";
export const TOPIC_CARD = "/v1.0/card/instances/callback";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FakeDingTalkOptions {
  clientId?: string;
  clientSecret?: string;
  /** robotCode accepted by the robot APIs; defaults to clientId (DingTalk: robotCode = AppKey). */
  robotCode?: string;
  /** `expireIn` of issued access tokens, seconds (DingTalk: 7200). */
  tokenExpireInSec?: number;
  /** Requests per second per API before HTTP 403 QpsLimitForAppkeyAndApi; `false` disables. */
  qpsLimit?: number | false;
  /** Default ack deadline for pushBotMessage. */
  botAckTimeoutMs?: number;
  /** Default ack deadline for pushCardCallback (DingTalk: 2 s). */
  cardAckTimeoutMs?: number;
  /** Re-push un-acked CALLBACKs with the same messageId every `afterMs`, at most `maxDeliveries` times in all. */
  redelivery?: { afterMs: number; maxDeliveries: number } | false;
  /** Lifetime of a sessionWebhook when the pushed message does not set sessionWebhookExpiredTime. */
  sessionWebhookTtlMs?: number;
  /** Gateway ticket lifetime (DingTalk: 90 s). */
  ticketTtlMs?: number;
}

/** One recorded HTTP call (gateway, token and OpenAPI alike). */
export interface DingTalkCall {
  /** `METHOD /path` without query, e.g. `POST /v1.0/robot/oToMessages/batchSend`. */
  api: string;
  query: Record<string, string>;
  body: unknown;
  /** `x-acs-dingtalk-access-token` header, if sent. */
  accessToken: string | undefined;
  status: number;
  response: unknown;
  at: number;
}

export interface FailSpec {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Subscription {
  type: string;
  topic: string;
}

/** A gateway registration, i.e. what the client asked to subscribe to. */
export interface GatewayRegistration {
  clientId: string;
  ua: string;
  subscriptions: Subscription[];
  ticket: string;
}

/** An upstream frame sent by the client (ack / ping echo), as on the wire. */
export interface UpstreamFrame {
  code: number;
  headers: { messageId: string; contentType?: string; [k: string]: unknown };
  message: string;
  data: string;
}

export interface UpstreamAck {
  frame: UpstreamFrame;
  /** `frame.data` JSON-decoded (CALLBACK acks: `{response: …}`). */
  data: unknown;
  ms: number;
  /** How many times the message had been delivered when the ack arrived. */
  deliveries: number;
}

/** The robot message callback payload (platforms.md §7). */
export interface RobotMessage {
  conversationId: string;
  atUsers?: { dingtalkId: string; staffId?: string }[];
  chatbotCorpId: string;
  chatbotUserId: string;
  msgId: string;
  senderNick: string;
  isAdmin: boolean;
  senderStaffId?: string;
  sessionWebhookExpiredTime: number;
  createAt: number;
  senderCorpId: string;
  conversationType: "1" | "2";
  senderId: string;
  conversationTitle?: string;
  isInAtList?: boolean;
  sessionWebhook: string;
  text?: { content: string };
  robotCode: string;
  msgtype: string;
  [k: string]: unknown;
}

/** The card callback payload (platforms.md §8). `content`/`value` are JSON strings. */
export interface CardCallback {
  extension: string;
  corpId: string;
  spaceType: string;
  userIdType: number;
  type: string;
  userId: string;
  spaceId: string;
  outTrackId: string;
  content: string;
  value: string;
  [k: string]: unknown;
}

export interface CardCallbackOptions {
  outTrackId: string;
  userId?: string;
  actionIds?: string[];
  params?: Record<string, unknown>;
  spaceId?: string;
}

export interface PushOptions {
  ackTimeoutMs?: number;
  messageId?: string;
}

export interface StoredCard {
  outTrackId: string;
  cardTemplateId: string;
  openSpaceId: string;
  callbackType: string | undefined;
  cardData: unknown;
  updates: unknown[];
}

export interface FakeDingTalk {
  /** `http://127.0.0.1:<port>`: base for api.dingtalk.com *and* oapi.dingtalk.com paths. */
  readonly url: string;
  readonly gatewayUrl: string;
  readonly getTokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly robotCode: string;
  readonly calls: readonly DingTalkCall[];
  readonly registrations: readonly GatewayRegistration[];
  /** Every upstream frame received, in order (acks, late acks, ping echoes). */
  readonly upstream: readonly UpstreamFrame[];
  readonly cards: ReadonlyMap<string, StoredCard>;
  /** How many access tokens were requested (new API + legacy gettoken). */
  readonly tokenRequests: { oauth2: number; gettoken: number };
  readonly openConnections: number;
  waitForConnection(timeoutMs?: number): Promise<void>;
  waitForCall(api: string, predicate?: (c: DingTalkCall) => boolean, timeoutMs?: number): Promise<DingTalkCall>;
  /** A complete robot message (group chat @bot by default) whose sessionWebhook points at this fake. */
  botMessage(overrides?: Partial<RobotMessage>): RobotMessage;
  cardCallback(o: CardCallbackOptions): CardCallback;
  /** Pushes a CALLBACK on TOPIC_ROBOT; resolves with the client's ack. Partial data is completed by botMessage(). */
  pushBotMessage(data?: Partial<RobotMessage>, opts?: PushOptions): Promise<UpstreamAck>;
  pushCardCallback(data: CardCallback | CardCallbackOptions, opts?: PushOptions): Promise<UpstreamAck>;
  /** Pushes an EVENT frame; dingtalk-stream acks those automatically. */
  pushEvent(eventType: string, data: unknown, opts?: PushOptions): Promise<UpstreamAck>;
  /** Sends a SYSTEM ping; resolves with the client's echo. */
  ping(timeoutMs?: number): Promise<UpstreamAck>;
  /** Sends a SYSTEM disconnect frame (the real server closes TCP 10 s later; here: `closeAfterMs`). */
  sendDisconnect(closeAfterMs?: number): void;
  /** Number of deliveries made for a messageId. */
  deliveries(messageId: string): number;
  /** The next request to `path` (e.g. "/v1.0/robot/oToMessages/batchSend") answers `spec`. */
  failNext(path: string, spec?: FailSpec): void;
  /** Adds a route (e.g. `POST /media/upload`, see ./fake-dingtalk-media.ts); it gets the raw body and headers. */
  addRoute(api: string, handler: FakeRoute): void;
  /** Whether `token` is the access token currently issued (by /v1.0/oauth2/accessToken or /gettoken). */
  tokenValid(token: string | undefined): boolean;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Request parsing (zod: the fake should reject what DingTalk rejects, loudly)
// ---------------------------------------------------------------------------------------------

const GatewayBody = z.object({
  clientId: z.string(),
  clientSecret: z.string(),
  ua: z.string().optional(),
  subscriptions: z.array(z.object({ type: z.string(), topic: z.string() })),
});

const UpstreamFrameSchema = z.object({
  code: z.number(),
  headers: z.looseObject({ messageId: z.string(), contentType: z.string().optional() }),
  message: z.string(),
  data: z.string(),
});

const BatchSendBody = z.object({
  robotCode: z.string(),
  userIds: z.array(z.string()),
  msgKey: z.string(),
  msgParam: z.string(),
});

const GroupSendBody = z.object({
  robotCode: z.string(),
  openConversationId: z.string(),
  msgKey: z.string(),
  msgParam: z.string(),
  coolAppCode: z.string().optional(),
});

const CreateAndDeliverBody = z.looseObject({
  cardTemplateId: z.string().optional(),
  outTrackId: z.string().optional(),
  callbackType: z.string().optional(),
  cardData: z.unknown(),
  openSpaceId: z.string().optional(),
});

const UpdateCardBody = z.looseObject({
  outTrackId: z.string().optional(),
  cardData: z.unknown(),
  cardUpdateOptions: z.unknown().optional(),
});

const SessionReplyBody = z.looseObject({ msgtype: z.string() });

// ---------------------------------------------------------------------------------------------
// Small generic pieces
// ---------------------------------------------------------------------------------------------

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** What a route sees. `raw` and `headers` are for routes whose body is not JSON (multipart uploads). */
export interface FakeRouteContext {
  body: unknown;
  raw: Buffer;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  accept: string;
}
export type FakeRoute = (ctx: FakeRouteContext) => Reply;

const ok = (body: unknown): Reply => ({ status: 200, body });
/** New-API error format: HTTP 4xx/5xx with {code, message, requestid}. */
const apiError = (status: number, code: string, message: string): Reply => ({
  status,
  body: { code, message, requestid: randomUUID().toUpperCase() },
});

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function tryJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sliding one-second window per API, like DingTalk's "20 QPS per app per API". */
class QpsLimiter {
  private hits = new Map<string, number[]>();
  constructor(private readonly qps: number) {}

  allow(api: string): boolean {
    const now = Date.now();
    const recent = (this.hits.get(api) ?? []).filter((t) => now - t < 1000);
    const allowed = recent.length < this.qps;
    if (allowed) recent.push(now);
    this.hits.set(api, recent);
    return allowed;
  }
}

class Waiters<T> {
  private list: { match: (t: T) => boolean; resolve: (t: T) => void }[] = [];
  notify(item: T): void {
    this.list = this.list.filter((w) => (w.match(item) ? (w.resolve(item), false) : true));
  }
  wait(existing: readonly T[], match: (t: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const found = existing.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.list = this.list.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (t: T) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
      this.list.push(waiter);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Stream connection
// ---------------------------------------------------------------------------------------------

interface StreamConnection {
  ws: WebSocket;
  id: string;
  subscriptions: Subscription[];
}

interface PendingPush {
  sentAt: number;
  deliveries: number;
  resolve: (a: UpstreamAck) => void;
  reject: (e: Error) => void;
  timers: NodeJS.Timeout[];
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export async function startFakeDingTalk(options: FakeDingTalkOptions = {}): Promise<FakeDingTalk> {
  const clientId = options.clientId ?? "dingfakeclientid";
  const clientSecret = options.clientSecret ?? "fake-client-secret";
  const robotCode = options.robotCode ?? clientId;
  const tokenExpireInSec = options.tokenExpireInSec ?? 7200;
  const ticketTtlMs = options.ticketTtlMs ?? 90_000;
  const sessionTtlMs = options.sessionWebhookTtlMs ?? 90 * 60_000;
  const limiter = options.qpsLimit === false ? undefined : new QpsLimiter(options.qpsLimit ?? 20);
  const redelivery = options.redelivery ?? false;

  let url = "";
  const calls: DingTalkCall[] = [];
  const callWaiters = new Waiters<DingTalkCall>();
  const registrations: GatewayRegistration[] = [];
  const tickets = new Map<string, { expiresAt: number; registration: GatewayRegistration }>();
  const upstream: UpstreamFrame[] = [];
  const connections: StreamConnection[] = [];
  let connectionWaiters: (() => void)[] = [];
  const pending = new Map<string, PendingPush>();
  const deliveryCounts = new Map<string, number>();
  const sessions = new Map<string, number>(); // session id → expiry (ms epoch)
  const cards = new Map<string, StoredCard>();
  const failures = new Map<string, FailSpec[]>();
  const tokenRequests = { oauth2: 0, gettoken: 0 };
  let currentToken: { value: string; expiresAt: number } | undefined;
  let seq = 0;

  /** Same token until it expires, as DingTalk documents for repeated calls. */
  const issueToken = (): { value: string; expiresInSec: number } => {
    if (!currentToken || currentToken.expiresAt <= Date.now()) {
      currentToken = { value: `fake-token-${randomUUID()}`, expiresAt: Date.now() + tokenExpireInSec * 1000 };
    }
    return { value: currentToken.value, expiresInSec: Math.round((currentToken.expiresAt - Date.now()) / 1000) };
  };
  const tokenValid = (t: string | undefined): boolean =>
    t !== undefined && currentToken?.value === t && currentToken.expiresAt > Date.now();

  // ---- HTTP routes -------------------------------------------------------------------------

  type Route = FakeRoute;
  /** Routes that need `x-acs-dingtalk-access-token` are wrapped by `authed`. */
  const authed = (route: Route): Route & { authed: true } => Object.assign(route, { authed: true as const });

  const routes: Record<string, Route & { authed?: true }> = {
    "POST /v1.0/gateway/connections/open": ({ body, accept }) => {
      // Without Accept: application/json the real gateway answers XML (SDK source comment).
      if (!accept.includes("application/json")) {
        return { status: 200, body: "<xml>accept application/json</xml>", headers: { "content-type": "application/xml" } };
      }
      const parsed = GatewayBody.safeParse(body);
      if (!parsed.success) return apiError(400, "MissingParameter", parsed.error.message);
      // [UNVERIFIED] exact gateway error for bad credentials; mirrors the accessToken endpoint.
      if (parsed.data.clientId !== clientId || parsed.data.clientSecret !== clientSecret) {
        return apiError(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
      }
      const ticket = randomUUID();
      const registration = { clientId, ua: parsed.data.ua ?? "", subscriptions: parsed.data.subscriptions, ticket };
      registrations.push(registration);
      tickets.set(ticket, { expiresAt: Date.now() + ticketTtlMs, registration });
      return ok({ endpoint: `${url.replace(/^http/, "ws")}/connect`, ticket });
    },

    "POST /v1.0/oauth2/accessToken": ({ body }) => {
      tokenRequests.oauth2 += 1;
      const b = (body ?? {}) as { appKey?: unknown; appSecret?: unknown };
      if (b.appKey !== clientId || b.appSecret !== clientSecret) {
        return apiError(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
      }
      const t = issueToken();
      return ok({ accessToken: t.value, expireIn: t.expiresInSec });
    },

    // Legacy oapi endpoint used by DWClient.getAccessToken(). Error code 40089 is [UNVERIFIED].
    "GET /gettoken": ({ query }) => {
      tokenRequests.gettoken += 1;
      if (query["appkey"] !== clientId || query["appsecret"] !== clientSecret) {
        return ok({ errcode: 40089, errmsg: "不合法的appkey或appsecret" });
      }
      const t = issueToken();
      return ok({ errcode: 0, errmsg: "ok", access_token: t.value, expires_in: t.expiresInSec });
    },

    "POST /v1.0/robot/oToMessages/batchSend": authed(({ body }) => {
      const parsed = BatchSendBody.safeParse(body);
      if (!parsed.success) return apiError(400, "MissingParameter", parsed.error.message);
      if (parsed.data.robotCode !== robotCode) return apiError(400, "invalidParameter.robotCode", "robotCode 无效");
      const n = parsed.data.userIds.length;
      // [UNVERIFIED] exact code; the limit itself (1..20 userIds) is documented.
      if (n === 0 || n > 20) return apiError(400, "invalidParameter.userIds", `userIds 数量必须在1到20之间, 当前: ${n}`);
      const msgErr = checkMsgParam(parsed.data.msgParam);
      if (msgErr) return msgErr;
      return ok({ processQueryKey: `pqk-${++seq}`, invalidStaffIdList: [], flowControlledStaffIdList: [] });
    }),

    "POST /v1.0/robot/groupMessages/send": authed(({ body }) => {
      const parsed = GroupSendBody.safeParse(body);
      if (!parsed.success) return apiError(400, "MissingParameter", parsed.error.message);
      if (parsed.data.robotCode !== robotCode) return apiError(400, "invalidParameter.robotCode", "robotCode 无效");
      if (Buffer.byteLength(parsed.data.msgParam) > 15_000) {
        return apiError(400, "invalidParameter.msgParam", "msgParam 超过 15000 字节");
      }
      const msgErr = checkMsgParam(parsed.data.msgParam);
      if (msgErr) return msgErr;
      return ok({ processQueryKey: `pqk-${++seq}` });
    }),

    "POST /v1.0/card/instances/createAndDeliver": authed(({ body }) => {
      const parsed = CreateAndDeliverBody.safeParse(body);
      if (!parsed.success) return apiError(400, "param.invalid", parsed.error.message);
      const b = parsed.data;
      if (!b.outTrackId) return apiError(400, "param.outTrackIdEmpty", "outTrackId 为空");
      if (!b.cardTemplateId) return apiError(400, "param.cardTemplateIdEmpty", "cardTemplateId 为空");
      const space = /^dtv1\.card\/\/(IM_ROBOT|IM_GROUP)\.(.+)$/.exec(b.openSpaceId ?? "");
      if (!space) return apiError(400, "param.openSpaceIdInvalid", "openSpaceId 无效");
      if (cards.has(b.outTrackId)) return apiError(400, "param.cardAlreadyExist", "卡片已存在");
      cards.set(b.outTrackId, {
        outTrackId: b.outTrackId,
        cardTemplateId: b.cardTemplateId,
        openSpaceId: b.openSpaceId ?? "",
        callbackType: b.callbackType,
        cardData: b.cardData,
        updates: [],
      });
      return ok({
        success: true,
        result: {
          outTrackId: b.outTrackId,
          deliverResults: [
            { spaceType: space[1], spaceId: space[2], success: true, carrierId: `pqk-${++seq}`, errorMsg: "" },
          ],
        },
      });
    }),

    // [UNVERIFIED] response body and not-found code of the card update.
    "PUT /v1.0/card/instances": authed(({ body }) => {
      const parsed = UpdateCardBody.safeParse(body);
      if (!parsed.success) return apiError(400, "param.invalid", parsed.error.message);
      if (!parsed.data.outTrackId) return apiError(400, "param.outTrackIdEmpty", "outTrackId 为空");
      const card = cards.get(parsed.data.outTrackId);
      if (!card) return apiError(400, "param.cardNotExist", "卡片不存在");
      card.updates.push(parsed.data);
      return ok({ success: true, result: true });
    }),

    // sessionWebhook: no token needed. The error body after expiry is [UNVERIFIED].
    "POST /robot/sendBySession": ({ body, query }) => {
      const expiresAt = sessions.get(query["session"] ?? "");
      if (expiresAt === undefined) return ok({ errcode: 300001, errmsg: "session 不存在" });
      if (expiresAt <= Date.now()) return ok({ errcode: 300002, errmsg: "session 已过期" });
      if (!SessionReplyBody.safeParse(body).success) return ok({ errcode: 40035, errmsg: "缺少参数 msgtype" });
      return ok({ errcode: 0, errmsg: "ok" });
    },
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? "/", "http://x");
    const api = `${req.method ?? "GET"} ${u.pathname}`;
    const query = Object.fromEntries(u.searchParams);
    const raw = await readBody(req);
    const body = tryJson(raw.toString("utf8"));
    const accessToken = header(req, "x-acs-dingtalk-access-token");
    const handler = routes[api];

    let reply: Reply;
    const failure = failures.get(u.pathname)?.shift();
    if (failure) reply = { status: failure.status ?? 500, body: failure.body ?? { code: "system.busy", message: "系统繁忙" }, headers: failure.headers };
    else if (!handler) reply = apiError(404, "NotFound", `no such API: ${api}`);
    else if (limiter && u.pathname.startsWith("/v1.0/") && !limiter.allow(api)) {
      reply = apiError(403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "应用调用该接口的并发量超过限制");
    } else if (handler.authed && !tokenValid(accessToken)) reply = apiError(400, "InvalidAuthentication", "不合法的access_token");
    else reply = handler({ body, raw, query, headers: req.headers, accept: header(req, "accept") ?? "" });

    const isText = typeof reply.body === "string";
    res.writeHead(reply.status, { "content-type": isText ? "text/plain" : "application/json;charset=utf-8", ...reply.headers });
    res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
    const call: DingTalkCall = { api, query, body, accessToken, status: reply.status, response: reply.body, at: Date.now() };
    calls.push(call);
    callWaiters.notify(call);
  };

  // ---- Stream WebSocket ----------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const u = new URL(req.url ?? "/", "http://x");
    const ticket = tickets.get(u.searchParams.get("ticket") ?? "");
    tickets.delete(u.searchParams.get("ticket") ?? ""); // single-use
    if (u.pathname !== "/connect" || !ticket || ticket.expiresAt < Date.now()) {
      // Beware: dingtalk-stream 2.1.5 reconnect-storms on a rejected handshake unless autoReconnect:false.
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: StreamConnection = { ws, id: randomUUID(), subscriptions: ticket.registration.subscriptions };
      connections.push(conn);
      ws.on("message", (data) => onUpstream(data.toString()));
      const waiters = connectionWaiters;
      connectionWaiters = [];
      for (const w of waiters) w();
    });
  };

  const onUpstream = (text: string): void => {
    const parsed = UpstreamFrameSchema.safeParse(tryJson(text));
    if (!parsed.success) return;
    const frame = parsed.data as UpstreamFrame;
    upstream.push(frame);
    const p = pending.get(frame.headers.messageId);
    if (!p) return;
    pending.delete(frame.headers.messageId);
    for (const t of p.timers) clearTimeout(t);
    p.resolve({ frame, data: tryJson(frame.data), ms: Date.now() - p.sentAt, deliveries: p.deliveries });
  };

  const openConns = (): StreamConnection[] => connections.filter((c) => c.ws.readyState === WebSocket.OPEN);

  /** Sends a downstream frame and waits for the upstream frame carrying the same messageId. */
  const push = (
    type: "SYSTEM" | "EVENT" | "CALLBACK",
    topic: string,
    data: unknown,
    ackTimeoutMs: number,
    extraHeaders: Record<string, string> = {},
    messageId = `${randomUUID().slice(0, 8)}_${++seq}_${Date.now().toString(16)}`,
  ): Promise<UpstreamAck> => {
    // Only connections whose gateway registration subscribed to the topic get it, as on DingTalk.
    const subscribed = (c: StreamConnection): boolean =>
      type === "SYSTEM" || c.subscriptions.some((s) => s.type === type && (s.topic === topic || s.topic === "*"));
    const conn = openConns().reverse().find(subscribed);
    if (!conn) return Promise.reject(new Error(`no open stream connection subscribed to ${type} ${topic}`));
    const frame = JSON.stringify({
      specVersion: "1.0",
      type,
      headers: {
        appId: clientId,
        connectionId: conn.id,
        contentType: "application/json",
        messageId,
        time: String(Date.now()),
        topic,
        ...extraHeaders,
      },
      data: typeof data === "string" ? data : JSON.stringify(data),
    });
    const deliver = (): void => {
      deliveryCounts.set(messageId, (deliveryCounts.get(messageId) ?? 0) + 1);
      const entry = pending.get(messageId);
      if (entry) entry.deliveries += 1;
      const target = conn.ws.readyState === WebSocket.OPEN ? conn : openConns().reverse().find(subscribed);
      target?.ws.send(frame);
    };
    return new Promise<UpstreamAck>((resolve, reject) => {
      const entry: PendingPush = { sentAt: Date.now(), deliveries: 0, resolve, reject, timers: [] };
      pending.set(messageId, entry);
      entry.timers.push(
        setTimeout(() => {
          pending.delete(messageId);
          for (const t of entry.timers) clearTimeout(t);
          reject(new Error(`${type} ${topic} message ${messageId} not acked within ${ackTimeoutMs} ms`));
        }, ackTimeoutMs),
      );
      if (type === "CALLBACK" && redelivery) {
        for (let i = 1; i < redelivery.maxDeliveries; i++) entry.timers.push(setTimeout(deliver, i * redelivery.afterMs));
      }
      deliver();
    });
  };

  // ---- Payload builders ----------------------------------------------------------------------

  const botMessage = (o: Partial<RobotMessage> = {}): RobotMessage => {
    const createAt = o.createAt ?? Date.now();
    const expires = o.sessionWebhookExpiredTime ?? createAt + sessionTtlMs;
    const session = randomUUID().replace(/-/g, "");
    sessions.set(session, expires);
    const group = (o.conversationType ?? "2") === "2";
    return {
      conversationId: "cidFakeGroup==",
      ...(group ? { atUsers: [{ dingtalkId: "$:LWCP_v1:$bot" }], conversationTitle: "测试群", isInAtList: true } : {}),
      chatbotCorpId: "dingfakecorp",
      chatbotUserId: "$:LWCP_v1:$bot",
      msgId: `msg${randomUUID().replace(/-/g, "")}`,
      senderNick: "用户",
      isAdmin: false,
      senderStaffId: "manager1234",
      createAt,
      senderCorpId: "dingfakecorp",
      conversationType: "2",
      senderId: "$:LWCP_v1:$sender",
      robotCode,
      msgtype: "text",
      text: { content: " 测试数据" },
      ...o,
      sessionWebhookExpiredTime: expires,
      sessionWebhook: o.sessionWebhook ?? `${url}/robot/sendBySession?session=${session}`,
    };
  };

  const cardCallback = (o: CardCallbackOptions): CardCallback => {
    const content = JSON.stringify({ cardPrivateData: { actionIds: o.actionIds ?? ["button_1"], params: o.params ?? {} } });
    return {
      extension: "{}",
      corpId: "dingfakecorp",
      spaceType: "im",
      userIdType: 1,
      type: "actionCallback",
      userId: o.userId ?? "manager1234",
      spaceId: o.spaceId ?? "cidFakeGroup==",
      outTrackId: o.outTrackId,
      content,
      value: content,
    };
  };

  // ---- Start ---------------------------------------------------------------------------------

  const server: Server = createServer((req, res) => void route(req, res));
  server.on("upgrade", onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    gatewayUrl: `${url}/v1.0/gateway/connections/open`,
    getTokenUrl: `${url}/gettoken`,
    clientId,
    clientSecret,
    robotCode,
    calls,
    registrations,
    upstream,
    cards,
    tokenRequests,
    get openConnections() {
      return openConns().length;
    },
    waitForConnection: async (timeoutMs = 3000) => {
      if (openConns().length > 0) return;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no stream connection within ${timeoutMs} ms`)), timeoutMs);
        connectionWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    waitForCall: (api, predicate = () => true, timeoutMs = 3000) =>
      callWaiters.wait(calls, (c) => c.api === api && predicate(c), timeoutMs, `DingTalk call ${api}`),
    botMessage,
    cardCallback,
    pushBotMessage: (data = {}, opts = {}) =>
      push("CALLBACK", TOPIC_ROBOT, botMessage(data), opts.ackTimeoutMs ?? options.botAckTimeoutMs ?? 5000, {}, opts.messageId),
    pushCardCallback: (data, opts = {}) =>
      push(
        "CALLBACK",
        TOPIC_CARD,
        "content" in data ? data : cardCallback(data),
        opts.ackTimeoutMs ?? options.cardAckTimeoutMs ?? 2000,
        {},
        opts.messageId,
      ),
    pushEvent: (eventType, data, opts = {}) =>
      push(
        "EVENT",
        eventType,
        data,
        opts.ackTimeoutMs ?? 3000,
        {
          eventType,
          eventId: randomUUID(),
          eventCorpId: "dingfakecorp",
          eventBornTime: String(Date.now()),
          eventUnifiedAppId: clientId,
        },
        opts.messageId,
      ),
    ping: (timeoutMs = 3000) => push("SYSTEM", "ping", { opaque: randomUUID() }, timeoutMs),
    sendDisconnect: (closeAfterMs = 10_000) => {
      for (const c of openConns()) {
        c.ws.send(
          JSON.stringify({
            specVersion: "1.0",
            type: "SYSTEM",
            headers: { contentType: "application/json", messageId: randomUUID(), time: String(Date.now()), topic: "disconnect" },
            data: JSON.stringify({ reason: "connection is expired" }),
          }),
        );
        const t = setTimeout(() => c.ws.close(), closeAfterMs);
        c.ws.on("close", () => clearTimeout(t));
      }
    },
    deliveries: (messageId) => deliveryCounts.get(messageId) ?? 0,
    addRoute: (api, handler) => {
      routes[api] = handler;
    },
    tokenValid,
    failNext: (path, spec = {}) => {
      const queue = failures.get(path) ?? [];
      queue.push(spec);
      failures.set(path, queue);
    },
    close: async () => {
      for (const p of pending.values()) {
        for (const t of p.timers) clearTimeout(t);
        p.reject(new Error("fake DingTalk closed"));
      }
      pending.clear();
      for (const c of connections) c.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** msgParam is a JSON *string*; DingTalk rejects anything that does not parse. */
function checkMsgParam(msgParam: string): Reply | undefined {
  const v = tryJson(msgParam);
  return typeof v === "object" && v !== null ? undefined : apiError(400, "invalidParameter.msgParam", "msgParam 不是合法的 JSON");
}
