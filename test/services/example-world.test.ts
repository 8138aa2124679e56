import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPlanData } from "../../src/persistence/plan-repository.js";
import { exampleEnded, findExample, removeExample, resetExample } from "../../src/services/example-world.js";
import { seedBundledPlan } from "../../src/services/seed-bundled-plan.js";
import type { Database } from "../../src/persistence/database.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";

/** 2026-11-10 10:00 in Shanghai: October is open for reporting, its due date (11-05) has passed. */
const NOW = new Date("2026-11-10T02:00:00Z");

describe.each(PROVIDERS)("the example world on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    await seedBundledPlan(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it("GIVEN the bundled plan THEN the example is named 示例 everywhere, runs through this year, and splits the headline targets across the counties", async () => {
    const made = await resetExample(db.prisma, { now: NOW, actor: "test" });
    expect(made).toMatchObject({ code: "jinhua-manufacturing-example", from: { year: 2025, month: 1 }, to: { year: 2027, month: 12 } });
    const plan = (await findExample(db.prisma))!;
    expect(plan).toMatchObject({ shortName: "示例", example: true, startPeriod: 202501, endPeriod: 202712 });
    expect(plan.title).toMatch(/^【示例】金华市新一轮制造业.*\(2025—2027年\)$/u);
    const data = (await loadPlanData(db.prisma, plan.code))!;
    const g2 = data.indicators.find((i) => i.code === "G2")!;
    // 规上工业产值: a flow reported year to date, owned by 市经信局, split across ten bodies.
    expect(g2).toMatchObject({ kind: "annual_total", basis: "ytd", owner: "市经信局", deadline: "2027-12-31" });
    expect(Object.keys(g2.shares).sort()).toEqual(["东阳市", "义乌市", "兰溪市", "婺城区", "武义县", "永康市", "浦江县", "磐安县", "金东区", "金华开发区"].sort());
    const sum = Object.values(g2.shares).reduce((a, b) => a + b, 0);
    // Shares need not add up exactly (domain.md): here within 3 % of the city target.
    expect(Math.abs(sum - g2.target) / g2.target).toBeLessThan(0.03);
    const g3 = data.indicators.find((i) => i.code === "G3")!;
    expect(g3).toMatchObject({ kind: "stock", baselineYear: 2024, baseline: 4800 });
    expect(g3.shareBaselines["义乌市"]).toBeGreaterThan(0);
    // The bundled plan itself is untouched.
    expect((await loadPlanData(db.prisma, "jinhua-manufacturing-2021-2023"))!.indicators.every((i) => Object.keys(i.shares).length === 0)).toBe(true);
  });

  it("GIVEN the generated months THEN some reports are late, some missing, one corrected after its due date with a reason", async () => {
    const plan = (await findExample(db.prisma))!;
    const reports = await db.prisma.report.findMany({ where: { planId: plan.id }, include: { unit: true, revisions: true } });
    const key = (r: { unit: { name: string }; period: number }) => `${r.unit.name}:${r.period}`;
    const have = new Set(reports.map(key));
    // Planted: 磐安县 missed August (the middle month of the third quarter), 市投资促进中心 September.
    expect(have.has("磐安县:202608")).toBe(false);
    expect(have.has("磐安县:202607")).toBe(true);
    expect(have.has("市投资促进中心:202609")).toBe(false);
    // 浦江县 was late every month of the quarter: first submissions after the 5th of the next month (顺延 aside).
    for (const p of [202607, 202608, 202609]) {
      const r = reports.find((x) => key(x) === `浦江县:${p}`)!;
      expect(r.firstAt.getTime()).toBeGreaterThan(Date.UTC(Math.floor(p / 100), p % 100, 5));
    }
    const corrected = reports.filter((r) => r.revision > 1);
    expect(corrected.map(key)).toEqual(["义乌市:202607"]);
    expect(corrected[0]!.revisions.find((x) => x.revision === 2)!.reason).toMatch(/更正/);
    // Months from January 2025 to October 2026; October's due date has passed, so it is complete but for the planted gaps.
    expect(new Set(reports.map((r) => r.period)).size).toBe(22);
    // Nothing is submitted before its month is over (January 2025's report comes in February, Beijing time).
    expect(Math.min(...reports.map((r) => r.firstAt.getTime()))).toBeGreaterThanOrEqual(Date.parse("2025-02-01T00:00:00+08:00"));
    for (const r of reports) expect(r.firstAt.getTime(), key(r)).toBeGreaterThanOrEqual(Date.UTC(Math.floor(r.period / 100), r.period % 100, 1) - 8 * 3_600_000);
    expect(Math.max(...reports.map((r) => r.updatedAt.getTime()))).toBeLessThan(NOW.getTime());
  });

  it("GIVEN a year-to-date figure THEN the generated months never fall within a year", async () => {
    const plan = (await findExample(db.prisma))!;
    const values = await db.prisma.indicatorValue.findMany({
      where: { current: true, indicator: { planId: plan.id, basis: "ytd" } },
      select: { unitId: true, indicatorId: true, period: true, value: true },
      orderBy: [{ unitId: "asc" }, { indicatorId: "asc" }, { period: "asc" }],
    });
    let falls = 0;
    for (let i = 1; i < values.length; i++) {
      const a = values[i - 1]!;
      const b = values[i]!;
      if (a.unitId === b.unitId && a.indicatorId === b.indicatorId && Math.floor(a.period / 100) === Math.floor(b.period / 100) && b.value < a.value) falls++;
    }
    expect(falls).toBe(0);
    expect(values.length).toBeGreaterThan(1000);
  });

  it("GIVEN reset again THEN the same world (deterministic), and remove takes the plan away but keeps the units", async () => {
    const snapshot = async () => {
      const plan = (await findExample(db.prisma))!;
      const rows = await db.prisma.indicatorValue.findMany({ where: { current: true, indicator: { planId: plan.id } }, include: { indicator: true, report: { include: { unit: true } } } });
      return rows.map((v) => `${v.report.unit.name}:${v.period}:${v.indicator.code}=${v.value}`).sort();
    };
    const first = await snapshot();
    await resetExample(db.prisma, { now: NOW, actor: "test" });
    expect(await snapshot()).toEqual(first);
    const units = await db.prisma.unit.count();
    expect(await removeExample(db.prisma, { actor: "test" })).toEqual({ removed: "jinhua-manufacturing-example" });
    expect(await findExample(db.prisma)).toBeNull();
    expect(await db.prisma.unit.count()).toBe(units);
    const audit = await db.prisma.auditLog.findMany({ where: { action: { startsWith: "example." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["example.create", "example.remove", "example.create", "example.remove"]);
  });

  it("GIVEN an example whose span no longer covers the open month THEN it counts as ended", () => {
    expect(exampleEnded({ endPeriod: 202712, timeZone: "Asia/Shanghai" }, NOW)).toBe(false);
    expect(exampleEnded({ endPeriod: 202712, timeZone: "Asia/Shanghai" }, new Date("2028-02-10T02:00:00Z"))).toBe(true);
  });
});
