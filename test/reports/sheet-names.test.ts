import { describe, expect, it } from "vitest";
import { uniqueSheetName } from "../../src/reports/sheet-names.js";

describe("uniqueSheetName", () => {
  const cases: [string, string, string[], string][] = [
    ["forbidden characters", "a[b]c:d*e?f/g\\h", [], "a_b_c_d_e_f_g_h"],
    ["a long name", "GY01 规上工业增加值（含新开工及续建项目的累计完成情况统计口径）", [], "GY01 规上工业增加值（含新开工及续建项目的累计完成情况统计"],
    ["a clash", "排名", ["排名"], "排名(2)"],
    ["a second clash", "排名", ["排名", "排名(2)"], "排名(3)"],
    ["a clash in another case", "abc", ["ABC"], "abc(2)"],
    ["a clash of a long name", "x".repeat(40), ["x".repeat(31)], "x".repeat(28) + "(2)"],
    ["an empty name", " ?* ", [], "__"],
    ["a blank name", "  ", [], "Sheet"],
    ["apostrophes at the ends", "'季度'", [], "季度"],
    ["the reserved name", "History", [], "Sheet"],
    ["astral characters at the cut", "𠀀".repeat(40), [], "𠀀".repeat(31)],
  ];
  it.each(cases)("GIVEN %s THEN a legal, unique name", (_what, wanted, existing, expected) => {
    const taken = new Set(existing.map((n) => n.toLowerCase()));
    const name = uniqueSheetName(wanted, taken);
    expect(name).toBe(expected);
    expect(Array.from(name).length).toBeLessThanOrEqual(31);
    expect(name).not.toMatch(/[[\]:*?/\\]/);
    expect(taken.has(name.toLowerCase())).toBe(true);
  });
});
