import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../../src/domain/plan/parse-plan.js";
import { diceSimilarity, editDistance, findMentions, matchIndicator, normaliseName, suggestIndicators } from "../../../src/domain/report/match-indicator.js";
import type { IndicatorRef } from "../../../src/domain/report/types.js";
import { PLAN_HANS } from "../../helpers/paths.js";

function planIndicators(): IndicatorRef[] {
  const r = parsePlan(readFileSync(PLAN_HANS, "utf8"));
  if (!r.ok) throw new Error(r.code);
  return r.plan.indicators.map((i, n) => ({ id: n + 1, code: i.code, name: i.name, aliases: i.aliases, kind: i.kind, unit: i.unit }));
}
const indicators = planIndicators();
const codeOf = (text: string): string | undefined => {
  const m = matchIndicator(text, indicators);
  return m.kind === "found" ? m.indicator.code : undefined;
};

describe("matchIndicator", () => {
  it.each([
    ["T18-2", "T18-2", "code"], ["t18-2", "T18-2", "code"], ["Ｔ１８－２", "T18-2", "code"], ["g5", "G5", "code"],
    ["新增工业机器人", "T18-2", "name"], ["新增工業機器人", "T18-2", "name"], ["新增 工业 机器人", "T18-2", "name"],
    ["新增首台套装备", "T6-4", "name"], ["新增首台装备", "T6-4", "alias"], ["新增首臺(套)裝備", "T6-4", "name"],
    ["制造业高新技术企业数", "T8-3", "alias"], ["工业机器人", "T18-2", "substring"], ["在役机器人", "T18-3", "substring"],
    ["落地率", "T10-2", "name"], ["培育浙江出口名牌 金华出口名牌", "T15-3", "name"],
  ])("%s → %s by %s", (text, code, via) => {
    const m = matchIndicator(text, indicators);
    expect(m).toMatchObject({ kind: "found", via });
    if (m.kind === "found") expect(m.indicator.code).toBe(code);
  });

  it("several names containing the fragment → ambiguous, closest first", () => {
    const m = matchIndicator("机器人", indicators);
    expect(m.kind).toBe("ambiguous");
    if (m.kind === "ambiguous") expect(m.candidates.map((c) => c.code).sort()).toEqual(["T18-2", "T18-3"]);
    const many = matchIndicator("新增", indicators);
    expect(many.kind).toBe("ambiguous");
    if (many.kind === "ambiguous") expect(many.candidates.length).toBeLessThanOrEqual(5);
  });

  it("a near miss → up to 3 suggestions, the right one first", () => {
    for (const [typo, code] of [["新增机器人工业", "T18-2"], ["在役的机器人的总量", "T18-3"], ["规上工业产出值", "G2"], ["腾出用能源", "T2-2"]] as const) {
      const m = matchIndicator(typo, indicators);
      expect(m.kind, typo).toBe("none");
      if (m.kind !== "none") continue;
      expect(m.suggestions.length).toBeLessThanOrEqual(3);
      expect(m.suggestions[0]?.code, typo).toBe(code);
    }
  });

  it("noise gets no suggestions", () => {
    expect(matchIndicator("xyzzy", indicators)).toEqual({ kind: "none", suggestions: [] });
    expect(matchIndicator("", indicators)).toEqual({ kind: "none", suggestions: [] });
    expect(codeOf("天气")).toBeUndefined();
  });

  it("a mistyped code gets the nearest codes", () => {
    expect(suggestIndicators("T18-7", indicators).map((i) => i.code)).toEqual(["T18-1", "T18-2", "T18-3"]);
  });
});

describe("findMentions", () => {
  it("finds names, aliases and codes in reading order, longest first", () => {
    const text = "t18-2 260台 在役机器人总量 2.5万台 招引落地10亿元以上制造业项目 5项";
    const found = findMentions(text, indicators).map((m) => (m.match.kind === "found" ? [m.match.indicator.code, text.slice(m.start, m.end)] : null));
    expect(found).toEqual([
      ["T18-2", "t18-2"],
      ["T18-3", "在役机器人总量"],
      ["T12-2", "招引落地10亿元以上制造业项目"],
    ]);
  });
  it("finds a name typed with spaces inside", () => {
    const [m] = findMentions("新增 工业 机器人 260台", indicators);
    expect(m).toMatchObject({ start: 0, end: 9, match: { kind: "found" } });
  });
});

describe("similarity", () => {
  it("Dice over bigrams", () => {
    expect(diceSimilarity("新增工业机器人", "新增工业机器人")).toBe(1);
    expect(diceSimilarity("abc", "xyz")).toBe(0);
    expect(diceSimilarity("", "")).toBe(0);
    expect(diceSimilarity("机器人工业", "工业机器人")).toBeGreaterThan(0.4);
  });
  it("edit distance", () => {
    expect(editDistance("t18-2", "t18-3")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
  it("normaliseName folds script, width, case, spaces and brackets", () => {
    expect(normaliseName(" 新增首臺（套）裝備 ")).toBe("新增首台套装备");
    expect(normaliseName("Ｔ18-2")).toBe("t18-2");
  });
});
