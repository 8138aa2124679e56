/**
 * Bolt listeners: slash commands, the 填报 button and the report modal's submission.
 *
 * The 3-second rule shapes every listener (platforms.md §5): commands and clicks ack FIRST and
 * work after (answering through response_url, which stays valid for 30 minutes); a submission
 * must carry its field errors in the ack, so it waits for the Bot, but only up to a deadline,
 * after which it closes the modal and answers by DM. Listeners never throw: once acked, an
 * exception would only make Bolt try to answer the HTTP request a second time.
 */
import type { App } from "@slack/bolt";
import type { Logger } from "pino";
import type { Bot, Incoming, Lang, ReportForm, Reply } from "../../../handlers/types.js";
import { langOfText } from "../../i18n/lang.js";
import { commandToIncoming, SLACK_COMMANDS, submissionToIncoming } from "./incoming.js";
import { BlockActions, SlashCommand, teamOf, ViewSubmission } from "./payloads.js";
import { OPEN_REPORT_FORM_ACTION, renderReply } from "./render-reply.js";
import { parseReportSubmission, REPORT_MODAL_CALLBACK_ID, toBlockErrors } from "./report-modal.js";
import type { RespondTo } from "./response-url.js";
import { formFailedReply, internalErrorReply } from "./words.js";

export interface ListenerDeps {
  bot: Bot;
  log: Logger;
  /** Opens a modal (views.open); trigger_ids live 3 s and work once. */
  openModal(triggerId: string, form: ReportForm): Promise<void>;
  /** Posts a reply to the user's DM with the app (a modal has no channel to answer in). */
  postDirect(userId: string, reply: Reply): Promise<unknown>;
  /** How long a submission waits for the Bot before acking without it (Slack cuts off at 3 s). */
  submitDeadlineMs: number;
  /** Keeps shutdown waiting for work that continues after the ack. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Posts to a response_url (response-url.ts). */
  respond: RespondTo;
}

type Who = Pick<Incoming, "platform" | "tenant" | "userId">;

/** /report and /duban, exactly. */
const COMMAND_NAMES = new RegExp(`^(?:${Object.values(SLACK_COMMANDS).join("|")})$`);
type Answer = (reply: Reply) => Promise<void>;

