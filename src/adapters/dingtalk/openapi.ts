/**
 * The DingTalk OpenAPI calls Duban makes (platforms.md §9), over fetch.
 *
 * Why not @alicloud/dingtalk: five endpoints do not justify a generated SDK with its own HTTP
 * stack, and fetch lets tests point everything at the fake with one base URL.
 *
 * Policy kept here: the access token (cached, single-flight), splitting batchSend into ≤ 20
 * userIds, and typed errors that say whether and when a retry makes sense. Pacing and retries
 * belong to the callers (see `withRetry` for the small default used by replies).
 */
import { z } from "zod";

export const DEFAULT_API_URL = "https://api.dingtalk.com";
/** DingTalk's documented maximum of userIds per oToMessages/batchSend. */
export const BATCH_SEND_MAX_USERS = 20;

export interface DingTalkOpenApiOptions {
  clientId: string;
  clientSecret: string;
  /** The robot's code; for an internal app's robot it is the AppKey (clientId). */
  robotCode: string;
  /** DINGTALK_API_URL; default https://api.dingtalk.com. */
  baseUrl?: string;
  /** Refresh the token this long before it expires (capped at half its lifetime). Default 5 min. */
  tokenRefreshMarginMs?: number;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Clock, for tests of token expiry. */
  now?: () => number;
}

/** A robot message: msgKey plus its msgParam object (sent as a JSON string). */
export interface RobotMsg {
  msgKey: "sampleText" | "sampleMarkdown" | "sampleActionCard" | (string & {});
  msgParam: Record<string, string>;
}

export interface BatchSendResult {
  processQueryKeys: string[];
  invalidStaffIds: string[];
  /** Users DingTalk throttled; the caller may try them again later. */
  flowControlledStaffIds: string[];
}

export type CardTarget =
  | { kind: "direct"; userId: string }
  /** `recipients`: who sees the card in the group (default: everyone). */
  | { kind: "group"; openConversationId: string; recipients?: string[] };

export interface CreateCardRequest {
  cardTemplateId: string;
  outTrackId: string;
  target: CardTarget;
  cardParamMap: Record<string, string>;
  /** Whether users may forward the card. Default false: a report form belongs to one chat. */
  supportForward?: boolean;
}

export interface CreateCardResult {
  outTrackId: string;
  deliveries: { spaceType?: string; spaceId?: string; success: boolean; carrierId?: string; errorMsg?: string }[];
}

// ---- errors -----------------------------------------------------------------------------------

export interface DingTalkApiErrorOptions {
  requestId?: string;
  /** Set when retrying later can succeed: how long to wait first. */
  retryAfterMs?: number;
  context?: Record<string, unknown>;
}

/** An OpenAPI call that failed: HTTP status plus DingTalk's error code. */
export class DingTalkApiError extends Error {
  override readonly name = "DingTalkApiError";
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly context: Record<string, unknown>;

  constructor(
    /** e.g. "POST /v1.0/robot/oToMessages/batchSend" */
    readonly api: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** DingTalk's code (e.g. "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"), or ours: "network", "invalidResponse". */
    readonly code: string,
    message: string,
    opts: DingTalkApiErrorOptions = {},
  ) {
    super(`${api}: ${status} ${code}: ${message}`);
    this.requestId = opts.requestId;
    this.retryAfterMs = opts.retryAfterMs;
    this.context = opts.context ?? {};
  }

  get retryable(): boolean {
    return this.retryAfterMs !== undefined;
  }

  /** HTTP 403 QpsLimit* (platforms.md §9): DingTalk advises sleeping 1 s and retrying. */
  get throttled(): boolean {
    return this.code.startsWith("Forbidden.AccessDenied.QpsLimit");
  }
}

const ErrorBody = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  requestid: z.string().optional(),
  // The per-IP ban answers {"status":1111,…} instead of the usual format.
  status: z.number().optional(),
});

function toApiError(api: string, status: number, body: unknown): DingTalkApiError {
  const parsed = ErrorBody.safeParse(body);
  const b = parsed.success ? parsed.data : {};
  const code = b.code ?? (b.status === 1111 ? "IpLimit" : `http${status}`);
  const message = b.message ?? (typeof body === "string" ? body.slice(0, 200) : "");
  let retryAfterMs: number | undefined;
  if (code.startsWith("Forbidden.AccessDenied.QpsLimit")) retryAfterMs = 1000;
  else if (code === "IpLimit") retryAfterMs = 5 * 60_000; // the documented 5-minute ban
  else if (status >= 500) retryAfterMs = 1000; // system.busy and friends
  // ApiCountLimitForOrg (monthly quota) and 4xx parameter errors: retrying cannot help.
  return new DingTalkApiError(api, status, code, message, { requestId: b.requestid, retryAfterMs });
}

