/** What layout needs from a font: which characters it draws, and how wide. */
export interface FontMetrics {
  unitsPerEm: number;
  /** Code point → glyph id, for every code point the font maps to a real glyph (not .notdef). */
  glyphs: Map<number, number>;
  /** Horizontal advance of each glyph id, in font units (hmtx, with its short-form tail). */
  advances: Uint16Array;
}

/**
 * Reads the cmap, head, hhea and hmtx tables of an OpenType/TrueType font.
 * Only the two Unicode cmap formats that matter (4: BMP segments, 12: full
 * range groups); enough to measure text and to warn about a character the font
 * cannot draw, without a font library at run time.
 */
export function readFontMetrics(font: Buffer): FontMetrics {
  const tables = tableOffsets(font);
  const head = need(tables, "head");
  const hhea = need(tables, "hhea");
  const maxp = need(tables, "maxp");
  const unitsPerEm = font.readUInt16BE(head + 18);
  const glyphCount = font.readUInt16BE(maxp + 4);
  const longMetrics = font.readUInt16BE(hhea + 34);
  const hmtx = need(tables, "hmtx");
  const advances = new Uint16Array(glyphCount);
  let last = 0;
  for (let g = 0; g < glyphCount; g++) {
    // Glyphs past numberOfHMetrics repeat the last advance (monospaced tails).
    if (g < longMetrics) last = font.readUInt16BE(hmtx + g * 4);
    advances[g] = last;
  }
  return { unitsPerEm, glyphs: readCmap(font, need(tables, "cmap")), advances };
}

function tableOffsets(font: Buffer): Map<string, number> {
  const count = font.readUInt16BE(4);
  const offsets = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const record = 12 + i * 16;
    offsets.set(font.toString("latin1", record, record + 4), font.readUInt32BE(record + 8));
  }
  return offsets;
}

function need(tables: Map<string, number>, tag: string): number {
  const at = tables.get(tag);
  if (at === undefined) throw new Error(`font has no ${tag} table`);
  return at;
}

function readCmap(font: Buffer, cmap: number): Map<number, number> {
  const found = new Map<number, number>();
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

function readFormat4(font: Buffer, at: number, found: Map<number, number>): void {
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
      if (glyph !== 0) found.set(code, glyph);
    }
  }
}

function readFormat12(font: Buffer, at: number, found: Map<number, number>): void {
  const groups = font.readUInt32BE(at + 12);
  for (let g = 0; g < groups; g++) {
    const group = at + 16 + g * 12;
    const start = font.readUInt32BE(group);
    const end = font.readUInt32BE(group + 4);
    const firstGlyph = font.readUInt32BE(group + 8);
    for (let code = start; code <= end; code++) if (firstGlyph + (code - start) !== 0) found.set(code, firstGlyph + (code - start));
  }
}
