import { bundledAdvance } from "./fonts/bundled-font.js";

/**
 * Layout needs text widths before anything is rendered, and resvg does not
 * measure: so read each character's advance from the font the chart is drawn
 * with. Guessing by script was wrong both ways in this face: digits are
 * 0.555 em but “ ” … · and — are a full em and % is 0.92. No kerning is
 * applied (it only tightens Latin pairs), so the width errs towards air.
 * A character the font lacks is drawn from some other font or as a box:
 * count it a full em when wide, else 0.6 em.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    ems += bundledAdvance(code) ?? (isWide(code) ? 1 : 0.6);
  }
  return ems * fontSize;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0x9fff) || // CJK radicals, punctuation, kana, ideographs
    (code >= 0xac00 && code <= 0xd7af) || // Hangul
    (code >= 0xf900 && code <= 0xfaff) || // compatibility ideographs
    (code >= 0xff00 && code <= 0xff60) || // full-width forms
    code >= 0x20000 // supplementary ideographs
  );
}

/** A line may end after these … */
const BREAK_AFTER = [" ", "、", "，", "。", "；", "：", "）", ")", "》", "”", "】"];
/** … or before these, so "(2021—2023年)" stays whole instead of splitting after "(2". */
const BREAK_BEFORE = ["（", "(", "《", "“", "【"];

/**
 * Greedy wrap by characters, since Chinese has no spaces; but when a space or
 * a punctuation mark sits near the end of a full line, break there, so
 * "…攻坚行动 2026年…" does not split a word like "部门" across lines.
 */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const ch of text) {
    if (line !== "" && estimateTextWidth(line + ch, fontSize) > maxWidth) {
      const chars = Array.from(line);
      // Where the next line would start.
      const at = Math.max(...BREAK_AFTER.map((p) => chars.lastIndexOf(p) + 1), ...BREAK_BEFORE.map((p) => chars.lastIndexOf(p)));
      const soft = at > 0 && at >= chars.length - 7 ? at : chars.length;
      lines.push(chars.slice(0, soft).join("").trimEnd());
      line = (chars.slice(soft).join("") + ch).trimStart();
    } else line += ch;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** Cut to fit, marking the cut with an ellipsis. */
export function truncateText(text: string, fontSize: number, maxWidth: number): string {
  if (estimateTextWidth(text, fontSize) <= maxWidth) return text;
  let out = "";
  for (const ch of text) {
    if (estimateTextWidth(out + ch + "…", fontSize) > maxWidth) break;
    out += ch;
  }
  return out + "…";
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