// ---- response schemas ---------------------------------------------------------------------------

const TokenResponse = z.looseObject({ accessToken: z.string().min(1), expireIn: z.number().positive() });
const BatchSendResponse = z.looseObject({
  processQueryKey: z.string().optional(),
  invalidStaffIdList: z.array(z.string()).default([]),
  flowControlledStaffIdList: z.array(z.string()).default([]),
});
const GroupSendResponse = z.looseObject({ processQueryKey: z.string().optional() });
const CreateCardResponse = z.looseObject({
  success: z.boolean().optional(),
  result: z
    .looseObject({
      outTrackId: z.string().optional(),
      deliverResults: z
        .array(
          z.looseObject({
            spaceType: z.string().optional(),
            spaceId: z.string().optional(),
            success: z.boolean(),
            carrierId: z.string().optional(),
            errorMsg: z.string().optional(),
          }),
        )
        .default([]),
    })
    .optional(),
});
// [UNVERIFIED] the body of a successful card update; we only need "it did not fail".
const AnyResponse = z.unknown();

// ---- client -------------------------------------------------------------------------------------

export class DingTalkOpenApi {
  readonly baseUrl: string;
  readonly robotCode: string;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly timeoutMs: number;
  private token: { value: string; expiresAt: number; refreshAt: number } | undefined;
  /** The token request in flight: concurrent callers share it instead of each asking. */
  private tokenRequest: Promise<string> | undefined;
  /** How many tokens were requested; for logs and tests. */
  tokenFetches = 0;

  constructor(private readonly opts: DingTalkOpenApiOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
    this.robotCode = opts.robotCode;
    this.now = opts.now ?? Date.now;
    this.marginMs = opts.tokenRefreshMarginMs ?? 5 * 60_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** A valid access token: cached until shortly before it expires. */
  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    this.tokenRequest ??= this.fetchToken().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  /** Drops the cached token (DingTalk said it is invalid). */
  invalidateToken(): void {
    this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const startedAt = this.now();
    this.tokenFetches += 1;
    const body = await this.call("POST", "/v1.0/oauth2/accessToken", { appKey: this.opts.clientId, appSecret: this.opts.clientSecret }, TokenResponse, undefined);
    const lifetimeMs = body.expireIn * 1000;
    // Measured from before the request, so the cache never outlives the token.
    const expiresAt = startedAt + lifetimeMs;
    this.token = { value: body.accessToken, expiresAt, refreshAt: expiresAt - Math.min(this.marginMs, lifetimeMs / 2) };
    return body.accessToken;
  }

  /**
   * 1:1 messages from the robot. Splits `userIds` into calls of ≤ 20, sent one after another
   * (in parallel they would only hit the 20 QPS limit sooner). On a failure the error's
   * context says who got the message and who did not. No retry unless `opts.retry` asks.
   */
  async batchSend(userIds: readonly string[], msg: RobotMsg, opts: { retry?: RetryPolicy } = {}): Promise<BatchSendResult> {
    const result: BatchSendResult = { processQueryKeys: [], invalidStaffIds: [], flowControlledStaffIds: [] };
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += BATCH_SEND_MAX_USERS) {
      const chunk = unique.slice(i, i + BATCH_SEND_MAX_USERS);
      let r: z.infer<typeof BatchSendResponse>;
      try {
        const send = () =>
          this.authed("POST", "/v1.0/robot/oToMessages/batchSend", {
            robotCode: this.robotCode,
            userIds: chunk,
            msgKey: msg.msgKey,
            msgParam: JSON.stringify(msg.msgParam),
          }, BatchSendResponse);
        // Retried per chunk: retrying the whole call would send the earlier chunks twice.
        r = opts.retry ? await withRetry(send, opts.retry) : await send();
      } catch (e) {
        if (e instanceof DingTalkApiError) Object.assign(e.context, { sentUserIds: unique.slice(0, i), unsentUserIds: unique.slice(i) });
        throw e;
      }
      if (r.processQueryKey) result.processQueryKeys.push(r.processQueryKey);
      result.invalidStaffIds.push(...r.invalidStaffIdList);
      result.flowControlledStaffIds.push(...r.flowControlledStaffIdList);
    }
    return result;
  }

