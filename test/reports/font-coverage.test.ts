import { readFileSync } from "node:fs";
import * as fontkit from "fontkit";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/domain/plan/parse-plan.js";
import { toTraditional } from "../../src/domain/plan/script.js";
import { rasteriseSvg, renderRankingChart } from "../../src/reports/chart.js";
import { BUNDLED_FONT_FILE, bundledCoverage, chartFontFile } from "../../src/reports/fonts/bundled-font.js";
import { escapeXml } from "../../src/reports/text-metrics.js";
import { BUNDLED_PLAN } from "../../src/services/seed-bundled-plan.js";
import { countyBriefing } from "./briefing-fixture.js";
import { countDark, decodePng, type DecodedPng } from "./png.js";

/**
 * The chart must draw any Chinese text a plan brings: the case is the
 * bundled plan's title, whose 槃 the old GB 2312 subset drew as a box. Each
 * check reads the font with fontkit, a parser independent of the loader's own.
 */

const COMMON = readCommonCharacters();
const PLAN_TEXTS = bundledPlanTexts();

function readCommonCharacters(): string[] {
  const text = readFileSync(new URL("../fixtures/tongyong-guifan-level1.txt", import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .flatMap((line) => Array.from(line.trim()));
}

/** Every unit, indicator and title of the bundled plan, from both documents, in both scripts; and both documents whole. */
function bundledPlanTexts(): string[] {
  const texts = [BUNDLED_PLAN.title, toTraditional(BUNDLED_PLAN.title)];
  for (const file of [BUNDLED_PLAN.file, BUNDLED_PLAN.file.replace(".zh-Hans.", ".zh-Hant.")]) {
    const document = readFileSync(file, "utf8");
    const parsed = parsePlan(document);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.detail}`);
    const { plan } = parsed;
    const names = [
      plan.title ?? "",
      ...plan.units.flatMap((u) => [u.name, ...u.aliases]),
      ...plan.indicators.flatMap((i) => [i.name, i.unit, ...i.aliases]),
      ...plan.groups.flatMap((g) => [g.title, ...g.tasks.map((t) => t.title)]),
    ];
    texts.push(...names, ...names.map(toTraditional), document);
  }
  return texts;
}

/** Distinct visible characters, in first-seen order. */
function visibleChars(texts: readonly string[]): string[] {
  const chars = new Set<string>();
  for (const text of texts) for (const ch of text) if (!/[\s\p{Cc}]/u.test(ch)) chars.add(ch);
  return [...chars];
}

function openFont(file: string): fontkit.Font {
  const font = fontkit.openSync(file);
  if (!("hasGlyphForCodePoint" in font)) throw new Error(`${file} is a collection, not a font`);
  return font;
}

const code = (ch: string): number => ch.codePointAt(0)!;
const label = (chars: string[]): string[] => chars.map((ch) => `${ch} U+${code(ch).toString(16).toUpperCase()}`);

const isIdeograph = (c: number): boolean => (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);

/** Every ideograph that GB 18030 encodes in two bytes (the GBK area), and extension A, which it encodes in four. */
function gb18030Ideographs(): number[] {
  const decoder = new TextDecoder("gb18030");
  const found = new Set<number>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      for (const ch of decoder.decode(Uint8Array.of(lead, trail))) if (isIdeograph(code(ch))) found.add(code(ch));
    }
  }
  for (let c = 0x3400; c <= 0x4db5; c++) found.add(c);
  return [...found];
}

/** Every ideograph of Big5, the Traditional character set. */
function big5Ideographs(): number[] {
  const decoder = new TextDecoder("big5");
  const found = new Set<number>();
  for (let lead = 0xa1; lead <= 0xf9; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail > 0x7e && trail < 0xa1) continue;
      for (const ch of decoder.decode(Uint8Array.of(lead, trail))) if (isIdeograph(code(ch))) found.add(code(ch));
    }
  }
  return [...found];
}

describe("the chart font's coverage", () => {
  it("GIVEN the level-1 list of 通用规范汉字表 THEN it holds exactly 3,500 distinct ideographs in the table's order", () => {
    expect(COMMON).toHaveLength(3500);
    expect(new Set(COMMON).size).toBe(3500);
    expect(COMMON.filter((ch) => !isIdeograph(code(ch)))).toEqual([]);
    expect([COMMON[0], COMMON[3499]]).toEqual(["一", "矗"]);
  });

  it("GIVEN the bundled plan in both scripts THEN the texts checked include its units, indicators and Traditional forms", () => {
    const chars = new Set(visibleChars(PLAN_TEXTS));
    for (const ch of "槃涅凰鳥騰籠換臺區義烏蘭") expect(chars.has(ch), ch).toBe(true);
    expect(PLAN_TEXTS).toContain("金華市新一輪製造業“騰籠換鳥、鳳凰涅槃”攻堅行動方案(2021—2023年)");
  });

  it("GIVEN the 3,500 common characters and every text of the bundled plan THEN the chart's font has a glyph for each", () => {
    const font = openFont(BUNDLED_FONT_FILE);
    const chars = visibleChars([COMMON.join(""), ...PLAN_TEXTS]);
    expect(chars.length).toBeGreaterThan(3700);
    expect(label(chars.filter((ch) => !font.hasGlyphForCodePoint(code(ch))))).toEqual([]);
    // The loader's own cmap reader, which fills the chart's missingChars, agrees.
    expect(label(chars.filter((ch) => !bundledCoverage().has(code(ch))))).toEqual([]);
  });

  it("GIVEN GB 18030's ideographs and Big5's THEN the chart's font has every one", () => {
    const font = openFont(BUNDLED_FONT_FILE);
    const gb = gb18030Ideographs();
    const big5 = big5Ideographs();
    expect(gb.length).toBeGreaterThanOrEqual(20902 + 6582);
    expect(big5.length).toBeGreaterThan(13000);
    expect(gb.filter((c) => !font.hasGlyphForCodePoint(c)).slice(0, 20)).toEqual([]);
    expect(big5.filter((c) => !font.hasGlyphForCodePoint(c)).slice(0, 20)).toEqual([]);
  });

  it("GIVEN an SVG with the plan's texts THEN the subset resvg is given keeps a glyph for each of its characters", () => {
    const chars = visibleChars(PLAN_TEXTS);
    const file = chartFontFile(`<svg><text>${chars.join("")}</text></svg>`);
    expect(file).not.toBe(BUNDLED_FONT_FILE); // the fast path, not the fallback
    const subset = openFont(file);
    expect(subset.familyName).toBe("Noto Sans SC");
    expect(label(chars.filter((ch) => !subset.hasGlyphForCodePoint(code(ch))))).toEqual([]);
    expect(subset.hasGlyphForCodePoint(code("矗"))).toBe(false); // a subset, not the whole font
  });
});

// ---------------------------------------------------------------------------
// Rendering: what resvg actually draws through the chart's own rasteriser

const CELL = 40;
const COLUMNS = 20;

/** Draws each character in its own cell; cell 0 holds U+0378, which no font maps: the missing-glyph picture. */
function renderGrid(chars: readonly string[]): { png: DecodedPng; cells: number } {
  const all = ["\u0378", ...chars];
  const rows = Math.ceil(all.length / COLUMNS);
  const texts = all.map((ch, i) => `<text x="${(i % COLUMNS) * CELL + 4}" y="${Math.floor(i / COLUMNS) * CELL + 33}" font-size="32">${escapeXml(ch)}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${COLUMNS * CELL}" height="${rows * CELL}">${texts.join("")}</svg>`;
  return { png: decodePng(rasteriseSvg(svg)), cells: all.length };
}

function cellPixels(png: DecodedPng, index: number): { ink: number; pixels: Buffer } {
  const x0 = (index % COLUMNS) * CELL;
  const y0 = Math.floor(index / COLUMNS) * CELL;
  const pixels = Buffer.alloc(CELL * CELL);
  let ink = 0;
  for (let y = 0; y < CELL; y++) {
    for (let x = 0; x < CELL; x++) {
      const i = ((y0 + y) * png.width + x0 + x) * 4;
      const grey = 255 - Math.round((png.pixels[i]! + png.pixels[i + 1]! + png.pixels[i + 2]!) / 3);
      pixels[y * CELL + x] = grey;
      if (grey > 127) ink++;
    }
  }
  return { ink, pixels };
}

/** Characters drawn as nothing or as the same picture as the missing glyph. */
function missingInRender(chars: readonly string[]): string[] {
  const { png } = renderGrid(chars);
  const notdef = cellPixels(png, 0).pixels;
  return chars.filter((_, i) => {
    const cell = cellPixels(png, i + 1);
    return cell.ink < 10 || cell.pixels.equals(notdef);
  });
}

/** Dark pixels of a 200×200 rendering of one SVG fragment, as a mask. */
function inkMask(fragment: string): Uint8Array {
  const png = decodePng(rasteriseSvg(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">${fragment}</svg>`));
  const mask = new Uint8Array(png.width * png.height);
  for (let i = 0; i < mask.length; i++) mask[i] = png.pixels[i * 4]! + png.pixels[i * 4 + 1]! + png.pixels[i * 4 + 2]! < 384 ? 1 : 0;
  return mask;
}

function overlap(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    both += a[i]! & b[i]!;
    either += a[i]! | b[i]!;
  }
  return either === 0 ? 0 : both / either;
}

describe("the chart font in resvg", () => {
  it("GIVEN 槃 THEN resvg draws the font's 槃, not the missing-glyph box", () => {
    const font = openFont(BUNDLED_FONT_FILE);
    const size = 160;
    const outline = font.glyphForCodePoint(code("槃")).path.toSVG();
    const scale = size / font.unitsPerEm;
    const drawn = inkMask(`<text x="20" y="170" font-size="${size}">槃</text>`);
    const expected = inkMask(`<path transform="translate(20 170) scale(${scale} ${-scale})" d="${outline}"/>`);
    const box = inkMask(`<text x="20" y="170" font-size="${size}">\u0378</text>`);
    expect(drawn.reduce((a, b) => a + b, 0)).toBeGreaterThan(2000);
    expect(overlap(drawn, expected)).toBeGreaterThan(0.9);
    expect(overlap(drawn, box)).toBeLessThan(0.5);
  });

  it("GIVEN the bundled plan's title in both scripts THEN the chart reports no missing character", async () => {
    for (const title of [BUNDLED_PLAN.title, toTraditional(BUNDLED_PLAN.title)]) {
      const data = { ...countyBriefing(), title: `${title} 2026年第三季度通报` };
      const chart = await renderRankingChart(data);
      expect(chart.missingChars, title).toEqual([]);
      expect(countDark(decodePng(chart.png))).toBeGreaterThan(10000);
    }
  });

  it(
    "GIVEN the 3,500 common characters and every text of the bundled plan in both scripts THEN resvg draws none of them as the missing glyph",
    () => {
      const chars = visibleChars([COMMON.join(""), ...PLAN_TEXTS]);
      const missing: string[] = [];
      // Chunks keep each chart-sized subset small, as in real use.
      for (let i = 0; i < chars.length; i += 400) missing.push(...missingInRender(chars.slice(i, i + 400)));
      expect(label(missing)).toEqual([]);
    },
    120_000,
  );

  it("GIVEN a character no font has THEN the render check does see it as missing", () => {
    // Guards the check above: were it blind, it would pass on any font.
    expect(missingInRender(["义", "\u0378", "𠀀", "乌"])).toEqual(["\u0378", "𠀀"]);
  });
});
