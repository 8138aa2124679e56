import { describe, expect, it } from "vitest";
import {
  monthStatus,
  obligedUnitIds,
  owingUnits,
  spanPosition,
  unitObligation,
  type FactIndicator,
  type PlanFacts,
} from "../../src/domain/obligations/obligations.js";

const span = { start: { year: 2021, month: 1 }, end: { year: 2023, month: 12 } };

function indicator(id: number, over: Partial<FactIndicator> = {}): FactIndicator {
  return {
    id,
    code: `I${id}`,
    name: `指标${id}`,
    aliases: [],
    kind: "cumulative",
    basis: "ytd",
    unit: "家",
    target: 100,
    targetMax: null,
    comparator: "gte",
    deadline: "2023-12-31",
    headline: false,
    weight: 1,
    baseline: null,
    baselineYear: null,
    workItemId: null,
    ownerUnitId: null,
    shares: new Map(),
    ...over,
  };
}

// Units: 1 市经信局 (leads W10 with I1, and W11 without numbers), 2 市科技局 (owns headline I3),
// 3 义乌市 (share of I1), 4 市级相关部门 (placeholder, "leads" W12), 5 市商务局 (co only).
const facts: PlanFacts = {
  plan: { id: 7, code: "p", title: "方案", shortName: "", startYear: 2021, endYear: 2023, span, timeZone: "Asia/Shanghai", example: false },
  workItems: [
    { id: 10, ref: "T1#1", taskCode: "1", taskTitle: "任务一", text: "做某事", leadUnitIds: [1] },
    { id: 11, ref: "T2#1", taskCode: "2", taskTitle: "任务二", text: "做另一事", leadUnitIds: [1] },
    { id: 12, ref: "T3#1", taskCode: "3", taskTitle: "任务三", text: "泛指的事", leadUnitIds: [4] },
  ],
  indicators: [
    indicator(1, { workItemId: 10, shares: new Map([[3, { target: 30, baseline: null }]]) }),
    indicator(2, { workItemId: 12 }),
    indicator(3, { ownerUnitId: 2, headline: true, kind: "stock", basis: "level", baseline: 1800, baselineYear: 2020 }),
  ],
  units: new Map([
    [1, { id: 1, name: "市经信局", kind: "department" }],
    [2, { id: 2, name: "市科技局", kind: "department" }],
    [3, { id: 3, name: "义乌市", kind: "county" }],
    [4, { id: 4, name: "市级相关部门", kind: "placeholder" }],
    [5, { id: 5, name: "市商务局", kind: "department" }],
  ]),
  accountableUnitIds: [3],
};

describe("obligations: who owes what, for which month", () => {
  it("GIVEN the span THEN months before, within and after it are told apart", () => {
    expect(spanPosition(span, { year: 2020, month: 12 })).toBe("before");
    expect(spanPosition(span, { year: 2021, month: 1 })).toBe("within");
    expect(spanPosition(span, { year: 2023, month: 12 })).toBe("within");
    expect(spanPosition(span, { year: 2024, month: 1 })).toBe("after");
  });

  it("GIVEN a lead unit THEN it owes its work items' indicators on the city target and the narrative", () => {
    const o = unitObligation(facts, 1, { year: 2022, month: 5 });
    expect(o.owes).toBe(true);
    expect(o.narrative).toBe(true);
    expect(o.workItems.map((w) => w.ref)).toEqual(["T1#1", "T2#1"]);
    expect(o.indicators.map((i) => [i.code, i.via, i.target, i.targetSource, i.workItemRef])).toEqual([["I1", "lead", 100, "city", "T1#1"]]);
  });

  it("GIVEN an owner of a headline target THEN it owes it (no narrative: it leads no work item), with the plan's baseline", () => {
    const o = unitObligation(facts, 2, { year: 2022, month: 5 });
    expect(o.owes).toBe(true);
    expect(o.narrative).toBe(false);
    expect(o.indicators.map((i) => [i.code, i.via, i.baseline, i.baselineYear])).toEqual([["I3", "owner", 1800, 2020]]);
  });

  it("GIVEN a county with a share THEN it owes that indicator on its share", () => {
    const o = unitObligation(facts, 3, { year: 2022, month: 5 });
    expect(o.indicators.map((i) => [i.code, i.via, i.target, i.cityTarget, i.share])).toEqual([["I1", "share", 30, 100, 30]]);
  });

  it("GIVEN a placeholder or a co-responsible unit THEN nothing is owed", () => {
    expect(unitObligation(facts, 4, { year: 2022, month: 5 }).owes).toBe(false);
    expect(unitObligation(facts, 5, { year: 2022, month: 5 }).owes).toBe(false);
    expect(obligedUnitIds(facts)).toEqual([1, 2, 3]);
  });

  it("GIVEN a month outside the span THEN nobody owes, but what would be owed is still listed", () => {
    const o = unitObligation(facts, 1, { year: 2026, month: 11 });
    expect(o.position).toBe("after");
    expect(o.owes).toBe(false);
    expect(o.indicators).toHaveLength(1);
    expect(owingUnits(facts, { year: 2026, month: 11 })).toEqual([]);
    expect(owingUnits(facts, { year: 2023, month: 12 }).map((x) => x.unitId)).toEqual([1, 2, 3]);
  });

  it("GIVEN stored months THEN the status counts indicators and the narrative, and judges on time by the first submission", () => {
    const o = unitObligation(facts, 1, { year: 2022, month: 5 });
    const due = new Date("2022-06-05T15:59:59.999Z");
    expect(monthStatus(o, null, due)).toMatchObject({ state: "missing", owed: 2, reported: 0, missingNarrative: true, onTime: null });
    const figuresOnly = monthStatus(o, { firstAt: new Date("2022-06-03T02:00:00Z"), valueIds: new Set([1]), narrative: false }, due);
    expect(figuresOnly).toMatchObject({ state: "partial", owed: 2, reported: 1, missingNarrative: true, onTime: true });
    const late = monthStatus(o, { firstAt: new Date("2022-06-06T02:00:00Z"), valueIds: new Set([1]), narrative: true }, due);
    expect(late).toMatchObject({ state: "complete", owed: 2, reported: 2, onTime: false });
    const ended = unitObligation(facts, 1, { year: 2024, month: 1 });
    expect(monthStatus(ended, null, due).state).toBe("not_owed");
  });
});
