/**
 * The DingTalk adapter: robot messages and card callbacks in over the Stream socket, replies out
 * through the sessionWebhook or the OpenAPI. It turns payloads into `Incoming`, calls
 * `Bot.handle`, and renders the `Reply`; every decision about reports is the Bot's.
 *
 * Timing rules (platforms.md §7–§8):
 *  - a robot message is acked (`{"response": null}`) before the Bot runs, so a slow Bot never
 *    makes DingTalk redeliver; a redelivery anyway carries the same msgId → the same eventKey;
 *  - a card callback must be answered within 2 s and the answer is the card update. The Bot
 *    gets `cardAnswerBudgetMs` (1.5 s); if it is slower the card says "processing" and the
 *    real result follows through the card-update API, after the callback is answered.
 */
import { randomUUID } from "node:crypto";
import type { DWClientDownStream } from "dingtalk-stream";
import type { Bot, Incoming, Lang, Reply, ReportForm } from "../../../handlers/types.js";
import type { Config } from "../../config/load-config.js";
import type { Logger } from "../../logging/logger.js";
import { DingTalkOpenApi, withRetry, type BatchSendResult, type CardTarget, type RetryPolicy, type RobotMsg } from "./openapi.js";
import { CardCallbackSchema, CardContentSchema, parseFrameData, RobotMessageSchema, TOPIC_CARD, TOPIC_ROBOT, type RobotMessage } from "./payloads.js";
import { renderFormFallback, renderMarkdown, type Markdown } from "./render-reply.js";
import {
  buildCardParamMap,
  cardCallbackResponse,
  cardEventKey,
  cardParamsForReply,
  cardParamsProcessing,
  parseCardSubmission,
} from "./report-card.js";
import { robotMessageToIncoming } from "./robot-message.js";
import { postToSessionWebhook, sessionWebhookUsable } from "./session-webhook.js";
import { DingTalkStreamClient, type StreamClientOptions } from "./stream-client.js";
import { WORDS } from "./words.js";

export type DingTalkConfig = NonNullable<Config["dingtalk"]>;

export interface DingTalkAdapterOptions {
  config: DingTalkConfig;
  bot: Bot;
  logger: Logger;
  /** DINGTALK_CARD_TEMPLATE_ID. Without it, forms are sent as markdown with the text command. */
  cardTemplateId?: string;
  /** Language of the adapter's own few words (card chrome, hints). Default Chinese. */
  lang?: Lang;
  /** Retry for replies. Default: once, after the delay DingTalk asks for (1 s when throttled). */
  replyRetry?: RetryPolicy;
  /** How long a card callback waits for the Bot before answering "processing". Default 1500 ms. */
  cardAnswerBudgetMs?: number;
  /** Stream connection tuning (tests shorten these). */
  stream?: Pick<StreamClientOptions, "keepAliveMs" | "reconnect" | "disconnectGraceMs" | "connectTimeoutMs">;
  /** Clock of the token cache (tests of expiry). */
  now?: () => number;
}

export interface DingTalkAdapter {
  /** Connects the Stream socket; rejects (StreamConnectError) on bad credentials or no gateway. */
  start(): Promise<void>;
  /** Closes the socket and waits (≤ 5 s) for replies in flight. */
  stop(): Promise<void>;
  readonly openapi: DingTalkOpenApi;
  /** 1:1 messages from the robot (reminders, notices); a `form` becomes one card per user. */
  sendDirect(userIds: readonly string[], reply: Reply): Promise<BatchSendResult | { outTrackIds: string[] }>;
  /** A message into a group the robot is in. */
  sendGroup(openConversationId: string, reply: Reply): Promise<void>;
  /** Delivers the report card; returns its outTrackId. Needs `cardTemplateId`. */
  deliverReportCard(target: CardTarget, form: ReportForm): Promise<string>;
}

const markdownMsg = (md: Markdown): RobotMsg => ({ msgKey: "sampleMarkdown", msgParam: { title: md.title, text: md.text } });

