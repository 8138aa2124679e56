/**
 * What "Chinese output" means (issue 10 §7), as a checker: Chinese words only (codes, ids
 * and units aside), full-width punctuation next to Chinese, and every date with its year,
 * on the wall clock (never an ISO instant, never UTC).
 *
 * The allow-list is explicit and short; each entry says why it may stay in Latin letters.
 */

/** One text a person reads, and where it came from (named in a failure). */
export interface Sample {
  source: string;
  text: string;
  /** Chat replies carry light markdown the adapters render; elsewhere ** and ` are noise. */
  markdown?: boolean;
  /** Codes this one text may also name (the plan file's own field names in its comments). */
  codes?: string[];
}

export interface Finding {
  source: string;
  rule: "latin" | "punctuation" | "date" | "markdown";
  found: string;
  context: string;
}

/** Han characters, CJK symbols and punctuation (、。「」《》…), full-width forms (，：；（）). */
const CJK = "\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef";
const HALF_PUNCT = ",:;()!?";

/** Things quoted verbatim: the plan's own text, codes and ids known to the database, what a person typed. */
export interface Verbatim {
  /** Plan text as imported (titles, clauses, indicator names and units, unit names and aliases): replaced before every check. */
  planText: string[];
  /** Codes: indicator codes (T18-2, G5, T6-3.2), work item refs (T13#1), task codes, plan codes. */
  codes: string[];
  /** User and group ids the test binds or names (U_JXJ, ding…, cid…). */
  ids: string[];
  /** What a person typed, quoted back (report show, audit list). */
  typed: string[];
}

/**
 * The allow-list: Latin that may stay in Chinese text. Each entry is a pattern and why.
 * Anything else made of Latin letters is an English word (or code) in Chinese output.
 */
export const ALLOWED: { pattern: RegExp; why: string }[] = [
  // A command line a person types, as typed: `duban plan import 任务分解表.xlsx --apply`.
  // Its <…> placeholders are words for people and are checked (see blankTypedCommand).
  { pattern: /(?<![\w/.-])duban(?![\w-])/gu, why: "the CLI's name in a command a person types" },
  { pattern: /(?<![\w-])--[a-z][a-z-]*(?:[ =](?:zh\|en|zh|en))?/gu, why: "CLI options a person types (--plan, --apply, --lang zh|en)" },
  { pattern: /(?<![\w/.])\/(?:report|duban|who|quit)\b/gu, why: "chat commands a person types (/report, /duban; /who, /quit in the terminal chat)" },
  { pattern: /\b(?:Slack|SQLite|PostgreSQL)\b/gu, why: "product names with no Chinese name (DingTalk is 钉钉)" },
  { pattern: /\b(?:JSON|YAML)\b/gu, why: "file formats with no Chinese name (--json prints JSON; plan export writes YAML)" },
  { pattern: /(?<=[\p{Script=Han}])ID\b/gu, why: "用户ID, 群ID: as the platforms' own Chinese screens write it" },
  { pattern: /\b[A-Z][a-z]+\/[A-Za-z_]+\b/gu, why: "IANA time zones (Asia/Shanghai), a plan setting" },
  { pattern: /[\w.\-\p{Script=Han}（）]*\.(?:xlsx|xls|yaml|yml|txt|json|png|db)\b/gu, why: "file names (任务分解表.xlsx, .xls)" },
  { pattern: /\b(?:https?|postgres(?:ql)?):\/\/[^\s，。；）]*|\bfile:[^\s，。；）]*/gu, why: "URLs and database addresses" },
  { pattern: /(?:^|(?<=[\s（「“]))(?:\/[\w.@\-\p{Script=Han}]+)+/gu, why: "file paths" },
  { pattern: /\b(?:DATABASE_URL|PORT|TZ|LOG_LEVEL|DUBAN_[A-Z_]+|SLACK_[A-Z_]+|DINGTALK_[A-Z_]+)(?:=[\w.-]+)?/gu, why: "environment variables a person sets (LOG_LEVEL=info)" },
  { pattern: /\b(?:xox[a-z]|xapp)-(?:\*{4}\w{0,2})?|\*{4}\w{0,2}/gu, why: "Slack token prefixes, and secrets shown masked (xoxb-****kl)" },
  { pattern: /\b[A-Z]{1,3}\d{1,5}\b|\b[A-Z]{1,3}(?:[—–-][A-Z]{1,3})?(?=\s?列)/gu, why: "spreadsheet cells and columns (K4, J—S 列) of the workbook a person fills" },
  { pattern: /\b(?:liaison|taskforce|admin)@[\p{Script=Han}\w]+/gu, why: "local chat user ids (liaison@义乌市)" },
  { pattern: /\bcid[A-Za-z0-9]+|\bding(?!talk)[A-Za-z0-9]+|\b[CU][A-Z0-9_]{3,}\b/gu, why: "DingTalk and Slack group and user ids (cidXXXX, C0123, U012ABC)" },
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
}

