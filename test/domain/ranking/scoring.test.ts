/**
 * A small plan, scored by hand. Plan 2026-01 … 2028-12 (36 months); reports
 * from April 2026 (Q2) to September 2026 (Q3). Default config unless said:
 * lights green ≥ 1, amber ≥ 0.8; cap 1.2 → points = 100 × min(ratio, 1.2) / 1.2;
 * result 0.7, conduct 0.3; conduct month = 50 on time + 50 complete − 10 per
 * late correction.
 *
 * Indicators (lead → city target; county shares):
 *   C1 cumulative 招引项目 100 项      lead A; 义乌 40, 东阳 30, 兰溪 10
 *   Y1 per_year   新增机器人 3000 台    lead A; 义乌 1200, 东阳 800
 *   S1 stock      在役机器人 25000 台   lead B
 *   R1 ratio      R&D比重 2.3 %         lead B; 义乌 2.5
 *   G1 growth     增速 12.5 %           lead C; 东阳 12.5
 *   D1 reduction  能耗下降 10.4 %       lead C
 *   L1 ratio lte  亩均能耗 ≤ 0.5        lead C
 * Departments: A 经信局 (1), B 科技局 (2), C 生态环境局 (3), D 发改委 (4, leads nothing).
 * Counties: 义乌市 (11), 东阳市 (12), 兰溪市 (13, a share, never reports), 磐安县 (14, no share).
 */
import { describe, expect, it } from "vitest";
import { type Period } from "../../../src/domain/report/types.js";
import { planWindow, quarterWindow, monthWindow, yearWindow } from "../../../src/domain/ranking/periods.js";
import { DEFAULT_RANKING_CONFIG, rankingConfigSchema, type RankingConfig } from "../../../src/domain/ranking/ranking-config.js";
import { type PlanIndicatorRow, countyUnits, departmentUnits } from "../../../src/domain/ranking/ranking-units.js";
import { type Ranking, type RankingKind, assignRanks, computeRanking } from "../../../src/domain/ranking/score.js";
import type { ConductMonth, MonthlyValue, RankingUnit } from "../../../src/domain/ranking/types.js";
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

const PLAN = planWindow(2026, 2028);
const A = 1, B = 2, C = 3, D = 4, YIWU = 11, DONGYANG = 12, LANXI = 13, PANAN = 14;
const [C1, Y1, S1, R1, G1, D1, L1] = [101, 102, 103, 104, 105, 106, 107] as const;

function row(id: number, code: string, kind: PlanIndicatorRow["kind"], target: number, lead: number, shares: Array<[number, number]> = [], comparator: "gte" | "lte" = "gte"): PlanIndicatorRow {
  return { id, code, name: code, unit: "x", kind, comparator, target, weight: 1, headline: code === "C1" || code === "Y1", deadline: "2028-12-31", leadUnitIds: [lead], shares: new Map(shares) };
}

const INDICATORS: PlanIndicatorRow[] = [
  row(C1, "C1", "cumulative", 100, A, [[YIWU, 40], [DONGYANG, 30], [LANXI, 10]]),
  row(Y1, "Y1", "per_year", 3000, A, [[YIWU, 1200], [DONGYANG, 800]]),
  row(S1, "S1", "stock", 25000, B),
  row(R1, "R1", "ratio", 2.3, B, [[YIWU, 2.5]]),
  row(G1, "G1", "growth", 12.5, C, [[DONGYANG, 12.5]]),
  row(D1, "D1", "reduction", 10.4, C),
  row(L1, "L1", "ratio", 0.5, C, [], "lte"),
];
const DEPARTMENTS = departmentUnits(INDICATORS, [
  { unitId: A, name: "经信局" },
  { unitId: B, name: "科技局" },
  { unitId: C, name: "生态环境局" },
  { unitId: D, name: "发改委" },
]);
const COUNTIES = countyUnits(INDICATORS, [
  { unitId: YIWU, name: "义乌市" },
  { unitId: DONGYANG, name: "东阳市" },
  { unitId: LANXI, name: "兰溪市" },
  { unitId: PANAN, name: "磐安县" },
]);

