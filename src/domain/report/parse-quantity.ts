/**
 * Reported values: reading "3.5亿元", "1,200家", "两万台", "55%", "百分之五十五"
 * and converting them into the indicator's own unit.
 *
 * A unit is read as an optional magnitude (百/千/万/亿) times a base (元, 美元,
 * 吨, %, or a measure word like 台). Conversion is then arithmetic:
 * 3.5亿元 = 3.5×1e8 元; a 万元 indicator is 1e4 元; so 35000.
 *
 * Decisions:
 * - A bare number is fine for a count indicator (家/项/个/台 …): 260 can only
 *   mean 260 of them. For money, %, tonnes and per-head figures a unit is
 *   required: "3.5" for an 亿元 indicator may have been meant as 万元, and a
 *   wrong guess would be stored silently (missing_unit).
 * - A bare magnitude takes the indicator's base: "3.5亿" for a 万元 indicator
 *   is 3.5亿元, "1.2万" for a 台 indicator is 12000台, "2.5亿" for 亿美元 is
 *   2.5亿美元 (the user gave the size, the indicator gives the currency).
 * - 个 is the general measure word and is accepted for any count indicator;
 *   another measure word must match (台 for a 家 indicator is wrong_unit: it
 *   usually means the wrong indicator was named).
 * - 标准煤 is optional for tonnes (万吨 for a 万吨标准煤 indicator), and the
 *   per-head part may be left out (22万元 for 万元/人).
 * - Negative values are bad_number, except for growth and reduction rates,
 *   which can honestly be negative (output fell; energy use rose).
 */
import { COUNT_UNITS, parseChineseNumeral, toHalfWidth } from "../plan/numbers.js";
import { toSimplified } from "../plan/script.js";
import type { IndicatorRef } from "./types.js";

// ---------------------------------------------------------------------------
// Numbers

const ARABIC_PLAIN = /^\d+(?:\.\d+)?$/u;
const ARABIC_THOUSANDS = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/u;
const CN_DIGIT: Record<string, string> = {
  零: "0", 〇: "0", 一: "1", 二: "2", 两: "2", 三: "3", 四: "4", 五: "5", 六: "6", 七: "7", 八: "8", 九: "9",
};

/**
 * "1,200" → 1200, "3.5" → 3.5, "三千" → 3000, "两万" → 20000, "三点五" → 3.5,
 * "三点五亿" → 3.5e8. NaN for anything else ("1.2.3", "1,2", "", "abc").
 */
export function parseNumber(s: string): number {
  if (ARABIC_PLAIN.test(s)) return Number(s);
  if (ARABIC_THOUSANDS.test(s)) return Number(s.replace(/,/gu, ""));
  const dot = /^([零〇一二两三四五六七八九十百千万亿]*)点([零〇一二两三四五六七八九]+)([十百千万亿]*)$/u.exec(s);
  if (dot) {
    const whole = dot[1] === "" ? 0 : parseChineseNumeral(dot[1] as string);
    const frac = Number(`0.${Array.from(dot[2] as string, (c) => CN_DIGIT[c]).join("")}`);
    const mag = dot[3] === "" ? 1 : parseChineseNumeral(dot[3] as string);
    return (whole + frac) * mag;
  }
  if (/^[零〇一二两三四五六七八九十百千万亿]+$/u.test(s)) return parseChineseNumeral(s);
  return Number.NaN;
}

// ---------------------------------------------------------------------------
// Units

const MAGNITUDE: Record<string, number> = { 百: 100, 千: 1e3, 万: 1e4, 亿: 1e8 };

/** Base units, longest first so 元/人 wins over 元 and 个百分点 over 个. */
const BASE_UNITS = [
  "吨标准煤", "个百分点", "百分点", "元/人", "元/亩", "元/户", "美元", "标准煤", "元", "吨", "%", ...COUNT_UNITS,
].sort((a, b) => b.length - a.length);

const COUNT_SET: ReadonlySet<string> = new Set(COUNT_UNITS);

/** What a unit measures, and how many base units one of it is. */
export interface UnitSpec {
  /** "none" (bare number or bare magnitude), "count", "cny", "usd", "t", "%", or "other:<text>"; "/人" appended for per-head units. */
  dim: string;
  factor: number;
  /** For counts: the measure word (台, 家 …). */
  word?: string;
}

