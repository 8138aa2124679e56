/**
 * The chat command grammar: one message in, one typed command or every
 * problem with it out. Pure, platform-neutral, and total: it never throws.
 *
 *   上报|填报|报送|report   [period] <indicator> <value>[unit] … [进展:… 问题:… 计划:…]
 *   修改|更正|修正|correct  [period] <same> 原因:…            (the reason is required)
 *   查询|状态|status        [period]
 *   我的任务|任务|tasks      [period]
 *   帮助|help|?             [topic]
 *   绑定|bind               [slack:|dingtalk:|local:]<userId> <unit> [liaison|taskforce|admin|联络员|专班|管理员]
 *   解绑|unbind             [platform:]<userId> [unit]
 *
 * How a message is read:
 * 1. Normalise once into aligned copies (same length, same positions): `raw`
 *    as typed (kept for `raw` fields and narratives), `plain` (half-width,
 *    Simplified; kept for user ids and unit names) and `norm` (plain, ASCII
 *    lower-cased; everything is matched on it).
 * 2. Strip what the platform adds: a leading @mention (DingTalk groups), a
 *    leading /duban or /report (typed in the local chat).
 * 3. The verb, then (for reports) an optional period, then the narrative
 *    labels split the rest into a values part and free-text sections.
 * 4. The values part is read as events: indicator mentions (found first, so
 *    digits inside names stay names), quantities, periods, and the loose text
 *    in between (matched fuzzily). Each indicator takes the value after it.
 *
 * Every problem is collected in one pass (one reply names them all), capped at
 * MAX_PROBLEMS so a pasted document does not produce a thousand-line reply.
 */
import { toHalfWidth } from "../plan/numbers.js";
import { toSimplified } from "../plan/script.js";
import { type IndicatorIndex, type IndicatorMatch, type Mention, findMentions, indexIndicators, matchIndicator } from "./match-indicator.js";
import { type PeriodContext, type PeriodMatch, parsePeriod, periodAt, resolvePeriod } from "./parse-period.js";
import { type QuantityToken, convertQuantity, quantityAt } from "./parse-quantity.js";
import {
  type BindRole,
  type Command,
  type CommandType,
  type IndicatorRef,
  type Narrative,
  type ParseResult,
  type Period,
  type Platform,
  type Problem,
  type ReportValue,
  type StatedBasis,
  briefOf,
  periodKey,
} from "./types.js";

export interface ParseContext extends PeriodContext {
  /** The indicators the user may report on (their unit's), or all of the plan's. */
  indicators: readonly IndicatorRef[];
}

/** Beyond this many problems the rest are summarised as too_many_problems. */
export const MAX_PROBLEMS = 10;

/**
 * Parses one chat message. Never throws: the grammar below is written not to,
 * and the fuzz tests check `parseCommandUnguarded` directly; the catch is only
 * the last line of defence for a bot that must always answer.
 */
export function parseCommand(text: string, ctx: ParseContext): ParseResult {
  try {
    return parseCommandUnguarded(text, ctx);
  } catch {
    return { ok: false, problems: [{ code: "unknown_command", raw: String(text).slice(0, 200) }] };
  }
}

// ---------------------------------------------------------------------------
// Normalisation

interface Text {
  raw: string;
  plain: string;
  norm: string;
}

/** Space-like and invisible characters, each replaced by one space (positions stay aligned). */
const ODD_SPACE = /[\t\r\v\f\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\ufeff]/gu;
/** Mentions of the bot itself may sit anywhere in a DingTalk group message. */
const BOT_MENTION = /@(?:督办|督辦|duban)/giu;

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/gu, (c) => c.toLowerCase());
}

export function normaliseText(input: string): Text {
  let raw = input.replace(ODD_SPACE, " ").replace(BOT_MENTION, (m) => " ".repeat(m.length));
  let plain = toSimplified(toHalfWidth(raw));
  // OpenCC converts character for character in practice; if a phrase rule ever
  // changes the length, positions no longer line up and raw falls back to plain.
  if (plain.length !== raw.length) raw = plain;
  plain = plain.replace(/[“”]/gu, '"');
  return { raw, plain, norm: asciiLower(plain) };
}