const APR_TO_SEP: Period[] = [4, 5, 6, 7, 8, 9].map((month) => ({ year: 2026, month }));

/** Values for Apr … Sep 2026 (null = not reported that month). */
function monthly(unitId: number, indicatorId: number, figures: Array<number | null>): MonthlyValue[] {
  return figures.flatMap((value, i) => (value === null ? [] : [{ unitId, indicatorId, period: APR_TO_SEP[i]!, value }]));
}

const VALUES: MonthlyValue[] = [
  //                           Apr    May    Jun    Jul    Aug    Sep
  ...monthly(A, C1, [5, 5, 5, 6, 4, 5]), // increments
  ...monthly(A, Y1, [200, 250, 300, 250, 250, 250]), // increments
  ...monthly(B, S1, [20000, 20100, 20300, 20500, 20600, 20700]), // levels
  ...monthly(B, R1, [2.0, 2.0, 2.1, 2.2, 2.3, 2.4]),
  ...monthly(C, G1, [12, 12.5, 13.125, 11, 11, 10]),
  ...monthly(C, D1, [null, null, null, null, null, 9.36]),
  ...monthly(C, L1, [0.6, 0.6, 0.625, 0.5, 0.45, 0.4]),
  ...monthly(YIWU, C1, [2, 2, 3, 2, 1, 2]),
  ...monthly(YIWU, Y1, [100, 100, 100, 150, 150, 150]),
  ...monthly(YIWU, R1, [2.4, 2.4, 2.5, 2.2, 2.0, 1.9]),
  ...monthly(DONGYANG, C1, [1, 1, 1, 1, 1, 1]),
  ...monthly(DONGYANG, Y1, [100, 100, 100, 100, 100, 100]),
  ...monthly(DONGYANG, G1, [12, 12.5, 12.5, 13, 13.5, 13.75]),
];

/** Due: the 5th of the next month, 23:59:59 Beijing time. */
function dueAt(p: Period): Date {
  return new Date(Date.UTC(p.year, p.month, 5, 15, 59, 59));
}
/** Submitted on `day` of the following month, 10:00 Beijing time. */
function on(p: Period, day: number): Date {
  return new Date(Date.UTC(p.year, p.month, day, 2, 0, 0));
}
type Conduct = "ok" | "late" | { late?: boolean; reported?: number; corrections?: number };
function conduct(unitId: number, owed: number, months: Conduct[]): ConductMonth[] {
  return months.map((c, i) => {
    const p = APR_TO_SEP[i]!;
    const o = c === "ok" ? {} : c === "late" ? { late: true } : c;
    return { unitId, period: p, dueAt: dueAt(p), firstSubmittedAt: on(p, o.late ? 8 : 3), owed, reported: o.reported ?? owed, correctionsAfterDue: o.corrections ?? 0 };
  });
}

const CONDUCT: ConductMonth[] = [
  //                         Apr   May   Jun   Jul   Aug   Sep
  ...conduct(A, 2, ["ok", "ok", "ok", "ok", "ok", "ok"]),
  ...conduct(B, 2, ["ok", "ok", "ok", "ok", "late", { corrections: 1 }]),
  ...conduct(C, 3, [{ reported: 2 }, { reported: 2 }, { reported: 2 }, { reported: 2 }, { reported: 2 }, "late"]),
  ...conduct(YIWU, 3, ["ok", "ok", "ok", "ok", { corrections: 1 }, "ok"]),
  ...conduct(DONGYANG, 3, ["late", "ok", { corrections: 2 }, "ok", "ok", "ok"]),
  // 兰溪市 never reports; 磐安县 owes nothing.
];

function rank(kind: RankingKind, units: RankingUnit[], quarter: 2 | 3, config: RankingConfig = DEFAULT_RANKING_CONFIG, values = VALUES): Ranking {
  return computeRanking({ kind, window: quarterWindow({ year: 2026, quarter }), plan: PLAN, units, values, conduct: CONDUCT, config });
}

const ind = (r: Ranking, unitId: number, code: string) => {
  const u = [...r.ranked, ...r.unranked].find((x) => x.unitId === unitId)!;
  return u.indicators.find((i) => i.code === code)!;
};
const unit = (r: Ranking, unitId: number) => [...r.ranked, ...r.unranked].find((x) => x.unitId === unitId)!;

