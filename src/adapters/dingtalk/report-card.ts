/**
 * The interactive report card (card-template.json, CARD.md): ReportForm → cardParamMap, a card
 * callback's params → ReportFormSubmission, and Reply → the card update sent back. Pure.
 *
 * The template has one Form component bound to the `form` variable: `{"fields":[…]}` with one
 * TEXT field per indicator, so the number of inputs follows the unit's indicators (the
 * "表单组件的使用与更新" shape of open-dingtalk/dingtalk-card-examples). On submit DingTalk
 * sends `params.form` (values keyed by field name) and `params.current_form` (the schema as
 * shown). The loop-container shape (`params.submit_form_fields`) is accepted as well, so a
 * template rebuilt that way in the console keeps working.
 *
 * Every cardParamMap value is a string (DingTalk's rule); structured ones are JSON.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Lang, Reply, ReportForm, ReportFormSubmission } from "../../../handlers/types.js";
import { renderMarkdown } from "./render-reply.js";
import { WORDS } from "./words.js";

/** Field names. Meta fields are hidden: they tell the submission which form it answers. */
export const FIELD = {
  mode: "_mode",
  period: "_period",
  unit: "_unit",
  plan: "_plan",
  progress: "progress",
  problems: "problems",
  nextSteps: "nextSteps",
  reason: "reason",
} as const;

const INDICATOR_PREFIX = "ind_";
/**
 * Indicator codes are plan data (they may hold dots or CJK); form libraries may read a dotted
 * name as a path. Hex keeps the field name to [0-9a-f] and is reversible.
 */
export const indicatorField = (code: string): string => INDICATOR_PREFIX + Buffer.from(code, "utf8").toString("hex");
const indicatorCode = (name: string): string | undefined =>
  name.startsWith(INDICATOR_PREFIX) && /^[0-9a-f]*$/.test(name.slice(INDICATOR_PREFIX.length)) && name.length % 2 === 0
    ? Buffer.from(name.slice(INDICATOR_PREFIX.length), "hex").toString("utf8")
    : undefined;

const FormFieldSchema = z.looseObject({
  name: z.string(),
  label: z.string().optional(),
  type: z.string().optional(),
  hidden: z.boolean().optional(),
  required: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  placeholder: z.string().optional(),
  defaultValue: z.unknown().optional(),
});
export type FormField = z.infer<typeof FormFieldSchema>;

export function buildCardParamMap(form: ReportForm, lang: Lang = "zh"): Record<string, string> {
  const words = WORDS[lang];
  const hidden = (name: string, value: string): FormField => ({ name, type: "TEXT", hidden: true, defaultValue: value });
  const text = (name: string, label: string, value: string | undefined, extra: Partial<FormField> = {}): FormField => ({
    name,
    label,
    type: "TEXT",
    ...(value ? { defaultValue: value } : {}),
    ...extra,
  });
  const fields: FormField[] = [
    hidden(FIELD.mode, form.mode),
    hidden(FIELD.period, form.period.key),
    hidden(FIELD.unit, form.unit.name),
    hidden(FIELD.plan, form.plan.code),
    ...form.indicators.map((i) =>
      text(indicatorField(i.code), `${i.name}（${i.unit}）`, i.value, { placeholder: i.last ? words.labelled(words.last, i.last) : i.unit }),
    ),
    text(FIELD.progress, form.labels.progress, form.narrative.progress),
    text(FIELD.problems, form.labels.problems, form.narrative.problems),
    text(FIELD.nextSteps, form.labels.nextSteps, form.narrative.nextSteps),
    ...(form.mode === "correct" ? [text(FIELD.reason, form.labels.reason, undefined, { required: true })] : []),
  ];
  return {
    title: form.labels.title,
    subtitle: `${form.unit.name} · ${form.period.label}`,
    form: JSON.stringify({ fields }),
    form_status: "normal",
    form_btn_text: form.labels.submit,
    status: "",
    status_text: "",
    // Shown in the conversation list for the card message.
    lastMessage: form.labels.title,
  };
}

// ---- callback → submission ----------------------------------------------------------------------

/** DingTalk sends nested values as objects; accept JSON strings too, in case a template sends them so. */
const jsonOr = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, schema);

const FormParams = z.looseObject({
  form: jsonOr(z.record(z.string(), z.unknown())),
  current_form: jsonOr(z.looseObject({ fields: z.array(FormFieldSchema) })).optional(),
});
const LoopParams = z.looseObject({
  submit_form_fields: jsonOr(z.array(z.looseObject({ name: z.string(), default_string: z.unknown().optional() }))),
});

const asText = (v: unknown): string | undefined =>
  typeof v === "string" ? v.trim() || undefined : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;

export interface ParsedSubmission {
  submission: ReportFormSubmission;
  /** The form schema as the user saw it, to send back with errors marked. */
  fields: FormField[] | undefined;
}

