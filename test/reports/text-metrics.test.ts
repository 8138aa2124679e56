import { describe, expect, it } from "vitest";
import { rasteriseSvg } from "../../src/reports/chart.js";
import { escapeXml, estimateTextWidth, truncateText, wrapText } from "../../src/reports/text-metrics.js";
import { decodePng } from "./png.js";

/** The rightmost column with ink, in a white 1200×80 rendering of one line at x = 10. */
function inkRight(text: string, fontSize: number): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="80"><text x="10" y="56" font-size="${fontSize}">${escapeXml(text)}</text></svg>`;
  const png = decodePng(rasteriseSvg(svg));
  let right = -1;
  for (let y = 0; y < png.height; y++) {
    for (let x = png.width - 1; x > right; x--) {
      const i = (y * png.width + x) * 4;
      if (png.pixels[i]! + png.pixels[i + 1]! + png.pixels[i + 2]! < 600) right = x;
    }
  }
  return right;
}

describe("text metrics", () => {
  it("GIVEN ideographs and digits THEN widths are the font's advances", () => {
    expect(estimateTextWidth("义乌市", 20)).toBe(60);
    expect(estimateTextWidth("槃", 20)).toBe(20);
    expect(estimateTextWidth("2026", 20)).toBeCloseTo(44.4); // 0.555 em each
  });

  it("GIVEN punctuation this face draws a full em wide THEN it is not counted as Latin", () => {
    // The old guess (0.58 em for anything outside the CJK blocks) under-counted these.
    for (const ch of ["“", "”", "…", "·"]) expect(estimateTextWidth(ch, 10), ch).toBe(10);
    expect(estimateTextWidth("%", 10)).toBeGreaterThan(9);
    expect(estimateTextWidth("—", 10)).toBeGreaterThan(8.5);
  });

  it("GIVEN characters the font lacks THEN a wide one counts a full em and any other 0.6 em", () => {
    expect(estimateTextWidth("𠀀", 10)).toBe(10);
    expect(estimateTextWidth("\u0378", 10)).toBe(6);
  });

  it.each([
    ["the bundled plan's title", "金华市新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案(2021—2023年)", 30],
    ["Latin capitals and signs", "WMW%%@ 85.50% ABC-2026", 34],
    ["a score line", "义乌市 98.75 分 · 达到序时进度", 22],
  ])("GIVEN %s THEN resvg draws it within the measured width, and not far inside it", (_what, text, size) => {
    const width = estimateTextWidth(text, size);
    const right = inkRight(text, size);
    expect(right).toBeLessThanOrEqual(10 + width + 1);
    expect(right).toBeGreaterThan(10 + width - size);
  });

  it.each([
    ["a space near the end", "金华市制造业攻坚行动 2026年第三季度通报", 11, ["金华市制造业攻坚行动", "2026年第三季度通报"]],
    ["no break nearby", "一二三四五六七八九十一二三四五六七八九十", 10, ["一二三四五六七八九十", "一二三四五六七八九十"]],
    ["a short text", "义乌市", 10, ["义乌市"]],
    ["a bracket near the end", "金华市新一轮制造业攻坚行动方案(2021—2023年)", 17, ["金华市新一轮制造业攻坚行动方案", "(2021—2023年)"]],
    ["a closing quote near the end", "制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案", 15, ["制造业“腾笼换鸟、凤凰涅槃”", "攻坚行动方案"]],
  ])("GIVEN %s THEN wraps within the width", (_what, text, ems, expected) => {
    const lines = wrapText(text, 10, ems * 10);
    expect(lines).toEqual(expected);
    for (const line of lines) expect(estimateTextWidth(line, 10)).toBeLessThanOrEqual(ems * 10);
  });

  it("GIVEN a name too wide THEN truncates with an ellipsis within the width", () => {
    expect(truncateText("市经济和信息化局", 10, 50)).toBe("市经济和…");
    expect(truncateText("义乌市", 10, 50)).toBe("义乌市");
  });
});