describe("departments, 2026Q3 (as of 2026-09: plan share 9/36 = 0.25, year share 9/12 = 0.75)", () => {
  const config = rankingConfigSchema.parse({ bottomN: 1 });
  const q3 = rank("department", DEPARTMENTS, 3, config);

  it("A 经信局: cumulative and per-year against 序时进度", () => {
    // C1: 5+5+5+6+4+5 = 30; expected 100 × 9/36 = 25; ratio 30/25 = 1.2 → green; points 100 × 1.2/1.2 = 100
    const c1 = ind(q3, A, "C1");
    expect(c1).toMatchObject({ status: "assessed", actual: 30, expectedShare: 0.25, expected: 25, light: "green" });
    expect(c1.completion).toBeCloseTo(0.3, 10); // 30 / 100
    expect(c1.ratio).toBeCloseTo(1.2, 10);
    expect(c1.points).toBeCloseTo(100, 10);
    // Y1: 200+250+300+250+250+250 = 1500; expected 3000 × 9/12 = 2250; ratio 0.6667 → red; points 100 × 0.6667/1.2 = 55.5556
    const y1 = ind(q3, A, "Y1");
    expect(y1).toMatchObject({ actual: 1500, expected: 2250, expectedShare: 0.75, light: "red" });
    expect(y1.ratio).toBeCloseTo(2 / 3, 10);
    expect(y1.points).toBeCloseTo(55.5556, 4);
    expect(y1.contribution).toBeCloseTo(27.7778, 4); // 1 × 55.5556 / 2
    // result (100 + 55.5556) / 2 = 77.7778 → 77.78; conduct 100 ×3 → 100; total 0.7×77.78 + 0.3×100 = 84.446 → 84.45
    const a = unit(q3, A);
    expect(a.result!.score).toBe(77.78);
    expect(a.conduct!.score).toBe(100);
    expect(a.total).toBe(84.45);
  });

  it("B 科技局: a stock level on a line from its first report, a ratio, a late month and a late correction", () => {
    // S1: baseline 20000 (2026-04), latest 20700 (2026-09), deadline 2028-12: 32 months from the baseline, 5 elapsed.
    // expected gain 5000 × 5/32 = 781.25; gain 700; ratio 700/781.25 = 0.896 → amber; points 89.6/1.2 = 74.6667
    // expected level 20000 + 781.25 = 20781.25; completion 20700/25000 = 0.828
    const s1 = ind(q3, B, "S1");
    expect(s1).toMatchObject({ actual: 20700, light: "amber", expected: 20781.25 });
    expect(s1.expectedShare).toBeCloseTo(5 / 32, 10);
    expect(s1.ratio).toBeCloseTo(0.896, 10);
    expect(s1.completion).toBeCloseTo(0.828, 10);
    expect(s1.points).toBeCloseTo(74.6667, 4);
    expect(s1.inputs).toMatchObject({ rule: "stock_linear", baseline: { value: 20000 }, elapsedMonths: 5, totalMonths: 32 });
    // R1: latest 2.4 / 2.3 = 1.0435 → green; points 86.9565 (no 序时 scaling)
    const r1 = ind(q3, B, "R1");
    expect(r1).toMatchObject({ actual: 2.4, expectedShare: 1, light: "green" });
    expect(r1.points).toBeCloseTo(86.9565, 4);
    // result (74.6667 + 86.9565)/2 = 80.8116 → 80.81
    // conduct: Jul 100; Aug late → 50; Sep on time, 1 correction after due → 90; mean 80
    // total 0.7×80.81 + 0.3×80 = 56.567 + 24 = 80.567 → 80.57
    const b = unit(q3, B);
    expect(b.result!.score).toBe(80.81);
    expect(b.conduct!.months.map((m) => [m.status, m.penalty, m.score])).toEqual([
      ["on_time", 0, 100],
      ["late", 0, 50],
      ["on_time", 10, 90],
    ]);
    expect(b.conduct!.score).toBe(80);
    expect(b.total).toBe(80.57);
  });

  it("C 生态环境局: growth at the amber boundary, a reduction, an upper limit (lte) capped, incomplete months", () => {
    // G1: 10 / 12.5 = 0.8 → amber (≥ 0.8 is amber); points 66.6667
    expect(ind(q3, C, "G1")).toMatchObject({ light: "amber", ratio: 0.8 });
    // D1: 9.36 / 10.4 = 0.9 → amber; points 75
    expect(ind(q3, C, "D1").ratio).toBeCloseTo(0.9, 10);
    expect(ind(q3, C, "D1").points).toBeCloseTo(75, 8);
    // L1 (lte 0.5): 0.5 / 0.4 = 1.25 → green, capped at 1.2 → 100
    expect(ind(q3, C, "L1")).toMatchObject({ light: "green", ratio: 1.25, cappedRatio: 1.2, points: 100 });
    // result (66.6667 + 75 + 100)/3 = 80.5556 → 80.56
    // conduct: Jul, Aug on time, 2 of 3 → 50; Sep late, complete → 50; mean 50
    // total 0.7×80.56 + 0.3×50 = 56.392 + 15 = 71.392 → 71.39
    const c = unit(q3, C);
    expect(c.result!.score).toBe(80.56);
    expect(c.conduct!.score).toBe(50);
    expect(c.total).toBe(71.39);
    expect(c.lights).toEqual({ green: 1, amber: 2, red: 0, none: 0 });
  });

  it("ranks A, B, C; D (leads nothing) is listed apart; bottom 1 is C", () => {
    expect(q3.ranked.map((u) => [u.name, u.rank, u.total, u.bottom])).toEqual([
      ["经信局", 1, 84.45, false],
      ["科技局", 2, 80.57, false],
      ["生态环境局", 3, 71.39, true],
    ]);
    expect(q3.unranked.map((u) => [u.name, u.unranked, u.total])).toEqual([["发改委", "no_indicators", null]]);
  });

  it("2026Q2 (as of 2026-06) and the movers between the quarters", () => {
    const q2 = rank("department", DEPARTMENTS, 2, config);
    // A: C1 15 vs 100×6/36 = 16.667 → 0.9 amber (75); Y1 750 vs 1500 → 0.5 red (41.667); result 58.33; total 0.7×58.33 + 30 = 70.83
    // B: S1 gain 300 vs 5000×2/32 = 312.5 → 0.96 amber (80); R1 2.1/2.3 = 0.913 amber (76.087); result 78.04; total 54.628 + 30 = 84.63
    // C: G1 13.125/12.5 = 1.05 green (87.5); D1 no data → light none, 0 points; L1 0.5/0.625 = 0.8 amber (66.667)
    //    result (87.5 + 0 + 66.667)/3 = 51.39; conduct 50 (incomplete); total 35.973 + 15 = 50.97
    expect(q2.ranked.map((u) => [u.name, u.rank, u.result!.score, u.conduct!.score, u.total])).toEqual([
      ["科技局", 1, 78.04, 100, 84.63],
      ["经信局", 2, 58.33, 100, 70.83],
      ["生态环境局", 3, 51.39, 50, 50.97],
    ]);
    expect(ind(q2, C, "D1")).toMatchObject({ status: "no_data", light: "none", counted: true, points: 0, ratio: null });
    expect(movers(q2, q3)).toEqual([
      { unitId: A, name: "经信局", previousRank: 2, currentRank: 1, change: 1, direction: "up", previousTotal: 70.83, currentTotal: 84.45 },
      { unitId: B, name: "科技局", previousRank: 1, currentRank: 2, change: -1, direction: "down", previousTotal: 84.63, currentTotal: 80.57 },
    ]);
  });

  it("missingIndicator 'exclude' leaves a missing indicator out of the mean instead of scoring it 0", () => {
    const q2 = rank("department", DEPARTMENTS, 2, rankingConfigSchema.parse({ result: { missingIndicator: "exclude" } }));
    // C: (87.5 + 66.667)/2 = 77.0833 → 77.08
    expect(unit(q2, C).result!.score).toBe(77.08);
    expect(ind(q2, C, "D1")).toMatchObject({ counted: false, points: null, contribution: null });
  });
});

