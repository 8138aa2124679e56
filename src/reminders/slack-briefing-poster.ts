/**
 * The briefing on Slack: chat.postMessage with the Block Kit of renderReply, then one
 * files.uploadV2 with the chart and the workbook when it has them (the monthly digest has none) (platforms.md §4: getUploadURLExternal per file,
 * a POST of each to its upload_url, one completeUploadExternal sharing both into the channel).
 *
 * Text first, files second: readers see the summary before the attachments, and a failed upload
 * still leaves the headline in the channel. Each of the two steps is retried as a whole through
 * the pacer. Retrying files.uploadV2 from the start is safe: files are only shared by
 * completeUploadExternal, so an attempt that failed earlier leaves nothing visible (a
 * `fatal_error` from complete itself may have half-succeeded; a duplicate beats a lost briefing).
 *
 * Use a client from createSlackReminderClient (`rejectRateLimitedCalls`, no SDK retries), so a
 * 429 reaches our retry with its Retry-After instead of stalling inside the SDK.
 */
import { webApi } from "@slack/bolt";
import type { Reply } from "../../handlers/types.js";
import { z } from "zod";
import { renderReply } from "../adapters/slack/render-reply.js";
import type { Briefing, BriefingOutcome, BriefingPoster, BriefingStep } from "./briefing-poster.js";
import { Pacer, retryWithBackoff, type Clock, type RetryOptions, type WindowLimit } from "./pacer.js";
import { slackFailureOutcome, slackRetryOptions } from "./slack-sender.js";

export interface SlackBriefingPosterOptions {
  client: webApi.WebClient;
  pace?: {
    /** Per method and channel. Default 1 per 1000 ms: chat.postMessage's ~1/s per channel; files.* are Tier 4. */
    perCall?: WindowLimit;
    /** Default: 5 attempts, backoff 500 ms doubling to 30 s, give up on a Retry-After over 60 s. */
    retry?: Pick<RetryOptions, "maxAttempts" | "baseMs" | "maxMs" | "maxWaitMs">;
  };
  /** Share the reminder sender's pacer to count both against the same windows. Default: a new one. */
  pacer?: Pacer;
  clock?: Clock;
  random?: () => number;
}

/** The part of the files.uploadV2 result we read: the ids of the shared files. */
const UploadV2Result = z.looseObject({
  files: z.array(z.looseObject({ files: z.array(z.looseObject({ id: z.string() })).optional() })).default([]),
});

export function createSlackBriefingPoster(opts: SlackBriefingPosterOptions): BriefingPoster {
  const { client } = opts;
  const pacer = opts.pacer ?? new Pacer({ perKey: opts.pace?.perCall ?? { limit: 1, windowMs: 1000 }, clock: opts.clock });
  const retry = slackRetryOptions(pacer, { retry: opts.pace?.retry, random: opts.random });

  const call = <T>(key: string, fn: () => Promise<T>): Promise<T> =>
    retryWithBackoff(async () => {
      const done = await pacer.acquire(key);
      try {
        return await fn();
      } finally {
        done();
      }
    }, retry);

  return {
    platform: "slack",
    async post(channel: string, briefing: Briefing): Promise<BriefingOutcome> {
      const refs: string[] = [];
      const fail = (step: BriefingStep, e: unknown): BriefingOutcome => ({ ...slackFailureOutcome(e), step, refs });

      // Rendered as a Reply, so it looks like every other bot message on the platform.
      const reply: Reply = { status: "info", title: briefing.title, lines: briefing.markdownLines };
      const message = renderReply(reply);
      try {
        const res = await call(`chat.postMessage ${channel}`, () => client.chat.postMessage({ channel, text: message.text, blocks: message.blocks }));
        if (res.ts) refs.push(res.ts);
      } catch (e) {
        return fail("text", e);
      }

      const files = [
        ...(briefing.chart ? [{ bytes: briefing.chart.png, fileName: briefing.chart.fileName }] : []),
        ...(briefing.workbook ? [{ bytes: briefing.workbook.xlsx, fileName: briefing.workbook.fileName }] : []),
      ];
      // A text-only post (the monthly digest) is done after chat.postMessage.
      if (!files.length) return { ok: true, refs };
      try {
        const res = await call(`files.uploadV2 ${channel}`, () =>
          client.filesUploadV2({
            channel_id: channel,
            file_uploads: files.map((f) => ({ file: toBuffer(f.bytes), filename: f.fileName, title: f.fileName })),
          }),
        );
        // The upload succeeded whatever this says; ids are only for the caller's records.
        const parsed = UploadV2Result.safeParse(res);
        if (parsed.success) refs.push(...parsed.data.files.flatMap((c) => (c.files ?? []).map((f) => f.id)));
      } catch (e) {
        return fail("files", e);
      }
      return { ok: true, refs };
    },
  };
}

/** The SDK wants a Buffer; a view over the same memory, not a copy. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
