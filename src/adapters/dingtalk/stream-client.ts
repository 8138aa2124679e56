/**
 * dingtalk-stream 2.1.5's DWClient, made fit for production (platforms.md §6).
 *
 * Kept from the SDK: the WebSocket frame handling, SYSTEM ping echoes, EVENT acks,
 * socketCallBackResponse. Replaced, and why:
 *  - getEndpoint(): GATEWAY_URL is a module constant, so DINGTALK_API_URL could not move it.
 *    Same request as the SDK's (Accept: application/json, or the gateway answers XML), sent to
 *    `${apiUrl}/v1.0/gateway/connections/open`, with the gateway's error code kept.
 *  - getAccessToken(): the SDK's asks the legacy oapi host on every call. We hand it the
 *    OpenAPI client's cached token instead (or, without one, the legacy call on a derived URL).
 *  - connect(): the SDK's swallows every error and resolves with connected=false, so bad
 *    credentials looked like success. Ours throws a StreamConnectError naming the cause.
 *  - Reconnecting: the SDK's autoReconnect schedules a reconnect from both the socket's
 *    `error` and `close` handlers and again from connect()'s catch; a rejected handshake then
 *    doubles the attempts every second (31 gateway calls in 5 s were measured). We pass
 *    autoReconnect:false and run one loop ourselves: a single pending timer, exponential
 *    back-off with jitter (1 s → 60 s), reset after a successful connection.
 *  - keepAlive: the SDK's heartbeat interval is created per connection but only cleared by
 *    disconnect(), so each reconnect leaks one. We ping per socket and stop with the socket.
 *  - A SYSTEM `disconnect` frame (the server closes 10 s later): we leave a short grace for
 *    answers still in flight (card callbacks have 2 s), then drop the socket and reconnect at
 *    once instead of sitting out the 10 s.
 *  - _connect() and disconnect(): the SDK's print to the console ("connect success",
 *    "Disconnecting.", raw socket errors), which would break the structured log a production
 *    deployment reads; ours are the same steps reporting through our logger.
 * Also: a fresh `subscriptions` array per client (the SDK's default array is shared module
 * state), and the constructor options the .d.ts omits, passed through a wider type.
 */
import { DWClient, type DWClientDownStream } from "dingtalk-stream";
import { WebSocket } from "ws";
import { z } from "zod";
import { parseJson } from "./openapi.js";

export const DEFAULT_STREAM_API_URL = "https://api.dingtalk.com";
const LEGACY_OAPI_URL = "https://oapi.dingtalk.com";

export interface StreamLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface StreamClientOptions {
  clientId: string;
  clientSecret: string;
  /** DINGTALK_API_URL: base of the gateway (and of the legacy /gettoken fallback). */
  apiUrl?: string;
  /** Where getAccessToken() gets its token; normally the OpenAPI client's cache. */
  accessToken?: () => Promise<string>;
  logger: StreamLogger;
  /** WebSocket ping period; a socket that misses one pong is dropped and reconnected. 0 = off. Default 8 s. */
  keepAliveMs?: number;
  /** Back-off between reconnect attempts. `false`: never reconnect (tests of the first connection). */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number } | false;
  /** After a SYSTEM disconnect frame, wait this long before dropping the socket. Default 2.5 s. */
  disconnectGraceMs?: number;
  /** Time allowed for the WebSocket handshake. Default 10 s. */
  connectTimeoutMs?: number;
  ua?: string;
}

/** The first connection failed; `permanent` when retrying cannot help (bad credentials, 4xx). */
export class StreamConnectError extends Error {
  override readonly name = "StreamConnectError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

/** The constructor options 2.1.5 actually reads; its .d.ts lists fewer. */
type RealDWClientOptions = ConstructorParameters<typeof DWClient>[0] & {
  autoReconnect: boolean;
  subscriptions: { type: string; topic: string }[];
};

const GatewayResponse = z.looseObject({ endpoint: z.string().min(1), ticket: z.string().min(1) });
const GatewayError = z.looseObject({ code: z.string().optional(), message: z.string().optional() });
const LegacyToken = z.looseObject({ errcode: z.number().optional(), access_token: z.string().min(1) });

export class DingTalkStreamClient extends DWClient {
  private readonly apiUrl: string;
  private readonly log: StreamLogger;
  private readonly opts: StreamClientOptions;
  private stopped = true;
  private attempt = 0;
  /** Set by a SYSTEM disconnect: the server asked us to move, so do not back off. */
  private reconnectNow = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly socketTimers = new Set<NodeJS.Timeout>();
  /** Connections made since construction; for logs and tests. */
  connections = 0;