describe("counties on their shares, 2026Q3", () => {
  const q3 = rank("county", COUNTIES, 3);

  it("义乌市: the share replaces the city target", () => {
    // C1: 2+2+3+2+1+2 = 12 vs 40 × 0.25 = 10 → 1.2 green (100)
    // Y1: 750 vs 1200 × 0.75 = 900 → 0.8333 amber (69.4444)
    // R1: 1.9 / 2.5 = 0.76 red (63.3333)
    // result (100 + 69.4444 + 63.3333)/3 = 77.5926 → 77.59
    // conduct: Jul 100, Aug 1 late correction 90, Sep 100 → 96.6667 → 96.67
    // total 0.7×77.59 + 0.3×96.67 = 54.313 + 29.001 = 83.314 → 83.31
    expect(ind(q3, YIWU, "C1")).toMatchObject({ target: 40, targetSource: "share", actual: 12, expected: 10, light: "green" });
    expect(ind(q3, YIWU, "Y1").ratio).toBeCloseTo(750 / 900, 10);
    expect(ind(q3, YIWU, "Y1").light).toBe("amber");
    expect(ind(q3, YIWU, "R1")).toMatchObject({ light: "red", target: 2.5 });
    const y = unit(q3, YIWU);
    expect(y.result!.score).toBe(77.59);
    expect(y.conduct!.score).toBe(96.67);
    expect(y.total).toBe(83.31);
  });

  it("东阳市", () => {
    // C1: 6 vs 30 × 0.25 = 7.5 → 0.8 amber (66.6667); Y1: 600 vs 600 → 1 green (83.3333); G1 13.75/12.5 = 1.1 green (91.6667)
    // result 241.6667/3 = 80.5556 → 80.56; conduct 100; total 56.392 + 30 = 86.392 → 86.39
    expect(ind(q3, DONGYANG, "C1").light).toBe("amber");
    expect(ind(q3, DONGYANG, "Y1").light).toBe("green");
    expect(unit(q3, DONGYANG).total).toBe(86.39);
  });

  it("ranks 东阳, 义乌; 兰溪 (no data) and 磐安 (no share) are listed apart, never bottom", () => {
    expect(q3.ranked.map((u) => [u.name, u.rank, u.bottom])).toEqual([
      ["东阳市", 1, true],
      ["义乌市", 2, true], // bottomN 3 ≥ 2 ranked: both are marked
    ]);
    expect(q3.unranked.map((u) => [u.name, u.unranked, u.bottom])).toEqual([
      ["兰溪市", "no_data", false],
      ["磐安县", "no_indicators", false],
    ]);
    // 兰溪 owed C1 and sent nothing: three missing months, conduct 0 (shown, not ranked)
    expect(unit(q3, LANXI).conduct!.months.map((m) => m.status)).toEqual(["missing", "missing", "missing"]);
    expect(unit(q3, LANXI).conduct!.score).toBe(0);
    expect(unit(q3, PANAN).conduct).toBeNull();
  });

  it("movers from Q2: 义乌 79.58 → 83.31 (1 → 2), 东阳 68.70 → 86.39 (2 → 1)", () => {
    // Q2 义乌: C1 7 vs 6.667 → 1.05 (87.5); Y1 300/600 = 0.5 (41.667); R1 2.5/2.5 = 1 (83.333); result 70.83; total 49.581 + 30 = 79.58
    // Q2 东阳: C1 3/5 = 0.6 (50); Y1 300/400 = 0.75 (62.5); G1 1 (83.333); result 65.28;
    //          conduct Apr late 50, May 100, Jun 2 late corrections 80 → 76.67; total 45.696 + 23.001 = 68.697 → 68.70
    const q2 = rank("county", COUNTIES, 2);
    expect(q2.ranked.map((u) => [u.name, u.total])).toEqual([
      ["义乌市", 79.58],
      ["东阳市", 68.7],
    ]);
    expect(movers(q2, q3).map((m) => [m.name, m.change])).toEqual([
      ["东阳市", 1],
      ["义乌市", -1],
    ]);
  });

  it("explain 义乌市 2026Q3: every input of every number", () => {
    const e = explainUnit(q3, "义乌市")!;
    expect(e).toMatchObject({ window: "2026Q3", asOf: { year: 2026, month: 9 }, rank: 2, rankedCount: 2, total: 83.31 });
    const y1 = e.indicators.find((i) => i.code === "Y1")!;
    expect(y1.values.map((v) => v.value)).toEqual([100, 100, 100, 150, 150, 150]);
    expect(y1.formula).toBe("actual = Σ 6 month(s) = 750; expected = 1200 × 9/12 = 900; completion = 750 / 1200 = 0.625; ratio = 750 / 900 = 0.8333");
    const r1 = e.indicators.find((i) => i.code === "R1")!;
    expect(r1.values).toEqual([{ period: { year: 2026, month: 9 }, value: 1.9 }]);
    expect(e.result!.formula).toBe("(1×100 + 1×69.4444 + 1×63.3333) / 3 = 77.59");
    expect(e.totalFormula).toBe("0.7×77.59 + 0.3×96.67 = 83.31");
    expect(e.indicators.reduce((s, i) => s + (i.contribution ?? 0), 0)).toBeCloseTo(77.5926, 4);
    expect(explainUnit(q3, "金东区")).toBeNull();
  });

  it("behind 序时进度 and missing data", () => {
    expect(behindSchedule(q3).map((b) => [b.name, b.indicators.map((i) => [i.code, i.light])])).toEqual([
      ["东阳市", [["C1", "amber"]]],
      ["义乌市", [["R1", "red"], ["Y1", "amber"]]],
    ]);
    expect(missingData(q3)).toEqual([
      { unitId: LANXI, name: "兰溪市", unranked: "no_data", indicators: [{ code: "C1", name: "C1", status: "no_data" }], monthsNotSubmitted: [{ year: 2026, month: 7 }, { year: 2026, month: 8 }, { year: 2026, month: 9 }] },
      { unitId: PANAN, name: "磐安县", unranked: "no_indicators", indicators: [], monthsNotSubmitted: [] },
    ]);
  });

  it("a correction after publication: the frozen snapshot is unchanged, the difference is listed", () => {
    const published: Ranking = JSON.parse(JSON.stringify(q3));
    // 义乌 corrects September's Y1 from 150 to 240: YTD 840 vs 900 → 0.9333 (77.7778);
    // result (100 + 77.7778 + 63.3333)/3 = 80.3704 → 80.37; total 0.7×80.37 + 29.001 = 85.26 → rank 2 still (东阳 86.39)
    const corrected = VALUES.map((v) => (v.unitId === YIWU && v.indicatorId === Y1 && v.period.month === 9 ? { ...v, value: 240 } : v));
    const now = rank("county", COUNTIES, 3, DEFAULT_RANKING_CONFIG, corrected);
    expect(snapshotChanges(published, now)).toEqual([
      { unitId: YIWU, name: "义乌市", code: "Y1", field: "actual", published: 750, now: 840 },
      { unitId: YIWU, name: "义乌市", code: null, field: "total", published: 83.31, now: 85.26 },
    ]);
    expect(published.ranked[1]!.total).toBe(83.31);
  });
});

