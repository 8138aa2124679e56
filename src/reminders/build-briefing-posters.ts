import { DingTalkOpenApi } from "../adapters/dingtalk/index.js";
import type { Config } from "../config/load-config.js";
import type { BriefingPoster } from "./briefing-poster.js";
import { createDingTalkBriefingPoster } from "./dingtalk-briefing-poster.js";
import { createSlackBriefingPoster } from "./slack-briefing-poster.js";
import { createSlackReminderClient } from "./slack-sender.js";

export type BriefingPosters = Partial<Record<"slack" | "dingtalk", BriefingPoster>>;

/**
 * One briefing poster per configured platform, built from the config alone, as buildSenders
 * does for reminders (the bot's briefing tick and `duban ranking post` both use this). The
 * Slack client is the reminder kind (rejectRateLimitedCalls, no SDK retries): the poster's own
 * retry sees each 429 with its Retry-After. Pass the adapter's DingTalk client to share its
 * access token instead of fetching a second one.
 */
export function buildBriefingPosters(config: Pick<Config, "slack" | "dingtalk" | "lang">, opts: { dingtalkOpenApi?: DingTalkOpenApi } = {}): BriefingPosters {
  const posters: BriefingPosters = {};
  if (config.slack) {
    posters.slack = createSlackBriefingPoster({ client: createSlackReminderClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl }) });
  }
  if (config.dingtalk) {
    const d = config.dingtalk;
    const openapi =
      opts.dingtalkOpenApi ??
      new DingTalkOpenApi({ clientId: d.clientId, clientSecret: d.clientSecret, robotCode: d.robotCode ?? d.clientId, baseUrl: d.apiUrl });
    posters.dingtalk = createDingTalkBriefingPoster({ openapi, ...(config.lang ? { lang: config.lang } : {}) });
  }
  return posters;
}