/** `duban …` up to the end of the command (a column gap of two spaces ends it): typed words are allowed, <placeholders> are not. */
const TYPED_COMMAND = /(?<![\w/.-])duban(?![\w-])(?:[ \t](?:"[^"\n]*"|[^\s"，。；、（）「」,;]+))*/gu;

function blankTypedCommand(cmd: string): string {
  // Keep the placeholders (<文件>, [单位]) for the checks: they are words for people.
  return cmd.replace(/<[^>]*>|\[[^\]]*\]|[^<[]+/gu, (part) => (part.startsWith("<") || (part.startsWith("[") && !part.startsWith("[-")) ? ` ${part.slice(1, -1)} ` : "#".repeat(part.length)));
}

/** The text with every allowed thing blanked out, ready for the checks. */
export function blankAllowed(text: string, v: Verbatim, extra?: string[]): string {
  // A command line first: its typed words may look like codes or names the steps below blank.
  let t = text.replace(TYPED_COMMAND, blankTypedCommand);
  // Longest first, so a name containing another is replaced whole.
  const verbatim = [...v.planText, ...v.typed].filter((s) => s.length >= 2).sort((a, b) => b.length - a.length);
  for (const s of verbatim) if (t.includes(s)) t = t.split(s).join("〇".repeat(Math.min(s.length, 3)));
  const words = [...v.codes, ...v.ids, ...(extra ?? [])].filter(Boolean).sort((a, b) => b.length - a.length);
  for (const s of words) t = t.replace(new RegExp(`(?<![A-Za-z0-9_#.-])${escapeRegExp(s)}(?![A-Za-z0-9_])`, "gu"), (m) => "#".repeat(m.length));
  for (const a of ALLOWED) t = t.replace(a.pattern, (m) => "#".repeat(m.length));
  return t;
}

function around(text: string, index: number, length: number): string {
  return text.slice(Math.max(0, index - 18), index + length + 18).replace(/\n/gu, "⏎");
}

/** Everything wrong with one text. */
export function findProblems(sample: Sample, v: Verbatim): Finding[] {
  const out: Finding[] = [];
  const original = sample.text;
  const t = blankAllowed(original, v, sample.codes);
  const add = (rule: Finding["rule"], m: RegExpMatchArray) => out.push({ source: sample.source, rule, found: m[0], context: around(t, m.index!, m[0].length) });
  for (const m of t.matchAll(/[A-Za-z][A-Za-z0-9_'-]*/gu)) add("latin", m);
  const punct = `[${escapeRegExp(HALF_PUNCT)}]`;
  for (const m of t.matchAll(new RegExp(`(?<=[${CJK}])${punct}|${punct}(?=[${CJK}])`, "gu"))) add("punctuation", m);
  for (const m of t.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\b(?:UTC|GMT)\b/gu)) add("date", m);
  // A date in the form a person types it, quoted as such (「2027-10-01」), is an example to copy, not a date to read.
  const typedDates = t.replace(/「[\d\-.: ]+」/gu, (m) => "#".repeat(m.length));
  for (const m of typedDates.matchAll(/(?<![\d-])\d{4}-\d{1,2}-\d{1,2}(?![\d:])/gu)) add("date", m);
  for (const m of t.matchAll(/(?<![年\d])\d{1,2}月\d{1,2}日/gu)) add("date", m);
  if (!sample.markdown) for (const m of t.matchAll(/\*\*|`/gu)) add("markdown", m);
  return out;
}

/** A failure message naming each source and the offending text, one line each. */
export function report(findings: Finding[]): string {
  const rules = { latin: "Latin word", punctuation: "half-width punctuation next to Chinese", date: "date or time as a person should not read it", markdown: "markdown marker in plain text" };
  return findings.map((f) => `[${f.source}] ${rules[f.rule]} «${f.found}» in «${f.context}»`).join("\n");
}
