/**
 * The report modal, both ways. Pure: ReportForm → view JSON, and submitted view state →
 * ReportFormSubmission (validated with zod), plus the mapping of the core's field errors onto the
 * modal's input block_ids for `response_action: "errors"`.
 *
 * Slack limits honoured here (docs.slack.dev reference/views, block-kit): 24 characters for the
 * title and submit label, 100 blocks per view, 3000 characters of private_metadata, 2000 per
 * label and hint, 3000 per plain_text_input value.
 */
import type { types } from "@slack/bolt";
import { z } from "zod";
import type { ReportForm, ReportFormSubmission } from "../../../handlers/types.js";
import { truncate } from "./mrkdwn.js";
import { WORDS } from "./words.js";

export const REPORT_MODAL_CALLBACK_ID = "duban_report";
/** Every input's action_id; inputs are told apart by block_id. */
export const INPUT_ACTION_ID = "value";
const INDICATOR_PREFIX = "ind:";
export const indicatorBlockId = (code: string): string => `${INDICATOR_PREFIX}${code}`;

const NARRATIVE_FIELDS = ["progress", "problems", "nextSteps"] as const;
/** Block ids of the free-text inputs equal the core's field names, so field errors map 1:1. */
const REASON_BLOCK_ID = "reason";

const LIMITS = { title: 24, submit: 24, blocks: 100, label: 2000, hint: 2000, input: 3000, metadata: 3000 } as const;

/** What the modal remembers between views.open and view_submission (Slack echoes it back). */
export const ModalMetadata = z.object({
  mode: z.enum(["report", "correct"]),
  period: z.string().min(1),
  unit: z.string().min(1).optional(),
  plan: z.string().min(1).optional(),
});
export type ModalMetadata = z.infer<typeof ModalMetadata>;

export function buildReportModal(form: ReportForm): types.ModalView {
  const words = WORDS[form.lang ?? "zh"];
  const metadata: ModalMetadata = { mode: form.mode, period: form.period.key, unit: form.unit.name, plan: form.plan.code };
  const header: types.ContextBlock = {
    type: "context",
    block_id: "header",
    elements: [{ type: "plain_text", text: truncate(`${words.labelled(form.labels.period, form.period.label)} · ${form.unit.name}`, LIMITS.label), emoji: true }],
  };
  const narrative = NARRATIVE_FIELDS.map((field) =>
    textInput(field, form.labels[field], { multiline: true, optional: true, initial: form.narrative[field] }),
  );
  const reason = form.mode === "correct" ? [textInput(REASON_BLOCK_ID, form.labels.reason, { multiline: true, optional: false })] : [];

  // A unit owes far fewer than ~95 indicators, but a view over 100 blocks is rejected outright,
  // so cut the indicator list rather than fail to open the form; the rest can be reported by text.
  const room = LIMITS.blocks - 1 - narrative.length - reason.length;
  const shown = form.indicators.length <= room ? form.indicators : form.indicators.slice(0, room - 1);
  const indicators = shown.map((ind) =>
    textInput(indicatorBlockId(ind.code), ind.unit ? words.withUnit(ind.name, ind.unit) : ind.name, {
      optional: true,
      initial: ind.value,
      hint: ind.last,
    }),
  );
  const overflow: types.ContextBlock[] =
    shown.length < form.indicators.length
      ? [{ type: "context", block_id: "overflow", elements: [{ type: "plain_text", text: `… +${form.indicators.length - shown.length}` }] }]
      : [];

  return {
    type: "modal",
    callback_id: REPORT_MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata).slice(0, LIMITS.metadata),
    title: { type: "plain_text", text: truncate(form.labels.title, LIMITS.title), emoji: true },
    submit: { type: "plain_text", text: truncate(form.labels.submit, LIMITS.submit), emoji: true },
    blocks: [header, ...indicators, ...overflow, ...narrative, ...reason],
  };
}

