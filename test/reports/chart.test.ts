import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rasteriseSvg, renderRankingChart } from "../../src/reports/chart.js";
import { splitRows } from "../../src/reports/chart-svg.js";
import { LIGHT_COLOURS } from "../../src/reports/palette.js";
import type { Light } from "../../src/reports/types.js";
import { countyBriefing } from "./briefing-fixture.js";
import { PNG_SIGNATURE, countColour, countDark, decodePng, pixelHex } from "./png.js";

/** Each bar as drawn in the SVG: geometry, colour and the unit in its <title>. */
function bars(svg: string): { x: number; y: number; width: number; height: number; fill: string; unit: string }[] {
  const re = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9A-F]{6})"><title>(\S+) /g;
  return [...svg.matchAll(re)].map((m) => ({ x: +m[1]!, y: +m[2]!, width: +m[3]!, height: +m[4]!, fill: m[5]!, unit: m[6]! }));
}

describe("renderRankingChart", () => {
  it("GIVEN a county briefing THEN writes a valid PNG whose IHDR matches the layout", async () => {
    const chart = await renderRankingChart(countyBriefing());
    writeFileSync("/tmp/duban-chart.png", chart.png); // to look at by eye
    expect(chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(chart.png.toString("latin1", 12, 16)).toBe("IHDR");
    expect(chart.png.readUInt32BE(16)).toBe(1000);
    expect(chart.png.readUInt32BE(20)).toBe(chart.height);
    const png = decodePng(chart.png);
    expect([png.width, png.height]).toEqual([1000, chart.height]);
    expect(chart.missingChars).toEqual([]);
  });

  it("GIVEN rows with every light THEN each bar is drawn in its light's colour", async () => {
    const chart = await renderRankingChart(countyBriefing());
    const png = decodePng(chart.png);
    const drawn = bars(chart.svg);
    expect(drawn.map((b) => b.unit)).toEqual(["义乌市", "东阳市", "兰溪市", "永康市", "婺城区", "金东区", "浦江县", "武义县"]);
    const expected: Record<string, Light> = { 义乌市: "green", 兰溪市: "amber", 金东区: "none", 浦江县: "red" };
    for (const [unit, light] of Object.entries(expected)) {
      const bar = drawn.find((b) => b.unit === unit)!;
      expect(bar.fill).toBe(LIGHT_COLOURS[light]);
      expect(pixelHex(png, bar.x + bar.width / 2, bar.y + bar.height / 2), unit).toBe(LIGHT_COLOURS[light]);
      expect(pixelHex(png, bar.x + 3, bar.y + 3), unit).toBe(LIGHT_COLOURS[light]);
    }
    // Bars, not just the legend's 22×22 swatches, carry each colour.
    for (const light of ["red", "amber", "green", "none"] as const) expect(countColour(png, LIGHT_COLOURS[light])).toBeGreaterThan(3000);
    // Longer score, longer bar.
    const width = (u: string) => drawn.find((b) => b.unit === u)!.width;
    expect(width("义乌市")).toBeGreaterThan(width("东阳市"));
    expect(width("兰溪市")).toBe(width("永康市"));
  });

  it("GIVEN units that owed nothing this period THEN they are listed apart with why, not drawn as zero bars", async () => {
    const chart = await renderRankingChart(countyBriefing());
    expect(bars(chart.svg).map((b) => b.unit)).not.toContain("磐安县");
    expect(chart.svg).toMatch(/未参与排名（2个）：/);
    expect(chart.svg).toContain("本期无应报事项：磐安县、金华经济技术开发区");
    expect(chart.svg).toContain("参与排名8个，未参与排名2个");
    for (const row of countyBriefing().rows) expect(chart.svg).toContain(row.unit);
    expect(chart.svg.match(/>约谈</g)).toHaveLength(3); // legend + the two summoned
  });

  it("GIVEN the same input twice THEN the output is byte-identical", async () => {
    const [a, b] = await Promise.all([renderRankingChart(countyBriefing()), renderRankingChart(countyBriefing())]);
    expect(a.svg).toBe(b.svg);
    expect(a.png.equals(b.png)).toBe(true);
  });

  it("GIVEN more rows THEN the image grows taller, not denser", async () => {
    const data = countyBriefing();
    const more = { ...data, rows: [...data.rows, ...data.rows.map((r) => ({ ...r, unit: r.unit + "二" }))] };
    const [small, big] = await Promise.all([renderRankingChart(data), renderRankingChart(more)]);
    expect(big.height).toBeGreaterThan(small.height + 8 * 40);
  });

  it("GIVEN a character outside the bundled subset THEN it is reported missing", async () => {
    const data = countyBriefing();
    data.rows[0] = { ...data.rows[0]!, unit: "𠀀义乌市" };
    expect((await renderRankingChart(data)).missingChars).toEqual(["𠀀"]);
  });

  it("GIVEN title markup characters THEN they are escaped", async () => {
    const data = { ...countyBriefing(), title: `A&B <"通报">` };
    expect((await renderRankingChart(data)).svg).toContain("A&#38;B &#60;&#34;通报&#34;&#62;");
  });
});

describe("Chinese text", () => {
  const render = (text: string) =>
    decodePng(
      rasteriseSvg(
        `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><text x="10" y="75" font-size="64" font-family="Noto Sans CJK SC">${text}</text></svg>`,
      ),
    );

  it("GIVEN unit names THEN they render as distinct glyphs, not tofu", () => {
    const names = [render("义乌市"), render("浦江县")];
    const unassigned = render("\u0378\u0378\u0378"); // no font has it: .notdef or nothing
    for (const png of names) expect(countDark(png)).toBeGreaterThan(1500);
    // Tofu boxes would be identical for any string; real glyphs differ.
    expect(Buffer.from(names[0]!.pixels).equals(Buffer.from(names[1]!.pixels))).toBe(false);
    expect(Buffer.from(names[0]!.pixels).equals(Buffer.from(unassigned.pixels))).toBe(false);
  });
});

describe("splitRows", () => {
  it("GIVEN ties and unranked rows THEN orders by rank, score, then code point", () => {
    const { ranked, missing } = splitRows(countyBriefing().rows);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 3, 5, 6, 7, 8]);
    expect(missing.map((r) => r.unit)).toEqual(["磐安县", "金华经济技术开发区"]);
  });
});
