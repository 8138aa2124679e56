/**
 * How the quarterly briefing and the annual assessment (issue 5 §3) reach the task-force group: a
 * readable message, the chart as an image, the workbook as a file. The monthly digest (§5) is the
 * same message without attachments. One poster per platform, each pacing and retrying
 * its calls within the platform's limits (see ./pacer.ts); the caller owns the exactly-once
 * ledger and decides what a failure means. Implementations:
 *  - Slack: ./slack-briefing-poster.ts (chat.postMessage, then files.uploadV2 of both files);
 *  - DingTalk: ./dingtalk-briefing-poster.ts (media upload of both files, then three robot
 *    group messages: markdown, sampleImageMsg, sampleFile).
 */
export interface Briefing {
  /** One line: "2026年第三季度 督办通报". */
  title: string;
  /** Body lines, light markdown (**bold**, `code`, "- " items), as in a Reply. */
  markdownLines: string[];
  /**
   * fileName is shown to readers and its extension is the type DingTalk checks: "2026Q3-排名.png".
   * Both attachments or neither: the monthly digest is text only.
   */
  chart?: { png: Uint8Array; fileName: string };
  /** e.g. "2026Q3-季度通报.xlsx". */
  workbook?: { xlsx: Uint8Array; fileName: string };
}

/** Which call a failure happened in; everything before it was delivered (see `refs`). */
export type BriefingStep = "text" | "files" | "upload-chart" | "upload-workbook" | "image" | "file";

export type BriefingOutcome =
  | {
      ok: true;
      /** Platform references, in posting order. Slack: message ts, then file ids. DingTalk: the three processQueryKeys. */
      refs: string[];
    }
  | {
      ok: false;
      error: string;
      /** True when retrying cannot help (channel_not_found, a file DingTalk refuses, bad token). */
      permanent: boolean;
      step: BriefingStep;
      /**
       * What was posted before the failure. Posting is not atomic on either platform, so a caller
       * that retries the whole briefing may repeat these; it can record them to explain that.
       */
      refs: string[];
    };

export interface BriefingPoster {
  readonly platform: "slack" | "dingtalk";
  /** Posts to a Slack channel id / a DingTalk openConversationId. Never throws for a platform error. */
  post(target: string, briefing: Briefing): Promise<BriefingOutcome>;
}

// The implementations import only types from this file, so these re-exports make no import cycle.
export { createDingTalkBriefingPoster, type DingTalkBriefingPosterOptions } from "./dingtalk-briefing-poster.js";
export { createSlackBriefingPoster, type SlackBriefingPosterOptions } from "./slack-briefing-poster.js";