function textInput(
  blockId: string,
  label: string,
  o: { multiline?: boolean; optional: boolean; initial?: string | undefined; hint?: string | undefined },
): types.InputBlock {
  const initial = o.initial?.slice(0, LIMITS.input);
  return {
    type: "input",
    block_id: blockId,
    optional: o.optional,
    label: { type: "plain_text", text: truncate(label, LIMITS.label), emoji: true },
    ...(o.hint ? { hint: { type: "plain_text", text: truncate(o.hint, LIMITS.hint), emoji: true } } : {}),
    element: {
      type: "plain_text_input",
      action_id: INPUT_ACTION_ID,
      ...(o.multiline ? { multiline: true } : {}),
      // Slack rejects an empty initial_value; leave it out instead.
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Submission → ReportFormSubmission
// ---------------------------------------------------------------------------------------------

/** view.state.values[block_id][action_id]; an empty plain_text_input arrives as value null. */
export const ViewStateValues = z.record(z.string(), z.record(z.string(), z.object({ type: z.string(), value: z.string().nullish() }).loose()));
export type ViewStateValues = z.infer<typeof ViewStateValues>;

const optionalText = z.string().optional();
export const ReportFormSubmissionSchema = z.object({
  mode: z.enum(["report", "correct"]),
  period: optionalText,
  unit: optionalText,
  plan: optionalText,
  values: z.record(z.string().min(1), z.string().min(1)),
  progress: optionalText,
  problems: optionalText,
  nextSteps: optionalText,
  reason: optionalText,
}) satisfies z.ZodType<ReportFormSubmission>;

export type ParsedSubmission = { ok: true; submission: ReportFormSubmission } | { ok: false; error: string };

/**
 * Reads a submitted report modal. Empty inputs are left out: the core sees only what was typed,
 * so clearing a prefilled value does not delete it (a correction with a reason does that).
 */
export function parseReportSubmission(view: { private_metadata: string; state: { values: ViewStateValues } }): ParsedSubmission {
  const metadata = ModalMetadata.safeParse(safeJson(view.private_metadata));
  if (!metadata.success) return { ok: false, error: `bad private_metadata: ${metadata.error.message}` };
  const text = (blockId: string): string | undefined => {
    const v = view.state.values[blockId]?.[INPUT_ACTION_ID]?.value?.trim();
    return v ? v : undefined;
  };
  const values: Record<string, string> = {};
  for (const blockId of Object.keys(view.state.values)) {
    if (!blockId.startsWith(INDICATOR_PREFIX)) continue;
    const v = text(blockId);
    if (v !== undefined) values[blockId.slice(INDICATOR_PREFIX.length)] = v;
  }
  const candidate: ReportFormSubmission = {
    mode: metadata.data.mode,
    period: metadata.data.period,
    ...(metadata.data.unit !== undefined ? { unit: metadata.data.unit } : {}),
    ...(metadata.data.plan !== undefined ? { plan: metadata.data.plan } : {}),
    values,
    ...Object.fromEntries(
      [...NARRATIVE_FIELDS, REASON_BLOCK_ID].flatMap((f) => {
        const v = text(f);
        return v === undefined ? [] : [[f, v]];
      }),
    ),
  };
  const parsed = ReportFormSubmissionSchema.safeParse(candidate);
  return parsed.success ? { ok: true, submission: parsed.data } : { ok: false, error: parsed.error.message };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Core field errors (keyed by indicator code or "period" | "reason" | "progress" | …) → Slack
 * errors keyed by input block_id. Slack only accepts ids of input blocks in the view, so an error
 * with no input of its own ("period") is shown on the first input rather than dropped.
 * Returns {} when the view has no inputs at all.
 */
export function toBlockErrors(fieldErrors: Record<string, string>, inputBlockIds: readonly string[]): Record<string, string> {
  const ids = new Set(inputBlockIds);
  const out: Record<string, string> = {};
  const orphans: string[] = [];
  const add = (blockId: string, msg: string) => {
    out[blockId] = out[blockId] ? `${out[blockId]}；${msg}` : msg;
  };
  for (const [key, msg] of Object.entries(fieldErrors)) {
    const blockId = [indicatorBlockId(key), key].find((id) => ids.has(id));
    if (blockId) add(blockId, msg);
    else orphans.push(msg);
  }
  const first = inputBlockIds[0];
  if (orphans.length > 0 && first !== undefined) {
    const own = out[first];
    out[first] = [...orphans, ...(own ? [own] : [])].join("；");
  }
  return out;
}
