/**
 * Finding the indicator a liaison means: by code (T18-2, t18-2), by exact name
 * or alias, or by a unique fragment of one, in either script and whatever the
 * spacing; and, for a near miss, the closest names to offer ("did you mean").
 *
 * All comparisons run on a normalised key (Simplified, half-width, lower case,
 * without spaces, brackets, quotes or 、) so "新增首台(套)装备", "新增首臺套裝備"
 * and "新增 首台套 装备" are the same name.
 */
import { toHalfWidth } from "../plan/numbers.js";
import { toSimplified } from "../plan/script.js";
import type { IndicatorRef } from "./types.js";

/** Characters that never distinguish two names. */
const IGNORABLE = /[\s()（）〔〕[\]【】<>《》"“”'‘’·・、_]/u;
const IGNORABLE_ALL = new RegExp(IGNORABLE.source, "gu");

/** The key names are compared on. */
export function normaliseName(s: string): string {
  return toSimplified(toHalfWidth(s)).toLowerCase().replace(IGNORABLE_ALL, "");
}

/** An indicator code as typed: one to three letters, a number, an optional -number (T18-2, G5, M2-1). */
export const CODE_SHAPE = /^[a-z]{1,3}\d{1,3}(?:-\d{1,3})?$/u;

export type IndicatorMatch =
  | { kind: "found"; indicator: IndicatorRef; via: "code" | "name" | "alias" | "substring" }
  | { kind: "ambiguous"; candidates: IndicatorRef[] }
  | { kind: "none"; suggestions: IndicatorRef[] };

interface NameKey {
  key: string;
  indicator: IndicatorRef;
  via: "name" | "alias";
}

/** Lookup tables for one list of indicators, built once per list. */
export interface IndicatorIndex {
  indicators: readonly IndicatorRef[];
  byCode: Map<string, IndicatorRef>;
  /** Every name and alias key, longest first (so the longest name wins in a scan). */
  keys: NameKey[];
  byKey: Map<string, NameKey[]>;
}

const cache = new WeakMap<readonly IndicatorRef[], IndicatorIndex>();

/** Builds (or reuses, for the same array) the lookup tables. */
export function indexIndicators(indicators: readonly IndicatorRef[]): IndicatorIndex {
  const hit = cache.get(indicators);
  if (hit) return hit;
  const byCode = new Map<string, IndicatorRef>();
  const keys: NameKey[] = [];
  const byKey = new Map<string, NameKey[]>();
  for (const indicator of indicators) {
    byCode.set(normaliseName(indicator.code), indicator);
    const names: Array<[string, "name" | "alias"]> = [[indicator.name, "name"], ...indicator.aliases.map((a) => [a, "alias"] as [string, "alias"])];
    for (const [name, via] of names) {
      const key = normaliseName(name);
      // One-character keys would match inside any word.
      if (key.length < 2) continue;
      const list = byKey.get(key) ?? [];
      if (list.some((k) => k.indicator === indicator)) continue;
      const entry = { key, indicator, via };
      list.push(entry);
      byKey.set(key, list);
      keys.push(entry);
    }
  }
  keys.sort((a, b) => b.key.length - a.key.length);
  const index = { indicators, byCode, keys, byKey };
  cache.set(indicators, index);
  return index;
}

function toIndex(x: readonly IndicatorRef[] | IndicatorIndex): IndicatorIndex {
  return Array.isArray(x) ? indexIndicators(x as readonly IndicatorRef[]) : (x as IndicatorIndex);
}

function unique(list: readonly IndicatorRef[]): IndicatorRef[] {
  return [...new Set(list)];
}

// ---------------------------------------------------------------------------
// Similarity

function bigrams(s: string): string[] {
  const chars = Array.from(s);
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push((chars[i] as string) + (chars[i + 1] as string));
  return out;
}

/**
 * Sørensen–Dice coefficient over character bigrams, 0..1. Suits Chinese names:
 * a bigram is roughly a word, and word order slips (工业机器人新增) still share
 * most bigrams.
 */
export function diceSimilarity(a: string, b: string): number {
  if (a === b) return a === "" ? 0 : 1;
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.length === 0 || y.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const g of x) counts.set(g, (counts.get(g) ?? 0) + 1);
  let shared = 0;
  for (const g of y) {
    const c = counts.get(g) ?? 0;
    if (c > 0) {
      shared++;
      counts.set(g, c - 1);
    }
  }
  return (2 * shared) / (x.length + y.length);
}

/** Levenshtein distance, for codes (T18-5 vs T18-3), where bigrams are too coarse. */
export function editDistance(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = cur;
  }
  return prev[t.length] as number;
}

/** Below this a name is not offered: random text should get no suggestions. */
const MIN_SIMILARITY = 0.25;
/** Cap on the key length compared, so a 10 KB fragment costs no more than a name. */
const MAX_COMPARE = 40;

/** How close `key` is to an indicator: the best of its name and aliases. */
function scoreIndicator(key: string, indicator: IndicatorRef): number {
  let best = 0;
  for (const name of [indicator.name, ...indicator.aliases]) {
    best = Math.max(best, diceSimilarity(key, normaliseName(name)));
  }
  return best;
}

