/**
 * Plan-document parser: turns the text of a municipal action plan (攻坚行动方案)
 * into groups → tasks → work items with their responsible units, and the
 * numeric targets into indicators. Pure: text in, data out, never throws.
 *
 * Layout it understands (see docs/domain.md):
 *   title line                      (may be lost: "??")
 *   一、总体要求 …                   free text
 *   二、攻坚目标 …                   headline targets
 *   三、重点任务                     (一)group  1. task … (责任单位:A、B) … (责任单位:C)
 *   四、组织保障                     (一)measure … (责任单位:…)
 *
 * Nothing here knows this particular document's sentences: targets are read
 * with general rules (verb + thing + number + unit, 每年/三年/突破/年均增速 …).
 */
import { COUNT_UNITS, toHalfWidth, scanNumbers, withDenominator, type NumberToken } from "./numbers.js";
import { detectScript, toSimplified, toTraditional } from "./script.js";
import {
  COUNTIES,
  isCountyCollective,
  makeUnit,
  normaliseUnitName,
} from "./units.js";
import type {
  IndicatorKind,
  ParsePlanResult,
  ParsedPlan,
  PlanGroup,
  PlanIndicator,
  PlanTask,
  PlanUnit,
  PlanWorkItem,
  Unplaced,
  WorkItemUnitRef,
} from "./types.js";

// ---------------------------------------------------------------------------
// Entry point

export function parsePlan(text: string): ParsePlanResult {
  try {
    return parseOrReject(text);
  } catch (err) {
    // Last line of defence for the "never throws" contract; tests assert this
    // branch is never reached on any input.
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, code: "not_a_plan", detail: `internal error: ${message}` };
  }
}

function parseOrReject(input: unknown): ParsePlanResult {
  if (typeof input !== "string") return reject("empty", "input is not text");
  const raw = input.replace(/^\uFEFF/u, "").replace(/\r\n?/gu, "\n");
  if (raw.trim() === "") return reject("empty", "the document is empty");
  const binary = binaryReason(raw);
  if (binary) return reject("binary", binary);

  const halfWidth = toHalfWidth(raw);
  const doc = toSimplified(halfWidth);
  const script = detectScript(halfWidth, doc);
  const outline = readOutline(doc);
  const problem = structuralProblem(doc, outline);
  if (problem) return problem;
  const years = inferYears(doc, outline.title);
  if (!years) return reject("not_a_plan", "no plan period: the document names no year (到2023年, 2021—2023年 …)");
  return { ok: true, plan: buildPlan(doc, outline, script, years) };
}

function reject(code: "empty" | "binary" | "not_a_plan" | "truncated", detail: string): ParsePlanResult {
  return { ok: false, code, detail };
}

