import { describe, expect, it } from "vitest";
import { estimateTextWidth, truncateText, wrapText } from "../../src/reports/text-metrics.js";

describe("text metrics", () => {
  it("GIVEN ideographs and digits THEN ideographs count a full em", () => {
    expect(estimateTextWidth("义乌市", 20)).toBe(60);
    expect(estimateTextWidth("2026", 20)).toBeCloseTo(46.4);
  });

  it.each([
    ["a space near the end", "金华市制造业攻坚行动 2026年第三季度通报", 11, ["金华市制造业攻坚行动", "2026年第三季度通报"]],
    ["no break nearby", "一二三四五六七八九十一二三四五六七八九十", 10, ["一二三四五六七八九十", "一二三四五六七八九十"]],
    ["a short text", "义乌市", 10, ["义乌市"]],
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