  constructor(opts: StreamClientOptions) {
    const real: RealDWClientOptions = {
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      ua: opts.ua ?? "duban",
      debug: false,
      keepAlive: false, // ours: see the file comment
      autoReconnect: false, // ours: see the file comment
      subscriptions: [], // fresh per client; registerCallbackListener() fills it
    };
    super(real);
    this.opts = opts;
    this.apiUrl = (opts.apiUrl ?? DEFAULT_STREAM_API_URL).replace(/\/+$/, "");
    this.log = opts.logger;
  }

  override async getEndpoint(): Promise<this> {
    const url = `${this.apiUrl}/v1.0/gateway/connections/open`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          clientId: this.config.clientId,
          clientSecret: this.config.clientSecret,
          ua: this.config.ua ?? "",
          subscriptions: this.config.subscriptions,
        }),
        signal: AbortSignal.timeout(this.opts.connectTimeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new StreamConnectError(`DingTalk stream gateway unreachable (${url}): ${(e as Error).message}`, 0, "network");
    }
    const body = parseJson(await res.text());
    if (!res.ok) {
      const err = GatewayError.safeParse(body);
      const code = (err.success ? err.data.code : undefined) ?? `http${res.status}`;
      const message = (err.success ? err.data.message : undefined) ?? "";
      throw new StreamConnectError(`DingTalk stream gateway refused the connection: ${res.status} ${code} ${message}`.trim(), res.status, code);
    }
    const ok = GatewayResponse.safeParse(body);
    if (!ok.success) throw new StreamConnectError(`DingTalk stream gateway answered without endpoint/ticket`, res.status, "invalidResponse");
    // dw_url is what the SDK's _connect() dials; it is private in the .d.ts only.
    (this as unknown as { dw_url: string }).dw_url = `${ok.data.endpoint}?ticket=${encodeURIComponent(ok.data.ticket)}`;
    return this;
  }

  override async getAccessToken(): Promise<string> {
    if (this.opts.accessToken) {
      const token = await this.opts.accessToken();
      this.config.access_token = token;
      return token;
    }
    const base = this.opts.apiUrl ? this.apiUrl : LEGACY_OAPI_URL;
    const q = new URLSearchParams({ appkey: this.config.clientId, appsecret: this.config.clientSecret });
    const res = await fetch(`${base}/gettoken?${q.toString()}`, { signal: AbortSignal.timeout(10_000) });
    const parsed = LegacyToken.safeParse(parseJson(await res.text()));
    if (!res.ok || !parsed.success || (parsed.data.errcode ?? 0) !== 0) throw new Error("getAccessToken: get access_token failed");
    this.config.access_token = parsed.data.access_token;
    return parsed.data.access_token;
  }

  /** Opens the first connection; rejects (StreamConnectError) instead of resolving unconnected. */
  override async connect(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  /** The SDK's _connect() without its console output (see the file comment). */
  override _connect(): Promise<void> {
    const self = this as unknown as { userDisconnect: boolean; socket?: WebSocket; dw_url?: string; sslopts?: object };
    return new Promise((resolve, reject) => {
      self.userDisconnect = false;
      let socket: WebSocket;
      try {
        socket = new WebSocket(self.dw_url!, self.sslopts);
      } catch (err) {
        this.log.warn({ err }, "dingtalk stream: could not open the WebSocket");
        reject(err as Error);
        return;
      }
      self.socket = socket;
      socket.on("open", () => {
        this.connected = true;
        this.log.info({}, "dingtalk stream: connected");
        resolve();
      });
      // As the SDK: the frame as ws hands it over (JSON.parse reads a Buffer as UTF-8).
      socket.on("message", (data) => this.onDownStream(data as unknown as string));
      socket.on("close", () => {
        this.connected = false;
        this.registered = false;
      });
      socket.on("error", (err) => {
        this.log.warn({ err }, "dingtalk stream: socket error");
        socket.terminate();
        reject(err);
      });
    });
  }

  override disconnect(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    for (const t of this.socketTimers) clearTimeout(t);
    this.socketTimers.clear();
    const socket = this.currentSocket();
    // The SDK's disconnect() without its console line: mark it ours, close the socket.
    (this as unknown as { userDisconnect: boolean }).userDisconnect = true;
    socket?.close();
    // close() waits for the server's close frame; a dead peer would keep the process alive.
    if (socket) {
      const t = setTimeout(() => socket.terminate(), 1000);
      t.unref();
      socket.once("close", () => clearTimeout(t));
    }
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers.topic !== "disconnect") return;
    const socket = this.currentSocket();
    this.log.info({ data: downstream.data }, "dingtalk stream: server asked to reconnect");
    if (!socket) return;
    this.reconnectNow = true;
    const t = setTimeout(() => {
      this.socketTimers.delete(t);
      socket.terminate(); // → close → reconnect
    }, this.opts.disconnectGraceMs ?? 2500);
    this.socketTimers.add(t);
  }

  private currentSocket(): WebSocket | undefined {
    // `socket` is private in the .d.ts; we need it to watch its close and to ping.
    return (this as unknown as { socket?: WebSocket }).socket;
  }

  private async open(): Promise<void> {
    await this.getEndpoint();
    const timeoutMs = this.opts.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this._connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            this.currentSocket()?.terminate();
            reject(new StreamConnectError(`DingTalk stream handshake timed out after ${timeoutMs} ms`, 0, "timeout"));
          }, timeoutMs);
        }),
      ]);
    } catch (e) {
      if (e instanceof StreamConnectError) throw e;
      throw new StreamConnectError(`DingTalk stream WebSocket failed: ${(e as Error).message}`, 0, "websocket");
    } finally {
      clearTimeout(timer);
    }
    const socket = this.currentSocket();
    if (!this.connected || !socket) throw new StreamConnectError("DingTalk stream did not connect", 0, "notConnected");
    this.connections += 1;
    this.attempt = 0;
    this.watch(socket);
  }

  private watch(socket: WebSocket): void {
    const periodMs = this.opts.keepAliveMs ?? 8000;
    let alive = true;
    const ping =
      periodMs > 0
        ? setInterval(() => {
            if (!alive) {
              this.log.warn({ periodMs }, "dingtalk stream: no pong, dropping the connection");
              socket.terminate();
              return;
            }
            alive = false;
            socket.ping();
          }, periodMs)
        : undefined;
    socket.on("pong", () => {
      alive = true;
    });
    socket.once("close", (code: number) => {
      clearInterval(ping);
      // A socket we already replaced, or a stop we asked for: nothing to do.
      if (this.stopped || this.currentSocket() !== socket) return;
      this.log.warn({ code }, "dingtalk stream: connection closed, reconnecting");
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer || this.opts.reconnect === false) return;
    const min = this.opts.reconnect?.minDelayMs ?? 1000;
    const max = this.opts.reconnect?.maxDelayMs ?? 60_000;
    const base = Math.min(max, min * 2 ** this.attempt);
    // Jitter: after a gateway outage, many replicas should not come back in the same second.
    const delay = this.reconnectNow ? 0 : Math.round(base / 2 + (Math.random() * base) / 2);
    this.reconnectNow = false;
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      this.open().then(
        () => this.log.info({ connections: this.connections }, "dingtalk stream: reconnected"),
        (e: unknown) => {
          this.log.error({ err: e, attempt: this.attempt }, "dingtalk stream: reconnect failed");
          this.scheduleReconnect();
        },
      );
    }, delay);
  }
}
