/**
 * Traditional ↔ Simplified conversion for plan documents and unit names.
 *
 * Officials type Simplified; documents sometimes arrive in Traditional. All
 * matching happens on Simplified text, Traditional forms only feed aliases.
 * Converters are built lazily (dictionary load ≈ 15 ms) and then reused.
 */
import * as OpenCC from "opencc-js";

type Convert = (text: string) => string;

let t2s: Convert | undefined;
let s2t: Convert | undefined;

/**
 * Place names where OpenCC's phrase dictionary picks a form the city does not
 * use (it writes 兰溪 → 蘭谿; the city and its documents write 蘭溪).
 */
const TRADITIONAL_FIXES: ReadonlyArray<readonly [string, string]> = [["蘭谿", "蘭溪"]];

/** Traditional (any variant: OpenCC standard, Taiwan, Hong Kong) → Simplified (Mainland). */
export function toSimplified(s: string): string {
  if (s === "") return s;
  // "tw" understands both Taiwan forms (臺, 為) and OpenCC standard forms (爲).
  t2s ??= OpenCC.Converter({ from: "tw", to: "cn" });
  return t2s(s);
}

/** Simplified → Traditional (Taiwan forms, which the bundled zh-Hant document uses: 為, 臺). */
export function toTraditional(s: string): string {
  if (s === "") return s;
  s2t ??= OpenCC.Converter({ from: "cn", to: "tw" });
  let out = s2t(s);
  for (const [wrong, right] of TRADITIONAL_FIXES) out = out.split(wrong).join(right);
  return out;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

/**
 * Which script a text is in: "hant" when converting it to Simplified changes a
 * noticeable share of its CJK characters. A stray Traditional character in a
 * Simplified document (a pasted unit name) does not make it "hant".
 */
export function detectScript(original: string, simplified: string = toSimplified(original)): "hans" | "hant" {
  const a = Array.from(original);
  const b = Array.from(simplified);
  let cjk = 0;
  let changed = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ch = a[i] as string;
    if (!CJK.test(ch)) continue;
    cjk++;
    if (ch !== b[i]) changed++;
  }
  // OpenCC conversions are character-for-character for CJK text; if lengths
  // differ anyway, count the difference as changes.
  changed += Math.abs(a.length - b.length);
  if (cjk === 0) return "hans";
  return changed >= 3 && changed / cjk >= 0.01 ? "hant" : "hans";
}