export function registerListeners(app: App, deps: ListenerDeps): void {
  const { bot, log } = deps;

  const noteNotices = (reply: Reply) => {
    if (reply.notices?.length) log.debug({ notices: reply.notices.length }, "reply notices are posted by the core, not here");
  };

  /** Opens the modal; if Slack refuses (trigger expired or used), answers with `fallback` instead. */
  const showForm = async (form: ReportForm, triggerId: string, answer: Answer, fallback: Reply): Promise<void> => {
    try {
      await deps.openModal(triggerId, form);
    } catch (err) {
      log.warn({ err }, "views.open failed; answering instead");
      await answer(fallback);
    }
  };

  /** A reply carrying a form opens it (the trigger is still fresh); any other reply is answered. */
  const deliver = async (reply: Reply, triggerId: string, answer: Answer): Promise<void> => {
    noteNotices(reply);
    if (reply.form) await showForm(reply.form, triggerId, answer, reply);
    else await answer(reply);
  };

  const openForm = async (who: Who, opts: Parameters<Bot["openForm"]>[1], triggerId: string, answer: Answer): Promise<void> => {
    const result = await bot.openForm(who, opts);
    // A Reply instead of a form explains why not (unbound user, several units…).
    if ("status" in result) await deliver(result, triggerId, answer);
    else await showForm(result, triggerId, answer, formFailedReply(result.lang ?? "zh"));
  };

  /** `lang`: the user's, as the core reads it (a command typed in English; Chinese otherwise). */
  const guarded = async (what: string, answer: Answer | undefined, work: () => Promise<void>, lang: Lang = "zh"): Promise<void> => {
    try {
      await deps.track(work());
    } catch (err) {
      log.error({ err, what }, "Slack listener failed after ack");
      if (answer) await answer(internalErrorReply(lang)).catch((e: unknown) => log.error({ err: e }, "could not tell the user"));
    }
  };

  // One listener for both commands: Bolt runs every listener's middleware chain on every
  // request, ~10 µs each, and a report is the request that must be cheap.
  app.command(COMMAND_NAMES, async ({ command, ack, context }) => {
    await ack();
    const parsed = SlashCommand.safeParse(command);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues, command: command.command }, "malformed slash command ignored");
      return;
    }
    const c = parsed.data;
    const answer = ephemeral(deps.respond, c.response_url);
    // Slack does not retry commands, but a proxy or load balancer might: the trigger_id repeats,
    // so the core sees the same eventKey and answers from its store.
    if (context.retryNum) log.info({ retryNum: context.retryNum, reason: context.retryReason }, "Slack retry");
    const incoming = commandToIncoming(c, new Date());
    await guarded(
      c.command,
      answer,
      async () => {
        if (c.command === SLACK_COMMANDS.report && c.text.trim() === "") {
          await openForm({ platform: "slack", tenant: c.team_id, userId: c.user_id }, { mode: "report" }, c.trigger_id, answer);
          return;
        }
        await deliver(await bot.handle(incoming), c.trigger_id, answer);
      },
      langOfText(incoming.text),
    );
  });

  app.action(OPEN_REPORT_FORM_ACTION, async ({ ack, body }) => {
    await ack();
    const parsed = BlockActions.safeParse(body);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues }, "malformed block_actions ignored");
      return;
    }
    const p = parsed.data;
    const answer: Answer = p.response_url
      ? ephemeral(deps.respond, p.response_url, { replaceOriginal: false })
      : (r) => deps.postDirect(p.user.id, r).then(() => undefined);
    const period = p.actions.find((a) => a.action_id === OPEN_REPORT_FORM_ACTION)?.value || undefined;
    await guarded(OPEN_REPORT_FORM_ACTION, answer, () =>
      openForm({ platform: "slack", tenant: teamOf(p), userId: p.user.id }, { mode: "report", ...(period ? { period } : {}) }, p.trigger_id, answer),
    );
  });

  app.view({ callback_id: REPORT_MODAL_CALLBACK_ID, type: "view_submission" }, async ({ ack, body }) => {
    const parsed = ViewSubmission.safeParse(body);
    if (!parsed.success) {
      await ack();
      log.warn({ issues: parsed.error.issues }, "malformed view_submission ignored");
      return;
    }
    const p = parsed.data;
    const dm: Answer = async (r) => void (await deps.postDirect(p.user.id, r));
    const form = parseReportSubmission(p.view);
    if (!form.ok) {
      // Our own private_metadata came back unreadable: a bug, not user input.
      await ack();
      log.error({ error: form.error, view: p.view.id }, "unreadable report modal submission");
      await dm(internalErrorReply("zh")).catch((err: unknown) => log.error({ err }, "could not tell the user"));
      return;
    }

    const incoming = submissionToIncoming(p, form.submission, new Date());
    // Via .then so that even a Bot throwing synchronously becomes a rejection handled below.
    const handling = deps.track(Promise.resolve().then(() => bot.handle(incoming)));
    const outcome = await withDeadline(handling, deps.submitDeadlineMs);
    if (outcome.kind === "timeout") {
      // Too slow to show errors on the fields: close the modal now, answer by DM when done.
      await ack();
      log.warn({ ms: deps.submitDeadlineMs, view: p.view.id }, "Bot slower than the submission deadline; answering by DM");
      await guarded("view_submission (late)", dm, async () => dm(await handling));
      return;
    }
    if (outcome.kind === "error") {
      await ack();
      log.error({ err: outcome.error }, "Bot failed on a modal submission");
      await dm(internalErrorReply("zh")).catch((err: unknown) => log.error({ err }, "could not tell the user"));
      return;
    }
    const reply = outcome.value;
    noteNotices(reply);
    const errors = reply.fieldErrors ? toBlockErrors(reply.fieldErrors, Object.keys(p.view.state.values)) : {};
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: "errors", errors });
      return;
    }
    await ack();
    // A double-tapped submit repeats view.id+hash: the core returns its stored answer, already sent.
    if (reply.duplicate) return;
    await guarded("view_submission", undefined, () => dm(reply));
  });

  app.error(async (err) => {
    log.error({ err }, "Bolt error");
  });
}

/** Answers through response_url, visible only to the user. */
function ephemeral(respond: RespondTo, responseUrl: string, o: { replaceOriginal?: boolean } = {}): Answer {
  return async (reply) => {
    await respond(responseUrl, {
      response_type: "ephemeral",
      // A button's response_url would otherwise be free to replace the message holding the button.
      ...(o.replaceOriginal === false ? { replace_original: false } : {}),
      ...renderReply(reply),
    });
  };
}

type Outcome<T> = { kind: "timeout" } | { kind: "value"; value: T } | { kind: "error"; error: unknown };

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout" }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value): Outcome<T> => ({ kind: "value", value }),
        (error: unknown): Outcome<T> => ({ kind: "error", error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
