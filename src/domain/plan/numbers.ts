/**
 * Number helpers for plan text: finding every number in a fragment, reading its
 * unit of measure, and telling target quantities from years, version labels
 * and qualifiers (10亿元以上项目 — the 10亿元 describes the projects, it is not
 * a target).
 *
 * Pure functions over already-normalised text (see `toHalfWidth`).
 */

/** Full-width ASCII (０-９, ，, ：, （, ）, ％ …) and the ideographic space → half-width. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e\u3000]/gu, (ch) =>
    ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

const CN_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const CN_SMALL_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const CN_BIG_UNITS: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/** 三 → 3, 十二 → 12, 三百 → 300, 百亿 → 1e10. NaN when it is not a numeral. */
export function parseChineseNumeral(s: string): number {
  if (s === "") return Number.NaN;
  let total = 0; // completed 万/亿 sections
  let section = 0; // current section below 万
  let digit = -1; // pending digit, -1 = none
  for (const ch of s) {
    if (ch in CN_DIGITS) {
      digit = CN_DIGITS[ch] as number;
    } else if (ch in CN_SMALL_UNITS) {
      // 十 alone means 10, 百亿 means 100亿: a missing digit is 1.
      section += (digit < 0 ? 1 : digit) * (CN_SMALL_UNITS[ch] as number);
      digit = -1;
    } else if (ch in CN_BIG_UNITS) {
      const unit = CN_BIG_UNITS[ch] as number;
      const sec = section + (digit < 0 ? 0 : digit);
      total = (total + (sec === 0 ? 1 : sec)) * unit;
      section = 0;
      digit = -1;
    } else {
      return Number.NaN;
    }
  }
  return total + section + (digit < 0 ? 0 : digit);
}

/** Units of measure as written, longest first so 万元/人 wins over 万元 and 万吨标准煤 over 万吨. */
const MEASURE_UNITS = [
  "万吨标准煤", "吨标准煤", "万平方米", "万元/人", "个百分点", "平方公里", "亿美元", "万美元",
  "平方米", "万千瓦", "亿元", "万元", "万吨", "万亩", "千瓦", "公里", "元", "吨", "亩", "%",
] as const;

/** A per-area or per-head denominator written after an amount: 22万元/亩. */
const PER_SUFFIX = /^\/(?:亩|人|户|平方米|平方公里)/u;

/** Countable things: 2.5万台 means 25000 台 (whereas 万元 is a unit of its own). */
export const COUNT_UNITS = ["家", "项", "个", "台", "套", "所", "座", "条", "人", "名", "户", "件", "次", "期", "批"] as const;

/** What a number is, judged from its own shape and the characters right after it. */
export type NumberRole =
  | "quantity" // a measured amount: 5000家, 2.3%, 1200亿元 — may be a target
  | "year" // 2023年, 2021—2023年
  | "version" // 3.0, 2.0版
  | "qualifier" // 10亿元以上(项目), 3亩(含)以上(的企业), 500强, 百亿级
  | "bare"; // no unit: “125”, “1”即 …

export interface NumberToken {
  /** Span in the scanned text, covering the number, its unit and a 以上/以下 suffix. */
  start: number;
  end: number;
  text: string;
  /** Normalised value: 2.5万台 → 25000, 三分之一 → 33.33, a range → its lower bound. */
  value: number;
  /** Unit of measure ("" when none). */
  unit: string;
  role: NumberRole;
  /** From a 以上/以下/以内 suffix. */
  bound?: "gte" | "lte";
  /** The value is a range (1—2所); `value` is the lower bound. */
  range?: [number, number];
}

