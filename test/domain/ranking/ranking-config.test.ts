import { describe, expect, it } from "vitest";
import { DEFAULT_RANKING_CONFIG, parseRankingConfig } from "../../../src/domain/ranking/ranking-config.js";

describe("ranking config", () => {
  it("GIVEN {} THEN the defaults that follow practice", () => {
    expect(parseRankingConfig({})).toEqual({ ok: true, config: DEFAULT_RANKING_CONFIG });
    expect(DEFAULT_RANKING_CONFIG).toEqual({
      lights: { green: 1, amber: 0.8 },
      weights: { result: 0.7, conduct: 0.3 },
      result: {
        bonus: { perPoint: 0, max: 20 }, // no bonus: meeting 序时进度 is full marks
        missingIndicator: "zero", // 未报视为未完成
        stockExpectation: "linear", // from the plan's baseline
        maxAgeMonths: null, // within the scoring window
        growth: { pointsPerPoint: 10, amberGap: 2 },
        reduction: "pro_rata",
      },
      indicatorWeights: {},
      conduct: { onTime: 0.5, complete: 0.5, completeness: "all_or_nothing", lateCorrectionPenalty: 10 },
      summon: { kinds: ["county"], bottomN: 3, minRanked: 5 }, // 对考核排名靠后的县(市、区)进行通报约谈
      scoreDecimals: 2,
    });
  });

  it("GIVEN a partial config THEN the rest is defaulted", () => {
    const r = parseRankingConfig({ lights: { amber: 0.9 }, weights: { result: 0.6, conduct: 0.4 }, indicatorWeights: { G5: 2 }, result: { growth: { amberGap: 1 } } });
    expect(r).toMatchObject({ ok: true, config: { lights: { green: 1, amber: 0.9 }, weights: { result: 0.6, conduct: 0.4 }, indicatorWeights: { G5: 2 }, result: { growth: { pointsPerPoint: 10, amberGap: 1 } }, summon: { bottomN: 3 } } });
  });

  it("GIVEN a config stored by an earlier build THEN bottomN moves into summon, linear_from_first reads as linear, cap and minData are dropped", () => {
    const r = parseRankingConfig({ bottomN: 1, minData: { indicators: 2 }, result: { cap: 1.2, stockExpectation: "linear_from_first", maxAgeMonths: 4 } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.summon).toEqual({ kinds: ["county"], bottomN: 1, minRanked: 5 });
    expect(r.config.result).toMatchObject({ stockExpectation: "linear", maxAgeMonths: 4 });
    expect(r.config).not.toHaveProperty("minData");
    expect(r.config.result).not.toHaveProperty("cap");
  });

  it.each([
    [{ lights: { green: 0.8, amber: 0.9 } }, "lights.amber", /below lights.green/],
    [{ weights: { result: 0.7, conduct: 0.4 } }, "weights.conduct", /add up to 1/],
    [{ weights: { result: 0.5 } }, "weights.conduct", /add up to 1/],
    [{ result: { missingIndicator: "skip" } }, "result.missingIndicator", /./],
    [{ result: { bonus: { perPoint: -1 } } }, "result.bonus.perPoint", /between 0 and 10/],
    [{ result: { growth: { pointsPerPoint: 200 } } }, "result.growth.pointsPerPoint", /between 0 and 100/],
    [{ result: { maxAgeMonths: 0 } }, "result.maxAgeMonths", /between 1 and 36/],
    [{ result: { reduction: "linear" } }, "result.reduction", /./],
    [{ conduct: { onTime: 0.6 } }, "conduct.complete", /add up to 1/],
    [{ conduct: { lateCorrectionPenalty: -5 } }, "conduct.lateCorrectionPenalty", /between 0 and 100/],
    [{ summon: { bottomN: -1 } }, "summon.bottomN", /between 0 and 50/],
    [{ summon: { bottomN: 2.5 } }, "summon.bottomN", /whole number/],
    [{ summon: { minRanked: 0 } }, "summon.minRanked", /between 1 and 500/],
    [{ summon: { kinds: ["province"] } }, "summon.kinds.0", /./],
    [{ indicatorWeights: { G5: -1 } }, "indicatorWeights.G5", /0 or more/],
  ])("GIVEN %j THEN it is rejected at %s", (input, path, message) => {
    const r = parseRankingConfig(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(r.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});
