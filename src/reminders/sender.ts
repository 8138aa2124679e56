import type { Reply, ReportForm } from "../../handlers/types.js";

/**
 * How reminders leave the building: one sender per platform, which knows the
 * platform's limits (Slack ~1 message/s per channel and 429 + Retry-After;
 * DingTalk 20 QPS per API, ≤ 20 users per batchSend, HTTP 403 throttle codes)
 * and paces and retries within them. The reminder runner above it owns the
 * delivery ledger (who was claimed, sent, failed) and never talks to an SDK.
 */

export type DeliveryOutcome =
  | { ok: true; /** Platform reference (message ts, processQueryKey, outTrackId). */ ref?: string }
  | {
      ok: false;
      /** True when retrying cannot help (user not found, channel_not_found, bad token). */
      permanent: boolean;
      /** A short reason for admins: "ratelimited after 5 attempts", "channel_not_found". */
      error: string;
    };

/** Called right before each platform call (each attempt), with the users (or the group id) it carries. */
export interface SendHooks {
  beforeSend?: (ids: string[]) => Promise<void>;
}

/**
 * Where reminders go. "local" is the embedded default's chat: nothing is sent there by the bot,
 * but `remind run --dry-run` plans for its liaisons too, so the example world shows who would
 * get what.
 */
export type ReminderPlatform = "slack" | "dingtalk" | "local";

export interface ReminderSender {
  readonly platform: ReminderPlatform;
  /**
   * Sends the same reminder to each user (a DM / 1:1 message). With `form`, the
   * message leads straight to the report: Slack adds a 填报 button that opens the
   * modal (Reply.actions), DingTalk delivers the interactive card when a template
   * is configured. Returns an outcome per user id; never throws for a platform error.
   */
  sendDirect(
    userIds: string[],
    reply: Reply,
    form?: (userId: string) => Promise<ReportForm | undefined>,
    hooks?: SendHooks,
  ): Promise<Map<string, DeliveryOutcome>>;
  /** Posts to a group chat / channel (the task-force group). */
  sendGroup(groupId: string, reply: Reply, hooks?: SendHooks): Promise<DeliveryOutcome>;
  /**
   * Optional: gets ready to send (DingTalk: the access token), so that this round trip overlaps
   * the runner's database reads instead of delaying the first reminder. Best effort: a failure
   * here is met again, and reported, by the first send.
   */
  prepare?(): Promise<void>;
}
