/**
 * Reminders on DingTalk through the adapter's DingTalkOpenApi (platforms.md §9):
 *  - markdown: oToMessages/batchSend, ≤ 20 userIds per call; the response's invalidStaffIdList
 *    becomes a permanent failure for those users only, flowControlledStaffIdList a second try for
 *    those users only (after ~1 s, like a throttle);
 *  - cards: with a form and `deliverCard`, one createAndDeliver per user (the interactive report
 *    card); a card that fails permanently (template missing, delivery refused) falls back to the
 *    markdown reminder, whose 填报 hint still works;
 *  - group: groupMessages/send, markdown.
 *
 * Pacing: DingTalk allows 20 QPS per app per API, counted in one-second windows; we pace at exactly
 * that, 20 per 1000 ms per API, each API its own window (batchSend, groupMessages/send,
 * createAndDeliver), windows counted from each call's response (see Pacer.acquire), which is what
 * keeps arrival jitter from tripping DingTalk's counter. We used to keep 2 QPS spare (18 per
 * second) for the adapter's interactive replies, which use batchSend too, but only when a
 * conversation's sessionWebhook has expired: a rare reply that collides with a fan-out gets a 403
 * and the adapter retries it after DingTalk's ~1 s (as a reminder call would be), while the spare
 * made every per-user fan-out (opening notices, cards: one call per user) 12 % slower, 1,000 users
 * 55 s instead of 49 s. For batched markdown it changed nothing: 50 calls need three windows at 18
 * or 20 per second.
 * Retries: HTTP 403 Forbidden.AccessDenied.QpsLimit* → hold that API for the ~1 s DingTalk asks,
 * then retry; 5xx and no answer → exponential backoff; 4xx parameter errors → permanent.
 */
import { randomUUID } from "node:crypto";
import type { Lang, Reply, ReportForm } from "../../handlers/types.js";
import { BATCH_SEND_MAX_USERS, DingTalkApiError, type BatchSendResult, type CardTarget, type DingTalkOpenApi, type RobotMsg } from "../adapters/dingtalk/index.js";
import { renderMarkdown } from "../adapters/dingtalk/render-reply.js";
import { buildCardParamMap } from "../adapters/dingtalk/report-card.js";
import { forEachConcurrent, Pacer, RetriesExhaustedError, retryWithBackoff, type Clock, type RetryOptions, type WindowLimit } from "./pacer.js";
import type { DeliveryOutcome, ReminderSender, SendHooks } from "./sender.js";

/** Delivers the report card to one target; returns its outTrackId. `adapter.deliverReportCard` fits. */
export type DeliverCard = (target: CardTarget, form: ReportForm, reply: Reply) => Promise<string>;

export interface DingTalkPace {
  /** Per API. Default { limit: 20, windowMs: 1000 }. */
  perApi?: WindowLimit;
  /**
   * Calls waiting or in flight at once, per sendDirect. Default 20: a full window's worth, so a
   * window's calls all start at its opening; with fewer, its last calls wait for the first ones'
   * responses and the next window, counted from them, opens later too.
   */
  maxInFlight?: number;
  /** Rounds for users DingTalk flow-controlled, and the wait between them. Default 3 rounds, 1000 ms. */
  flowControl?: { rounds?: number; waitMs?: number };
  /** Default: 5 attempts, backoff 500 ms doubling to 30 s, give up on a wait over 60 s (the 5-minute IP ban). */
  retry?: Pick<RetryOptions, "maxAttempts" | "baseMs" | "maxMs" | "maxWaitMs">;
}

export const DEFAULT_DINGTALK_PACE = {
  perApi: { limit: 20, windowMs: 1000 },
  maxInFlight: 20,
} as const satisfies DingTalkPace;

export interface DingTalkSenderOptions {
  openapi: DingTalkOpenApi;
  /** Must match openapi.robotCode, which is what the calls send; a mismatch is a config error. */
  robotCode?: string;
  /** Interactive cards for reminders with a form; without it, forms go out as markdown. */
  deliverCard?: DeliverCard;
  lang?: Lang;
  pace?: DingTalkPace;
  clock?: Clock;
  random?: () => number;
}

/** Pacer keys: one window per DingTalk API. */
const API = { batch: "robot/oToMessages/batchSend", group: "robot/groupMessages/send", card: "card/instances/createAndDeliver" } as const;

// ---- error classification --------------------------------------------------------------------------

export function isRetryableDingTalkError(e: unknown): boolean {
  return e instanceof DingTalkApiError && e.retryable;
}