/** Leading noise a platform or a habit adds: spaces, @mentions, <@U123>, /duban. */
const LEADING_NOISE = /^(?:\s+|<@[^>\s]*>|@\S+\s|@\S+$|\/duban(?![a-z]))/u;

function skipLeadingNoise(t: Text): { pos: number; slashReport: boolean } {
  let pos = 0;
  for (;;) {
    const rest = t.norm.slice(pos);
    if (rest.startsWith("/report") && !/^[a-z]/u.test(rest.slice(7))) return { pos: pos + 7, slashReport: true };
    const m = LEADING_NOISE.exec(rest);
    if (!m || m[0].length === 0) return { pos, slashReport: false };
    pos += m[0].length;
  }
}

// ---------------------------------------------------------------------------
// Verbs

type Verb = Exclude<CommandType, "unknown">;

const VERBS: ReadonlyArray<readonly [string, Verb]> = (
  [
    ["上报", "report"], ["填报", "report"], ["报送", "report"], ["report", "report"],
    ["修改", "correct"], ["更正", "correct"], ["修正", "correct"], ["correction", "correct"], ["correct", "correct"],
    ["查询", "status"], ["状态", "status"], ["status", "status"],
    ["我的任务", "tasks"], ["任务", "tasks"], ["my tasks", "tasks"], ["tasks", "tasks"], ["task", "tasks"],
    ["帮助", "help"], ["help", "help"], ["?", "help"],
    ["解除绑定", "unbind"], ["解绑", "unbind"], ["unbind", "unbind"],
    ["绑定", "bind"], ["bind", "bind"],
  ] as Array<[string, Verb]>
).sort((a, b) => b[0].length - a[0].length);

