/**
 * Reply → DingTalk markdown. Pure: no client, no I/O, so every layout rule is unit-tested.
 *
 * DingTalk's robot markdown (sessionWebhook `markdown`, OpenAPI `sampleMarkdown`) supports
 * headings, bold, links, quotes and lists; a paragraph break needs a blank line, list items a
 * newline. The same {title, text} goes through both channels, so a reply looks the same
 * whether the sessionWebhook was still valid or not.
 *
 * Actions become a link-less hint ("👉 填报：发送「上报」"), not a sampleActionCard button:
 * an ActionCard button can only open a URL, we have none to open, and the hint works the same
 * on both channels. A Reply with a `form` is delivered as the interactive card instead
 * (adapter.ts); without a card template, `renderFormFallback` lists the indicators and the
 * text command to type.
 */
import type { Lang, Reply, ReplyStatus, ReportForm } from "../../../handlers/types.js";
import { WORDS } from "./words.js";

export interface Markdown {
  /** Shown in the notification and the conversation list. */
  title: string;
  text: string;
}

/**
 * groupMessages/send allows 15 000 bytes of msgParam; JSON quoting and the title need room,
 * and Chinese is 3 bytes a character in UTF-8.
 */
export const MAX_MARKDOWN_BYTES = 12_000;

const STATUS_ICON: Record<ReplyStatus, string> = { ok: "✅", error: "❌", info: "ℹ️", denied: "⛔" };

export interface RenderOptions {
  lang?: Lang;
  /** In groups: the staffId to @. DingTalk only highlights an @ that also appears in the text. */
  atUserId?: string;
}

export function renderMarkdown(reply: Reply, opts: RenderOptions = {}): Markdown {
  const words = WORDS[opts.lang ?? "zh"];
  const parts: string[] = [];
  if (opts.atUserId) parts.push(`@${opts.atUserId}`);
  parts.push(`#### ${STATUS_ICON[reply.status]} ${reply.title}`);
  const body = joinLines(reply.lines);
  if (body) parts.push(body);
  if (reply.example?.trim()) parts.push(codeBlock(reply.example));
  for (const a of reply.actions ?? []) parts.push(`> ${words.actionHint(a.label, words.command.report)}`);
  return { title: plainTitle(reply.title), text: truncateUtf8(parts.join("\n\n"), MAX_MARKDOWN_BYTES) };
}

/** A form, when no card template is configured: the indicators and the text command to type. */
export function renderFormFallback(form: ReportForm, opts: RenderOptions = {}): Markdown {
  const words = WORDS[opts.lang ?? "zh"];
  const parts: string[] = [];
  if (opts.atUserId) parts.push(`@${opts.atUserId}`);
  parts.push(`#### 📝 ${form.labels.title}`);
  parts.push(`**${form.unit.name}** · ${form.period.label}`);
  parts.push(
    form.indicators
      .map((i) => {
        const known = [i.last ? words.labelled(words.last, i.last) : "", i.value ? words.labelled(words.current, i.value) : ""].filter(Boolean);
        return `- **${i.name}**（${i.unit}）${known.length ? ` ${known.join("；")}` : ""}`;
      })
      .join("\n"),
  );
  const command = form.mode === "correct" ? words.command.correct : words.command.report;
  const values = form.indicators.map((i) => `${i.name} ${i.value ?? `<${words.valuePlaceholder}>${i.unit}`}`).join(" ");
  const narrative = [
    `${form.labels.progress}：${form.narrative.progress ?? "…"}`,
    `${form.labels.problems}：${form.narrative.problems ?? "…"}`,
    `${form.labels.nextSteps}：${form.narrative.nextSteps ?? "…"}`,
    ...(form.mode === "correct" ? [`${form.labels.reason}：…`] : []),
  ];
  parts.push(words.formFallbackIntro);
  parts.push(codeBlock([`${command} ${form.period.key} ${values}`, ...narrative].join("\n")));
  if (form.indicators.length > 1) parts.push(words.formFallbackPartial);
  return { title: plainTitle(form.labels.title), text: truncateUtf8(parts.join("\n\n"), MAX_MARKDOWN_BYTES) };
}

/** Consecutive "- " items stay one list (newline); other lines are paragraphs (blank line). */
function joinLines(lines: readonly string[]): string {
  let out = "";
  let prevItem = false;
  for (const line of lines) {
    const item = /^\s*- /.test(line);
    if (out) out += item && prevItem ? "\n" : "\n\n";
    out += line;
    prevItem = item;
  }
  return out;
}

function codeBlock(text: string): string {
  // A ``` inside the example would end the block early.
  return "```\n" + text.replace(/```/g, "ˋˋˋ") + "\n```";
}

/** The title shows as plain text in notifications: drop the light markdown. */
function plainTitle(title: string): string {
  return title.replace(/\*\*|`/g, "").trim().slice(0, 100) || "督办";
}

/** Cuts at a character boundary so the UTF-8 length stays within `maxBytes`, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const mark = "\n\n…";
  let bytes = Buffer.byteLength(mark);
  let out = "";
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out + mark;
}
