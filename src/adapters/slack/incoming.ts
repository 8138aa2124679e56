/**
 * Slack payloads (already validated by ./payloads.ts) → the core's Incoming. Pure.
 * Only the platform's wrapping is removed here; what the words mean is the core's business.
 */
import type { Incoming, ReportFormSubmission } from "../../../handlers/types.js";
import type { SlashCommand, ViewSubmission } from "./payloads.js";
import { teamOf } from "./payloads.js";

/** The slash commands this app registers; the manifest must declare exactly these. */
export const SLACK_COMMANDS = { report: "/report", duban: "/duban" } as const;

/**
 * Bot scopes the code relies on, and why; the manifest must request exactly these.
 * Slash commands need `commands`; replies, DMs (chat.postMessage to a user id) and reminders
 * `chat:write`; `im:write` (conversations.open), `users:read` (names for the audit log) and
 * `files:write` (exports) are for the core's reminders and exports, requested now so that adding
 * them does not force every workspace to reinstall the app.
 */
export const SLACK_BOT_SCOPES = ["commands", "chat:write", "im:write", "users:read", "files:write"] as const;

/** What `/report <text>` means to the core: the report command word, then the text. */
const REPORT_WORD = "上报";
/** What an empty `/duban` means: help. */
const HELP_WORD = "帮助";

/** Slack escapes &, < and > in text it sends (api.slack.com "Escaping text"); the core wants what was typed. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Idempotency key of a command or button click: Slack issues a fresh trigger_id per invocation. */
export const triggerEventKey = (triggerId: string): string => `slack:trigger:${triggerId}`;

/** A modal submission: the view id alone repeats across edits of one modal; the hash changes with each. */
export const viewEventKey = (viewId: string, hash: string): string => `slack:view:${viewId}:${hash}`;

export function commandToIncoming(c: SlashCommand, receivedAt: Date): Incoming {
  const text = unescapeSlack(c.text).trim();
  return {
    platform: "slack",
    tenant: c.team_id,
    userId: c.user_id,
    ...(c.user_name ? { userName: c.user_name } : {}),
    text: c.command === SLACK_COMMANDS.report ? `${REPORT_WORD} ${text}` : text === "" ? HELP_WORD : text,
    eventKey: triggerEventKey(c.trigger_id),
    ...(c.channel_id ? { conversation: { id: c.channel_id, type: isDirectChannel(c.channel_id) ? "direct" : "group" } } : {}),
    receivedAt,
  };
}

export function submissionToIncoming(p: ViewSubmission, form: ReportFormSubmission, receivedAt: Date): Incoming {
  const userName = p.user.name ?? p.user.username;
  return {
    platform: "slack",
    tenant: teamOf(p),
    userId: p.user.id,
    ...(userName ? { userName } : {}),
    form,
    eventKey: viewEventKey(p.view.id, p.view.hash),
    receivedAt,
  };
}

/** Slack DM channel ids start with D (1:1); C and G are channels and group conversations. */
function isDirectChannel(id: string): boolean {
  return id.startsWith("D");
}