/** NUL bytes, control characters, U+FFFD: bytes that were never UTF-8 text. */
function binaryReason(s: string): string | null {
  if (s.includes("\u0000")) return "the document contains NUL bytes (binary file?)";
  // C0 controls other than tab/LF/CR, DEL and C1 controls, and U+FFFD.
  // eslint-disable-next-line no-control-regex
  const bad = s.match(/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/gu)?.length ?? 0;
  const len = s.length;
  if (bad >= 3 && bad / len > 0.01) {
    return `the document has ${bad} control or replacement characters in ${len} (binary, or not UTF-8)`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Outline: sections, groups, tasks as spans of the (Simplified) document

interface Line {
  /** 1-based line number. */
  no: number;
  start: number;
  end: number;
  text: string;
}

type SectionKind = "preamble" | "goals" | "tasks" | "measures" | "other";

interface RawTask {
  code: string;
  ordinal: number;
  refPrefix: string; // "T3" / "M2": work items are `${refPrefix}#${seq}`
  title: string;
  titleSpan: [number, number];
  /** Body: from after the title to the start of the next heading. */
  bodyStart: number;
  bodyEnd: number;
}

interface RawGroup {
  code: string;
  ordinal: number;
  title: string;
  kind: "key_tasks" | "measures";
  tasks: RawTask[];
}

interface Outline {
  title: string | null;
  /** The unreadable title line, if any. */
  lostTitle: Line | null;
  sections: Set<SectionKind>;
  goals: Line[];
  /** Lines outside goals/tasks (preamble, 总体要求, group intros): numbers there are not targets. */
  loose: Line[];
  groups: RawGroup[];
}

const SECTION_HEADING = /^([一二三四五六七八九十]+)、\s*(\S.{0,28})$/u;
const GROUP_HEADING = /^\(([一二三四五六七八九十]+)\)\s*(.*)$/u;
const TASK_HEADING = /^(\d{1,2})[.、](?!\d)\s*(.*)$/u;
const CN_ORDINALS = "一二三四五六七八九十";

function cnOrdinal(s: string): number {
  if (s === "十") return 10;
  if (s.length === 2 && s[0] === "十") return 10 + CN_ORDINALS.indexOf(s[1] as string) + 1;
  return CN_ORDINALS.indexOf(s[0] as string) + 1;
}

function splitLines(doc: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  doc.split("\n").forEach((text, i) => {
    lines.push({ no: i + 1, start, end: start + text.length, text });
    start += text.length + 1;
  });
  return lines;
}

function sectionKind(title: string): SectionKind {
  if (/任务/u.test(title)) return "tasks";
  if (/保障|措施/u.test(title)) return "measures";
  if (/目标/u.test(title)) return "goals";
  return "other";
}

/** "??", "？？", replacement characters: a title line that did not survive. */
function isLostTitle(s: string): boolean {
  return /^[?？\uFFFD\s]+$/u.test(s);
}

/** A first line that reads like a title: short, no sentence end, not a heading. */
function looksLikeTitle(s: string): boolean {
  return s.length <= 60 && !/[。;]$/u.test(s) && !SECTION_HEADING.test(s) && /[\u4e00-\u9fff]/u.test(s);
}

/** Splits "抓清单编制。根据…" into title and the offset where the body starts. */
function splitTitle(rest: string): { title: string; bodyOffset: number } {
  const m = /^([^。(]{1,40})。/u.exec(rest);
  if (m) return { title: (m[1] as string).trim(), bodyOffset: m[0].length };
  const cut = /[,;(]/u.exec(rest);
  const end = cut ? Math.min(cut.index, 40) : Math.min(rest.length, 40);
  return { title: rest.slice(0, end).trim(), bodyOffset: end };
}

function readOutline(doc: string): Outline {
  const lines = splitLines(doc);
  const outline: Outline = { title: null, lostTitle: null, sections: new Set(), goals: [], loose: [], groups: [] };
  let i = lines.findIndex((l) => l.text.trim() !== "");
  const first = lines[i];
  if (first) {
    const t = first.text.trim();
    if (isLostTitle(t)) {
      outline.lostTitle = first;
      i++;
    } else if (looksLikeTitle(t)) {
      outline.title = t;
      outline.loose.push(first); // years in the title are still reported
      i++;
    } else {
      outline.lostTitle = { ...first, text: "" };
    }
  }

  let section: SectionKind = "preamble";
  let group: RawGroup | null = null;
  let task: RawTask | null = null;
  let measures = 0;
  const closeTask = (end: number): void => {
    if (task) task.bodyEnd = Math.max(task.bodyStart, end);
    task = null;
  };

  for (const line of lines.slice(Math.max(i, 0))) {
    const text = line.text.trim();
    const lead = line.start + line.text.indexOf(text);
    const sec = SECTION_HEADING.exec(text);
    if (sec && !/[。,]/u.test(text)) {
      closeTask(line.start - 1);
      section = sectionKind(sec[2] as string);
      outline.sections.add(section);
      group = null;
      if (section === "measures") {
        group = { code: "保障", ordinal: 0, title: (sec[2] as string).trim(), kind: "measures", tasks: [] };
        outline.groups.push(group);
      }
      continue;
    }
    if (section === "tasks" || section === "measures") {
      const g = GROUP_HEADING.exec(text);
      const t = TASK_HEADING.exec(text);
      if (section === "tasks" && g) {
        closeTask(line.start - 1);
        group = { code: g[1] as string, ordinal: cnOrdinal(g[1] as string), title: stripStop(g[2] as string), kind: "key_tasks", tasks: [] };
        outline.groups.push(group);
        continue;
      }
      if ((section === "tasks" && t) || (section === "measures" && (g || t))) {
        closeTask(line.start - 1);
        const m = (section === "tasks" ? t : g ?? t) as RegExpExecArray;
        const rest = m[2] as string;
        const restStart = lead + text.length - rest.length;
        const { title, bodyOffset } = splitTitle(rest);
        if (!group) {
          // Tasks without a (一) heading still need a home.
          group = { code: "", ordinal: 0, title: "", kind: "key_tasks", tasks: [] };
          outline.groups.push(group);
        }
        const isMeasure = section === "measures";
        const n = isMeasure ? ++measures : Number(m[1]);
        task = {
          code: isMeasure ? `保障${n}` : String(n),
          ordinal: n,
          refPrefix: isMeasure ? `M${n}` : `T${n}`,
          title,
          titleSpan: [restStart, restStart + bodyOffset],
          bodyStart: restStart + bodyOffset,
          bodyEnd: line.end,
        };
        group.tasks.push(task);
        continue;
      }
      if (task) {
        (task as RawTask).bodyEnd = line.end; // continuation line of the task
        continue;
      }
    }
    if (section === "goals") outline.goals.push(line);
    else if (text !== "") outline.loose.push(line);
  }
  closeTask(doc.length);
  // Key-task groups are 1..n; the measures group comes after them.
  let ordinal = 0;
  for (const g of outline.groups) g.ordinal = g.kind === "measures" ? ++ordinal : Math.max(g.ordinal, ++ordinal);
  return outline;
}

function stripStop(s: string): string {
  return s.trim().replace(/[。.;,]+$/u, "");
}

// ---------------------------------------------------------------------------
// Responsibility clauses (责任单位:…)

const CLAUSE_OPEN = /\(\s*(?:责任单位|牵头单位|责任部门|实施单位|责任主体)\s*:/gu;

interface RawClause {
  /** Offsets inside the task body. */
  open: number;
  close: number; // index of ")" or body length when unclosed
  content: string;
  unclosed: boolean;
}

/** Finds the matching ")" counting nested (), so 各县(市、区)政府 inside is fine. */
function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  return -1;
}

function findClauses(body: string): RawClause[] {
  const out: RawClause[] = [];
  CLAUSE_OPEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CLAUSE_OPEN.exec(body)) !== null) {
    const open = m.index;
    const close = matchParen(body, open);
    if (close < 0) {
      // Unclosed: the clause runs to the end of its line (or of the body).
      const nl = body.indexOf("\n", open);
      const end = nl < 0 ? body.length : nl;
      out.push({ open, close: end, content: body.slice(open + 1, end), unclosed: true });
      CLAUSE_OPEN.lastIndex = end;
      continue;
    }
    out.push({ open, close, content: body.slice(open + 1, close), unclosed: false });
    CLAUSE_OPEN.lastIndex = close + 1;
  }
  return out;
}

/** Splits on separators outside brackets: "各县〔市、区〕政府、金华开发区管委会" → 2 parts. */
function splitTopLevel(s: string, separators: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if ("(〔【[".includes(ch)) depth++;
    else if (")〕】]".includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && separators.includes(ch)) {
      parts.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const NOTE_MARKERS = /牵头单位|责任主体|下同|为牵头|负责|配合|按职责|分工|列第/u;
const ACCOUNTABLE_NOTE = /^(.*)为责任主体/u;
const ORG_SUFFIX =
  /(局|委|办|会|部|院|行|公司|中心|集团|海关|政府|室|厅|所|站|队|团|署|处|门|区|县|市|社|馆|台|校|联|厂|组|班|位)$/u;

interface ParsedClause {
  listed: PlanUnit[];
  /** Accountable bodies stated in the clause (责任主体). */
  accountable: PlanUnit[];
  /** The accountable statement carries 下同: it holds for this and every later work item. */
  appliesBelow: boolean;
  notes: string[];
  /** Raw names that do not look like an organisation. */
  odd: string[];
}

/** Expands 各县(市、区)政府 into the counties; otherwise one unit. */
function unitsFromName(raw: string): { units: PlanUnit[]; notes: string[] } {
  const { name, notes } = normaliseUnitName(raw);
  if (name === "") return { units: [], notes };
  if (isCountyCollective(name)) return { units: COUNTIES.filter((c) => c.kind === "county"), notes };
  return { units: [makeUnit(name)], notes };
}

function parseClause(content: string): ParsedClause {
  const body = content.replace(/^\s*[^:]{2,6}:\s*/u, "");
  const out: ParsedClause = { listed: [], accountable: [], appliesBelow: false, notes: [], odd: [] };
  // Officials sometimes separate units with a comma (市金融办,市经信局), so a
  // comma-separated part is either a note or more units.
  for (const part of splitTopLevel(body, ",;")) {
    if (NOTE_MARKERS.test(part)) {
      out.notes.push(part);
      if (/下同/u.test(part)) out.appliesBelow = true;
      const acc = ACCOUNTABLE_NOTE.exec(part);
      if (acc) {
        for (const name of splitTopLevel(acc[1] as string, "、")) out.accountable.push(...unitsFromName(name).units);
      }
      continue;
    }
    for (const raw of splitTopLevel(part, "、")) {
      const { units, notes } = unitsFromName(raw);
      out.notes.push(...notes);
      for (const u of units) {
        if (u.kind === "department" && !ORG_SUFFIX.test(u.name)) out.odd.push(u.name);
        out.listed.push(u);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Structural checks: is it a plan at all, is it complete?

function structuralProblem(doc: string, outline: Outline): ParsePlanResult | null {
  const tasks = outline.groups.flatMap((g) => g.tasks);
  const last = tasks[tasks.length - 1];
  if (last) {
    const body = doc.slice(last.bodyStart, last.bodyEnd);
    const clauses = findClauses(body);
    const lastClause = clauses[clauses.length - 1];
    if (lastClause?.unclosed) {
      return reject("truncated", `the document ends inside a 责任单位 parenthesis in task ${last.code}: "${tail(lastClause.content)}"`);
    }
    const trailing = body.slice(lastClause ? lastClause.close + 1 : 0).trim();
    if (trailing !== "" && !/[。!?”)]$/u.test(trailing)) {
      return reject("truncated", `the document ends mid-sentence in task ${last.code}: "…${tail(trailing)}"`);
    }
  }
  const clauseCount = tasks.reduce((n, t) => n + findClauses(doc.slice(t.bodyStart, t.bodyEnd)).length, 0);
  if (!outline.sections.has("tasks")) {
    if (outline.sections.has("goals")) {
      return reject("truncated", "the document has 攻坚目标 but ends before the 重点任务 section");
    }
    const loose = new RegExp(CLAUSE_OPEN.source, "u").test(doc);
    return reject(
      "not_a_plan",
      loose
        ? "found 责任单位 parentheses but no 重点任务 section with numbered tasks"
        : "no 重点任务 section and no 责任单位 clauses: this does not look like an action plan",
    );
  }
  if (tasks.length === 0 || clauseCount === 0) {
    return reject("not_a_plan", `the 重点任务 section has ${tasks.length} numbered tasks and ${clauseCount} 责任单位 clauses`);
  }
  if (!outline.sections.has("measures")) {
    return reject("truncated", `the document ends in the 重点任务 section (last task ${last?.code ?? "?"}); the 组织保障 section is missing`);
  }
  return null;
}

function tail(s: string, n = 24): string {
  const chars = Array.from(s);
  return chars.slice(Math.max(0, chars.length - n)).join("");
}

// ---------------------------------------------------------------------------
// Targets

/** An indicator found in the text, before codes are assigned. */
type Found = Omit<PlanIndicator, "code" | "shares"> & {
  at: number;
  /** A range target (1—2所): the number as written, and where. */
  range?: { text: string; at: number };
};

type Positioned = Unplaced & { at: number };

/** Characters that end a comma-segment of a sentence. */
const SEGMENT_END = /[,;。!?\n:]/u;
const SENTENCE_END = /[。!?\n]/u;

/** Verbs that govern a list (新增A 2家、B 2家): the later items inherit them. Longest first. */
const LIST_VERBS = [
  "招引落地", "整治提升", "组织实施", "动态培育", "新培育", "新增", "培育", "建成", "建设", "招引",
  "引进", "完成", "实现", "创建", "打造", "谋划", "入选", "实施", "认定", "争创", "落地",
];
/** A subject that is only a verb needs its object from the previous segment (申报X…,力争入选15个). */
const BARE_VERB = /^(入选|完成|实现|达到|建成|新增|培育|引进|创建|获批|认定)$/u;
const LEADING_ADVERB = /^(积极|加快|大力|全面|深入|着力|努力|持续|进一步)/u;
const OBJECT_VERB = /^(申报|培育|建设|推进|开展|实施|创建|打造|引进|推动|争创)/u;
const LEADING_FILLERS: RegExp[] = [
  /^力争/u, /^确保/u, /^争取/u, /^(?:到|至)?\d{4}年底?/u, /^全市/u, /^累计/u, /^其中/u, /^并/u,
  /^[\d一二三四五六七八九十]+即/u, // “1”即 … (quotes are already gone)
];
const TRAILING_COMPARATORS = /(突破|达到|达|超过|不低于|不少于|不高于|不超过|控制在|保持在|实现|为)$/u;

function stripQuotes(s: string): string {
  return s.replace(/”\s*“/gu, "、").replace(/[“”"‘’'《》]/gu, "");
}

/** Subject text → a short name: no quotes, no time words, no leading fillers, no trailing 突破. */
function cleanSubject(raw: string): string {
  let s = stripQuotes(raw).replace(/\s+/gu, "");
  // 每年/三年 say how the target is counted (the kind), not what is measured.
  s = s.replace(/每年|[一二两三四五六七八九十]年(?!均)/gu, "");
  for (let changed = true; changed; ) {
    changed = false;
    for (const re of LEADING_FILLERS) {
      const next = s.replace(re, "");
      if (next !== s) {
        s = next;
        changed = true;
      }
    }
  }
  const m = TRAILING_COMPARATORS.exec(s);
  if (m && s.length - m[0].length >= 2) s = s.slice(0, -m[0].length);
  return s.replace(/^[,、;:]+|[,、;:]+$/gu, "");
}

/** 填补空白、引领未来的重大成果 → 重大成果: the head noun after the last 的. */
function headNoun(suffix: string): string {
  const s = stripQuotes(suffix).trim();
  const i = s.lastIndexOf("的");
  return i >= 0 && i < s.length - 1 ? s.slice(i + 1) : s;
}

function leadingVerb(s: string): string | null {
  return LIST_VERBS.find((v) => s.startsWith(v)) ?? null;
}

function lastIndexOfPattern(s: string, re: RegExp, before: number): number {
  for (let i = Math.min(before, s.length) - 1; i >= 0; i--) if (re.test(s[i] as string)) return i;
  return -1;
}

/** Money a year's statistics add up (产值, 营业收入, 交易额, 投资, 税收 …), unless it is a balance. */
const MONEY_UNIT = /元$/u;
/** Amounts held at a moment, not earned over a year: 贷款余额, 资产, 市值. */
const MONEY_STOCK = /余额|存量|保有|资产|市值|注册资本|基金规模/u;
/** Physical quantities a year's statistics add up. */
const PHYSICAL_FLOW = /产值|产量|用电量|用水量|用能总量|能耗总量|排放总量|排放量/u;
/**
 * Time phrases, read left to right: a span of years (三年, 2021—2023年) or one
 * year (到2023年, 2023年底). 每年/年均 are not here: they make per-year targets.
 */
const TIME_PHRASE = /\d{4}\s*[—–\-~至]+\s*\d{4}年|(?<![\d第当每今明去近上])[二两三四五六七八九十]年(?![均级度])|(\d{4})年/gu;

/**
 * Whether the amount just after `before` is summed over several years: the last
 * time phrase before it is a span (三年招引…,完成投资1200亿元), not a single year
 * (到2023年,全市技术交易总额突破100亿元 is that year's volume).
 */
function summedOverYears(before: string): boolean {
  let span = false;
  for (const m of before.matchAll(TIME_PHRASE)) span = m[1] === undefined;
  return span;
}

/**
 * The kind of a target, from its words (domain.md, "Kinds of target"):
 * - %: a growth rate (增速), a reduction (下降) or a ratio;
 * - per 亩 / per head (万元/亩, 亩均, 人均): a ratio;
 * - 每年/年均: per year; 新增/累计: cumulative over the plan;
 * - an amount of money (产值, 营业收入, 交易额, 投资, 税收 …) or a physical
 *   flow (产量, 用电量): the year's total (annual_total, reported year to date,
 *   restarting each January), unless a span of years governs it (三年…完成投资
 *   1200亿元: cumulative) or it is a balance (贷款余额: stock);
 * - a count with 突破/总量/有效数/动态 (规上工业企业突破6000家, 动态培育链主企业
 *   10家): a stock level;
 * - anything else counted: cumulative.
 */
function inferKind(unit: string, name: string, segment: string, item: string, sentence: string): IndicatorKind {
  if (unit === "%" || unit === "个百分点") {
    if (/增速|增长|增幅/u.test(name)) return "growth";
    if (/下降|降低|减少|压减|削减/u.test(name)) return "reduction";
    return "ratio";
  }
  if (unit.includes("/") || /亩均|人均|户均|地均/u.test(name)) return "ratio";
  if (/每年|年均/u.test(segment)) return "per_year";
  if (/新增|累计/u.test(item)) return "cumulative";
  const money = MONEY_UNIT.test(unit);
  if (money && MONEY_STOCK.test(name)) return "stock";
  if (money || (!(COUNT_UNITS as readonly string[]).includes(unit) && PHYSICAL_FLOW.test(name))) {
    return summedOverYears(sentence) ? "cumulative" : "annual_total";
  }
  if (/突破|总量|总额|有效数|保有量|存量|规模达|动态/u.test(item)) return "stock";
  return "cumulative";
}

/** A share stated without saying so (项目数不低于三分之一) is named as a share. */
function ratioName(name: string, unit: string, kind: IndicatorKind): string {
  if (kind === "ratio" && unit === "%" && !/率|比重|比例|占比|份额|覆盖/u.test(name)) return `${name}占比`;
  return name;
}

interface TargetScope {
  doc: string;
  start: number;
  end: number;
  where: string;
  workItemRef: string | null;
  endYear: number;
}

/** The year a target is due: the last year named earlier in its sentence, else the plan end. */
function deadlineFor(sentence: string, endYear: number): string {
  let year = endYear;
  for (const m of sentence.matchAll(/(\d{4})(?:\s*[—–\-~]\s*(\d{4}))?年/gu)) {
    const y = Number(m[2] ?? m[1]);
    if (y >= 1900 && y <= 2199) year = y;
  }
  return `${year}-12-31`;
}

/**
 * 建设1—2所: the indicator keeps both ends (target 1, targetMax 2), and the range
 * is listed so that a person confirms how it is judged rather than finding it
 * silently narrowed to one number.
 */
function rangeFlags(found: Found[], where: string): Positioned[] {
  return found.flatMap((f) =>
    f.range && f.targetMax != null
      ? [{ kind: "number" as const, where, text: f.range.text, reason: "range_target" as const, detail: `${f.target}—${f.targetMax}${f.unit}`, at: f.range.at }]
      : [],
  );
}

function numberUnplaced(t: NumberToken, where: string, at: number, reason: Unplaced["reason"]): Positioned {
  return { kind: "number", where, text: t.text, reason, at };
}

/**
 * Reads the targets of one fragment (a work item's text or a goals line).
 * Every number ends up either in an indicator or in `unplaced`.
 */
function extractTargets(scope: TargetScope): { found: Found[]; unplaced: Positioned[] } {
  const text = scope.doc.slice(scope.start, scope.end);
  const tokens = scanNumbers(text);
  const found: Found[] = [];
  const unplaced: Positioned[] = [];
  for (const t of tokens) {
    const at = scope.start + t.start;
    if (t.role !== "quantity") {
      const reason = t.role === "year" ? "year" : t.role === "version" ? "version" : t.role === "qualifier" ? "qualifier" : "not_a_target";
      unplaced.push(numberUnplaced(t, scope.where, at, reason));
      continue;
    }
    const target = readTarget(text, t, tokens, scope);
    if (!target) {
      unplaced.push(numberUnplaced(t, scope.where, at, "not_a_target"));
      continue;
    }
    found.push({ ...target, at, ...(t.range ? { range: { text: t.text, at } } : {}) });
  }
  return { found, unplaced };
}

function readTarget(text: string, t: NumberToken, tokens: NumberToken[], scope: TargetScope): Omit<Found, "at"> | null {
  const segStart = lastIndexOfPattern(text, SEGMENT_END, t.start) + 1;
  const sentenceStart = lastIndexOfPattern(text, SENTENCE_END, t.start) + 1;
  const quantities = tokens.filter((q) => q.role === "quantity" && q !== t);
  // In "新增A2家、B2家、C180家" an item starts after a 、 that closes an earlier amount.
  const itemStart = quantities
    .filter((q) => q.end <= t.start && q.end >= segStart && text[q.end] === "、")
    .reduce((best, q) => Math.max(best, q.end + 1), segStart);

  // 三年实现10项填补空白、引领未来的重大成果: the counted noun follows the number.
  let suffix = "";
  let suffixEnd = t.end;
  if (t.bound === undefined && !/^[,;。!?、\n]|^$/u.test(text.slice(t.end, t.end + 1))) {
    let end = t.end;
    while (end < text.length && !SEGMENT_END.test(text[end] as string)) end++;
    const nextQ = quantities.find((q) => q.start >= t.end && q.start < end);
    if (nextQ) end = Math.max(t.end, text.lastIndexOf("、", nextQ.start));
    suffix = text.slice(t.end, end);
    suffixEnd = end;
  }

  const rawSubject = text.slice(itemStart, t.start);
  let name = cleanSubject(rawSubject);
  const noun = suffix ? headNoun(suffix) : "";
  if (noun && TRAILING_COMPARATORS.test(name)) {
    const m = TRAILING_COMPARATORS.exec(name) as RegExpExecArray;
    if (name.length - m[0].length >= 2) name = name.slice(0, -m[0].length);
  }
  name += noun;

  // List continuation: 、省创新联合体2家 inherits 新增 from the head of the list.
  const headVerb = itemStart > segStart ? leadingVerb(cleanSubject(text.slice(segStart, t.start))) : null;
  if (headVerb && !leadingVerb(name)) name = headVerb + name;

  // 力争三年入选15个: borrow the object from the previous segment (积极申报X).
  if (!noun && BARE_VERB.test(name) && segStart > 0) {
    const prevStart = lastIndexOfPattern(text, SEGMENT_END, segStart - 1) + 1;
    const object = cleanSubject(text.slice(prevStart, segStart - 1)).replace(LEADING_ADVERB, "").replace(OBJECT_VERB, "");
    if (object.length >= 2) name += object;
  }
  if (Array.from(name).length < 2 || !/[\u4e00-\u9fff]/u.test(name)) return null;

  const segment = text.slice(segStart, t.start);
  const unit = withDenominator(t.unit, name);
  const kind = inferKind(unit, name, segment, (headVerb ?? "") + rawSubject + suffix, text.slice(sentenceStart, t.start));
  const finalName = ratioName(name, unit, kind);
  const comparator = t.bound ?? (/(不超过|不高于|控制在|以内)$/u.test(rawSubject) ? "lte" : "gte");
  return {
    name: finalName,
    kind,
    unit,
    target: t.value,
    targetMax: t.range ? t.range[1] : null,
    comparator,
    deadline: deadlineFor(text.slice(sentenceStart, t.start), scope.endYear),
    source: text.slice(itemStart, suffixEnd).trim(),
    workItemRef: scope.workItemRef,
    headline: scope.workItemRef === null,
    aliases: indicatorAliases(finalName),
  };
}

function indicatorAliases(name: string): string[] {
  const out = new Set<string>();
  const noParens = name.replace(/\([^()]*\)/gu, "");
  if (noParens !== name && noParens.length >= 2) out.add(noParens);
  out.add(toTraditional(name));
  out.delete(name);
  return Array.from(out);
}

// ---------------------------------------------------------------------------
// Duplicates between 攻坚目标 and the tasks

function bigrams(s: string): string[] {
  const chars = Array.from(s);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** Dice coefficient over character bigrams: 0 (nothing shared) … 1 (same). */
function similarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.length + y.length === 0) return a === b ? 1 : 0;
  const pool = [...y];
  let shared = 0;
  for (const g of x) {
    const i = pool.indexOf(g);
    if (i >= 0) {
      shared++;
      pool.splice(i, 1);
    }
  }
  return (2 * shared) / (x.length + y.length);
}

const DUPLICATE_THRESHOLD = 0.5;

/** The task indicator a goals indicator restates: same unit and value, similar name. */
function findDuplicate(goal: Found, tasks: Found[]): Found | null {
  let best: Found | null = null;
  let bestScore = DUPLICATE_THRESHOLD;
  for (const t of tasks) {
    if (t.unit !== goal.unit || t.target !== goal.target) continue;
    const score = similarity(goal.name, t.name);
    if (score >= bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------
// Plan period

function inferYears(doc: string, title: string | null): { startYear: number; endYear: number } | null {
  const range = /(\d{4})\s*[—–\-~至]+\s*(\d{4})/u.exec(title ?? "");
  if (range) return { startYear: Number(range[1]), endYear: Number(range[2]) };
  const deadlines = Array.from(doc.matchAll(/(?:到|至|力争)(\d{4})年|(\d{4})年底/gu), (m) => Number(m[1] ?? m[2]));
  const years = Array.from(doc.matchAll(/(\d{4})年/gu), (m) => Number(m[1])).filter((y) => y >= 1900 && y <= 2199);
  const endYear = Math.max(...(deadlines.length ? deadlines : years));
  if (!Number.isFinite(endYear)) return null;
  // 三年攻坚行动: the plan lasts N years, so it starts N-1 years before its end.
  const span = /(?:^|[^\d第当每今明去近])([二三四五六七八九十])年(?!级)/u.exec(doc);
  if (span) return { startYear: endYear - cnOrdinal(span[1] as string) + 1, endYear };
  const anyRange = Array.from(doc.matchAll(/(\d{4})\s*[—–\-~至]+\s*(\d{4})年/gu)).find((m) => Number(m[2]) === endYear);
  return { startYear: anyRange ? Number(anyRange[1]) : endYear, endYear };
}

// ---------------------------------------------------------------------------
// Assembly

class UnitRegistry {
  private readonly byName = new Map<string, PlanUnit>();
  add(u: PlanUnit): string {
    if (!this.byName.has(u.name)) this.byName.set(u.name, { ...u, aliases: [...u.aliases] });
    return u.name;
  }
  all(): PlanUnit[] {
    return Array.from(this.byName.values());
  }
}

interface TaskResult {
  task: PlanTask;
  found: Found[];
  unplaced: Positioned[];
}

function buildTask(
  doc: string,
  raw: RawTask,
  endYear: number,
  registry: UnitRegistry,
  accountable: { units: string[] },
): TaskResult {
  const body = doc.slice(raw.bodyStart, raw.bodyEnd);
  const clauses = findClauses(body);
  const found: Found[] = [];
  const unplaced: Positioned[] = [];
  const workItems: PlanWorkItem[] = [];

  // Numbers in a title are never targets, but they are reported.
  const titleNumbers = extractTargets({ doc, start: raw.titleSpan[0], end: raw.titleSpan[1], where: raw.refPrefix, workItemRef: null, endYear });
  unplaced.push(...titleNumbers.unplaced, ...titleNumbers.found.map((f) => ({ kind: "number" as const, where: raw.refPrefix, text: f.source, reason: "not_a_target" as const, at: f.at })));

  let prev = 0;
  clauses.forEach((c, idx) => {
    const seq = idx + 1;
    const ref = `${raw.refPrefix}#${seq}`;
    const textStart = raw.bodyStart + prev;
    const itemText = doc.slice(textStart, raw.bodyStart + c.open).trim();
    const at = raw.bodyStart + c.open;
    const parsed = parseClause(c.content);

    const units: WorkItemUnitRef[] = parsed.listed.map((u, i) => ({ unit: registry.add(u), role: i === 0 ? "lead" : "co", position: i }));
    const accountableHere = parsed.accountable.map((u) => registry.add(u));
    if (parsed.appliesBelow) accountable.units = accountableHere;
    for (const unit of parsed.appliesBelow ? accountable.units : [...accountableHere, ...accountable.units]) {
      if (!units.some((r) => r.unit === unit)) units.push({ unit, role: "accountable", position: units.length });
    }

    if (parsed.listed.length === 0) unplaced.push({ kind: "clause", where: ref, text: c.content, reason: "no_units", at });
    if (c.unclosed) unplaced.push({ kind: "clause", where: ref, text: c.content, reason: "trailing_text", detail: "unclosed parenthesis, read to the end of the line", at });
    for (const u of parsed.listed.filter((x) => x.kind === "placeholder")) {
      unplaced.push({ kind: "unit", where: ref, text: u.name, reason: "placeholder_unit", at });
    }
    for (const name of parsed.odd) unplaced.push({ kind: "unit", where: ref, text: name, reason: "unknown_unit", at });

    const targets = extractTargets({ doc, start: textStart, end: raw.bodyStart + c.open, where: ref, workItemRef: ref, endYear });
    found.push(...targets.found);
    unplaced.push(...targets.unplaced, ...rangeFlags(targets.found, ref));
    workItems.push({ ref, seq, text: itemText, clause: c.content.trim(), units, notes: parsed.notes });
    prev = c.close + 1;
  });

  const trailing = body.slice(prev).trim();
  if (trailing !== "") {
    const at = raw.bodyStart + prev;
    unplaced.push({ kind: "text", where: raw.refPrefix, text: trailing, reason: "trailing_text", at });
    const loose = extractTargets({ doc, start: at, end: raw.bodyEnd, where: raw.refPrefix, workItemRef: null, endYear });
    unplaced.push(...loose.unplaced, ...loose.found.map((f) => ({ kind: "number" as const, where: raw.refPrefix, text: f.source, reason: "not_a_target" as const, detail: "outside any 责任单位 clause", at: f.at })));
  }
  return { task: { code: raw.code, ordinal: raw.ordinal, title: raw.title, workItems }, found, unplaced };
}

/** Codes: T<task>-<n> / M<n>-<k> within a task in reading order. */
function codeTaskIndicators(raw: RawTask, found: Found[]): Array<PlanIndicator & { at: number }> {
  return found.map((f, i) => toIndicator(f, `${raw.refPrefix}-${i + 1}`));
}

function toIndicator(f: Found, code: string): PlanIndicator & { at: number } {
  return {
    code,
    name: f.name,
    kind: f.kind,
    unit: f.unit,
    target: f.target,
    targetMax: f.targetMax ?? null,
    comparator: f.comparator,
    deadline: f.deadline,
    source: f.source,
    workItemRef: f.workItemRef,
    headline: f.headline,
    aliases: f.aliases,
    shares: {},
    at: f.at,
  };
}

function buildPlan(
  doc: string,
  outline: Outline,
  script: "hans" | "hant",
  years: { startYear: number; endYear: number },
): ParsedPlan {
  const { endYear } = years;
  const registry = new UnitRegistry();
  const accountable = { units: [] as string[] };
  const unplaced: Positioned[] = [];

  if (outline.lostTitle) {
    unplaced.push({ kind: "title", where: `line ${outline.lostTitle.no}`, text: outline.lostTitle.text.trim(), reason: "title_missing", at: -1 });
  }
  for (const line of outline.loose) {
    const r = extractTargets({ doc, start: line.start, end: line.end, where: `line ${line.no}`, workItemRef: null, endYear });
    unplaced.push(...r.unplaced, ...r.found.map((f) => ({ kind: "number" as const, where: `line ${line.no}`, text: f.source, reason: "not_a_target" as const, at: f.at })));
  }

  const goals: Found[] = [];
  for (const line of outline.goals) {
    const r = extractTargets({ doc, start: line.start, end: line.end, where: "goals", workItemRef: null, endYear });
    goals.push(...r.found);
    unplaced.push(...r.unplaced);
  }

  const groups: PlanGroup[] = [];
  const indicators: Array<PlanIndicator & { at: number }> = [];
  const taskFound: Array<{ found: Found; indicator: PlanIndicator & { at: number } }> = [];
  for (const g of outline.groups) {
    const tasks: PlanTask[] = [];
    for (const rawTask of g.tasks) {
      const r = buildTask(doc, rawTask, endYear, registry, accountable);
      tasks.push(r.task);
      unplaced.push(...r.unplaced);
      const coded = codeTaskIndicators(rawTask, r.found);
      coded.forEach((ind, i) => taskFound.push({ found: r.found[i] as Found, indicator: ind }));
      indicators.push(...coded);
    }
    groups.push({ code: g.code, ordinal: g.ordinal, title: g.title, kind: g.kind, tasks });
  }

  // 攻坚目标 that restate a task target become that indicator's headline flag.
  let goalNo = 0;
  for (const goal of goals) {
    const dup = findDuplicate(goal, taskFound.map((t) => t.found));
    const match = dup ? taskFound.find((t) => t.found === dup) : undefined;
    if (match) {
      match.indicator.headline = true;
      if (goal.name !== match.indicator.name && !match.indicator.aliases.includes(goal.name)) match.indicator.aliases.push(goal.name);
      unplaced.push({ kind: "number", where: "goals", text: goal.source, reason: "duplicate_of", detail: match.indicator.code, at: goal.at });
    } else {
      indicators.push(toIndicator(goal, `G${++goalNo}`));
      unplaced.push(...rangeFlags([goal], "goals"));
    }
  }

  return {
    title: outline.title,
    startYear: years.startYear,
    endYear,
    accountable: [...accountable.units],
    groups,
    indicators: sortByPosition(indicators),
    units: registry.all(),
    unplaced: sortByPosition(unplaced),
    script,
  };
}

/** Reading order, then drops the internal position. */
function sortByPosition<T extends { at: number }>(xs: T[]): Array<Omit<T, "at">> {
  return [...xs]
    .sort((a, b) => a.at - b.at)
    .map(({ at: _at, ...rest }) => rest);
}