/** The verb at `pos`: Chinese verbs may be glued to what follows (上报新增…), English ones may not. */
function verbAt(norm: string, pos: number): { verb: Verb; end: number } | null {
  for (const [word, verb] of VERBS) {
    if (!norm.startsWith(word, pos)) continue;
    const end = pos + word.length;
    if (/^[a-z]/u.test(word) && /^[a-z0-9]/u.test(norm.slice(end, end + 1))) continue;
    return { verb, end };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Narrative sections

type Section = keyof Narrative | "reason";

const LABELS: ReadonlyArray<readonly [string, Section]> = (
  [
    ["进展情况", "progress"], ["工作进展", "progress"], ["进展", "progress"], ["progress", "progress"],
    ["存在问题", "problems"], ["存在困难", "problems"], ["问题", "problems"], ["困难", "problems"],
    ["problems", "problems"], ["problem", "problems"], ["issues", "problems"],
    ["下一步工作计划", "nextSteps"], ["下步工作计划", "nextSteps"], ["下一步计划", "nextSteps"], ["下步计划", "nextSteps"],
    ["工作计划", "nextSteps"], ["计划", "nextSteps"], ["next steps", "nextSteps"], ["next", "nextSteps"],
    ["plans", "nextSteps"], ["plan", "nextSteps"],
    ["修改原因", "reason"], ["更正原因", "reason"], ["原因", "reason"], ["理由", "reason"], ["reason", "reason"],
  ] as Array<[string, Section]>
).sort((a, b) => b[0].length - a[0].length);

const LABEL_RE = new RegExp(`(?<![a-z])(${LABELS.map(([w]) => w.replace(/ /gu, "\\s+")).join("|")})\\s*:`, "gu");

interface SectionSpan {
  section: Section;
  /** Start of the label. */
  start: number;
  /** Start of the content (after the colon). */
  contentStart: number;
}

function findSections(norm: string, from: number, withReason: boolean): SectionSpan[] {
  const out: SectionSpan[] = [];
  LABEL_RE.lastIndex = from;
  for (const m of norm.matchAll(LABEL_RE)) {
    if ((m.index ?? 0) < from) continue;
    const word = (m[1] as string).replace(/\s+/gu, " ");
    const section = LABELS.find(([w]) => w === word)?.[1];
    if (!section || (section === "reason" && !withReason)) continue;
    out.push({ section, start: m.index ?? 0, contentStart: (m.index ?? 0) + m[0].length });
  }
  return out;
}

/** Separators and spaces around a section's text. */
const EDGE_TRIM = /^[\s,;。.、]+|[\s,;，；、]+$/gu;

function readSections(t: Text, spans: SectionSpan[], end: number): { narrative: Narrative; reason?: string } {
  const narrative: Narrative = {};
  let reason: string | undefined;
  spans.forEach((s, i) => {
    const stop = i + 1 < spans.length ? (spans[i + 1] as SectionSpan).start : end;
    const content = t.raw.slice(s.contentStart, stop).replace(EDGE_TRIM, "");
    if (content === "") return;
    if (s.section === "reason") {
      reason = reason === undefined ? content : `${reason}\n${content}`;
    } else {
      const prev = narrative[s.section];
      narrative[s.section] = prev === undefined ? content : `${prev}\n${content}`;
    }
  });
  return reason === undefined ? { narrative } : { narrative, reason };
}

// ---------------------------------------------------------------------------
// The values part

type Event =
  | { type: "ref"; start: number; end: number; match: IndicatorMatch }
  | { type: "basis"; start: number; end: number; stated: StatedBasis; through?: number; year?: number }
  | { type: "value"; start: number; end: number; q: QuantityToken }
  | { type: "badValue"; start: number; end: number }
  | { type: "period"; start: number; end: number; m: PeriodMatch }
  | { type: "loose"; start: number; end: number };

/** Words between an indicator and its value that carry no meaning (为, 共, 约, 达到 …). */
const FILLER = /^(?:共计?|合计|累计|总计|约|为|是|达到?|完成|实现|有|计|左右|余|多|等|of|is|was)+$/u;
/** Hard separators: they end a loose fragment. 、 is not one: it sits inside names. */
const HARD_SEPARATOR = /[,;。\n]/u;
const PIECE_TRIM = /^[\s、:=\-–—~>]+|[\s、:=\-–—~]+$/gu;
/** A fragment that was meant as a value but is none (abc台, 1.2.3, NaN). */
const VALUE_LIKE = /\d|^[-+−]|^(?:nan|inf|infinity|null|undefined|n\/a)$|[家项个台套所座条人名户件次期批元%吨]$/u;

/**
 * Words that say which basis a figure is in (domain.md: "the words say which"): 1-10月累计 /
 * 累计完成 / 今年累计 (year to date), 本月新增 / 当月 (this month's own figure). Tried longest first,
 * and only if they end before the next indicator mention: in 本月新增工业机器人 the mention
 * 新增工业机器人 keeps its 新增 and 本月 alone is the basis word.
 */
const YTD_RANGE = /(?:((?:19|20)\d\d)\s*年\s*)?(?:1|一)\s*[-~—–至到]\s*(\d{1,2}|十[一二]?|[二三四五六七八九十])\s*月份?\s*(?:累计|累积|合计|共计|共)?(?:完成|新增|实现|达到|达)?/uy;
const YTD_WORDS = ["年初以来累计", "年初至今累计", "今年以来累计", "今年累计", "本年累计", "全年累计", "累计完成", "累计新增", "累计实现", "累计达到", "累计达", "累计", "累积"];
const MONTH_WORDS = ["本月新增", "当月新增", "本月完成", "当月完成", "本月新培育", "本月净增", "本月", "当月"];
const CN_MONTH: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };

function basisAt(norm: string, from: number, limit: number): Extract<Event, { type: "basis" }> | null {
  // Spaces before the words belong to them (a quantity, tried next, skips them too).
  let pos = from;
  while (pos < limit && /\s/u.test(norm[pos] as string)) pos++;
  YTD_RANGE.lastIndex = pos;
  const m = YTD_RANGE.exec(norm);
  if (m) {
    const through = /^\d+$/u.test(m[2] as string) ? Number(m[2]) : CN_MONTH[m[2] as string];
    let end = pos + m[0].length;
    // Shorten to the mention that follows (1-10月累计新增工业机器人: the name keeps 新增).
    if (end > limit) end = limit;
    if (through !== undefined && through >= 1 && through <= 12 && end > pos) {
      return { type: "basis", start: pos, end, stated: "ytd", through, ...(m[1] ? { year: Number(m[1]) } : {}) };
    }
  }
  for (const [words, stated] of [[YTD_WORDS, "ytd"], [MONTH_WORDS, "month"]] as const) {
    for (const w of words) {
      if (norm.startsWith(w, pos) && pos + w.length <= limit) return { type: "basis", start: pos, end: pos + w.length, stated };
    }
  }
  return null;
}

/** Characters after which a number may start (not inside 12a, a12, 1.2). */
function numberMayStartAfter(ch: string | undefined): boolean {
  return ch === undefined || !/[0-9a-z.,]/u.test(ch);
}

function scanEvents(t: Text, start: number, end: number, index: IndicatorIndex): Event[] {
  const part = t.norm.slice(start, end);
  const mentions: Mention[] = findMentions(part, index).map((m) => ({ ...m, start: m.start + start, end: m.end + start }));
  const events: Event[] = [];
  let mi = 0;
  let looseStart = -1;
  const flushLoose = (at: number): void => {
    if (looseStart >= 0) events.push({ type: "loose", start: looseStart, end: at });
    looseStart = -1;
  };
  let i = start;
  while (i < end) {
    const mention = mentions[mi];
    if (mention && mention.start === i) {
      flushLoose(i);
      events.push({ type: "ref", start: mention.start, end: mention.end, match: mention.match });
      i = mention.end;
      mi++;
      continue;
    }
    const limit = mention ? mention.start : end;
    const prev = i > start ? t.norm[i - 1] : undefined;
    const basis = numberMayStartAfter(prev) ? basisAt(t.norm, i, limit) : null;
    if (basis) {
      flushLoose(i);
      events.push(basis);
      i = basis.end;
      continue;
    }
    if (numberMayStartAfter(prev)) {
      const p = periodAt(t.norm, i, false);
      if (p && p.end <= limit) {
        flushLoose(i);
        events.push({ type: "period", start: i, end: p.end, m: p });
        i = p.end;
        continue;
      }
      const q = quantityAt(t.norm, i);
      if (q && q.end <= limit && q.end > i) {
        flushLoose(i);
        events.push({ type: "value", start: i, end: q.end, q });
        i = q.end;
        continue;
      }
    }
    if (looseStart < 0) looseStart = i;
    i++;
  }
  flushLoose(end);
  return events;
}

/** Events once loose text has been resolved into references and bad values. */
type Resolved = Exclude<Event, { type: "loose" }>;

/** Splits loose text into fragments and decides what each is. */
function resolveLoose(events: Event[], t: Text, index: IndicatorIndex): Resolved[] {
  const out: Resolved[] = [];
  for (const ev of events) {
    if (ev.type !== "loose") {
      out.push(ev);
      continue;
    }
    let pieceStart = ev.start;
    for (let i = ev.start; i <= ev.end; i++) {
      if (i < ev.end && !HARD_SEPARATOR.test(t.norm[i] as string)) continue;
      pushPiece(out, t, pieceStart, i, index);
      pieceStart = i + 1;
    }
  }
  return out;
}

function pushPiece(out: Resolved[], t: Text, from: number, to: number, index: IndicatorIndex): void {
  const text = t.norm.slice(from, to);
  const lead = text.length - text.replace(/^[\s、:=\-–—~>]+/u, "").length;
  const trimmed = text.replace(PIECE_TRIM, "");
  if (trimmed === "" || FILLER.test(trimmed.replace(/\s+/gu, ""))) return;
  const start = from + lead;
  const end = start + trimmed.length;
  const last = out[out.length - 1];
  // Glued to the indicator before it ("新增工业机器人数量260台"): part of that reference.
  if (last && last.type === "ref" && last.end === start) {
    last.end = end;
    return;
  }
  const match = matchIndicator(trimmed, index);
  const pendingRef = last !== undefined && last.type === "ref";
  if (match.kind === "none" && pendingRef && VALUE_LIKE.test(trimmed)) {
    out.push({ type: "badValue", start, end });
    return;
  }
  out.push({ type: "ref", start, end, match });
}

/** Glued to the indicator after it ("今年新增工业机器人"): part of that reference. */
function absorbPrefixes(events: Resolved[]): Resolved[] {
  const out: Resolved[] = [];
  for (let k = 0; k < events.length; k++) {
    const ev = events[k] as Resolved;
    const next = events[k + 1];
    if (
      ev.type === "ref" &&
      ev.match.kind === "none" &&
      next !== undefined &&
      next.type === "ref" &&
      next.match.kind !== "none" &&
      next.start === ev.end
    ) {
      next.start = ev.start;
      continue;
    }
    out.push(ev);
  }
  return out;
}

interface ItemsResult {
  values: ReportValue[];
  problems: Problem[];
  /** Anything at all in the values part (for empty_report). */
  items: number;
  period?: PeriodMatch;
  periodProblems: Problem[];
  /** The months named by 1-N月累计 (and their year, if written): they name the report's month. */
  through: { month: number; year?: number; raw: string }[];
}

function readItems(t: Text, start: number, end: number, index: IndicatorIndex): ItemsResult {
  const events = absorbPrefixes(resolveLoose(scanEvents(t, start, end, index), t, index));
  const values: ReportValue[] = [];
  const problems: Problem[] = [];
  const periodProblems: Problem[] = [];
  const seen = new Set<number>();
  let period: PeriodMatch | undefined;
  let pending: Extract<Event, { type: "ref" }> | null = null;
  let basis: Extract<Event, { type: "basis" }> | null = null;
  const through: ItemsResult["through"] = [];
  let items = 0;
  const rawOf = (e: { start: number; end: number }): string => t.raw.slice(e.start, e.end).trim();

  /** A reference that cannot take a value: unknown, ambiguous, or a duplicate. Returns the indicator if usable. */
  const resolveRef = (ref: Extract<Event, { type: "ref" }>): IndicatorRef | null => {
    const m = ref.match;
    if (m.kind === "none") {
      problems.push({ code: "unknown_indicator", raw: rawOf(ref), suggestions: m.suggestions.map(briefOf) });
      return null;
    }
    if (m.kind === "ambiguous") {
      problems.push({ code: "ambiguous_indicator", raw: rawOf(ref), candidates: m.candidates.map(briefOf) });
      return null;
    }
    if (seen.has(m.indicator.id)) {
      problems.push({ code: "duplicate_indicator", raw: rawOf(ref), indicator: briefOf(m.indicator) });
      return null;
    }
    seen.add(m.indicator.id);
    return m.indicator;
  };
  const closePending = (): void => {
    if (!pending) return;
    const indicator = resolveRef(pending);
    if (indicator) problems.push({ code: "missing_value", raw: rawOf(pending), indicator: briefOf(indicator) });
    pending = null;
  };

  for (const ev of events) {
    if (ev.type === "basis") {
      // It applies to the next figure, whether written before the indicator or after it.
      basis = ev;
      if (ev.through !== undefined) through.push({ month: ev.through, ...(ev.year ? { year: ev.year } : {}), raw: rawOf(ev) });
      continue;
    }
    if (ev.type === "period") {
      if (!period) period = ev.m;
      else if (ev.m.raw.replace(/\s+/gu, "") !== period.raw.replace(/\s+/gu, "")) {
        periodProblems.push({ code: "bad_period", raw: rawOf(ev) });
      }
      continue;
    }
    items++;
    if (ev.type === "ref") {
      closePending();
      pending = ev;
      continue;
    }
    if (!pending) {
      problems.push({ code: "missing_indicator", raw: rawOf(ev) });
      continue;
    }
    const ref: Extract<Event, { type: "ref" }> = pending;
    pending = null;
    const said = basis;
    basis = null;
    const indicator = resolveRef(ref);
    if (!indicator) continue;
    const brief = briefOf(indicator);
    const raw = rawOf(ev);
    if (ev.type === "badValue") {
      problems.push({ code: "bad_number", raw, indicator: brief });
      continue;
    }
    const converted = convertQuantity(ev.q, indicator);
    if (converted.ok) {
      const words = said ? { stated: said.stated, basisWords: rawOf(said), ...(said.through !== undefined ? { statedThrough: said.through } : {}) } : {};
      values.push({ indicatorId: indicator.id, code: indicator.code, value: converted.value, raw, ...words });
    } else if (converted.code === "bad_number") {
      problems.push({ code: "bad_number", raw, indicator: brief });
    } else if (converted.code === "missing_unit") {
      problems.push({ code: "missing_unit", raw, indicator: brief, expectedUnit: converted.expectedUnit });
    } else {
      problems.push({ code: "wrong_unit", raw, indicator: brief, expectedUnit: converted.expectedUnit, givenUnit: converted.givenUnit });
    }
  }
  closePending();
  return period ? { values, problems, items, period, periodProblems, through } : { values, problems, items, periodProblems, through };
}

// ---------------------------------------------------------------------------
// Commands

function skipSpaces(norm: string, pos: number): number {
  while (pos < norm.length && /[\s:]/u.test(norm[pos] as string)) pos++;
  return pos;
}

function capProblems(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), { code: "too_many_problems", omitted: problems.length - MAX_PROBLEMS }];
}

