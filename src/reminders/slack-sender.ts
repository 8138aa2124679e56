/**
 * Reminders on Slack: one chat.postMessage per user with channel = the user id (Slack delivers it
 * to the app's Messages tab; needs only chat:write), Block Kit from the adapter's renderReply, so
 * Reply.actions become the 填报 button whose click opens the report modal.
 *
 * Pacing (platforms.md §4, chat.postMessage is "Special" tier):
 *  - per channel: 1 message per 1000 ms. Slack allows ~1/s per channel with short bursts; a DM
 *    fan-out sends one message per channel, so this binds only for repeated group posts.
 *  - workspace-wide: Slack says there is one but publishes no number. Default 10 per 1000 ms
 *    (600/min, "several hundred per minute"; a large Slack messaging vendor self-limits at
 *    525/min). Configurable: `pace.global`.
 *  - a 429 holds *every* send for its Retry-After, as the SDK's own queue does: after a few
 *    messages to distinct DM channels, a 429 can only be the workspace limit.
 * The client should be a dedicated one with `rejectRateLimitedCalls: true` and `retries: 0`
 * (`createSlackReminderClient`), so that our pacer decides every wait. With the adapter's client
 * it still works, but the SDK then retries 5xx by itself and sleeps through 429s before we see them.
 */
import { webApi } from "@slack/bolt";
import type { Reply, ReportForm } from "../../handlers/types.js";
import { renderReply, type RenderedMessage } from "../adapters/slack/render-reply.js";
import { forEachConcurrent, Pacer, RetriesExhaustedError, retryWithBackoff, type Clock, type RetryOptions, type WindowLimit } from "./pacer.js";
import type { DeliveryOutcome, ReminderSender, SendHooks } from "./sender.js";

export interface SlackPace {
  /** Default { limit: 1, windowMs: 1000 }. */
  perChannel?: WindowLimit;
  /** Default { limit: 10, windowMs: 1000 }. */
  global?: WindowLimit;
  /** Requests waiting or in flight at once. Default 8. */
  maxInFlight?: number;
  /** Default: 5 attempts, backoff 500 ms doubling to 30 s, give up on a Retry-After over 60 s. */
  retry?: Pick<RetryOptions, "maxAttempts" | "baseMs" | "maxMs" | "maxWaitMs">;
}

export const DEFAULT_SLACK_PACE = {
  perChannel: { limit: 1, windowMs: 1000 },
  global: { limit: 10, windowMs: 1000 },
  maxInFlight: 8,
} as const satisfies SlackPace;

export interface SlackSenderOptions {
  client: webApi.WebClient;
  pace?: SlackPace;
  /** Tests: a VirtualClock; the pacer and the retry waits use it. */
  clock?: Clock;
  random?: () => number;
}

/** A WebClient for fan-out: no SDK retries, 429 thrown at once with its retryAfter. */
export function createSlackReminderClient(token: string, opts: { slackApiUrl?: string; timeoutMs?: number; logger?: webApi.WebClientOptions["logger"] } = {}): webApi.WebClient {
  return new webApi.WebClient(token, {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: opts.timeoutMs ?? 10_000,
  });
}

// ---- error classification --------------------------------------------------------------------------

export interface SlackFailure {
  /** Another attempt may succeed. */
  retryable: boolean;
  /** Slack asked us to slow down (429). */
  throttled: boolean;
  /** Retry-After in ms, when Slack gave one. */
  retryAfterMs?: number;
  /** Short, for admins: the Slack error code, "http 503", "network: ECONNRESET". */
  reason: string;
}

