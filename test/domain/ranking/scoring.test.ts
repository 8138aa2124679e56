/**
 * A small plan, scored by hand, through the obligations rule (who owes what)
 * and each indicator's reporting basis (the world is in ./world.ts). Plan span
 * 2026-01 … 2028-12 (36 months); reports from April 2026 (Q2) to September
 * 2026 (Q3). Default config unless said: full marks (100) at 序时进度, below it
 * 100 × ratio, no bonus; growth 10 points per point short, amber within 2;
 * lights green ≥ 1, amber ≥ 0.8; result 0.7, conduct 0.3; conduct month = 50
 * on time + 50 complete (indicators and narrative) − 10 per late correction;
 * figures must be reported within the window.
 */
import { describe, expect, it } from "vitest";
import { unitObligation } from "../../../src/domain/obligations/obligations.js";
import { monthWindow, quarterWindow, yearWindow } from "../../../src/domain/ranking/periods.js";
import { DEFAULT_RANKING_CONFIG, rankingConfig } from "../../../src/domain/ranking/ranking-config.js";
import { rankingObligations, rankingUnits } from "../../../src/domain/ranking/ranking-units.js";
import { type Ranking, assignRanks, computeRanking } from "../../../src/domain/ranking/score.js";
import {
  annualSummary,
  behindSchedule,
  briefingSummary,
  explainUnit,
  missingData,
  monthlyDigest,
  movers,
  rankRows,
  snapshotChanges,
} from "../../../src/domain/ranking/explain.js";
import { A, B, C, D, DONGYANG, E, FACTS, LANXI, PANAN, SPAN, TZ, VALUES, Y1, YIWU, conductFor, rank, rankWindow } from "./world.js";

const ind = (r: Ranking, unitId: number, code: string) => {
  const u = [...r.ranked, ...r.unranked].find((x) => x.unitId === unitId)!;
  return u.indicators.find((i) => i.code === code)!;
};
const unit = (r: Ranking, unitId: number) => [...r.ranked, ...r.unranked].find((x) => x.unitId === unitId)!;

describe("who is ranked on what: the obligations rule", () => {
  it("GIVEN the plan THEN departments owe their work items' and owned targets' indicators on the city target, counties their shares", () => {
    const depts = rankingUnits(FACTS, rankingObligations(FACTS, "department", { year: 2026, month: 9 }));
    expect(depts.map((u) => [u.name, u.indicators.map((i) => `${i.code}:${i.target}:${i.targetSource}`), u.narrative])).toEqual([
      ["经信局", ["C1:100:city", "Y1:3000:city", "M1:120:city"], true],
      ["科技局", ["S1:25000:city", "R1:2.3:city"], true],
      ["生态环境局", ["G1:12.5:city", "D1:10.4:city", "L1:0.5:city"], true],
      ["发改委", [], true],
      ["商务局", ["H1:100:city", "H2:50:city"], false],
    ]);
    const counties = rankingUnits(FACTS, rankingObligations(FACTS, "county", { year: 2026, month: 9 }));
    expect(counties.map((u) => [u.name, u.indicators.map((i) => `${i.code}:${i.target}:${i.targetSource}`)])).toEqual([
      ["义乌市", ["C1:40:share", "Y1:1200:share", "R1:2.5:share"]],
      ["东阳市", ["C1:30:share", "Y1:800:share", "G1:12.5:share"]],
      ["兰溪市", ["C1:10:share"]],
      ["磐安县", []],
    ]);
  });

  it("GIVEN a month of conduct THEN owed and reported come from monthStatus, the narrative counted as one item", () => {
    const aug = conductFor("department", monthWindow({ year: 2026, month: 8 }));
    const of = (u: number) => aug.find((c) => c.unitId === u)!;
    // 经信局 sent its three figures in August but no narrative: 3 of 4.
    expect([of(A).owed, of(A).reported, of(A).missingNarrative]).toEqual([4, 3, true]);
    // 发改委 owes only the narrative and sent it.
    expect([of(D).owed, of(D).reported]).toEqual([1, 1]);
    // 商务局 owes two figures and no narrative, and sent nothing.
    expect([of(E).owed, of(E).reported, of(E).firstSubmittedAt]).toEqual([2, 0, null]);
    // After the span nothing is owed.
    const after = conductFor("department", monthWindow({ year: 2029, month: 1 }));
    expect(after.every((c) => c.owed === 0)).toBe(true);
    expect(unitObligation(FACTS, A, { year: 2029, month: 1 }).owes).toBe(false);
  });
});