function parseReport(t: Text, pos: number, verb: "report" | "correct", ctx: ParseContext): ParseResult {
  const index = indexIndicators(ctx.indicators);
  const problems: Problem[] = [];
  let period: Period = { ...ctx.openPeriod };
  let periodExplicit = false;

  const applyPeriod = (m: Pick<PeriodMatch, "raw" | "expr">): void => {
    const r = resolvePeriod(m, ctx);
    if (r.ok) {
      period = r.period;
      periodExplicit = true;
    } else {
      problems.push({ ...r.problem, raw: "start" in m ? t.raw.slice((m as PeriodMatch).start, (m as PeriodMatch).end).trim() : m.raw });
    }
  };

  pos = skipSpaces(t.norm, pos);
  let head = periodAt(t.norm, pos, true);
  // 本月新增工业机器人260台: 本月 glued to what follows says the figure is this month's own
  // (the basis), not that the report is for the unfinished current month.
  if (head && /^(?:本月|当月)$/u.test(head.raw) && /^[^\s:,;]/u.test(t.norm.slice(head.end, head.end + 1))) head = null;
  if (head) {
    applyPeriod(head);
    pos = head.end;
  }

  const spans = findSections(t.norm, pos, verb === "correct");
  const valuesEnd = spans.length > 0 ? (spans[0] as SectionSpan).start : t.norm.length;
  const { narrative, reason } = readSections(t, spans, t.norm.length);
  const items = readItems(t, pos, valuesEnd, index);

  if (items.period) {
    if (head) problems.push({ code: "bad_period", raw: t.raw.slice(items.period.start, items.period.end).trim() });
    else applyPeriod(items.period);
  }
  // 1-10月累计 names the month reported when nothing else does (a mismatch is checked against the stored basis later).
  const first = items.through[0];
  if (!periodExplicit && first && items.through.every((x) => x.month === first.month && x.year === first.year)) {
    applyPeriod({ raw: first.raw, expr: first.year ? { kind: "absolute", year: first.year, month: first.month } : { kind: "month", month: first.month } });
  }
  problems.push(...items.periodProblems, ...items.problems);

  const hasNarrative = Object.keys(narrative).length > 0;
  if (items.items === 0 && !hasNarrative) problems.push({ code: "empty_report" });
  if (verb === "correct" && reason === undefined) problems.push({ code: "missing_reason" });

  const command: Command =
    verb === "report"
      ? { type: "report", period, periodExplicit, values: items.values, narrative }
      : { type: "correct", period, periodExplicit, values: items.values, narrative, reason: reason ?? "" };
  if (problems.length > 0) return { ok: false, problems: capProblems(problems), partial: command };
  return { ok: true, command };
}

