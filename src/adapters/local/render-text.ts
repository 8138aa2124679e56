import type { Lang, Notice, Reply, ReportForm } from "../../../handlers/types.js";

/**
 * Reply → plain text for the terminal chat. Pure: no I/O, no colours unless
 * asked, so the same output is readable in a pipe, a log and a test.
 */

export interface TextOptions {
  lang?: Lang;
  /** Bold through ANSI escapes (a real terminal); off: the ** markers are dropped. */
  ansi?: boolean;
}

const WORDS = {
  zh: {
    example: "示例（可复制）：",
    duplicate: "（这条已处理过，以上是当时的答复）",
    taskforce: "专班群",
    liaisons: (unit: string) => `${unit} 联络员`,
    last: "上次",
    current: "本期已填",
    typeThis: "直接输入一行上报，例如：",
    narrative: "进展、问题、计划可写在同一行：进展：… 问题：… 计划：…",
    reasonNeeded: "修改须写原因：原因：…",
    action: (label: string) => `[${label}] 输入 填报 打开表单`,
    verb: { report: "上报", correct: "修改" },
    labelled: (label: string, value: string) => `${label}：${value}`,
    /** A form field a problem is about: an indicator's code, or one of these. */
    fields: { period: "月份", reason: "原因", progress: "进展", problems: "问题", nextSteps: "计划" } as Record<string, string>,
  },
  en: {
    example: "Example (copy it):",
    duplicate: "(already handled: this is the answer given then)",
    taskforce: "task-force group",
    liaisons: (unit: string) => `${unit} liaisons`,
    last: "last",
    current: "this period",
    typeThis: "Report in one line, e.g.:",
    narrative: "Narrative on the same line: 进展:… 问题:… 计划:…",
    reasonNeeded: "A correction needs a reason: 原因:…",
    action: (label: string) => `[${label}] type "form" to open the form`,
    verb: { report: "report", correct: "correct" },
    labelled: (label: string, value: string) => `${label}: ${value}`,
    fields: {} as Record<string, string>,
  },
} as const;

const MARK: Record<Reply["status"], string> = { ok: "✓", error: "✗", info: "•", denied: "⊘" };

/** **bold** and `code` to plain text (or ANSI bold); "- " items to bullets. */
export function markdownLine(line: string, ansi = false): string {
  const inline = line
    .replace(/\*\*(.+?)\*\*/g, (_, s: string) => (ansi ? `\x1b[1m${s}\x1b[22m` : s))
    .replace(/`([^`]+)`/g, "$1");
  return /^\s*- /.test(inline) ? inline.replace(/^(\s*)- /, "$1  • ") : inline;
}

export function renderNoticeText(notice: Notice, lang: Lang = "zh"): string {
  const w = WORDS[lang];
  const to = notice.to.kind === "taskforce" ? w.taskforce : w.liaisons(notice.to.unit);
  return `→ ${w.labelled(to, markdownLine(notice.text))}`;
}

/** A form as a numbered list and the one-line command that does the same. */
export function renderFormText(form: ReportForm, opts: TextOptions = {}): string {
  const lang = opts.lang ?? "zh";
  const w = WORDS[lang];
  const out = [`${form.labels.title} · ${form.unit.name} · ${form.period.label}`];
  form.indicators.forEach((ind, i) => {
    const facts = [ind.last ? w.labelled(w.last, ind.last) : "", ind.value ? w.labelled(w.current, ind.value) : ""].filter(Boolean);
    out.push(`  ${i + 1}. ${ind.name}（${ind.unit}）${facts.length ? `  ${facts.join("  ")}` : ""}`);
  });
  const first = form.indicators[0];
  if (first) {
    out.push(w.typeThis);
    out.push(`    ${w.verb[form.mode]} ${first.name} ${exampleNumber(first.value ?? first.last)}${first.unit}`);
  }
  out.push(w.narrative);
  if (form.mode === "correct") out.push(w.reasonNeeded);
  return out.join("\n");
}

/** The number a liaison would plausibly type: this period's value, else the last one, else 1. */
function exampleNumber(hint: string | undefined): string {
  return hint?.match(/\d+(?:\.\d+)?/)?.[0] ?? "1";
}

export function renderReplyText(reply: Reply, opts: TextOptions = {}): string {
  const lang = opts.lang ?? "zh";
  const w = WORDS[lang];
  const out = [`${MARK[reply.status]} ${markdownLine(reply.title, opts.ansi)}`];
  if (reply.duplicate) out.push(w.duplicate);
  for (const line of reply.lines) out.push(markdownLine(line, opts.ansi));
  for (const [field, problem] of Object.entries(reply.fieldErrors ?? {})) out.push(`  ✗ ${w.labelled(w.fields[field] ?? field, problem)}`);
  if (reply.example) {
    out.push(w.example);
    for (const line of reply.example.split("\n")) out.push(`    ${line}`);
  }
  for (const action of reply.actions ?? []) out.push(w.action(action.label));
  if (reply.form) out.push(renderFormText(reply.form, opts));
  for (const notice of reply.notices ?? []) out.push(renderNoticeText(notice, lang));
  return out.join("\n");
}
