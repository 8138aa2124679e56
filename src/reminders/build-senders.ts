import { DingTalkOpenApi } from "../adapters/dingtalk/index.js";
import type { Config } from "../config/load-config.js";
import { createDingTalkSender, reminderCardDelivery } from "./dingtalk-sender.js";
import type { ReminderSender } from "./sender.js";
import { createSlackReminderClient, createSlackSender } from "./slack-sender.js";

export type Senders = Partial<Record<"slack" | "dingtalk", ReminderSender>>;

/**
 * One reminder sender per configured platform, built from the config alone (the
 * bot and `duban remind run` both use this). Why not the adapters' clients: a
 * fan-out that hits a rate limit must not stall chat replies (Slack's client
 * pauses its whole queue on a 429), and the pacer must see every fan-out call of
 * the app, so exactly one sender per platform per process.
 */
export function buildSenders(config: Config, opts: { dingtalkOpenApi?: DingTalkOpenApi } = {}): Senders {
  const senders: Senders = {};
  if (config.slack) {
    senders.slack = createSlackSender({ client: createSlackReminderClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl }) });
  }
  if (config.dingtalk) {
    const d = config.dingtalk;
    const openapi =
      opts.dingtalkOpenApi ??
      new DingTalkOpenApi({ clientId: d.clientId, clientSecret: d.clientSecret, robotCode: d.robotCode ?? d.clientId, baseUrl: d.apiUrl });
    senders.dingtalk = createDingTalkSender({
      openapi,
      lang: config.lang,
      ...(d.cardTemplateId
        ? {
            // With a card template, the opening reminder is the report card itself.
            deliverCard: reminderCardDelivery(openapi, { cardTemplateId: d.cardTemplateId, lang: config.lang }),
          }
        : {}),
    });
  }
  return senders;
}