function parsePeriodOnly(t: Text, pos: number, type: "status" | "tasks", ctx: ParseContext): ParseResult {
  const rest = t.raw.slice(pos).replace(/^[\s:：]+|[\s。.!?！？]+$/gu, "");
  const r = parsePeriod(rest, ctx);
  if (!r.ok) {
    return { ok: false, problems: [r.problem], partial: { type, period: { ...ctx.openPeriod }, periodExplicit: false } };
  }
  return { ok: true, command: { type, period: r.period, periodExplicit: r.explicit } };
}

function parseHelp(t: Text, pos: number): ParseResult {
  const topicText = t.raw.slice(pos).trim();
  if (topicText === "") return { ok: true, command: { type: "help" } };
  const normTopic = t.norm.slice(pos).trim();
  const verb = verbAt(normTopic, 0);
  const topic = verb && verb.end === normTopic.length ? verb.verb : topicText;
  return { ok: true, command: { type: "help", topic } };
}

const ROLES: Record<string, BindRole> = {
  liaison: "liaison", 联络员: "liaison",
  taskforce: "taskforce", "task-force": "taskforce", 专班: "taskforce",
  admin: "admin", 管理员: "admin",
};

const PLATFORM_PREFIX: Record<string, Platform> = { slack: "slack", dingtalk: "dingtalk", 钉钉: "dingtalk", local: "local" };