function baseSpec(base: string): Omit<UnitSpec, "factor"> & { factor: number } {
  if (base === "") return { dim: "none", factor: 1 };
  const slash = base.indexOf("/");
  if (slash > 0) {
    const head = baseSpec(base.slice(0, slash));
    return { ...head, dim: `${head.dim}/${base.slice(slash + 1)}` };
  }
  if (base === "元") return { dim: "cny", factor: 1 };
  if (base === "美元") return { dim: "usd", factor: 1 };
  if (base === "吨" || base === "吨标准煤" || base === "标准煤") return { dim: "t", factor: 1 };
  if (base === "%" || base === "个百分点" || base === "百分点") return { dim: "%", factor: 1 };
  if (COUNT_SET.has(base)) return { dim: "count", factor: 1, word: base };
  return { dim: `other:${base}`, factor: 1 };
}

/** "亿元" → cny×1e8, "万吨标准煤" → t×1e4, "1.2万台"'s "万台" → count×1e4, "" → none×1. */
export function unitSpec(unit: string): UnitSpec {
  let i = 0;
  let factor = 1;
  // A magnitude is a prefix only if something follows or the unit is only a
  // magnitude; 百分点 starts with 百 but is a base of its own.
  while (i < unit.length && MAGNITUDE[unit[i] as string] !== undefined && !BASE_UNITS.includes(unit.slice(i))) {
    factor *= MAGNITUDE[unit[i] as string] as number;
    i++;
  }
  const base = baseSpec(unit.slice(i));
  return { ...base, factor: factor * base.factor };
}

// ---------------------------------------------------------------------------
// Scanning a quantity in text

/** A number and its unit as found in (normalised) text. */
export interface QuantityToken {
  start: number;
  end: number;
  /** The text of the whole token. */
  raw: string;
  /** The number as typed ("1,200", "三千"), without sign or unit. */
  numberText: string;
  negative: boolean;
  /** The unit as typed, "" when none: "亿元", "万台", "%". */
  unit: string;
  /** NaN when the number does not parse ("1.2.3"). */
  number: number;
}

const UNIT_RE = new RegExp(`[百千万亿]{0,3}(?:${BASE_UNITS.map(escapeRe).join("|")})|[百千万亿]{1,3}`, "uy");
const SIGN_ARABIC = /([-+−]?)[ \t]*(\d[\d,.]*(?:e[+-]?\d+)?)/uy;
const SIGN_CHINESE = /([-+−负]?)([零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿点]*)/uy;
const PERCENT_CN = /百分之([零〇一二两三四五六七八九十百点]+|\d+(?:\.\d+)?)/uy;
/** After a number, these make it part of a name (10亿元以上项目, 5G, 三星级) or a date, not a value. */
const NOT_A_VALUE_AFTER = /^(?:以上|以下|以内|及以上|级|强|年|月|日|号|星)/u;
/** A letter glued to a unitless number makes it an identifier (5G, 3D). */
const LETTER = /^[a-z]/u;
/** Where a quantity may end: a separator, an assignment sign, or the end. */
const BOUNDARY = /^(?:[\s,，、;；:：=。.!！?？)）]|$)/u;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/gu, "\\$&");
}

function readUnit(text: string, pos: number): string {
  UNIT_RE.lastIndex = pos;
  return UNIT_RE.exec(text)?.[0] ?? "";
}

function token(text: string, start: number, end: number, numberText: string, negative: boolean, unit: string): QuantityToken {
  return { start, end, raw: text.slice(start, end), numberText, negative, unit, number: parseNumber(numberText) };
}

/**
 * A quantity starting exactly at `pos` of normalised text (Simplified,
 * half-width, lower-case), or null when there is none or the number belongs to
 * a name ("10亿元以上项目", "5G", "三星级").
 */