// A range is written 1—2, 1-2, 1～2 (~ once half-width) or 1至2.
const ARABIC = /(\d+(?:\.\d+)?)(?:\s*[—–\-~～至]+\s*(\d+(?:\.\d+)?))?/gu;
// 一至两所, 三到五家: a range in Chinese numerals. A lone Chinese numeral is not
// scanned (一批, 一件事, 一局长一项目 are idioms, not amounts); a range is an amount.
const CN_NUMERAL = "[一二两三四五六七八九十百千]+";
const CN_RANGE = new RegExp(`(${CN_NUMERAL})\\s*(?:至|到|—|–|-|~)\\s*(${CN_NUMERAL})`, "gu");
const FRACTION = /([一二两三四五六七八九十百]+)分之([一二两三四五六七八九十百]+)/gu;
// A Chinese magnitude used as a grade: 百亿级, 千亿级 (二级市场 is not a magnitude).
const CN_GRADE = /[一二三四五六七八九十百千万亿]*[百千万亿][一二三四五六七八九十百千万亿]*级/gu;
const BOUND_SUFFIX = /^(?:\(含\))?(?:及)?(以上|以下|以内)/u;
/** Characters that end a phrase: after 100项以上 one of these means the number closes the phrase. */
const PHRASE_END = /^[,，、。;；:：!?！？)）\]】”"'\s]|^$/u;

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Reads the unit right after a number; handles the 万/亿 multiplier of count units. */
function readUnit(rest: string): { unit: string; length: number; multiplier: number } {
  const mult = rest[0] === "万" ? 1e4 : rest[0] === "亿" ? 1e8 : 1;
  if (mult !== 1) {
    const count = COUNT_UNITS.find((u) => rest.startsWith(u, 1));
    if (count) return { unit: count, length: 1 + count.length, multiplier: mult };
  }
  const measure = MEASURE_UNITS.find((u) => rest.startsWith(u));
  if (measure) {
    // 22万元/亩, 3吨/人: the denominator is part of the unit.
    const per = measure.includes("/") ? null : PER_SUFFIX.exec(rest.slice(measure.length));
    const unit = per ? `${measure}${per[0]}` : measure;
    return { unit, length: unit.length, multiplier: 1 };
  }
  const count = COUNT_UNITS.find((u) => rest.startsWith(u));
  if (count) return { unit: count, length: count.length, multiplier: 1 };
  for (const label of ["年", "强", "级", "版"]) {
    if (rest.startsWith(label)) return { unit: label, length: 1, multiplier: 1 };
  }
  return { unit: "", length: 0, multiplier: 1 };
}

function isYear(n: number, raw: string): boolean {
  return /^\d{4}$/u.test(raw) && n >= 1900 && n <= 2199;
}

function classifyArabic(
  rawA: string,
  rawB: string | undefined,
  unit: string,
  boundFollowedBy: string | null,
): NumberRole {
  if (unit === "年") return isYear(Number(rawA), rawA) && (rawB === undefined || isYear(Number(rawB), rawB)) ? "year" : "bare";
  if (unit === "版") return "version";
  if (unit === "强" || unit === "级") return "qualifier";
  // 网上技术市场3.0, “亩均论英雄”3.0: a dotted number with no unit is a version label.
  if (unit === "" && rawA.includes(".")) return "version";
  if (unit === "") return "bare";
  // 10亿元以上制造业项目: a bounded amount that goes on into a noun describes that noun.
  if (boundFollowedBy !== null && !PHRASE_END.test(boundFollowedBy)) return "qualifier";
  return "quantity";
}

function scanArabic(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  for (const m of text.matchAll(ARABIC)) {
    const start = m.index ?? 0;
    // Part of a longer identifier (G20, A1): not a number of the plan.
    if (start > 0 && /[A-Za-z_]/u.test(text[start - 1] as string)) continue;
    const rawA = m[1] as string;
    const rawB = m[2];
    let end = start + m[0].length;
    const { unit, length, multiplier } = readUnit(text.slice(end));
    end += length;
    const bound = BOUND_SUFFIX.exec(text.slice(end));
    let boundFollowedBy: string | null = null;
    if (bound) {
      end += bound[0].length;
      boundFollowedBy = text.slice(end, end + 1);
    }
    // Without 以上/以下 the amount is a quantity even when a noun follows:
    // 每年组织实施500项省级…项目 counts the projects.
    const a = Number(rawA) * multiplier;
    const b = rawB === undefined ? undefined : Number(rawB) * multiplier;
    const token: NumberToken = {
      start,
      end,
      text: text.slice(start, end),
      value: round2(b === undefined ? a : Math.min(a, b)),
      unit,
      role: classifyArabic(rawA, rawB, unit, boundFollowedBy),
    };
    if (bound) token.bound = bound[1] === "以上" ? "gte" : "lte";
    if (b !== undefined) token.range = [round2(Math.min(a, b)), round2(Math.max(a, b))];
    out.push(token);
  }
  return out;
}

