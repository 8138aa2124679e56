/**
 * The hand-scored world the ranking's domain tests share (scoring.test.ts has
 * every number worked out): a plan 2026-01 … 2028-12, reports April to
 * September 2026, through the obligations rule and each indicator's basis.
 *
 * Work items and what they carry (lead → city target; county shares):
 *   W1 经信局 A: C1 cumulative ytd 100 项 (义乌 40, 东阳 30, 兰溪 10), Y1 per_year ytd 3000 台
 *                (义乌 1200, 东阳 800), M1 per_year month (increments) 120 个
 *   W2 科技局 B: S1 stock 25000 台, baseline 20000 (2025), R1 ratio 2.3 % (义乌 2.5)
 *   W3 生态环境局 C: G1 growth 12.5 % (东阳 12.5), D1 reduction 10.4 %, L1 ratio ≤ 0.5 吨
 *   W4 发改委 D: no indicator (owes the narrative only)
 *   owner 商务局 E (攻坚目标, no work item, no narrative): H1 stock 100 家 (no baseline), H2 ratio 50 %
 * Counties: 义乌市 11, 东阳市 12, 兰溪市 13 (a share, never reports), 磐安县 14 (责任主体, no share).
 */
import type { FactIndicator, PlanFacts, StoredMonth } from "../../../src/domain/obligations/obligations.js";
import { type Period, periodKey } from "../../../src/domain/report/types.js";
import { asOfMonth, quarterWindow, type ScoringWindow } from "../../../src/domain/ranking/periods.js";
import { DEFAULT_RANKING_CONFIG, type RankingConfig } from "../../../src/domain/ranking/ranking-config.js";
import { conductMonth, rankingObligations, rankingUnits } from "../../../src/domain/ranking/ranking-units.js";
import { type Ranking, type RankingKind, computeRanking } from "../../../src/domain/ranking/score.js";
import type { ConductMonth, MonthlyValue } from "../../../src/domain/ranking/types.js";

export const SPAN = { start: { year: 2026, month: 1 }, end: { year: 2028, month: 12 } };
export const TZ = "Asia/Shanghai";
export const A = 1, B = 2, C = 3, D = 4, E = 5, YIWU = 11, DONGYANG = 12, LANXI = 13, PANAN = 14;
export const [C1, Y1, M1, S1, R1, G1, D1, L1, H1, H2] = [201, 202, 203, 204, 205, 206, 207, 208, 209, 210] as const;

function indicator(id: number, code: string, over: Partial<FactIndicator>): FactIndicator {
  return {
    id, code, name: `指标${code}`, aliases: [], kind: "cumulative", basis: "ytd", unit: "项", target: 100, targetMax: null, comparator: "gte",
    deadline: "2028-12-31", headline: false, weight: 1, baseline: null, baselineYear: null, workItemId: null, ownerUnitId: null, shares: new Map(), ...over,
  };
}
const shares = (xs: Array<[number, number]>) => new Map(xs.map(([u, target]) => [u, { target, baseline: null }]));

export const FACTS: PlanFacts = {
  plan: { id: 1, code: "t", title: "测试方案", shortName: "", startYear: 2026, endYear: 2028, span: SPAN, timeZone: TZ, example: false },
  workItems: [
    { id: 101, ref: "T1#1", taskCode: "1", taskTitle: "任务一", text: "一", leadUnitIds: [A] },
    { id: 102, ref: "T2#1", taskCode: "2", taskTitle: "任务二", text: "二", leadUnitIds: [B] },
    { id: 103, ref: "T3#1", taskCode: "3", taskTitle: "任务三", text: "三", leadUnitIds: [C] },
    { id: 104, ref: "T4#1", taskCode: "4", taskTitle: "任务四", text: "四", leadUnitIds: [D] },
  ],
  indicators: [
    indicator(C1, "C1", { workItemId: 101, headline: true, shares: shares([[YIWU, 40], [DONGYANG, 30], [LANXI, 10]]) }),
    indicator(Y1, "Y1", { kind: "per_year", unit: "台", target: 3000, workItemId: 101, headline: true, shares: shares([[YIWU, 1200], [DONGYANG, 800]]) }),
    indicator(M1, "M1", { kind: "per_year", basis: "month", unit: "个", target: 120, workItemId: 101 }),
    indicator(S1, "S1", { kind: "stock", basis: "level", unit: "台", target: 25000, baseline: 20000, baselineYear: 2025, workItemId: 102 }),
    indicator(R1, "R1", { kind: "ratio", basis: "rate", unit: "%", target: 2.3, workItemId: 102, shares: shares([[YIWU, 2.5]]) }),
    indicator(G1, "G1", { kind: "growth", basis: "rate", unit: "%", target: 12.5, workItemId: 103, shares: shares([[DONGYANG, 12.5]]) }),
    indicator(D1, "D1", { kind: "reduction", basis: "rate", unit: "%", target: 10.4, workItemId: 103 }),
    indicator(L1, "L1", { kind: "ratio", basis: "rate", unit: "吨", target: 0.5, comparator: "lte", workItemId: 103 }),
    indicator(H1, "H1", { kind: "stock", basis: "level", unit: "家", target: 100, ownerUnitId: E }),
    indicator(H2, "H2", { kind: "ratio", basis: "rate", unit: "%", target: 50, ownerUnitId: E }),
  ],
  units: new Map([
    [A, { id: A, name: "经信局", kind: "department" }],
    [B, { id: B, name: "科技局", kind: "department" }],
    [C, { id: C, name: "生态环境局", kind: "department" }],
    [D, { id: D, name: "发改委", kind: "department" }],
    [E, { id: E, name: "商务局", kind: "department" }],
    [YIWU, { id: YIWU, name: "义乌市", kind: "county" }],
    [DONGYANG, { id: DONGYANG, name: "东阳市", kind: "county" }],
    [LANXI, { id: LANXI, name: "兰溪市", kind: "county" }],
    [PANAN, { id: PANAN, name: "磐安县", kind: "county" }],
  ]),
  accountableUnitIds: [YIWU, DONGYANG, LANXI, PANAN],
};