export function quantityAt(text: string, pos: number): QuantityToken | null {
  PERCENT_CN.lastIndex = pos;
  const pc = PERCENT_CN.exec(text);
  if (pc) {
    const end = pos + pc[0].length;
    return token(text, pos, end, pc[1] as string, false, "%");
  }

  SIGN_ARABIC.lastIndex = pos;
  const ar = SIGN_ARABIC.exec(text);
  if (ar) {
    // A trailing dot or comma is punctuation ("260，" arrives as "260,"), not part of the number.
    let numberText = ar[2] as string;
    while (/[.,]$/u.test(numberText)) numberText = numberText.slice(0, -1);
    const numberEnd = pos + ar[0].length - ((ar[2] as string).length - numberText.length);
    if (LETTER.test(text.slice(numberEnd, numberEnd + 1))) return null;
    let end = numberEnd;
    while (text[end] === " ") end++;
    const unit = readUnit(text, end);
    const after = end + unit.length;
    if (NOT_A_VALUE_AFTER.test(text.slice(after, after + 3))) return null;
    const tokenEnd = unit === "" ? numberEnd : after;
    return token(text, pos, tokenEnd, numberText, (ar[1] as string) !== "" && ar[1] !== "+", unit);
  }

  SIGN_CHINESE.lastIndex = pos;
  const cn = SIGN_CHINESE.exec(text);
  if (cn) {
    let end = pos + cn[0].length;
    while (text[end] === " ") end++;
    const unit = readUnit(text, end);
    const after = end + unit.length;
    // Chinese numerals are also ordinary characters (一站式, 三星级, 千亿技术):
    // only a numeral closed by a unit or a boundary is a value.
    if (unit === "" && !BOUNDARY.test(text.slice(after, after + 1))) return null;
    if (NOT_A_VALUE_AFTER.test(text.slice(after, after + 3))) return null;
    const tokenEnd = unit === "" ? pos + cn[0].length : after;
    return token(text, pos, tokenEnd, cn[2] as string, (cn[1] as string) !== "" && cn[1] !== "+", unit);
  }
  return null;
}

// ---------------------------------------------------------------------------
// Conversion

export type ConversionResult =
  | { ok: true; value: number }
  | { ok: false; code: "missing_unit"; expectedUnit: string }
  | { ok: false; code: "wrong_unit"; expectedUnit: string; givenUnit: string }
  | { ok: false; code: "bad_number" };

/** Kinds whose figures may be negative (a rate can fall). */
const SIGNED_KINDS: ReadonlySet<IndicatorRef["kind"]> = new Set(["growth", "reduction"]);

/** 12 significant digits: 3.5×1e8/1e4 must be 35000, not 35000.00000000001. */
function tidy(n: number): number {
  return Number(n.toPrecision(12));
}

/** Converts a number with the unit the user gave into `indicator`'s unit. */
export function convertQuantity(
  q: { number: number; negative: boolean; unit: string },
  indicator: Pick<IndicatorRef, "unit" | "kind">,
): ConversionResult {
  if (!Number.isFinite(q.number) || q.number < 0) return { ok: false, code: "bad_number" };
  if (q.negative && !SIGNED_KINDS.has(indicator.kind)) return { ok: false, code: "bad_number" };
  const sign = q.negative ? -1 : 1;
  const expected = unitSpec(normaliseUnit(indicator.unit));
  const given = unitSpec(q.unit);
  const wrong = { ok: false as const, code: "wrong_unit" as const, expectedUnit: indicator.unit, givenUnit: q.unit };
  const convert = (): ConversionResult => {
    const value = tidy((sign * q.number * given.factor) / expected.factor);
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, code: "bad_number" };
  };

  if (given.dim === "none") {
    if (given.factor === 1) {
      return expected.dim === "count" ? convert() : { ok: false, code: "missing_unit", expectedUnit: indicator.unit };
    }
    // A bare magnitude (3.5亿, 1.2万): meaningful for amounts and counts, not for a percentage.
    return expected.dim === "%" ? wrong : convert();
  }
  if (given.dim === "count") {
    if (expected.dim !== "count") return wrong;
    return given.word === expected.word || given.word === "个" ? convert() : wrong;
  }
  // 22万元 for a 万元/人 indicator: the per-head part is implied.
  const expectedHead = expected.dim.split("/")[0];
  if (given.dim === expected.dim || (!given.dim.includes("/") && given.dim === expectedHead)) return convert();
  return wrong;
}

/** Simplified, half-width, no spaces: how units are compared. */
export function normaliseUnit(unit: string): string {
  return toSimplified(toHalfWidth(unit)).replace(/\s+/gu, "").replace(/％/gu, "%").toLowerCase();
}

/**
 * A whole string as a quantity for `indicator` ("3.5亿元", "１２０家", "55%"):
 * for card inputs and other places where the value arrives on its own.
 */
export function parseQuantity(raw: string, indicator: Pick<IndicatorRef, "unit" | "kind">): ConversionResult {
  const text = normaliseUnit(raw);
  if (text === "") return { ok: false, code: "bad_number" };
  const q = quantityAt(text, 0);
  if (!q || q.end !== text.length) return { ok: false, code: "bad_number" };
  return convertQuantity(q, indicator);
}