  /** A message from the robot into a group it is in. */
  async sendGroup(openConversationId: string, msg: RobotMsg): Promise<{ processQueryKey?: string }> {
    return this.authed("POST", "/v1.0/robot/groupMessages/send", {
      robotCode: this.robotCode,
      openConversationId,
      msgKey: msg.msgKey,
      msgParam: JSON.stringify(msg.msgParam),
    }, GroupSendResponse);
  }

  /** Creates an interactive card whose callbacks come over the Stream socket, and delivers it. */
  async createAndDeliverCard(req: CreateCardRequest): Promise<CreateCardResult> {
    const forward = { supportForward: req.supportForward ?? false };
    const space =
      req.target.kind === "direct"
        ? {
            openSpaceId: `dtv1.card//IM_ROBOT.${req.target.userId}`,
            imRobotOpenSpaceModel: forward,
            imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode: this.robotCode },
          }
        : {
            openSpaceId: `dtv1.card//IM_GROUP.${req.target.openConversationId}`,
            imGroupOpenSpaceModel: forward,
            imGroupOpenDeliverModel: {
              robotCode: this.robotCode,
              ...(req.target.recipients ? { recipients: req.target.recipients } : {}),
            },
          };
    const r = await this.authed("POST", "/v1.0/card/instances/createAndDeliver", {
      cardTemplateId: req.cardTemplateId,
      outTrackId: req.outTrackId,
      callbackType: "STREAM",
      userIdType: 1,
      cardData: { cardParamMap: req.cardParamMap },
      ...space,
    }, CreateCardResponse);
    const deliveries = r.result?.deliverResults ?? [];
    if (r.success === false || deliveries.some((d) => !d.success)) {
      const why = deliveries.find((d) => !d.success)?.errorMsg ?? "success=false";
      throw new DingTalkApiError("POST /v1.0/card/instances/createAndDeliver", 200, "deliveryFailed", why, { context: { deliveries } });
    }
    return { outTrackId: r.result?.outTrackId ?? req.outTrackId, deliveries };
  }

  /** Updates a card's public data by key. Never from inside a card callback: answer that instead. */
  async updateCard(outTrackId: string, cardParamMap: Record<string, string>): Promise<void> {
    await this.authed("PUT", "/v1.0/card/instances", {
      outTrackId,
      cardData: { cardParamMap },
      cardUpdateOptions: { updateCardDataByKey: true },
    }, AnyResponse);
  }

  /** Any OpenAPI call with the access token; retries once with a fresh token if DingTalk rejects it. */
  async authed<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const token = await this.accessToken();
    try {
      return await this.call(method, path, body, schema, token);
    } catch (e) {
      // A token can die before its expireIn (secret reset, clock skew): refetch once.
      if (e instanceof DingTalkApiError && e.code === "InvalidAuthentication") {
        this.invalidateToken();
        return this.call(method, path, body, schema, await this.accessToken());
      }
      throw e;
    }
  }

  private async call<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>, token: string | undefined): Promise<T> {
    const api = `${method} ${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          ...(token ? { "x-acs-dingtalk-access-token": token } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      // No answer: the request may or may not have arrived, so a retry can duplicate a message;
      // a duplicate beats a lost reply, hence retryable.
      throw new DingTalkApiError(api, 0, "network", (e as Error).message, { retryAfterMs: 1000 });
    }
    const json = parseJson(text);
    if (!res.ok) throw toApiError(api, res.status, json);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DingTalkApiError(api, res.status, "invalidResponse", z.prettifyError(parsed.error));
    return parsed.data;
  }
}

/** A DingTalk answer body: its JSON, the text itself when it is not JSON (an HTML error page), undefined when empty. */
export function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// ---- retry ---------------------------------------------------------------------------------------

export interface RetryPolicy {
  /** Extra attempts after the first. Default 1. */
  retries?: number;
  /** Wait used when the error does not say (and the floor otherwise). Default: the error's retryAfterMs. */
  delayMs?: number;
  /** Do not wait longer than this; such errors are thrown at once. Default 5 s. */
  maxDelayMs?: number;
}

/** Runs `fn`, retrying retryable DingTalk errors (throttling, 5xx, no answer) after their delay. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const retries = policy.retries ?? 1;
  const maxDelayMs = policy.maxDelayMs ?? 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const delay = e instanceof DingTalkApiError && e.retryAfterMs !== undefined ? (policy.delayMs ?? e.retryAfterMs) : undefined;
      if (attempt >= retries || delay === undefined || delay > maxDelayMs) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