/**
 * Slack's transient platform errors (HTTP 200, ok:false). `fatal_error` may have half-succeeded,
 * so a retry can duplicate the message: a duplicate reminder beats a lost one. Every other
 * platform error (channel_not_found, user_not_found, not_authed, invalid_auth, account_inactive,
 * token_revoked, missing_scope, is_archived, messages_tab_disabled, invalid_blocks, …) is about
 * the request or the workspace and will fail the same way again.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set(["ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

export function classifySlackError(e: unknown): SlackFailure {
  const coded = e as Partial<webApi.WebAPICallError> | undefined;
  switch (coded?.code) {
    case webApi.ErrorCode.RateLimitedError: {
      const retryAfter = (e as webApi.WebAPIRateLimitedError).retryAfter;
      return { retryable: true, throttled: true, retryAfterMs: Math.max(0, retryAfter) * 1000, reason: "ratelimited" };
    }
    case webApi.ErrorCode.PlatformError: {
      const error = (e as webApi.WebAPIPlatformError).data.error;
      return { retryable: TRANSIENT_PLATFORM_ERRORS.has(error), throttled: error === "ratelimited", reason: error };
    }
    case webApi.ErrorCode.HTTPError: {
      const status = (e as webApi.WebAPIHTTPError).statusCode;
      return { retryable: status >= 500 || status === 408, throttled: false, reason: `http ${status}` };
    }
    case webApi.ErrorCode.RequestError: {
      const original = (e as webApi.WebAPIRequestError).original as (Error & { code?: string }) | undefined;
      return { retryable: true, throttled: false, reason: `network: ${original?.code ?? original?.message ?? "request failed"}` };
    }
  }
  // Uncoded errors the SDK throws on 429 paths: a 429 whose Retry-After does not parse, and (with a
  // client that does not reject rate-limited calls) "A rate limit was exceeded" once its own retries
  // ran out. Both mean "too fast" without a usable wait.
  const message = e instanceof Error ? e.message : String(e);
  if (/rate limit was exceeded|Retry header did not contain a valid timeout/i.test(message)) {
    return { retryable: true, throttled: true, reason: "ratelimited" };
  }
  return { retryable: false, throttled: false, reason: message.slice(0, 200) };
}

/** The outcome recorded for a send that finally failed. */
export function slackFailureOutcome(e: unknown): DeliveryOutcome & { ok: false } {
  if (e instanceof RetriesExhaustedError) {
    const f = classifySlackError(e.cause);
    return { ok: false, permanent: false, error: `${f.reason} after ${e.attempts} attempts${e.reason === "wait" ? " (Retry-After too long)" : ""}` };
  }
  const f = classifySlackError(e);
  // Not retryable and from Slack: permanent. An unknown local error is not called permanent, so
  // the runner may try again on its next pass.
  const fromSlack = typeof (e as { code?: unknown } | undefined)?.code === "string" && String((e as { code: string }).code).startsWith("slack_");
  return { ok: false, permanent: !f.retryable && fromSlack, error: f.reason };
}

// ---- sender -----------------------------------------------------------------------------------------

const FILL_LABEL = "填报";

export function createSlackSender(opts: SlackSenderOptions): ReminderSender {
  const { client } = opts;
  const pace = { ...DEFAULT_SLACK_PACE, ...opts.pace };
  const pacer = new Pacer({ perKey: pace.perChannel, global: pace.global, clock: opts.clock });
  const retry = slackRetryOptions(pacer, { retry: pace.retry, random: opts.random });

  const post = async (channel: string, message: RenderedMessage, hooks?: SendHooks): Promise<DeliveryOutcome> => {
    try {
      const res = await retryWithBackoff(async () => {
        const done = await pacer.acquire(channel);
        try {
          await hooks?.beforeSend?.([channel]);
          return await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
        } finally {
          done();
        }
      }, retry);
      return { ok: true, ...(res.ts ? { ref: res.ts } : {}) };
    } catch (e) {
      return slackFailureOutcome(e);
    }
  };

  return {
    platform: "slack",
    async sendDirect(userIds, reply, form, hooks) {
      const users = [...new Set(userIds)];
      const shared = renderReply(reply);
      const outcomes = new Map<string, DeliveryOutcome>();
      await forEachConcurrent(users, pace.maxInFlight, async (userId) => {
        const own = await withFillButton(reply, userId, form);
        outcomes.set(userId, await post(userId, own ? renderReply(own) : shared, hooks));
      });
      // In the order asked, whatever order the sends finished in.
      return new Map(users.map((u) => [u, outcomes.get(u)!]));
    },
    sendGroup: (channel, reply, hooks) => post(channel, renderReply(reply), hooks),
  };
}

/**
 * The reminders carry their 填报 button already (Reply.actions). When one does not and the caller
 * gave a form, add the button for the form's period, so the DM still leads to the modal. A form
 * lookup that fails only costs the button: the reminder still goes out.
 */
async function withFillButton(reply: Reply, userId: string, form: ((userId: string) => Promise<ReportForm | undefined>) | undefined): Promise<Reply | undefined> {
  if (!form || (reply.actions?.length ?? 0) > 0) return undefined;
  let f: ReportForm | undefined;
  try {
    f = await form(userId);
  } catch {
    return undefined;
  }
  return f ? { ...reply, actions: [{ id: "open_report_form", label: FILL_LABEL, value: f.period.key }] } : undefined;
}

/**
 * How Slack calls are retried: throttling and transient errors with backoff,
 * Retry-After honoured; a 429 holds every call of the pacer, because Slack's
 * limits are per app and workspace, not only per channel. Shared by the reminder
 * sender and the briefing poster.
 */
export function slackRetryOptions(
  pacer: Pacer,
  opts: { retry?: Partial<Pick<RetryOptions, "maxAttempts" | "baseMs" | "maxMs" | "maxWaitMs">>; random?: () => number } = {},
): RetryOptions {
  const clock = pacer.clock;
  return {
    ...opts.retry, // retryWithBackoff's defaults otherwise
    clock,
    random: opts.random,
    isRetryable: (e) => classifySlackError(e).retryable,
    retryAfterMs: (e) => classifySlackError(e).retryAfterMs,
    onRetry: (e, _attempt, delayMs) => {
      if (classifySlackError(e).throttled) pacer.block(clock.now() + delayMs);
    },
  };
}