/**
 * The wait DingTalk prescribes: ~1 s after a QPS throttle, 5 minutes after the per-IP ban (over
 * maxWaitMs, so we give up and say so). 5xx and network failures carry a 1 s hint in the adapter
 * too, but those get exponential backoff instead: a busy server is not helped by a fixed beat.
 */
export function dingTalkRetryAfterMs(e: unknown): number | undefined {
  if (!(e instanceof DingTalkApiError)) return undefined;
  return e.throttled || e.code === "IpLimit" ? e.retryAfterMs : undefined;
}

export function dingTalkFailureOutcome(e: unknown): DeliveryOutcome & { ok: false } {
  if (e instanceof RetriesExhaustedError) {
    return { ok: false, permanent: false, error: `${reasonOf(e.cause)} after ${e.attempts} attempts${e.reason === "wait" ? " (wait too long)" : ""}` };
  }
  // A DingTalk error nobody can retry (bad parameter, monthly quota, delivery refused) is permanent;
  // a local bug is not, so the runner may try again on its next pass.
  return { ok: false, permanent: e instanceof DingTalkApiError && !e.retryable, error: reasonOf(e) };
}

function reasonOf(e: unknown): string {
  if (e instanceof DingTalkApiError) return e.status ? `${e.status} ${e.code}` : e.code;
  return (e instanceof Error ? e.message : String(e)).slice(0, 200);
}

// ---- card delivery -----------------------------------------------------------------------------------

/**
 * A DeliverCard that makes the reminder itself the card: the template's title shows the
 * reminder's title and `status_text` its body, over the prefilled form. No retries of its own
 * (the sender's pacer does them). `outTrackId` lets the runner derive the id from its ledger key,
 * which makes a retry after a lost response idempotent: DingTalk answers param.cardAlreadyExist,
 * taken here as "delivered".
 */
export function reminderCardDelivery(
  openapi: DingTalkOpenApi,
  opts: { cardTemplateId: string; lang?: Lang; outTrackId?: (target: CardTarget, form: ReportForm) => string },
): DeliverCard {
  return async (target, form, reply) => {
    const outTrackId = opts.outTrackId?.(target, form) ?? `duban-${randomUUID()}`;
    const cardParamMap = {
      ...buildCardParamMap(form, opts.lang),
      title: reply.title,
      lastMessage: reply.title,
      // The body without its heading (the card's title shows it) and without the "发送「上报」"
      // hint (the card is the form). renderMarkdown puts the heading first, a blank line after.
      status_text: renderMarkdown({ ...reply, actions: undefined }, { lang: opts.lang }).text.split("\n\n").slice(1).join("\n\n"),
    };
    try {
      return (await openapi.createAndDeliverCard({ cardTemplateId: opts.cardTemplateId, outTrackId, target, cardParamMap })).outTrackId;
    } catch (e) {
      if (opts.outTrackId && e instanceof DingTalkApiError && e.code === "param.cardAlreadyExist") return outTrackId;
      throw e;
    }
  };
}

// ---- sender ----------------------------------------------------------------------------------------------