/** Up to `limit` indicators closest to `text`, best first; empty when none is close. */
export function suggestIndicators(text: string, indicators: readonly IndicatorRef[] | IndicatorIndex, limit = 3): IndicatorRef[] {
  const index = toIndex(indicators);
  const key = normaliseName(text).slice(0, MAX_COMPARE);
  if (key === "") return [];
  if (CODE_SHAPE.test(key)) {
    // A code typo: nearest codes by edit distance (T18-5 → T18-1, T18-2, T18-3).
    return index.indicators
      .map((indicator) => ({ indicator, d: editDistance(key, normaliseName(indicator.code)) }))
      .filter((x) => x.d <= 2)
      .sort((a, b) => a.d - b.d || a.indicator.code.localeCompare(b.indicator.code))
      .slice(0, limit)
      .map((x) => x.indicator);
  }
  return rankBySimilarity(key, index.indicators)
    .filter((x) => x.score >= MIN_SIMILARITY)
    .slice(0, limit)
    .map((x) => x.indicator);
}

function rankBySimilarity(key: string, indicators: readonly IndicatorRef[]): Array<{ indicator: IndicatorRef; score: number }> {
  return indicators
    .map((indicator, order) => ({ indicator, score: scoreIndicator(key, indicator), order }))
    .sort((a, b) => b.score - a.score || a.order - b.order);
}

// ---------------------------------------------------------------------------
// Matching a fragment

/** Candidates listed for an ambiguous fragment. */
const MAX_CANDIDATES = 5;

/**
 * Which indicator `text` names. Order: code, exact name, alias, unique
 * substring of a name or alias; several substrings → ambiguous; nothing →
 * suggestions.
 */
export function matchIndicator(text: string, indicators: readonly IndicatorRef[] | IndicatorIndex): IndicatorMatch {
  const index = toIndex(indicators);
  const key = normaliseName(text);
  if (key === "") return { kind: "none", suggestions: [] };

  const byCode = index.byCode.get(key);
  if (byCode) return { kind: "found", indicator: byCode, via: "code" };

  const exact = index.byKey.get(key);
  if (exact && exact.length > 0) {
    const found = unique(exact.map((e) => e.indicator));
    if (found.length === 1) {
      const first = exact[0] as NameKey;
      return { kind: "found", indicator: first.indicator, via: first.via };
    }
    return { kind: "ambiguous", candidates: found.slice(0, MAX_CANDIDATES) };
  }

  if (key.length >= 2 && !CODE_SHAPE.test(key)) {
    const containing = unique(index.keys.filter((k) => k.key.includes(key)).map((k) => k.indicator));
    if (containing.length === 1) return { kind: "found", indicator: containing[0] as IndicatorRef, via: "substring" };
    if (containing.length > 1) {
      const ranked = rankBySimilarity(key, containing).map((x) => x.indicator);
      return { kind: "ambiguous", candidates: ranked.slice(0, MAX_CANDIDATES) };
    }
  }
  return { kind: "none", suggestions: suggestIndicators(text, index) };
}

// ---------------------------------------------------------------------------
// Finding names inside a longer text

/** An exact mention of an indicator (or of something shaped like a code) in a text. */
export interface Mention {
  start: number;
  end: number;
  /** For a code-shaped token that is no known code: `none` with code suggestions. */
  match: IndicatorMatch;
}

const CODE_IN_TEXT = /(?<![a-z0-9])[a-z]{1,3}\d{1,3}(?:-\d{1,3})?(?![\d])/gu;

/**
 * Every code and every exact name or alias in `text` (normalised: Simplified,
 * half-width, lower case), longest first, non-overlapping, in reading order.
 *
 * Names are found even when typed with spaces inside ("新增 工业机器人"), by
 * searching a compacted copy and mapping positions back. Finding them before
 * reading numbers is what keeps the 10 in "招引落地10亿元以上制造业项目" part
 * of the name.
 */
export function findMentions(text: string, indicators: readonly IndicatorRef[] | IndicatorIndex): Mention[] {
  const index = toIndex(indicators);
  const taken = new Uint8Array(text.length);
  const out: Mention[] = [];

  for (const m of text.matchAll(CODE_IN_TEXT)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const indicator = index.byCode.get(m[0]);
    const match: IndicatorMatch = indicator
      ? { kind: "found", indicator, via: "code" }
      : { kind: "none", suggestions: suggestIndicators(m[0], index) };
    out.push({ start, end, match });
    taken.fill(1, start, end);
  }

  // The compacted copy: ignorable characters dropped, positions remembered.
  let compact = "";
  const pos: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (IGNORABLE.test(ch)) continue;
    compact += ch;
    pos.push(i);
  }

  const free = (s: number, e: number): boolean => {
    for (let i = s; i < e; i++) if (taken[i]) return false;
    return true;
  };
  for (const { key } of index.keys) {
    let from = 0;
    for (;;) {
      const at = compact.indexOf(key, from);
      if (at < 0) break;
      from = at + 1;
      const start = pos[at] as number;
      const end = (pos[at + key.length - 1] as number) + 1;
      if (!free(start, end)) continue;
      const entries = index.byKey.get(key) ?? [];
      const found = unique(entries.map((e) => e.indicator));
      const first = entries[0] as NameKey;
      const match: IndicatorMatch =
        found.length === 1 ? { kind: "found", indicator: first.indicator, via: first.via } : { kind: "ambiguous", candidates: found };
      out.push({ start, end, match });
      taken.fill(1, start, end);
      from = at + key.length;
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
