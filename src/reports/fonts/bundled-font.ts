import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The chart's font ships with the code (a GB 2312 subset of Noto Sans CJK SC,
 * OFL 1.1, see OFL.txt and make-subset.py) so rendering never depends on what a
 * server, a laptop or CI has installed: an air-gapped intranet box renders the
 * same pixels as CI.
 */
export const BUNDLED_FONT_FILE = fileURLToPath(new URL("./NotoSansSC-Regular-GB2312.otf", import.meta.url));
export const BUNDLED_FONT_FAMILY = "Noto Sans CJK SC";

let coverage: ReadonlySet<number> | undefined;

/** Code points the bundled font has a glyph for (read once from its cmap). */
export function bundledCoverage(): ReadonlySet<number> {
  coverage ??= readCmapCoverage(readFileSync(BUNDLED_FONT_FILE));
  return coverage;
}

/**
 * Reads which code points an OpenType font maps to a real glyph. Only the two
 * Unicode cmap formats that matter (4: BMP segments, 12: full range groups);
 * enough to warn about a unit name the subset cannot draw, without pulling in
 * a font library.
 */
export function readCmapCoverage(font: Buffer): Set<number> {
  const tables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < tables; i++) {
    const record = 12 + i * 16;
    if (font.toString("latin1", record, record + 4) === "cmap") cmap = font.readUInt32BE(record + 8);
  }
  if (cmap < 0) throw new Error("font has no cmap table");
  const found = new Set<number>();
  const subtables = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const record = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const at = cmap + font.readUInt32BE(record + 4);
    const format = font.readUInt16BE(at);
    if (format === 4) readFormat4(font, at, found);
    else if (format === 12) readFormat12(font, at, found);
  }
  return found;
}

function readFormat4(font: Buffer, at: number, found: Set<number>): void {
  const segments = font.readUInt16BE(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let s = 0; s < segments; s++) {
    const start = font.readUInt16BE(starts + s * 2);
    const end = font.readUInt16BE(ends + s * 2);
    const delta = font.readUInt16BE(deltas + s * 2);
    const rangeOffsetAt = rangeOffsets + s * 2;
    const rangeOffset = font.readUInt16BE(rangeOffsetAt);
    for (let code = start; code <= end && code !== 0xffff; code++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (code + delta) & 0xffff;
      else {
        glyph = font.readUInt16BE(rangeOffsetAt + rangeOffset + (code - start) * 2);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) found.add(code);
    }
  }
}

function readFormat12(font: Buffer, at: number, found: Set<number>): void {
  const groups = font.readUInt32BE(at + 12);
  for (let g = 0; g < groups; g++) {
    const group = at + 16 + g * 12;
    const start = font.readUInt32BE(group);
    const end = font.readUInt32BE(group + 4);
    const firstGlyph = font.readUInt32BE(group + 8);
    for (let code = start; code <= end; code++) if (firstGlyph + (code - start) !== 0) found.add(code);
  }
}
