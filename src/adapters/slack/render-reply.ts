/**
 * Reply → Block Kit. Pure: no Slack client, no I/O, so every layout rule is unit-tested.
 *
 * Layout: a title section (emoji by status), body sections, the example as a code block, then one
 * actions block per button. Limits enforced here (docs.slack.dev reference/block-kit):
 * 3000 characters per section text, 50 blocks per message, 75 per button label, 2000 per value.
 */
import type { types } from "@slack/bolt";
import type { Reply, ReplyStatus } from "../../../handlers/types.js";
import { escapeMrkdwn, packLines, toMrkdwn, toPlain, truncate } from "./mrkdwn.js";

export const OPEN_REPORT_FORM_ACTION = "open_report_form";

export const SLACK_LIMITS = {
  sectionText: 3000,
  blocksPerMessage: 50,
  buttonText: 75,
  buttonValue: 2000,
  /** chat.postMessage truncates `text` at 40 000; a notification needs far less. */
  fallbackText: 3000,
} as const;

const STATUS_EMOJI: Record<ReplyStatus, string> = {
  ok: ":white_check_mark:",
  error: ":x:",
  info: ":information_source:",
  denied: ":no_entry:",
};

export interface RenderedMessage {
  /** Fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks: types.KnownBlock[];
}

const section = (text: string): types.SectionBlock => ({ type: "section", text: { type: "mrkdwn", text } });

export function renderReply(reply: Reply): RenderedMessage {
  const title = section(truncate(`${STATUS_EMOJI[reply.status]} *${escapeMrkdwn(toPlain(reply.title))}*`, SLACK_LIMITS.sectionText));
  const body = packLines(reply.lines.map(toMrkdwn), SLACK_LIMITS.sectionText).map(section);
  // ``` fences leave 3000 − 8 characters for the example itself.
  const example =
    reply.example !== undefined && reply.example.trim() !== ""
      ? [section(`\`\`\`${truncate(escapeMrkdwn(reply.example), SLACK_LIMITS.sectionText - 8)}\`\`\``)]
      : [];
  // One actions block per button: action_ids must be unique within a block, and every 填报
  // button must carry the same action_id so one listener handles them all.
  const buttons: types.ActionsBlock[] = (reply.actions ?? []).map((a, i) => ({
    type: "actions",
    block_id: `reply_action:${i}`,
    elements: [
      {
        type: "button",
        action_id: OPEN_REPORT_FORM_ACTION,
        text: { type: "plain_text", text: truncate(a.label, SLACK_LIMITS.buttonText), emoji: true },
        value: a.value.slice(0, SLACK_LIMITS.buttonValue),
        ...(i === 0 ? { style: "primary" as const } : {}),
      },
    ],
  }));

  // Over 50 blocks: keep the title, the example and the buttons (what the user acts on), cut the
  // body and say so; the text fallback still carries everything.
  const room = SLACK_LIMITS.blocksPerMessage - 1 - example.length - buttons.length;
  const fitted =
    body.length <= room
      ? body
      : [...body.slice(0, Math.max(0, room - 1)), { type: "context", elements: [{ type: "mrkdwn", text: "…" }] } satisfies types.ContextBlock];
  const blocks: types.KnownBlock[] = [title, ...fitted, ...example, ...buttons].slice(0, SLACK_LIMITS.blocksPerMessage);

  return { text: fallbackText(reply), blocks };
}

function fallbackText(reply: Reply): string {
  const parts = [toPlain(reply.title), ...reply.lines.map(toPlain), ...(reply.example ? [reply.example] : [])];
  // `text` is mrkdwn too (and a notification preview): escape, like the blocks.
  return escapeMrkdwn(truncate(parts.join("\n"), SLACK_LIMITS.fallbackText));
}
