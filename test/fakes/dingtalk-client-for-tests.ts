/**
 * Reference: how to point dingtalk-stream 2.1.5 at a base URL other than DingTalk's.
 *
 * Why a subclass: GATEWAY_URL and GET_TOKEN_URL are module constants in dist/constants.mjs and
 * DWClient has no option for them. An axios interceptor does not work reliably either (ESM and
 * CJS builds load different axios instances). So we override the two public methods that use
 * the constants and keep everything else (WebSocket handling, pings, acks) from the real SDK.
 *
 * The production adapter may copy this class; it only needs `gatewayUrl`/`getTokenUrl`
 * defaulting to the real hosts.
 *
 * SDK traps handled here (platforms.md §6):
 *  - a fresh `subscriptions` array per client: the SDK's default array is shared module state,
 *    so registerCallbackListener() on one client would leak topics into every later client;
 *  - `autoReconnect` / `subscriptions` are missing from the constructor typings, hence the
 *    wider option type below;
 *  - `dw_url` is private in the .d.ts but is what `_connect()` dials, so we set it via a cast.
 */
import { DWClient } from "dingtalk-stream";

export interface TestDWClientOptions {
  clientId: string;
  clientSecret: string;
  /** e.g. `${fake.url}/v1.0/gateway/connections/open` */
  gatewayUrl: string;
  /** e.g. `${fake.url}/gettoken` */
  getTokenUrl: string;
  /** Tests must pass false: 2.1.5 reconnect-storms when a handshake fails. */
  autoReconnect?: boolean;
  keepAlive?: boolean;
  debug?: boolean;
  ua?: string;
  subscriptions?: { type: string; topic: string }[];
}

/** The constructor options dingtalk-stream actually reads (its .d.ts lists fewer). */
type RealDWClientOptions = ConstructorParameters<typeof DWClient>[0] & {
  autoReconnect?: boolean;
  subscriptions: { type: string; topic: string }[];
};

const GatewayResponse = (v: unknown): { endpoint: string; ticket: string } => {
  const o = v as { endpoint?: unknown; ticket?: unknown } | null;
  if (typeof o?.endpoint !== "string" || typeof o.ticket !== "string") {
    throw new Error(`gateway answered without endpoint/ticket: ${JSON.stringify(v)}`);
  }
  return { endpoint: o.endpoint, ticket: o.ticket };
};

export class TestDWClient extends DWClient {
  private readonly gatewayUrl: string;
  private readonly getTokenUrl: string;

  constructor(opts: TestDWClientOptions) {
    const real: RealDWClientOptions = {
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      ua: opts.ua ?? "",
      keepAlive: opts.keepAlive ?? false,
      debug: opts.debug ?? false,
      autoReconnect: opts.autoReconnect ?? false,
      subscriptions: opts.subscriptions?.map((s) => ({ ...s })) ?? [{ type: "EVENT", topic: "*" }],
    };
    super(real);
    this.gatewayUrl = opts.gatewayUrl;
    this.getTokenUrl = opts.getTokenUrl;
  }

  /** Same request as the SDK's getEndpoint(), sent to `gatewayUrl`. */
  override async getEndpoint(): Promise<this> {
    const res = await fetch(this.gatewayUrl, {
      method: "POST",
      // The real gateway answers XML unless Accept asks for JSON.
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua ?? "",
        subscriptions: this.config.subscriptions,
      }),
    });
    if (!res.ok) throw new Error(`gateway HTTP ${res.status}: ${await res.text()}`);
    const { endpoint, ticket } = GatewayResponse(await res.json());
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${ticket}`;
    return this;
  }

  /** Same as the SDK's getAccessToken() (legacy oapi /gettoken, no caching), sent to `getTokenUrl`. */
  override async getAccessToken(): Promise<string> {
    const q = new URLSearchParams({ appkey: this.config.clientId, appsecret: this.config.clientSecret });
    const res = await fetch(`${this.getTokenUrl}?${q.toString()}`);
    const body = (await res.json()) as { access_token?: unknown };
    if (res.status !== 200 || typeof body.access_token !== "string") {
      throw new Error("getAccessToken: get access_token failed");
    }
    this.config.access_token = body.access_token;
    return body.access_token;
  }
}