/** The submission a card callback carries; undefined when it is not a form submit (another button). */
export function parseCardSubmission(params: Record<string, unknown>): ParsedSubmission | undefined {
  let values: Record<string, string | undefined>;
  let fields: FormField[] | undefined;
  const form = FormParams.safeParse(params);
  const loop = LoopParams.safeParse(params);
  if (form.success) {
    fields = form.data.current_form?.fields;
    values = Object.fromEntries(Object.entries(form.data.form).map(([k, v]) => [k, asText(v)]));
    // Hidden fields may not be echoed in `form` [UNVERIFIED]; their defaults are in current_form.
    for (const f of fields ?? []) if (f.hidden && values[f.name] === undefined) values[f.name] = asText(f.defaultValue);
  } else if (loop.success) {
    values = Object.fromEntries(loop.data.submit_form_fields.map((f) => [f.name, asText(f.default_string)]));
  } else {
    return undefined;
  }

  const indicatorValues: Record<string, string> = {};
  for (const [name, v] of Object.entries(values)) {
    const code = indicatorCode(name);
    if (code !== undefined && v !== undefined) indicatorValues[code] = v;
  }
  const mode = values[FIELD.mode] === "correct" ? "correct" : "report";
  const optional = (key: keyof ReportFormSubmission, name: string) => (values[name] !== undefined ? { [key]: values[name] } : {});
  return {
    fields,
    submission: {
      mode,
      ...optional("period", FIELD.period),
      ...optional("unit", FIELD.unit),
      ...optional("plan", FIELD.plan),
      values: indicatorValues,
      ...optional("progress", FIELD.progress),
      ...optional("problems", FIELD.problems),
      ...optional("nextSteps", FIELD.nextSteps),
      ...optional("reason", FIELD.reason),
    },
  };
}

/**
 * "dingtalk:card:<outTrackId>:<sha1 of params>": a double-tapped submit sends the same params
 * and gets the same key (the Bot answers it once); a changed value is a new submission.
 */
export function cardEventKey(outTrackId: string, params: unknown): string {
  return `dingtalk:card:${outTrackId}:${createHash("sha1").update(canonicalJson(params)).digest("hex")}`;
}

/** JSON with object keys sorted, so equal params hash equally whatever order DingTalk sends. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

// ---- reply → card update ------------------------------------------------------------------------

/** fieldErrors keys: an indicator code, or "period" | "reason" | "progress" | … (handlers/types.ts). */
const VISIBLE_TEXT_FIELDS = new Set<string>([FIELD.progress, FIELD.problems, FIELD.nextSteps, FIELD.reason]);
const fieldNameFor = (key: string): string => (VISIBLE_TEXT_FIELDS.has(key) ? key : key === "period" ? "" : indicatorField(key));

/**
 * The cardParamMap that shows `reply` on the card: the status text, the form locked after an
 * accepted report, and otherwise the form again with the user's input kept and each field
 * error written next to its label (the Form component has no per-field error slot).
 */
export function cardParamsForReply(reply: Reply, submitted: ParsedSubmission | undefined, lang: Lang = "zh"): Record<string, string> {
  const words = WORDS[lang];
  const done = reply.status === "ok" || reply.status === "denied";
  const unplaced: string[] = [];
  const errors = new Map<string, string>();
  for (const [key, message] of Object.entries(reply.fieldErrors ?? {})) {
    const name = fieldNameFor(key);
    if (name && submitted?.fields?.some((f) => f.name === name)) errors.set(name, message);
    else unplaced.push(`- ${message}`);
  }
  const shown: Reply = unplaced.length ? { ...reply, lines: [...reply.lines, ...unplaced] } : reply;
  const params: Record<string, string> = {
    status: reply.status,
    status_text: renderMarkdown({ ...shown, actions: undefined }, { lang }).text,
    form_status: done ? "disabled" : "normal",
    lastMessage: reply.title,
  };
  if (done) params["form_btn_text"] = words.submitted;
  if (submitted?.fields) {
    const typed = submittedValues(submitted.submission);
    const fields = submitted.fields.map((f) => {
      const base = (f.label ?? "").split(` ${words.fieldError} `)[0] ?? "";
      const error = errors.get(f.name);
      const value = typed[f.name];
      return {
        ...f,
        ...(f.label !== undefined ? { label: error ? `${base} ${words.fieldError} ${error}` : base } : {}),
        ...(value !== undefined && !f.hidden ? { defaultValue: value } : {}),
        ...(done ? { readOnly: true } : {}),
      };
    });
    params["form"] = JSON.stringify({ fields });
  }
  return params;
}

/** What the user typed, by field name, so a form sent back with errors keeps it. */
function submittedValues(s: ReportFormSubmission): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [code, v] of Object.entries(s.values)) out[indicatorField(code)] = v;
  for (const key of ["progress", "problems", "nextSteps", "reason"] as const) {
    const v = s[key];
    if (v !== undefined) out[FIELD[key]] = v;
  }
  return out;
}

/** While the Bot is still working after the 2 s budget: lock the form and say so. */
export function cardParamsProcessing(lang: Lang = "zh"): Record<string, string> {
  return { status: "info", status_text: WORDS[lang].processing, form_status: "disabled" };
}

/**
 * The answer to a card callback (platforms.md §8), wrapped by socketCallBackResponse as
 * {"response": …}. Public data and the user's private data get the same keys: a template whose
 * variables are marked private (as in DingTalk's form example) reads the private copy.
 */
export function cardCallbackResponse(cardParamMap: Record<string, string>) {
  return {
    cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
    cardData: { cardParamMap },
    userPrivateData: { cardParamMap },
  };
}