describe("ties and the bottom N", () => {
  it("standard competition ranking: 1, 2, 2, 4", () => {
    expect(assignRanks([90, 80, 80, 70], 0).map((r) => r.rank)).toEqual([1, 2, 2, 4]);
  });
  it("a tie at the bottom-N boundary marks every tied unit", () => {
    // N = 2: 70 has none below (marked); the two 80s have one below (< 2, marked) → 3 marked
    expect(assignRanks([90, 80, 80, 70], 2).map((r) => r.bottom)).toEqual([false, true, true, true]);
    expect(assignRanks([90, 80, 80, 70], 1).map((r) => r.bottom)).toEqual([false, false, false, true]);
    expect(assignRanks([90, 80, 80], 1).map((r) => r.bottom)).toEqual([false, true, true]);
  });
  it("units with the same data share a rank in a computed ranking", () => {
    const twin = (unitId: number, name: string): RankingUnit => ({ unitId, name, indicators: COUNTIES[0]!.indicators.filter((i) => i.code === "C1") });
    const units = [twin(21, "甲"), twin(22, "乙"), twin(23, "丙")];
    const values = [...monthly(21, C1, [2, 2, 2, 2, 2, 2]), ...monthly(22, C1, [2, 2, 2, 2, 2, 2]), ...monthly(23, C1, [1, 1, 1, 1, 1, 1])];
    const okAll = (id: number) => conduct(id, 1, ["ok", "ok", "ok", "ok", "ok", "ok"]);
    const r = computeRanking({
      kind: "county",
      window: quarterWindow({ year: 2026, quarter: 3 }),
      plan: PLAN,
      units,
      values,
      conduct: [...okAll(21), ...okAll(22), ...okAll(23)],
      config: rankingConfigSchema.parse({ bottomN: 2 }),
    });
    // 甲, 乙: 12 vs 10 → 1.2 (100) → total 100; 丙: 6 vs 10 → 0.6 (50) → 0.7×50 + 30 = 65
    expect(r.ranked.map((u) => [u.name, u.rank, u.total, u.bottom])).toEqual([
      ["乙", 1, 100, true], // name order within the tie (乙 U+4E59 < 甲 U+7532); the tie sits at the N = 2 boundary
      ["甲", 1, 100, true],
      ["丙", 3, 65, true],
    ]);
  });
});