export const APR_TO_SEP: Period[] = [4, 5, 6, 7, 8, 9].map((month) => ({ year: 2026, month }));

/** Values for Apr … Sep 2026 in the indicator's basis (null = not reported that month). */
export function monthly(unitId: number, indicatorId: number, figures: Array<number | null>): MonthlyValue[] {
  return figures.flatMap((value, i) => (value === null ? [] : [{ unitId, indicatorId, period: APR_TO_SEP[i]!, value }]));
}

export const VALUES: MonthlyValue[] = [
  //                            Apr    May    Jun    Jul    Aug    Sep
  ...monthly(A, C1, [5, 10, 15, 21, 25, 30]), // 1—N月累计
  ...monthly(A, Y1, [200, 450, 750, 1000, 1250, 1500]), // 1—N月累计
  ...monthly(A, M1, [15, 15, 15, 15, 15, 15]), // 当月 increments
  ...monthly(B, S1, [20000, 20100, 20300, 20500, 21000, 21500]), // levels
  ...monthly(B, R1, [2.0, 2.0, 2.07, 2.2, 2.3, 2.4]),
  ...monthly(C, G1, [12, 12.5, 13.125, 11, 11, 11]),
  ...monthly(C, D1, [null, null, null, null, null, 2.34]),
  ...monthly(C, L1, [0.6, 0.6, 0.625, 0.5, 0.45, 0.4]),
  ...monthly(E, H1, [60, null, null, null, null, 70]),
  ...monthly(E, H2, [null, 55, null, null, null, null]),
  ...monthly(YIWU, C1, [2, 4, 7, 9, 10, 12]),
  ...monthly(YIWU, Y1, [100, 200, 300, 450, 600, 750]),
  ...monthly(YIWU, R1, [2.4, 2.4, 2.5, 2.2, 2.0, 1.9]),
  ...monthly(DONGYANG, C1, [1, 2, 3, 5, 6, 7.5]),
  ...monthly(DONGYANG, Y1, [100, 200, 300, 400, 500, 600]),
  ...monthly(DONGYANG, G1, [12, 12.5, 12.5, 13, 13.5, 13.75]),
];

/** Due: the 5th of the next month, 23:59:59 Beijing time. */
export const dueAt = (p: Period) => new Date(Date.UTC(p.year, p.month, 5, 15, 59, 59));
/** Submitted on `day` of the following month, 10:00 Beijing time. */
export const on = (p: Period, day: number) => new Date(Date.UTC(p.year, p.month, day, 2, 0, 0));

/** Who sent the narrative, who was late, who corrected after the due date (on the 20th of the next month). */
const NARRATIVE: Record<number, number[]> = { [A]: [4, 5, 6, 7, 9], [B]: [4, 5, 6, 7, 8, 9], [C]: [4, 5, 6, 7, 8, 9], [D]: [8] };
const LATE: Record<number, number[]> = { [B]: [8], [C]: [9], [DONGYANG]: [9] };
const CORRECTIONS: Record<number, number[]> = { [B]: [9], [YIWU]: [8] };

/** What is stored for a unit's month: its values that month, the narrative, when it came, corrections. */
export function stored(unitId: number, p: Period): (StoredMonth & { corrections: Date[] }) | null {
  const ids = new Set(VALUES.filter((v) => v.unitId === unitId && periodKey(v.period) === periodKey(p)).map((v) => v.indicatorId));
  const narrative = (NARRATIVE[unitId] ?? []).includes(p.month) && p.year === 2026;
  if (ids.size === 0 && !narrative) return null;
  const corrections = (CORRECTIONS[unitId] ?? []).includes(p.month) ? [on(p, 20)] : [];
  return { firstAt: on(p, (LATE[unitId] ?? []).includes(p.month) ? 8 : 3), valueIds: ids, narrative, corrections };
}

/** The conduct records as the service builds them: the obligations rule's monthStatus per unit and month. */
export function conductFor(kind: RankingKind, window: ScoringWindow): ConductMonth[] {
  return window.months.flatMap((p) => rankingObligations(FACTS, kind, p).map((ob) => conductMonth(ob, p, stored(ob.unitId, p), dueAt(p))));
}

export function rankWindow(kind: RankingKind, window: ScoringWindow, config: RankingConfig = DEFAULT_RANKING_CONFIG, values = VALUES): Ranking {
  const units = rankingUnits(FACTS, rankingObligations(FACTS, kind, asOfMonth(window)));
  return computeRanking({ kind, window, plan: SPAN, timeZone: TZ, units, values, conduct: conductFor(kind, window), config });
}
export const rank = (kind: RankingKind, quarter: 2 | 3, config?: RankingConfig, values?: MonthlyValue[]) => rankWindow(kind, quarterWindow({ year: 2026, quarter }), config, values);