describe("departments, 2026Q3 (as of 2026-09: plan share 9/36 = 0.25, year share 9/12 = 0.75)", () => {
  const q3 = rank("department", 3);

  it("GIVEN 经信局 THEN a cumulative and a yearly target read year to date, and a yearly target read as increments", () => {
    // C1 (ytd): the latest 1—N月累计 figure of 2026, 30 (no earlier year in the plan); expected 100 × 9/36 = 25;
    //   ratio 1.2 → green; at or above 序时进度: full marks 100, no bonus by default.
    const c1 = ind(q3, A, "C1");
    expect(c1).toMatchObject({ status: "assessed", actual: 30, expectedShare: 0.25, expected: 25, light: "green", met: true, points: 100, bonus: 0 });
    expect(c1.ratio).toBeCloseTo(1.2, 10);
    expect(c1.inputs).toMatchObject({ rule: "ytd_plan", years: [{ period: { year: 2026, month: 9 }, value: 30 }], sum: 30 });
    // Y1 (ytd): 1—9月累计 1500 vs 3000 × 9/12 = 2250 → 0.6667 red → 66.6667 points
    const y1 = ind(q3, A, "Y1");
    expect(y1).toMatchObject({ actual: 1500, expected: 2250, expectedShare: 0.75, light: "red", met: false, inputs: { rule: "ytd_year" } });
    expect(y1.points).toBeCloseTo(66.6667, 4);
    // M1 (month): 6 × 15 = 90 vs 120 × 9/12 = 90 → 1, green, 100
    const m1 = ind(q3, A, "M1");
    expect(m1).toMatchObject({ actual: 90, expected: 90, ratio: 1, light: "green", points: 100, inputs: { rule: "sum_months", scope: "year" } });
    // result (100 + 66.6667 + 100)/3 = 88.8889 → 88.89
    // conduct: Jul complete (figures and narrative) 100; Aug no narrative (3 of 4: incomplete) 50; Sep 100 → 83.33
    // total 0.7×88.89 + 0.3×83.33 = 62.223 + 24.999 = 87.222 → 87.22
    const a = unit(q3, A);
    expect(a.result!.score).toBe(88.89);
    expect(a.conduct!.months.map((m) => [m.owed, m.reported, m.missingNarrative, m.score])).toEqual([
      [4, 4, false, 100],
      [4, 3, true, 50],
      [4, 4, false, 100],
    ]);
    expect(a.conduct!.score).toBe(83.33);
    expect(a.total).toBe(87.22);
  });

  it("GIVEN 科技局 THEN a level from the plan's baseline, a ratio at full marks, a late month and a late correction", () => {
    // S1: baseline 20000 entered for 2025 (dated 2025-12); deadline 2028-12: 36 months, 9 elapsed.
    //   expected gain 5000 × 9/36 = 1250; gain 1500 → 1.2 green, 100; expected level 21250; completion 21500/25000 = 0.86
    const s1 = ind(q3, B, "S1");
    expect(s1).toMatchObject({ actual: 21500, light: "green", expected: 21250, expectedShare: 0.25, points: 100 });
    expect(s1.ratio).toBeCloseTo(1.2, 10);
    expect(s1.completion).toBeCloseTo(0.86, 10);
    expect(s1.inputs).toMatchObject({ rule: "stock_linear", baselineSource: "plan", baseline: { period: { year: 2025, month: 12 }, value: 20000 }, elapsedMonths: 9, totalMonths: 36 });
    // R1: 2.4 / 2.3 = 1.0435 against the threshold → green, 100
    expect(ind(q3, B, "R1")).toMatchObject({ actual: 2.4, expectedShare: 1, light: "green", points: 100, met: true });
    // result 100; conduct Jul 100, Aug late 50, Sep on time with a correction after the due date 90 → 80; total 70 + 24 = 94
    const b = unit(q3, B);
    expect(b.result!.score).toBe(100);
    expect(b.conduct!.months.map((m) => [m.status, m.penalty, m.score])).toEqual([
      ["on_time", 0, 100],
      ["late", 0, 50],
      ["on_time", 10, 90],
    ]);
    expect(b.total).toBe(94);
    expect(b.allMet).toBe(true);
  });

  it("GIVEN 生态环境局 THEN growth by the gap in points, a reduction against the share due by now, an upper limit", () => {
    // G1: 11 − 12.5 = −1.5 points → amber (within 2), 100 − 10 × 1.5 = 85; no ratio of rates
    expect(ind(q3, C, "G1")).toMatchObject({ light: "amber", gap: -1.5, ratio: null, completion: null, points: 85, met: false, inputs: { rule: "growth_gap" } });
    // D1: 10.4 by 2028-12, counted from 2025-12: 9/36 due by now = 2.6; 2.34 / 2.6 = 0.9 → amber, 90
    const d1 = ind(q3, C, "D1");
    expect(d1).toMatchObject({ expected: 2.6, light: "amber", inputs: { rule: "reduction_pro_rata", elapsedMonths: 9, totalMonths: 36 } });
    expect(d1.ratio).toBeCloseTo(0.9, 10);
    expect(d1.points).toBeCloseTo(90, 8);
    // L1 (≤ 0.5): 0.5 / 0.4 = 1.25 → green, full marks 100 (nothing more without a bonus)
    expect(ind(q3, C, "L1")).toMatchObject({ light: "green", ratio: 1.25, points: 100 });
    // result (85 + 90 + 100)/3 = 91.6667 → 91.67; conduct Jul, Aug without D1 (3 of 4) 50, Sep late 50 → 50
    // total 0.7×91.67 + 0.3×50 = 64.169 + 15 = 79.169 → 79.17
    const c = unit(q3, C);
    expect(c.result!.score).toBe(91.67);
    expect(c.conduct!.score).toBe(50);
    expect(c.total).toBe(79.17);
    expect(c.lights).toEqual({ green: 1, amber: 2, red: 0, none: 0 });
  });

  it("GIVEN 商务局, an owner that reported one month in three THEN ranked: a level from its first report, a stale rate at 0", () => {
    // H1: no baseline entered: the first report (2026-04, 60) is the baseline; deadline 2028-12: 32 months, 5 elapsed;
    //   expected gain 40 × 5/32 = 6.25; gain 10 → 1.6 green, 100
    const h1 = ind(q3, E, "H1");
    expect(h1).toMatchObject({ actual: 70, light: "green", points: 100, inputs: { rule: "stock_linear", baselineSource: "first_report", elapsedMonths: 5, totalMonths: 32 } });
    expect(h1.ratio).toBeCloseTo(1.6, 10);
    // H2: last reported in May, before the window (Jul–Sep): not used, counted as not done (0)
    expect(ind(q3, E, "H2")).toMatchObject({ status: "stale", light: "red", counted: true, points: 0, met: false, inputs: { rule: "none", reason: "stale", latest: { period: { year: 2026, month: 5 }, value: 55 } } });
    // result 50; conduct Jul, Aug not reported 0, Sep 1 of 2 on time 50 → 16.67; total 35 + 5.001 = 40.001 → 40
    const e = unit(q3, E);
    expect(e.result!.score).toBe(50);
    expect(e.conduct!.months.map((m) => m.status)).toEqual(["missing", "missing", "on_time"]);
    expect(e.conduct!.score).toBe(16.67);
    expect(e.total).toBe(40);
  });

  it("GIVEN the department ranking THEN everyone owing indicators is ranked, the narrative-only lead is apart, and nobody is summoned", () => {
    expect(q3.ranked.map((u) => [u.name, u.rank, u.total, u.bottom, u.summoned])).toEqual([
      ["科技局", 1, 94, false, false],
      ["经信局", 2, 87.22, true, false],
      ["生态环境局", 3, 79.17, true, false],
      ["商务局", 4, 40, true, false],
    ]);
    expect(q3.unranked.map((u) => [u.name, u.unranked, u.total])).toEqual([["发改委", "no_indicators", null]]);
    // This plan names 县(市、区) for 通报约谈: departments at the bottom are named, not summoned.
    expect(q3.summon).toEqual({ applies: false, reason: "kind_not_named", bottomN: 3, minRanked: 5 });
    const summoning = rank("department", 3, rankingConfig({ summon: { kinds: ["department", "county"], minRanked: 3 } }));
    expect(summoning.ranked.filter((u) => u.summoned).map((u) => u.name)).toEqual(["经信局", "生态环境局", "商务局"]);
  });

  it("GIVEN 2026Q2 (as of 2026-06) THEN the earlier figures, and the movers between the quarters", () => {
    const q2 = rank("department", 2);
    // A: C1 15 vs 100×6/36 = 16.667 → 0.9 (90); Y1 750 vs 1500 → 0.5 (50); M1 45 vs 60 → 0.75 (75); result 71.67; conduct 100 → 80.17
    // B: S1 gain 300 vs 5000×6/36 = 833.33 → 0.36 (36); R1 2.07/2.3 = 0.9 (90); result 63; conduct 100 → 74.1
    // C: G1 13.125 → +0.625 points, green (100); D1 not reported → 0; L1 0.5/0.625 = 0.8 (80); result 60; conduct 50 → 57
    // E: H1 only April's 60 (the baseline itself): gain 0 vs 2.5 → 0; H2 55/50 → 1.1 (100); result 50;
    //    conduct Apr 1 of 2 (50), May 1 of 2 (50), Jun not reported (0) → 33.33 → 35 + 9.999 = 44.999 → 45
    expect(q2.ranked.map((u) => [u.name, u.rank, u.result!.score, u.conduct!.score, u.total])).toEqual([
      ["经信局", 1, 71.67, 100, 80.17],
      ["科技局", 2, 63, 100, 74.1],
      ["生态环境局", 3, 60, 50, 57],
      ["商务局", 4, 50, 33.33, 45],
    ]);
    expect(ind(q2, C, "D1")).toMatchObject({ status: "no_data", light: "red", counted: true, points: 0, ratio: null });
    expect(movers(q2, q3)).toEqual([
      { unitId: B, name: "科技局", previousRank: 2, currentRank: 1, change: 1, direction: "up", previousTotal: 74.1, currentTotal: 94 },
      { unitId: A, name: "经信局", previousRank: 1, currentRank: 2, change: -1, direction: "down", previousTotal: 80.17, currentTotal: 87.22 },
    ]);
  });

  it("GIVEN missingIndicator 'exclude' THEN a missing indicator is left out of the mean instead of scoring 0", () => {
    const q3x = rank("department", 3, rankingConfig({ result: { missingIndicator: "exclude" } }));
    // E: H1 alone → 100
    expect(unit(q3x, E).result!.score).toBe(100);
    expect(ind(q3x, E, "H2")).toMatchObject({ counted: false, points: null, contribution: null });
  });

  it("GIVEN a bonus of 0.5 per point beyond 序时进度, at most 10 THEN over-performance earns it", () => {
    const q3b = rank("department", 3, rankingConfig({ result: { bonus: { perPoint: 0.5, max: 10 } } }));
    // C1 ratio 1.2: 20 points beyond → 10 (the cap); M1 exactly on pace: none; G1 below target: none
    expect(ind(q3b, A, "C1")).toMatchObject({ bonus: 10, points: 110 });
    expect(ind(q3b, A, "M1")).toMatchObject({ bonus: 0, points: 100 });
    // L1 1.25 → 25 points beyond → 10; S1 1.2 → 10; R1 1.0435 → 2.17
    expect(ind(q3b, B, "R1").bonus).toBeCloseTo(50 * (2.4 / 2.3 - 1), 8);
  });

  it("GIVEN other rule settings THEN growth, reductions, levels and freshness follow them", () => {
    const strict = rank("department", 3, rankingConfig({ result: { growth: { pointsPerPoint: 20, amberGap: 1 }, reduction: "target", stockExpectation: "target", maxAgeMonths: 6 } }));
    // G1 −1.5 points: red beyond a 1-point amber band, 100 − 30 = 70
    expect(ind(strict, C, "G1")).toMatchObject({ light: "red", points: 70 });
    // D1 against the full 10.4: 0.225 → red
    expect(ind(strict, C, "D1").ratio).toBeCloseTo(2.34 / 10.4, 10);
    // S1 latest against the full target: 21500 / 25000 = 0.86
    expect(ind(strict, B, "S1")).toMatchObject({ inputs: { rule: "stock_target" }, light: "amber" });
    // H2 (May) is within 6 months of September: used, 55/50 → 100
    expect(ind(strict, E, "H2")).toMatchObject({ status: "assessed", points: 100 });
  });
});