describe("briefing, digest, annual assessment", () => {
  it("the quarterly briefing summary", () => {
    const q2 = rank("county", COUNTIES, 2);
    const q3 = rank("county", COUNTIES, 3);
    const s = briefingSummary(q3, q2);
    expect(s.top.map((r) => r.name)).toEqual(["东阳市", "义乌市"]);
    expect(s.bottom.map((r) => r.name)).toEqual(["义乌市", "东阳市"]);
    expect(s.movers).toHaveLength(2);
    expect(rankRows(q3)[1]).toMatchObject({ name: "义乌市", rank: 2, total: 83.31, result: 77.59, conduct: 96.67, worstLight: "red" });
  });

  it("the monthly digest for 2026-09: who reported, who is late, headline values against 序时进度", () => {
    const r = computeRanking({ kind: "department", window: monthWindow({ year: 2026, month: 9 }), plan: PLAN, units: DEPARTMENTS, values: VALUES, conduct: CONDUCT, config: DEFAULT_RANKING_CONFIG });
    const d = monthlyDigest(r);
    expect(d.onTime.map((u) => u.name)).toEqual(["科技局", "经信局"]);
    expect(d.late).toEqual([{ unitId: C, name: "生态环境局", firstSubmittedAt: "2026-10-08T02:00:00.000Z", dueAt: "2026-10-05T15:59:59.000Z" }]);
    expect(d.missing).toEqual([]);
    expect(d.headlines.map((h) => [h.code, h.actual, h.expected, h.light])).toEqual([
      ["C1", 30, 25, "green"],
      ["Y1", 1500, 2250, "red"],
    ]);
  });

  it("the annual assessment: same scoring over 2026 (as of December; Oct–Dec not reported)", () => {
    const r = computeRanking({ kind: "department", window: yearWindow(2026), plan: PLAN, units: DEPARTMENTS, values: VALUES, conduct: CONDUCT, config: DEFAULT_RANKING_CONFIG });
    // A C1: 30 vs 100 × 12/36 = 33.33 → 0.9 amber; Y1: 1500 vs 3000 → 0.5 red
    expect(ind(r, A, "C1").ratio).toBeCloseTo(0.9, 10);
    expect(ind(r, A, "Y1").ratio).toBeCloseTo(0.5, 10);
    // A conduct: Apr–Sep 100, the other six months not submitted (0) → 50
    expect(unit(r, A).conduct!.score).toBe(50);
    const s = annualSummary(r);
    expect(s).toMatchObject({ window: "2026", scope: "year" });
    expect(() => annualSummary(rank("department", DEPARTMENTS, 3))).toThrow(/year ranking/);
  });

  it("the ranking is plain JSON (the snapshot payload round-trips)", () => {
    const q3 = rank("county", COUNTIES, 3);
    expect(JSON.parse(JSON.stringify(q3))).toEqual(q3);
  });
});