/** "<@U123|zhang>" → U123; "slack:U123" → {slack, U123}; "@zhang" → zhang. */
function readUserId(token: string): { platform?: Platform; userId: string } {
  let id = token;
  let platform: Platform | undefined;
  const colon = id.indexOf(":");
  if (colon > 0) {
    const p = PLATFORM_PREFIX[asciiLower(id.slice(0, colon))];
    if (p) {
      platform = p;
      id = id.slice(colon + 1);
    }
  }
  const slack = /^<@([^|>]+)(?:\|[^>]*)?>$/u.exec(id);
  if (slack) id = slack[1] as string;
  else if (id.startsWith("@")) id = id.slice(1);
  return platform ? { platform, userId: id } : { userId: id };
}

function parseBinding(t: Text, pos: number, verb: "bind" | "unbind"): ParseResult {
  const tokens = t.plain
    .slice(pos)
    .split(/[\s,;]+/u)
    .filter((s) => s !== "");
  const problems: Problem[] = [];
  const first = tokens.shift();
  const user = first === undefined ? undefined : readUserId(first);
  if (!user || user.userId === "") problems.push({ code: "missing_argument", command: verb, argument: "userId" });
  let role: BindRole | undefined;
  const last = tokens[tokens.length - 1];
  if (verb === "bind" && last !== undefined && ROLES[asciiLower(last)] !== undefined) {
    role = ROLES[asciiLower(last)];
    tokens.pop();
  }
  const unit = tokens.join(" ");
  if (verb === "bind" && unit === "" && problems.length === 0) problems.push({ code: "missing_argument", command: verb, argument: "unit" });
  if (problems.length > 0 || !user) return { ok: false, problems };
  const base = user.platform ? { platform: user.platform, userId: user.userId } : { userId: user.userId };
  if (verb === "unbind") return { ok: true, command: unit === "" ? { type: "unbind", ...base } : { type: "unbind", ...base, unit } };
  return { ok: true, command: role ? { type: "bind", ...base, unit, role } : { type: "bind", ...base, unit } };
}