describe("counties on their shares, 2026Q3", () => {
  const q3 = rank("county", 3);

  it("GIVEN 义乌市 THEN the share replaces the city target", () => {
    // C1: 1—9月累计 12 vs 40 × 0.25 = 10 → 1.2 green (100); Y1: 750 vs 1200 × 0.75 = 900 → 0.8333 amber (83.3333)
    // R1: 1.9 / 2.5 = 0.76 red (76); result (100 + 83.3333 + 76)/3 = 86.4444 → 86.44
    // conduct: Jul 100, Aug a late correction 90, Sep 100 → 96.67; total 0.7×86.44 + 0.3×96.67 = 60.508 + 29.001 = 89.509 → 89.51
    expect(ind(q3, YIWU, "C1")).toMatchObject({ target: 40, targetSource: "share", actual: 12, expected: 10, light: "green" });
    expect(ind(q3, YIWU, "Y1").ratio).toBeCloseTo(750 / 900, 10);
    expect(ind(q3, YIWU, "Y1").light).toBe("amber");
    expect(ind(q3, YIWU, "R1")).toMatchObject({ light: "red", target: 2.5, points: 76 });
    const y = unit(q3, YIWU);
    expect(y.result!.score).toBe(86.44);
    expect(y.conduct!.score).toBe(96.67);
    expect(y.total).toBe(89.51);
  });

  it("GIVEN 东阳市 on pace everywhere THEN full marks on every indicator", () => {
    // C1 7.5 vs 7.5, Y1 600 vs 600, G1 13.75 ≥ 12.5 (+1.25 points): all met, 100; conduct Sep late → 83.33
    // total 70 + 24.999 = 94.999 → 95
    expect([ind(q3, DONGYANG, "C1").points, ind(q3, DONGYANG, "Y1").points, ind(q3, DONGYANG, "G1").gap]).toEqual([100, 100, 1.25]);
    expect(unit(q3, DONGYANG)).toMatchObject({ total: 95, allMet: true });
  });

  it("GIVEN 兰溪市 owing a share and sending nothing THEN it is ranked last (未报视为未完成); 磐安县 owing nothing is apart", () => {
    expect(q3.ranked.map((u) => [u.name, u.rank, u.total])).toEqual([
      ["东阳市", 1, 95],
      ["义乌市", 2, 89.51],
      ["兰溪市", 3, 0],
    ]);
    expect(unit(q3, LANXI).conduct!.months.map((m) => m.status)).toEqual(["missing", "missing", "missing"]);
    expect(ind(q3, LANXI, "C1")).toMatchObject({ status: "no_data", points: 0 });
    expect(q3.unranked.map((u) => [u.name, u.unranked, u.conduct])).toEqual([["磐安县", "not_owed", null]]);
  });

  it("GIVEN the default 通报约谈 rule THEN nobody is summoned with fewer than five ranked", () => {
    expect(q3.summon).toMatchObject({ applies: false, reason: "too_few_ranked" });
    expect(q3.ranked.some((u) => u.summoned)).toBe(false);
  });

  it("GIVEN bottom 3 from 3 ranked THEN the bottom is summoned except 东阳市, on pace on every indicator", () => {
    const r = rank("county", 3, rankingConfig({ summon: { bottomN: 3, minRanked: 3 } }));
    expect(r.ranked.map((u) => [u.name, u.bottom, u.summoned])).toEqual([
      ["东阳市", true, false],
      ["义乌市", true, true],
      ["兰溪市", true, true],
    ]);
    const s = briefingSummary(r);
    expect(s.summoned.map((x) => x.name)).toEqual(["兰溪市", "义乌市"]);
    expect(s.spared.map((x) => x.name)).toEqual(["东阳市"]);
  });

  it("GIVEN bottom 1 THEN only the last is summoned; with everyone at the bottom on pace, nobody", () => {
    const r = rank("county", 3, rankingConfig({ summon: { bottomN: 1, minRanked: 3 } }));
    expect(r.ranked.filter((u) => u.summoned).map((u) => u.name)).toEqual(["兰溪市"]);
    // Only 东阳 ranked at the bottom (a one-unit window where it alone owes): on pace → none_at_bottom
    const solo = computeRanking({
      kind: "county",
      window: quarterWindow({ year: 2026, quarter: 3 }),
      plan: SPAN,
      timeZone: TZ,
      units: rankingUnits(FACTS, rankingObligations(FACTS, "county", { year: 2026, month: 9 })).filter((u) => u.unitId === DONGYANG),
      values: VALUES,
      conduct: conductFor("county", quarterWindow({ year: 2026, quarter: 3 })),
      config: rankingConfig({ summon: { bottomN: 1, minRanked: 1 } }),
    });
    expect(solo.summon.reason).toBe("none_at_bottom");
    expect(solo.ranked[0]).toMatchObject({ bottom: true, summoned: false });
  });

  it("GIVEN Q2 THEN the movers: 义乌 88.33 → 89.51 (1 → 2), 东阳 84.83 → 95 (2 → 1)", () => {
    // Q2 义乌: C1 7 vs 6.667 → 1.05 (100); Y1 300/600 = 0.5 (50); R1 2.5/2.5 = 1 (100); result 83.33; conduct 100 → 58.331 + 30 = 88.33
    // Q2 东阳: C1 3/5 = 0.6 (60); Y1 300/400 = 0.75 (75); G1 12.5 at the target (100); result 78.33 → 54.831 + 30 = 84.83
    const q2 = rank("county", 2);
    expect(q2.ranked.map((u) => [u.name, u.total])).toEqual([
      ["义乌市", 88.33],
      ["东阳市", 84.83],
      ["兰溪市", 0],
    ]);
    expect(movers(q2, q3).map((m) => [m.name, m.change])).toEqual([
      ["东阳市", 1],
      ["义乌市", -1],
    ]);
  });

  it("GIVEN explain 义乌市 2026Q3 THEN every input of every number", () => {
    const e = explainUnit(q3, "义乌市")!;
    expect(e).toMatchObject({ window: { label: "2026Q3" }, asOf: { year: 2026, month: 9 }, rank: 2, rankedCount: 3, total: 89.51, timeZone: TZ });
    const y1 = e.indicators.find((i) => i.code === "Y1")!;
    expect(y1.values).toEqual([{ period: { year: 2026, month: 9 }, value: 750 }]);
    expect(y1.formula).toBe("actual = ytd 2026-09 = 750; expected = 1200 × 9/12 = 900; completion = 750 / 1200 = 0.625; ratio = 750 / 900 = 0.8333");
    expect(e.result!.formula).toBe("(1×100 + 1×83.3333 + 1×76) / 3 = 86.44");
    expect(e.totalFormula).toBe("0.7×86.44 + 0.3×96.67 = 89.51");
    expect(e.indicators.reduce((s, i) => s + (i.contribution ?? 0), 0)).toBeCloseTo(86.4444, 4);
    expect(explainUnit(q3, "金东区")).toBeNull();
  });

  it("GIVEN the quarter THEN behind 序时进度 and who did not report", () => {
    expect(behindSchedule(q3).map((b) => [b.name, b.indicators.map((i) => [i.code, i.light])])).toEqual([
      ["义乌市", [["R1", "red"], ["Y1", "amber"]]],
    ]);
    expect(missingData(q3)).toEqual([
      {
        unitId: LANXI,
        name: "兰溪市",
        rank: 3,
        unranked: null,
        indicators: [{ code: "C1", name: "指标C1", status: "no_data", latest: null }],
        monthsNotSubmitted: [{ year: 2026, month: 7 }, { year: 2026, month: 8 }, { year: 2026, month: 9 }],
        nothingReported: true,
      },
    ]);
  });

  it("GIVEN a correction after publication THEN the frozen snapshot is unchanged and the difference is listed", () => {
    const published: Ranking = JSON.parse(JSON.stringify(q3));
    // 义乌 corrects September's Y1 (1—9月累计) from 750 to 840: 840 vs 900 → 0.9333 (93.3333);
    // result (100 + 93.3333 + 76)/3 = 89.7778 → 89.78; total 0.7×89.78 + 29.001 = 91.847 → 91.85, rank 2 still
    const corrected = VALUES.map((v) => (v.unitId === YIWU && v.indicatorId === Y1 && v.period.month === 9 ? { ...v, value: 840 } : v));
    const now = rank("county", 3, DEFAULT_RANKING_CONFIG, corrected);
    expect(snapshotChanges(published, now)).toEqual([
      { unitId: YIWU, name: "义乌市", code: "Y1", field: "actual", published: 750, now: 840 },
      { unitId: YIWU, name: "义乌市", code: null, field: "total", published: 89.51, now: 91.85 },
    ]);
    expect(published.ranked[1]!.total).toBe(89.51);
  });
});