export function createDingTalkAdapter(opts: DingTalkAdapterOptions): DingTalkAdapter {
  const { config, bot, cardTemplateId } = opts;
  const log = opts.logger.child({ platform: "dingtalk" });
  const lang = opts.lang ?? "zh";
  const retry = opts.replyRetry ?? { retries: 1 };
  const budgetMs = opts.cardAnswerBudgetMs ?? 1500;

  const openapi = new DingTalkOpenApi({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    // An internal app's robot code is its AppKey unless configured otherwise.
    robotCode: config.robotCode ?? config.clientId,
    baseUrl: config.apiUrl,
    now: opts.now,
  });
  const client = new DingTalkStreamClient({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    apiUrl: config.apiUrl,
    accessToken: () => openapi.accessToken(),
    logger: log,
    ...opts.stream,
  });

  // Work started by a frame, so stop() can let replies in flight finish.
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>, what: string): void => {
    const p = work.catch((e: unknown) => log.error({ err: e }, `dingtalk: ${what} failed`)).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  /** Bot.handle never throws for user input; if it throws anyway (database down), say so briefly. */
  const handle = async (incoming: Incoming): Promise<Reply> => {
    try {
      const reply = await bot.handle(incoming);
      if (reply.notices?.length) log.debug({ notices: reply.notices.length }, "dingtalk: notices are delivered by their sender, not the adapter");
      return reply;
    } catch (e) {
      log.error({ err: e, eventKey: incoming.eventKey }, "dingtalk: bot failed");
      return { status: "error", title: WORDS[lang].busy, lines: [] };
    }
  };

  const deliverReportCard = async (target: CardTarget, form: ReportForm): Promise<string> => {
    if (!cardTemplateId) throw new Error("deliverReportCard: no card template configured (DINGTALK_CARD_TEMPLATE_ID)");
    const outTrackId = `duban-${randomUUID()}`;
    await withRetry(
      () => openapi.createAndDeliverCard({ cardTemplateId, outTrackId, target, cardParamMap: buildCardParamMap(form, lang) }),
      retry,
    );
    log.info({ outTrackId, target: target.kind, unit: form.unit.name, period: form.period.key }, "dingtalk: report card delivered");
    return outTrackId;
  };

  // ---- robot messages ---------------------------------------------------------------------------

  const replyToMessage = async (m: RobotMessage, reply: Reply): Promise<void> => {
    const group = m.conversationType === "2";
    const staffId = m.senderStaffId;
    if (reply.form && cardTemplateId && staffId) {
      try {
        // In a group only the sender sees the card (recipients), like an ephemeral message.
        const target: CardTarget = group
          ? { kind: "group", openConversationId: m.conversationId, recipients: [staffId] }
          : { kind: "direct", userId: staffId };
        await deliverReportCard(target, reply.form);
        return;
      } catch (e) {
        log.error({ err: e }, "dingtalk: card delivery failed, sending the form as text");
      }
    }
    const render = (atUserId: string | undefined): Markdown =>
      reply.form ? renderFormFallback(reply.form, { lang, atUserId }) : renderMarkdown(reply, { lang, atUserId });

    if (m.sessionWebhook && sessionWebhookUsable(m.sessionWebhookExpiredTime, Date.now())) {
      const at = group && staffId ? staffId : undefined;
      try {
        await postToSessionWebhook(m.sessionWebhook, render(at), at ? [at] : []);
        return;
      } catch (e) {
        log.warn({ err: e }, "dingtalk: sessionWebhook failed, replying through the OpenAPI");
      }
    }
    // The OpenAPI's sampleMarkdown has no @, so no @ in the text either.
    if (group) {
      await withRetry(() => openapi.sendGroup(m.conversationId, markdownMsg(render(undefined))), retry);
    } else if (staffId) {
      await openapi.batchSend([staffId], markdownMsg(render(undefined)), { retry });
    } else {
      log.error({ senderId: m.senderId }, "dingtalk: sessionWebhook expired and the sender has no staffId: reply dropped");
    }
  };

  const onRobotMessage = async (data: string): Promise<void> => {
    const parsed = parseFrameData(RobotMessageSchema, data);
    if (!parsed.ok) {
      log.warn({ error: parsed.error }, "dingtalk: robot message ignored, unexpected payload");
      return;
    }
    const m = parsed.value;
    if (m.conversationType === "2" && m.isInAtList === false) return; // not addressed to us
    const reply = await handle(robotMessageToIncoming(m, new Date()));
    await replyToMessage(m, reply);
  };

  client.registerCallbackListener(TOPIC_ROBOT, (frame: DWClientDownStream) => {
    // Ack first: the message is ours now (DingTalk's documented ack for bot messages).
    client.socketCallBackResponse(frame.headers.messageId, null);
    track(onRobotMessage(frame.data), "robot message");
  });

  // ---- card callbacks ----------------------------------------------------------------------------

  const onCardCallback = async (messageId: string, data: string): Promise<void> => {
    let answered = false;
    const answer = (cardParamMap: Record<string, string> | null): void => {
      if (answered) return;
      answered = true;
      client.socketCallBackResponse(messageId, cardParamMap ? cardCallbackResponse(cardParamMap) : null);
    };
    try {
      const parsed = parseFrameData(CardCallbackSchema, data);
      if (!parsed.ok) {
        log.warn({ error: parsed.error }, "dingtalk: card callback ignored, unexpected payload");
        return;
      }
      const cb = parsed.value;
      const content = CardContentSchema.safeParse(cb.content);
      if (!content.success) {
        log.warn({ outTrackId: cb.outTrackId }, "dingtalk: card callback ignored, content is not cardPrivateData JSON");
        return;
      }
      const params = content.data.cardPrivateData.params;
      const submitted = parseCardSubmission(params);
      if (!submitted) {
        log.debug({ outTrackId: cb.outTrackId, actionIds: content.data.cardPrivateData.actionIds }, "dingtalk: card action without a form");
        return;
      }
      const handled = handle({
        platform: "dingtalk",
        tenant: cb.corpId ?? "",
        userId: cb.userId,
        form: submitted.submission,
        eventKey: cardEventKey(cb.outTrackId, params),
        receivedAt: new Date(),
      });
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([handled, new Promise<undefined>((r) => (timer = setTimeout(r, budgetMs, undefined)))]);
      clearTimeout(timer);
      if (inTime) {
        answer(cardParamsForReply(inTime, submitted, lang));
        return;
      }
      answer(cardParamsProcessing(lang));
      const reply = await handled;
      // The callback is answered, so the card-update API is allowed now.
      await withRetry(() => openapi.updateCard(cb.outTrackId, cardParamsForReply(reply, submitted, lang)), retry);
    } finally {
      answer(null); // whatever happened, DingTalk gets an answer and stops waiting
    }
  };

  client.registerCallbackListener(TOPIC_CARD, (frame: DWClientDownStream) => {
    track(onCardCallback(frame.headers.messageId, frame.data), "card callback");
  });

  // ---- lifecycle and outbound --------------------------------------------------------------------

  return {
    openapi,
    deliverReportCard,
    async start() {
      await client.connect();
      log.info({ apiUrl: config.apiUrl ?? "https://api.dingtalk.com", cards: Boolean(cardTemplateId) }, "dingtalk: stream connected");
    },
    async stop() {
      client.disconnect();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
    },
    async sendDirect(userIds, reply) {
      if (reply.form && cardTemplateId) {
        const outTrackIds: string[] = [];
        for (const userId of userIds) outTrackIds.push(await deliverReportCard({ kind: "direct", userId }, reply.form));
        return { outTrackIds };
      }
      const md = reply.form ? renderFormFallback(reply.form, { lang }) : renderMarkdown(reply, { lang });
      return openapi.batchSend(userIds, markdownMsg(md), { retry });
    },
    async sendGroup(openConversationId, reply) {
      if (reply.form && cardTemplateId) {
        await deliverReportCard({ kind: "group", openConversationId }, reply.form);
        return;
      }
      const md = reply.form ? renderFormFallback(reply.form, { lang }) : renderMarkdown(reply, { lang });
      await withRetry(() => openapi.sendGroup(openConversationId, markdownMsg(md)), retry);
    },
  };
}