/** The same as parseCommand without the safety net; exported so tests can prove the net is never used. */
export function parseCommandUnguarded(input: string, ctx: ParseContext): ParseResult {
  const t = normaliseText(typeof input === "string" ? input : "");
  const { pos: start, slashReport } = skipLeadingNoise(t);
  if (slashReport) return parseReport(t, start, "report", ctx);

  const found = verbAt(t.norm, start);
  if (found) {
    switch (found.verb) {
      case "report":
      case "correct":
        return parseReport(t, found.end, found.verb, ctx);
      case "status":
      case "tasks":
        return parsePeriodOnly(t, found.end, found.verb, ctx);
      case "help":
        return parseHelp(t, found.end);
      case "bind":
      case "unbind":
        return parseBinding(t, found.end, found.verb);
    }
  }

  const rawText = t.raw.slice(start).trim();
  const firstWord = rawText.split(/\s+/u)[0] ?? "";
  const problem: Problem = { code: "unknown_command", raw: firstWord };
  // "新增工业机器人 260台" without a verb: say that 上报 was probably meant.
  if (rawText !== "") {
    const asReport = parseReport(t, start, "report", ctx);
    if (asReport.ok && asReport.command.type === "report" && asReport.command.values.length > 0) problem.suggestion = "report";
  }
  return { ok: false, problems: [problem], partial: { type: "unknown", text: rawText } };
}

/** The yyyymm key of the period a parsed command is about, or null (help, bind …). */
export function commandPeriodKey(command: Command): number | null {
  return "period" in command ? periodKey(command.period) : null;
}
