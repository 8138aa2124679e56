import { describe, expect, it } from "vitest";
import { DEFAULT_RANKING_CONFIG, parseRankingConfig } from "../../../src/domain/ranking/ranking-config.js";

describe("ranking config", () => {
  it("GIVEN {} THEN the defaults", () => {
    expect(parseRankingConfig({})).toEqual({ ok: true, config: DEFAULT_RANKING_CONFIG });
    expect(DEFAULT_RANKING_CONFIG).toEqual({
      lights: { green: 1, amber: 0.8 },
      weights: { result: 0.7, conduct: 0.3 },
      result: { cap: 1.2, missingIndicator: "zero", stockExpectation: "linear_from_first", maxAgeMonths: 12 },
      indicatorWeights: {},
      conduct: { onTime: 0.5, complete: 0.5, completeness: "all_or_nothing", lateCorrectionPenalty: 10 },
      bottomN: 3,
      minData: { indicators: 1, share: 0 },
      scoreDecimals: 2,
    });
  });

  it("GIVEN a partial config THEN the rest is defaulted", () => {
    const r = parseRankingConfig({ lights: { amber: 0.9 }, weights: { result: 0.6, conduct: 0.4 }, indicatorWeights: { G5: 2 } });
    expect(r).toMatchObject({ ok: true, config: { lights: { green: 1, amber: 0.9 }, weights: { result: 0.6, conduct: 0.4 }, indicatorWeights: { G5: 2 }, bottomN: 3 } });
  });

  it.each([
    [{ lights: { green: 0.8, amber: 0.9 } }, "lights.amber", /below lights.green/],
    [{ weights: { result: 0.7, conduct: 0.4 } }, "weights.conduct", /add up to 1/],
    [{ weights: { result: 0.5 } }, "weights.conduct", /add up to 1/],
    [{ result: { cap: 0.9 } }, "result.cap", /at least 1/],
    [{ lights: { green: 1.5, amber: 1 }, result: { cap: 1.2 } }, "result.cap", /at least lights.green/],
    [{ result: { missingIndicator: "skip" } }, "result.missingIndicator", /./],
    [{ conduct: { onTime: 0.6 } }, "conduct.complete", /add up to 1/],
    [{ conduct: { lateCorrectionPenalty: -5 } }, "conduct.lateCorrectionPenalty", /between 0 and 100/],
    [{ bottomN: -1 }, "bottomN", /between 0 and 50/],
    [{ bottomN: 2.5 }, "bottomN", /whole number/],
    [{ minData: { indicators: 0 } }, "minData.indicators", /at least 1/],
    [{ indicatorWeights: { G5: -1 } }, "indicatorWeights.G5", /0 or more/],
  ])("rejects %j at %s", (input, path, message) => {
    const r = parseRankingConfig(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(r.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});
