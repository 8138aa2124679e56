/**
 * Layout needs text widths before anything is rendered. resvg does not measure,
 * so estimate from the font's design: Noto Sans CJK draws ideographs and
 * full-width forms one em wide and Latin, digits and ASCII punctuation at
 * roughly 0.55 em. Generous on purpose: overestimating only leaves air.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const ch of text) ems += isWide(ch.codePointAt(0)!) ? 1 : 0.58;
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

/**
 * Greedy wrap by characters, since Chinese has no spaces; but when a space or a
 * closing punctuation mark sits near the end of a full line, break there, so
 * "…攻坚行动 2026年…" does not split a word like "部门" across lines.
 */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const ch of text) {
    if (line !== "" && estimateTextWidth(line + ch, fontSize) > maxWidth) {
      const chars = Array.from(line);
      const at = Math.max(...[" ", "、", "，", "）", "》", "："].map((p) => chars.lastIndexOf(p)));
      const soft = at >= chars.length - 8 && at > 0 ? at + 1 : chars.length;
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
