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

/**
 * Unit and indicator names are short and repeat constantly; a conversion costs
 * far more than a map lookup. Only short strings are cached, and the cache is
 * bounded so a long-running bot cannot grow it without limit.
 */
const MEMO_MAX_LENGTH = 64;
const MEMO_LIMIT = 5000;

function memoised(convert: () => Convert): Convert {
  const memo = new Map<string, string>();
  return (s) => {
    if (s.length > MEMO_MAX_LENGTH) return convert()(s);
    let out = memo.get(s);
    if (out === undefined) {
      out = convert()(s);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(s, out);
    }
    return out;
  };
}

const simplify = memoised(() => {
  // "tw" understands both Taiwan forms (臺, 為) and OpenCC standard forms (爲).
  t2s ??= OpenCC.Converter({ from: "tw", to: "cn" });
  return t2s;
});

const traditionalise = memoised(() => {
  s2t ??= OpenCC.Converter({ from: "cn", to: "tw" });
  return (s: string) => {
    let out = (s2t as Convert)(s);
    for (const [wrong, right] of TRADITIONAL_FIXES) out = out.split(wrong).join(right);
    return out;
  };
});

/** Traditional (any variant: OpenCC standard, Taiwan, Hong Kong) → Simplified (Mainland). */
export function toSimplified(s: string): string {
  return s === "" ? s : simplify(s);
}

/** Simplified → Traditional (Taiwan forms, which the bundled zh-Hant document uses: 為, 臺). */
export function toTraditional(s: string): string {
  return s === "" ? s : traditionalise(s);
}

function isCjk(code: number): boolean {
  return (code >= 0x3400 && code <= 0x9fff) || (code >= 0xf900 && code <= 0xfaff);
}

/**
 * Which script a text is in: "hant" when converting it to Simplified changes a
 * noticeable share of its CJK characters. A stray Traditional character in a
 * Simplified document (a pasted unit name) does not make it "hant".
 */
export function detectScript(original: string, simplified: string = toSimplified(original)): "hans" | "hant" {
  // OpenCC conversions are character-for-character for CJK text (all in the
  // BMP ranges below), so UTF-16 positions line up; a length difference, if
  // any, counts as changes.
  let cjk = 0;
  let changed = Math.abs(original.length - simplified.length);
  const n = Math.min(original.length, simplified.length);
  for (let i = 0; i < n; i++) {
    const c = original.charCodeAt(i);
    if (!isCjk(c)) continue;
    cjk++;
    if (c !== simplified.charCodeAt(i)) changed++;
  }
  if (cjk === 0) return "hans";
  return changed >= 3 && changed / cjk >= 0.01 ? "hant" : "hans";
}