function scanFractions(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  for (const m of text.matchAll(FRACTION)) {
    const den = parseChineseNumeral(m[1] as string);
    const num = parseChineseNumeral(m[2] as string);
    if (!(den > 0) || !Number.isFinite(num)) continue;
    const start = m.index ?? 0;
    let end = start + m[0].length;
    const bound = BOUND_SUFFIX.exec(text.slice(end));
    if (bound) end += bound[0].length;
    const token: NumberToken = {
      start,
      end,
      text: text.slice(start, end),
      value: round2((num / den) * 100),
      unit: "%",
      role: "quantity",
    };
    if (bound) token.bound = bound[1] === "以上" ? "gte" : "lte";
    out.push(token);
  }
  return out;
}

function scanGrades(text: string): NumberToken[] {
  return Array.from(text.matchAll(CN_GRADE), (m) => {
    const start = m.index ?? 0;
    return {
      start,
      end: start + m[0].length,
      text: m[0],
      value: parseChineseNumeral(m[0].slice(0, -1)),
      unit: "级",
      role: "qualifier" as const,
    };
  });
}

function scanChineseRanges(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  for (const m of text.matchAll(CN_RANGE)) {
    const a = parseChineseNumeral(m[1] as string);
    const b = parseChineseNumeral(m[2] as string);
    if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) continue;
    const start = m.index ?? 0;
    let end = start + m[0].length;
    const { unit, length, multiplier } = readUnit(text.slice(end));
    // Only an amount of something: 一至两所, 三到五家 (not 十一至十二月, 二至三年).
    const counted = (COUNT_UNITS as readonly string[]).includes(unit) || (MEASURE_UNITS as readonly string[]).includes(unit);
    if (!counted) continue;
    end += length;
    const bound = BOUND_SUFFIX.exec(text.slice(end));
    if (bound) end += bound[0].length;
    const lo = Math.min(a, b) * multiplier;
    const hi = Math.max(a, b) * multiplier;
    const token: NumberToken = { start, end, text: text.slice(start, end), value: round2(lo), unit, role: "quantity", range: [round2(lo), round2(hi)] };
    if (bound) token.bound = bound[1] === "以上" ? "gte" : "lte";
    out.push(token);
  }
  return out;
}

/** Every number in `text`, in reading order. */
export function scanNumbers(text: string): NumberToken[] {
  const all = [...scanArabic(text), ...scanFractions(text), ...scanChineseRanges(text), ...scanGrades(text)];
  all.sort((x, y) => x.start - y.start);
  // Scanners can overlap on odd text (一至三分之一): the earlier token wins, so
  // a number is never reported twice.
  const out: NumberToken[] = [];
  for (const t of all) {
    const last = out[out.length - 1];
    if (last && t.start < last.end) continue;
    out.push(t);
  }
  return out;
}

/** Convenience for callers that have a single amount: "2.5万台" → { value: 25000, unit: "台" }. */
export function parseAmount(s: string): { value: number; unit: string } | null {
  const t = scanNumbers(toHalfWidth(s.trim()))[0];
  return t ? { value: t.value, unit: t.unit } : null;
}

/** Names that measure an amount per 亩 or per person: 亩均税收, 人均增加值, 全员劳动生产率. */
const PER_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/亩均/u, "亩"],
  [/人均|劳动生产率/u, "人"],
  [/户均/u, "户"],
];

/**
 * 规上工业亩均税收22万元 is 22万元 per 亩: the name carries the denominator the
 * amount leaves out, and the unit keeps it (万元/亩), so the figure is never
 * taken for a total. Only amounts of money, mass or power take one; a unit that
 * already has a denominator, a percentage or a count is left as it is.
 */
export function withDenominator(unit: string, name: string): string {
  if (unit.includes("/") || !/元|吨|千瓦/u.test(unit)) return unit;
  const per = PER_NAMES.find(([re]) => re.test(name));
  return per ? `${unit}/${per[1]}` : unit;
}