export function createDingTalkSender(opts: DingTalkSenderOptions): ReminderSender {
  const { openapi } = opts;
  if (opts.robotCode !== undefined && opts.robotCode !== openapi.robotCode) {
    throw new Error(`createDingTalkSender: robotCode ${opts.robotCode} differs from the OpenAPI client's ${openapi.robotCode}`);
  }
  const lang = opts.lang ?? "zh";
  const pace = { ...DEFAULT_DINGTALK_PACE, ...opts.pace };
  const pacer = new Pacer({ perKey: pace.perApi, clock: opts.clock });
  const clock = pacer.clock;
  const flowRounds = pace.flowControl?.rounds ?? 3;
  const flowWaitMs = pace.flowControl?.waitMs ?? 1000;

  const call = pacedDingTalkCall(pacer, { retry: pace.retry, random: opts.random });

  /** One batchSend of ≤ 20 users, then rounds for the users DingTalk flow-controlled. */
  const sendBatch = async (users: string[], msg: RobotMsg, out: Map<string, DeliveryOutcome>, hooks?: SendHooks): Promise<void> => {
    let pending = users;
    for (let round = 1; pending.length > 0; round++) {
      if (round > flowRounds) {
        for (const u of pending) out.set(u, { ok: false, permanent: false, error: `flow-controlled after ${flowRounds} rounds` });
        return;
      }
      if (round > 1) await clock.sleep(flowWaitMs);
      const batch = pending;
      let result: BatchSendResult;
      try {
        result = await call(API.batch, async () => {
          await hooks?.beforeSend?.(batch);
          return openapi.batchSend(batch, msg);
        });
      } catch (e) {
        for (const u of batch) out.set(u, dingTalkFailureOutcome(e));
        return;
      }
      const invalid = new Set(result.invalidStaffIds);
      const throttled = new Set(result.flowControlledStaffIds);
      const ref = result.processQueryKeys[0];
      for (const u of batch) {
        if (invalid.has(u)) out.set(u, { ok: false, permanent: true, error: "invalidStaffId" });
        else if (!throttled.has(u)) out.set(u, { ok: true, ...(ref ? { ref } : {}) });
      }
      pending = batch.filter((u) => throttled.has(u) && !invalid.has(u));
    }
  };

  const sendMarkdown = async (users: string[], reply: Reply, out: Map<string, DeliveryOutcome>, hooks?: SendHooks): Promise<void> => {
    const md = renderMarkdown(reply, { lang });
    const msg: RobotMsg = { msgKey: "sampleMarkdown", msgParam: { title: md.title, text: md.text } };
    const batches: string[][] = [];
    for (let i = 0; i < users.length; i += BATCH_SEND_MAX_USERS) batches.push(users.slice(i, i + BATCH_SEND_MAX_USERS));
    await forEachConcurrent(batches, pace.maxInFlight, (b) => sendBatch(b, msg, out, hooks));
  };

  /** Cards for users with a form; returns the users who still need the markdown reminder. */
  const sendCards = async (
    users: string[],
    reply: Reply,
    form: (userId: string) => Promise<ReportForm | undefined>,
    deliverCard: DeliverCard,
    out: Map<string, DeliveryOutcome>,
    hooks?: SendHooks,
  ): Promise<string[]> => {
    const fallback: string[] = [];
    await forEachConcurrent(users, pace.maxInFlight, async (userId) => {
      let f: ReportForm | undefined;
      try {
        f = await form(userId);
      } catch {
        f = undefined; // no form, no card: the markdown reminder still goes out
      }
      if (!f) return void fallback.push(userId);
      const target: CardTarget = { kind: "direct", userId };
      const formFor = f;
      try {
        const outTrackId = await call(API.card, async () => {
          await hooks?.beforeSend?.([userId]);
          return deliverCard(target, formFor, reply);
        });
        out.set(userId, { ok: true, ref: outTrackId });
      } catch (e) {
        const o = dingTalkFailureOutcome(e);
        if (o.permanent) fallback.push(userId);
        else out.set(userId, o);
      }
    });
    return fallback;
  };

  return {
    platform: "dingtalk",
    async prepare() {
      await openapi.accessToken();
    },
    async sendDirect(userIds, reply, form, hooks) {
      const users = [...new Set(userIds)];
      const out = new Map<string, DeliveryOutcome>();
      const markdownUsers = form && opts.deliverCard ? await sendCards(users, reply, form, opts.deliverCard, out, hooks) : users;
      await sendMarkdown(markdownUsers, reply, out, hooks);
      return new Map(users.map((u) => [u, out.get(u) ?? { ok: false, permanent: false, error: "no outcome" }]));
    },
    async sendGroup(openConversationId, reply, hooks) {
      const md = renderMarkdown(reply, { lang });
      try {
        const r = await call(API.group, async () => {
          await hooks?.beforeSend?.([openConversationId]);
          return openapi.sendGroup(openConversationId, { msgKey: "sampleMarkdown", msgParam: { title: md.title, text: md.text } });
        });
        return { ok: true, ...(r.processQueryKey ? { ref: r.processQueryKey } : {}) };
      } catch (e) {
        return dingTalkFailureOutcome(e);
      }
    },
  };
}

/**
 * One paced, retried DingTalk call: wait for the API's window, retry throttling
 * and transient errors with backoff (honouring the delay DingTalk asks for), and on
 * a throttle hold that API only, since DingTalk's QPS limit is per app per API.
 * Shared by the reminder sender and the briefing poster.
 */
export function pacedDingTalkCall(
  pacer: Pacer,
  opts: { retry?: Pick<RetryOptions, "maxAttempts" | "baseMs" | "maxMs" | "maxWaitMs">; random?: () => number } = {},
) {
  const clock = pacer.clock;
  return <T>(api: string, fn: () => Promise<T>): Promise<T> =>
    retryWithBackoff(
      async () => {
        const done = await pacer.acquire(api);
        try {
          return await fn();
        } finally {
          done();
        }
      },
      {
        ...opts.retry, // retryWithBackoff's defaults otherwise
        clock,
        random: opts.random,
        isRetryable: isRetryableDingTalkError,
        retryAfterMs: dingTalkRetryAfterMs,
        onRetry: (e, _attempt, delayMs) => {
          if (e instanceof DingTalkApiError && e.throttled) pacer.block(clock.now() + delayMs, api);
        },
      },
    );
}
