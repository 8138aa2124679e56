/**
 * The contract between the platform adapters (Slack, DingTalk, local chat) and
 * the platform-neutral core. An adapter turns whatever arrived (a slash command,
 * a robot message, a card or modal submission, a typed line) into one `Incoming`,
 * calls `Bot.handle`, and renders the `Reply`. No business rule lives in an adapter.
 */

export type PlatformName = "slack" | "dingtalk" | "local";
export type Lang = "zh" | "en";

export interface Incoming {
  platform: PlatformName;
  /** Slack team id, DingTalk corp id; "" for the local chat. */
  tenant: string;
  userId: string;
  userName?: string;
  /**
   * Command text as the user typed it, with the platform's wrapping removed:
   * Slack's "/duban " prefix (for `/report …` the adapter passes "上报 …"),
   * DingTalk's leading space and @mention.
   */
  text?: string;
  /** A submitted form (Slack modal, DingTalk card, local web form). */
  form?: ReportFormSubmission;
  /**
   * Platform-unique id of this delivery, for exactly-once handling: a retry or a
   * redelivery with the same key gets the stored reply and changes nothing.
   * e.g. "slack:trigger:<trigger_id>", "slack:view:<view.id>", "dingtalk:msg:<msgId>",
   * "dingtalk:card:<outTrackId>:<hash of params>".
   */
  eventKey?: string;
  conversation?: { id: string; type: "direct" | "group" };
  /** The user's language if the platform tells it; default Chinese. */
  lang?: Lang;
  receivedAt: Date;
}

/** What a form submits: values keyed by indicator code, as typed (units allowed: "3.5亿元"). */
export interface ReportFormSubmission {
  mode: "report" | "correct";
  /** "2026-10"; default: the period open for reporting. */
  period?: string;
  /** The unit the form was opened for (a liaison may be bound to several). */
  unit?: string;
  /** The plan the form was opened for (its code): a unit may report in several plans. */
  plan?: string;
  values: Record<string, string>;
  progress?: string;
  problems?: string;
  nextSteps?: string;
  /** Required for corrections. */
  reason?: string;
}

/** A form prefilled for one unit and period: what a modal, a card or the web page shows. */
export interface ReportForm {
  mode: "report" | "correct";
  /** The language of its labels, for the adapter's own words around them (default Chinese). */
  lang?: Lang;
  unit: { id: number; name: string };
  /** The plan it reports in (code, and the name people read). */
  plan: { code: string; name: string };
  period: { key: string; label: string };
  indicators: {
    code: string;
    name: string;
    unit: string;
    kind: string;
    /** What this unit reported last (this period if any, else the latest before), e.g. "260台（2026年9月）". */
    last?: string;
    /** Prefill: this period's current value, if already reported. */
    value?: string;
  }[];
  narrative: { progress?: string; problems?: string; nextSteps?: string };
  /** Title and labels in the user's language. */
  labels: { title: string; submit: string; progress: string; problems: string; nextSteps: string; reason: string; period: string };
}

export type ReplyStatus = "ok" | "error" | "info" | "denied";

export interface Reply {
  status: ReplyStatus;
  /** One short line: "已收到 义乌市 2026年10月 的上报". */
  title: string;
  /** Body lines. Light markdown only: **bold**, `code`, "- " list items. */
  lines: string[];
  /** A correct example to copy, for errors (rendered as a code block). */
  example?: string;
  /** Per-field problems for forms: key is an indicator code or "period" | "reason" | "progress". */
  fieldErrors?: Record<string, string>;
  /** Buttons. */
  actions?: { id: "open_report_form"; label: string; value: string }[];
  /** Set when the adapter should open this form (Slack modal, DingTalk card, web form). */
  form?: ReportForm;
  /** Messages the bot posts elsewhere as a consequence (task-force group…); the local chat shows them. */
  notices?: Notice[];
  /** True when this is the stored answer to a delivery already handled (retry/redelivery). */
  duplicate?: boolean;
}

export interface Notice {
  /** "taskforce" (the task-force group), or a unit's liaisons. */
  to: { kind: "taskforce" } | { kind: "unit"; unit: string };
  text: string;
}

export interface Bot {
  /** Handles one incoming command or submission. Never throws for user input. */
  handle(incoming: Incoming): Promise<Reply>;
  /** The prefilled report form for the user (or a reply explaining why not: unbound, several units…). */
  openForm(who: Pick<Incoming, "platform" | "tenant" | "userId" | "lang">, opts?: { period?: string; unit?: string; plan?: string; mode?: "report" | "correct" }): Promise<ReportForm | Reply>;
}

/** What the local chat needs besides the Bot: who one can pretend to be. */
export interface LocalDirectory {
  /** Units one can act for, in plan order: departments first, then counties and the zone; with their aliases (Traditional forms, short names) for the picker. */
  units(): Promise<{ name: string; kind: string; aliases?: string[] }[]>;
  /**
   * Makes sure a local identity exists and is bound to `unit` with `role`
   * (the local chat has no admin to ask); returns the user id to put in Incoming.
   */
  ensureIdentity(role: "liaison" | "taskforce" | "admin", unit: string): Promise<string>;
}
