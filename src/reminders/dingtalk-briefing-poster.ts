/**
 * The briefing on DingTalk (platforms.md §9 and ../adapters/dingtalk/media-upload.ts):
 *  1. upload the chart (type image) and the workbook (type file) with the legacy media API;
 *  2. three robot group messages (one, the markdown, for a text-only post: the monthly digest), in reading order: sampleMarkdown {title, text}, sampleImageMsg
 *     {photoURL: <chart media_id>}, sampleFile {mediaId, fileName, fileType}.
 * Uploads go first so that a file DingTalk refuses fails the briefing before anything appears in
 * the group, instead of leaving a headline without its attachments.
 *
 * Documented [DOC help.dingtalk.io/open/development/robot-message-type]: robots may send images
 * and files to groups through the API (not through webhooks); `photoURL` may be an image URL or a
 * media_id from the upload API. [3P, UNVERIFIED against the official table]: the sampleFile
 * parameters {mediaId, fileName, fileType} (fileType = the extension, "xlsx").
 *
 * Pacing: one window per API (media/upload, groupMessages/send), 18 per 1000 ms as in the
 * reminder sender; throttles (HTTP 403 QpsLimit*, legacy errcodes 90002/90018/90019) hold that
 * API for the ~1 s DingTalk asks. Pass the reminder sender's `pacer` to share its windows.
 */
import type { Lang, Reply } from "../../handlers/types.js";
import type { DingTalkOpenApi, RobotMsg } from "../adapters/dingtalk/index.js";
import { DingTalkMediaApi, fileExtension } from "../adapters/dingtalk/media-upload.js";
import { renderMarkdown } from "../adapters/dingtalk/render-reply.js";
import type { Briefing, BriefingOutcome, BriefingPoster, BriefingStep } from "./briefing-poster.js";
import { dingTalkFailureOutcome, pacedDingTalkCall } from "./dingtalk-sender.js";
import { Pacer, type Clock, type RetryOptions, type WindowLimit } from "./pacer.js";

export interface DingTalkBriefingPosterOptions {
  openapi: DingTalkOpenApi;
  /** Default: a DingTalkMediaApi on the oapi host derived from openapi.baseUrl (legacyApiUrlFor). */
  media?: DingTalkMediaApi;
  lang?: Lang;
  pace?: {
    /** Per API. Default { limit: 18, windowMs: 1000 }. */
    perApi?: WindowLimit;
    /** Default: 5 attempts, backoff 500 ms doubling to 30 s, give up on a wait over 60 s (the 5-minute IP ban). */
    retry?: Pick<RetryOptions, "maxAttempts" | "baseMs" | "maxMs" | "maxWaitMs">;
  };
  pacer?: Pacer;
  clock?: Clock;
  random?: () => number;
}

/** Pacer keys, the same strings as the reminder sender's so a shared pacer shares the windows. */
const API = { media: "media/upload", group: "robot/groupMessages/send" } as const;

export function createDingTalkBriefingPoster(opts: DingTalkBriefingPosterOptions): BriefingPoster {
  const { openapi } = opts;
  const media = opts.media ?? new DingTalkMediaApi({ openapi });
  const lang = opts.lang ?? "zh";
  const pacer = opts.pacer ?? new Pacer({ perKey: opts.pace?.perApi ?? { limit: 18, windowMs: 1000 }, clock: opts.clock });
  const call = pacedDingTalkCall(pacer, { retry: opts.pace?.retry, random: opts.random });

  const send = async (target: string, msg: RobotMsg): Promise<string | undefined> =>
    (await call(API.group, () => openapi.sendGroup(target, msg))).processQueryKey;

  return {
    platform: "dingtalk",
    async post(openConversationId: string, briefing: Briefing): Promise<BriefingOutcome> {
      const refs: string[] = [];
      let step: BriefingStep = "upload-chart";
      try {
        const { chart: chartFile, workbook: workbookFile } = briefing;
        const chart = chartFile
          ? await call(API.media, () => media.upload({ type: "image", bytes: chartFile.png, fileName: chartFile.fileName, contentType: "image/png" }))
          : null;
        step = "upload-workbook";
        const workbook = workbookFile
          ? await call(API.media, () =>
              media.upload({
                type: "file",
                bytes: workbookFile.xlsx,
                fileName: workbookFile.fileName,
                contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              }),
            )
          : null;

        // Rendered as a Reply, so it looks like every other bot message on the platform.
        const reply: Reply = { status: "info", title: briefing.title, lines: briefing.markdownLines };
        const md = renderMarkdown(reply, { lang });
        // Without attachments (the monthly digest) the markdown is the whole post.
        const messages: [BriefingStep, RobotMsg][] = [["text", { msgKey: "sampleMarkdown", msgParam: { title: md.title, text: md.text } }]];
        if (chart) messages.push(["image", { msgKey: "sampleImageMsg", msgParam: { photoURL: chart.mediaId } }]);
        if (workbook && workbookFile) {
          messages.push([
            "file",
            { msgKey: "sampleFile", msgParam: { mediaId: workbook.mediaId, fileName: workbookFile.fileName, fileType: fileExtension(workbookFile.fileName) } },
          ]);
        }
        // One after another: the group shows them in the order they arrive.
        for (const [s, msg] of messages) {
          step = s;
          const ref = await send(openConversationId, msg);
          if (ref) refs.push(ref);
        }
        return { ok: true, refs };
      } catch (e) {
        return { ...dingTalkFailureOutcome(e), step, refs };
      }
    },
  };
}
