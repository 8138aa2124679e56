import { randomUUID } from "node:crypto";
import type { Incoming, Lang, ReportFormSubmission } from "../../../handlers/types.js";

/**
 * One typed line or one submitted web form as the core sees it. The local chat
 * has no tenant and no conversation: every exchange is a direct chat.
 */
export function makeIncoming(args: {
  userId: string;
  text?: string;
  form?: ReportFormSubmission;
  /** From the page, so that a re-send of the same message is recognised; a fresh one otherwise. */
  eventKey?: string;
  lang?: Lang;
  now?: Date;
}): Incoming {
  return {
    platform: "local",
    tenant: "",
    userId: args.userId,
    ...(args.text !== undefined ? { text: args.text } : {}),
    ...(args.form !== undefined ? { form: args.form } : {}),
    eventKey: args.eventKey ?? newEventKey(),
    conversation: { id: `local:${args.userId}`, type: "direct" },
    lang: args.lang ?? "zh",
    receivedAt: args.now ?? new Date(),
  };
}

export function newEventKey(): string {
  return `local:${randomUUID()}`;
}