describe("ties and the bottom N", () => {
  it("GIVEN totals THEN standard competition ranking: 1, 2, 2, 4", () => {
    expect(assignRanks([90, 80, 80, 70], 0).map((r) => r.rank)).toEqual([1, 2, 2, 4]);
  });
  it("GIVEN a tie at the bottom-N boundary THEN every tied unit is marked", () => {
    // N = 2: 70 has none below (marked); the two 80s have one below (< 2, marked) → 3 marked
    expect(assignRanks([90, 80, 80, 70], 2).map((r) => r.bottom)).toEqual([false, true, true, true]);
    expect(assignRanks([90, 80, 80, 70], 1).map((r) => r.bottom)).toEqual([false, false, false, true]);
    expect(assignRanks([90, 80, 80], 1).map((r) => r.bottom)).toEqual([false, true, true]);
  });
});

describe("briefing, digest, annual assessment", () => {
  it("GIVEN Q2 and Q3 THEN the quarterly briefing summary", () => {
    const s = briefingSummary(rank("county", 3), rank("county", 2));
    expect(s.top.map((r) => r.name)).toEqual(["东阳市", "义乌市", "兰溪市"]);
    expect(s.bottom.map((r) => r.name)).toEqual(["兰溪市", "义乌市", "东阳市"]);
    expect(s.summoned).toEqual([]);
    expect(s.movers).toHaveLength(2);
    expect(s.unranked).toEqual([{ unitId: PANAN, name: "磐安县", reason: "not_owed" }]);
    expect(rankRows(rank("county", 3))[1]).toMatchObject({ name: "义乌市", rank: 2, total: 89.51, result: 86.44, conduct: 96.67, worstLight: "red" });
  });

  it("GIVEN 2026-09 THEN the digest: on time, late, not reported (the narrative-only lead too), incomplete, headlines", () => {
    const d = monthlyDigest(rankWindow("department", monthWindow({ year: 2026, month: 9 })));
    expect(d.onTime.map((u) => u.name)).toEqual(["商务局", "科技局", "经信局"]);
    expect(d.late).toEqual([{ unitId: C, name: "生态环境局", firstSubmittedAt: "2026-10-08T02:00:00.000Z", dueAt: "2026-10-05T15:59:59.000Z" }]);
    expect(d.missing.map((u) => u.name)).toEqual(["发改委"]);
    expect(d.incomplete).toEqual([{ unitId: E, name: "商务局", reported: 1, owed: 2, missingNarrative: false }]);
    expect(d.headlines.map((h) => [h.code, h.actual, h.expected, h.light])).toEqual([
      ["C1", 30, 25, "green"],
      ["Y1", 1500, 2250, "red"],
    ]);
  });

  it("GIVEN the year 2026 THEN the annual assessment: the same scoring as of December, every owed month counted", () => {
    const r = rankWindow("department", yearWindow(2026));
    // A C1: 30 vs 100 × 12/36 = 33.33 → 0.9; Y1: 1500 vs 3000 → 0.5 (September's figures are within the year)
    expect(ind(r, A, "C1").ratio).toBeCloseTo(0.9, 10);
    expect(ind(r, A, "Y1").ratio).toBeCloseTo(0.5, 10);
    // A conduct: Apr–Jul 100, Aug 50, Sep 100; Jan–Mar and Oct–Dec owed and not reported (0) → 550 / 12 = 45.83
    expect(unit(r, A).conduct!.score).toBe(45.83);
    const s = annualSummary(r);
    expect(s).toMatchObject({ window: "2026", scope: "year" });
    expect(() => annualSummary(rank("department", 3))).toThrow(/year ranking/);
  });

  it("GIVEN a ranking THEN it is plain JSON (the snapshot payload round-trips)", () => {
    const q3 = rank("county", 3);
    expect(JSON.parse(JSON.stringify(q3))).toEqual(q3);
  });
});
