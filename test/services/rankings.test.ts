import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { owingUnits, unitObligation } from "../../src/domain/obligations/obligations.js";
import type { Database } from "../../src/persistence/database.js";
import { forgetPlanFacts, loadPlanFacts } from "../../src/persistence/plan-facts.js";
import { findPlan } from "../../src/persistence/plan-repository.js";
import { decodeSnapshotPayload } from "../../src/persistence/ranking-payload.js";
import { getSnapshot, saveRankingConfig } from "../../src/persistence/ranking-repository.js";
import { calendarOverrides, loadSchedule, putCalendarDays, saveSchedule } from "../../src/persistence/schedule-repository.js";
import { computeQuarter, computeWindow, dueInstant, explainRanking, markPublished, parseWindow, prepareBriefing } from "../../src/services/rankings.js";
import { prepareDigest } from "../../src/services/monthly-digest.js";
import { extendPlan } from "../../src/services/extend-plan.js";
import { seedBundledPlan } from "../../src/services/seed-bundled-plan.js";
import { createWorkingCalendar } from "../../src/domain/calendar/working-calendar.js";
import { rankingConfig } from "../../src/domain/ranking/ranking-config.js";
import { rankingObligations, rankingUnits } from "../../src/domain/ranking/ranking-units.js";
import { computeRanking, type RankingKind } from "../../src/domain/ranking/score.js";
import type { MonthlyValue } from "../../src/domain/ranking/types.js";
import { asOfMonth } from "../../src/domain/ranking/periods.js";
import { explainUnit } from "../../src/domain/ranking/explain.js";
import { periodFromKey } from "../../src/domain/report/types.js";
import { DEFAULT_SCHEDULE } from "../../src/domain/schedule/schedule-config.js";
import { explainLines } from "../../src/i18n/ranking-words.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { correct, report, seedRankingWorld, type RankingWorld } from "../helpers/ranking-world.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("dueInstant", () => {
  it("GIVEN January 2022 (due 5 Feb, in the Spring Festival holiday) THEN the end of Monday 7 Feb in Shanghai", () => {
    const at = dueInstant({ year: 2022, month: 1 }, DEFAULT_SCHEDULE, createWorkingCalendar(), "Asia/Shanghai");
    expect(at.toISOString()).toBe("2022-02-07T15:59:59.999Z");
  });

  it("GIVEN window texts THEN quarters, years and months", () => {
    expect(parseWindow("2026Q3")?.label).toBe("2026Q3");
    expect(parseWindow("2026年第三季度")?.label).toBe("2026Q3");
    expect(parseWindow("2026")?.scope).toBe("year");
    expect(parseWindow("2026-10")?.label).toBe("2026-10");
    expect(parseWindow("soon")).toBeNull();
  });
});

describe.each(PROVIDERS)("rankings service on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  let world: RankingWorld;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    world = await seedRankingWorld(db);
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it("GIVEN the hand-made quarter THEN the county scores, the tie, the unit that sent nothing ranked last and summoned", async () => {
    const r = await computeQuarter(db.prisma, world.planId, "2022Q1", "county");
    expect(r.ranked.map((u) => [u.name, u.rank, u.total, u.summoned])).toEqual([
      ["东阳市", 1, 100, false],
      ["义乌市", 1, 100, false],
      ["永康市", 3, 88, false],
      ["兰溪市", 4, 0, true],
    ]);
    const yongkang = r.ranked[2]!;
    expect(yongkang.result?.score).toBe(90);
    expect(yongkang.conduct?.score).toBe(83.33);
    expect(yongkang.conduct?.months.map((m) => m.status)).toEqual(["on_time", "on_time", "late"]);
    const t21 = yongkang.indicators.find((i) => i.code === "T2-1")!;
    // Reported 1—N月累计: March's 240 is the quarter's figure (not 80 + 160 + 240).
    expect([t21.basis, t21.actual, t21.expected, t21.ratio, t21.light, t21.points]).toEqual(["ytd", 240, 300, 0.8, "amber", 80]);
    expect(r.timeZone).toBe("Asia/Shanghai");
    // The plan's other 责任主体 owed nothing: listed apart, never ranked last.
    expect(r.unranked.map((u) => u.unranked)).toEqual(r.unranked.map(() => "not_owed"));
    expect(r.unranked.map((u) => u.name)).toContain("磐安县");
  });

  it("GIVEN the lead-department ranking THEN departments owing indicators are ranked on them (none reported: 0), narrative-only leads apart", async () => {
    const r = await computeQuarter(db.prisma, world.planId, { year: 2022, quarter: 1 }, "department");
    const facts = (await loadPlanFacts(db.prisma, world.planId))!;
    const march = { year: 2022, month: 3 };
    const owing = owingUnits(facts, march).filter((o) => facts.units.get(o.unitId)?.kind === "department");
    const withIndicators = owing.filter((o) => o.indicators.length > 0).map((o) => facts.units.get(o.unitId)!.name).sort();
    const narrativeOnly = owing.filter((o) => o.indicators.length === 0).map((o) => facts.units.get(o.unitId)!.name).sort();
    expect(withIndicators).toContain("市经信局");
    expect(r.ranked.map((u) => u.name).sort()).toEqual(withIndicators);
    expect(r.ranked.every((u) => u.total === 0 && u.rank === 1 && !u.summoned)).toBe(true);
    expect(r.unranked.map((u) => [u.name, u.unranked]).sort()).toEqual(narrativeOnly.map((n) => [n, "no_indicators"]));
    // Judged on the city target of what each leads.
    const jx = r.ranked.find((u) => u.name === "市经信局")!;
    expect(jx.indicators.find((i) => i.code === "T2-1")).toMatchObject({ target: 5000, targetSource: "city", status: "no_data", points: 0 });
    expect(r.summon.reason).toBe("kind_not_named");
  });

  it("GIVEN a unit by its traditional alias THEN explain lists the computation in Chinese, indicator by indicator", async () => {
    const r = await explainRanking(db.prisma, world.planId, "永康", "2022年第一季度");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const e = r.explanation;
    expect([e.name, e.rank, e.total, e.summoned]).toEqual(["永康市", 3, 88, false]);
    const t21 = e.indicators.find((i) => i.code === "T2-1")!;
    expect(t21.values).toEqual([{ period: { year: 2022, month: 3 }, value: 240 }]);
    const text = explainLines(e, "zh").join("\n");
    expect(text).toContain("2022年第一季度县（市、区）排名：第3名／共4个");
    expect(text).toContain("实际 = 2022年1—3月累计 240家；序时目标 = 720 × 15/36 = 300家；完成序时进度80.0%，得80分");
    expect(text).toContain("2022年3月：逾期报送（2022年4月20日），应报2项，已报2项，得50分");
    expect(text).toContain("综合得分 = 90 × 70% + 83.33 × 30% = 88分");
    expect((await explainRanking(db.prisma, world.planId, "義烏", "2022Q1")).ok).toBe(true);
    expect(await explainRanking(db.prisma, world.planId, "火星市", "2022Q1")).toMatchObject({ ok: false, problem: "unknown_unit" });
  });

  it("GIVEN a briefing THEN a PNG chart, a workbook that reads back in Chinese, and the message lines", async () => {
    const b = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county", { persist: false });
    expect(b.snapshot).toBeNull();
    expect(b.chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(b.workbook as unknown as ExcelJS.Buffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(["排名", "G1 规上制造业研究与试验发展(R&D)经费相当于营业收入比重", "T2-1 整治提升高耗低效企业", "原始数据", "计分规则"].map((n) => n.slice(0, 31)));
    const ranking = book.getWorksheet("排名")!;
    expect((ranking.getRow(4).values as unknown[]).slice(1, 4)).toEqual([1, "东阳市", 100]);
    expect(ranking.getColumn(7).values).toContain("约谈");
    expect((ranking.getRow(7).values as unknown[]).slice(1, 9)).toEqual([4, "兰溪市", 0, 0, 0, "红灯", "约谈", "2022年1—3月未报"]);
    const raw = book.getWorksheet("原始数据")!;
    expect(raw.rowCount).toBe(3 + 3 * 3 * 2); // title rows + 3 units × 3 months × 2 values
    expect(raw.getRow(3).values).toContain("填报时间（北京时间）");
    expect((raw.getRow(4).values as unknown[])[2]).toMatch(/^2022年[1-3]月$/u);
    const t21 = book.worksheets[2]!;
    expect(t21.getRow(1).getCell(1).value).toBe("T2-1 整治提升高耗低效企业（单位：家；方案期累计；按年初至当月累计报送）");
    const text = b.lines.join("\n");
    expect(text).toContain("**排名靠后（通报约谈）**");
    expect(text).toContain("- 第4名 兰溪市 0分🔴");
    expect(text).toContain("- 兰溪市：2022年1—3月未报");
  });

  it("GIVEN a published quarter THEN posting again is a no-op, a late correction leaves it frozen and the next briefing lists it with its reason", async () => {
    // Computed two minutes ago, published one minute ago, corrected half a minute ago.
    const first = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county", { now: () => new Date(Date.now() - 120_000) });
    expect(first.alreadyPublished).toBe(false);
    const publishedAt = new Date(Date.now() - 60_000);
    expect(await markPublished(db.prisma, first.snapshot!.id, publishedAt)).toBe(true);
    const again = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county");
    expect(again.alreadyPublished).toBe(true);
    expect(again.snapshot!.id).toBe(first.snapshot!.id);
    expect(await markPublished(db.prisma, first.snapshot!.id)).toBe(false);
    expect(await db.prisma.rankingSnapshot.count({ where: { period: "2022Q1", kind: "county" } })).toBe(1);

    const frozen = (await db.prisma.rankingSnapshot.findFirstOrThrow({ where: { period: "2022Q1" } })).payload;
    // 永康 corrects March's 1—3月累计 from 240 to 280 after its due date, and after the publication.
    const at = new Date(publishedAt.getTime() + 30_000);
    await correct(db, world.planId, world.units.永康市, 202203, [[world.ids["T2-1"], 280]], { reason: "漏统计两家", at });
    const live = await computeQuarter(db.prisma, world.planId, "2022Q1", "county");
    expect(live.ranked.find((u) => u.name === "永康市")?.indicators.find((i) => i.code === "T2-1")?.actual).toBe(280);
    expect((await db.prisma.rankingSnapshot.findFirstOrThrow({ where: { period: "2022Q1" } })).payload).toBe(frozen);
    const stillFrozen = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county");
    expect(stillFrozen.ranking.ranked.find((u) => u.name === "永康市")?.total).toBe(88);
    // The raw sheet of a frozen briefing shows the revision current when it was computed.
    expect(stillFrozen.data.raw.find((r) => r.unit === "永康市" && r.period === "2022年3月" && r.code === "T2-1")?.value).toBe(240);

    const next = await prepareBriefing(db.prisma, world.planId, "2022Q2", "county");
    expect(next.corrections?.changes).toEqual(
      expect.arrayContaining([{ unitId: world.units.永康市, name: "永康市", code: "T2-1", field: "actual", published: 240, now: 280 }]),
    );
    expect(next.lateChanges.since).toBe(publishedAt.toISOString());
    expect(next.lateChanges.changes).toMatchObject([{ unit: "永康市", code: "T2-1", period: { year: 2022, month: 3 }, old: 240, new: 280, reason: "漏统计两家", at: at.toISOString() }]);
    const text = next.lines.join("\n");
    expect(text).toContain("2022年第一季度通报发布后的数据更正");
    expect(text).toContain("- 永康市 T2-1完成值：240 → 280");
    expect(text).toMatch(/- 永康市 整治提升高耗低效企业（T2-1）2022年3月：240家 → 280家，原因：漏统计两家，20\d\d年\d{1,2}月\d{1,2}日 \d\d:\d\d修改/u);
    expect(next.data.lateChanges).toHaveLength(1);
    expect((await getSnapshot(db.prisma, world.planId, "2022Q2", "county"))?.publishedAt).toBeNull();
  });

  it("GIVEN a stored schedule and calendar days THEN the driver reads return what was stored, and the ranking's due day follows", async () => {
    // Read on the driver (no Prisma engine in a ranking process): they must return what Prisma wrote.
    expect(await loadSchedule(db.prisma, world.planId)).toEqual({ config: DEFAULT_SCHEDULE, stored: false });
    const before = Date.now();
    const config = { ...DEFAULT_SCHEDULE, window: { ...DEFAULT_SCHEDULE.window, due: { kind: "nth_workday" as const, n: 3 } } };
    await saveSchedule(db.prisma, world.planId, config, "test");
    await putCalendarDays(db.prisma, [{ date: "2031-10-08", workday: false, name: "台风停工" }, { date: "2031-10-11", workday: true }], "test");
    const stored = await loadSchedule(db.prisma, world.planId);
    expect(stored).toMatchObject({ config, stored: true, updatedBy: "test" });
    expect(stored.updatedAt).toBeInstanceOf(Date);
    expect(stored.updatedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const viaPrisma = await db.prisma.calendarDay.findMany({ orderBy: { date: "asc" } });
    expect(await calendarOverrides(db.prisma)).toEqual(viaPrisma.map((d) => ({ date: d.date, workday: d.workday, ...(d.name ? { name: d.name } : {}) })));
    expect((await calendarOverrides(db.prisma)).map((d) => d.workday)).toEqual([false, true]);
    // March 2022 is now due on the 3rd working day of April (6 April, after Qingming): 永康's report of 20 April is late still.
    const r = await computeQuarter(db.prisma, world.planId, "2022Q1", "county");
    expect(r.ranked.find((u) => u.name === "永康市")!.conduct!.months[2]!.dueAt).toBe("2022-04-06T15:59:59.999Z");
    await saveSchedule(db.prisma, world.planId, DEFAULT_SCHEDULE, "test");
  });

  it("GIVEN the plan's time zone THEN due instants are in it, whatever zone is passed by nobody", async () => {
    await db.prisma.plan.update({ where: { id: world.planId }, data: { timeZone: "America/New_York" } });
    forgetPlanFacts(db.prisma);
    try {
      const r = await computeQuarter(db.prisma, world.planId, "2022Q1", "county");
      expect(r.timeZone).toBe("America/New_York");
      // March 2022 due Wednesday 6 April (Qingming in the Chinese calendar), the end of that day in New York (UTC−4).
      expect(r.ranked.find((u) => u.name === "永康市")!.conduct!.months[2]!.dueAt).toBe("2022-04-07T03:59:59.999Z");
      const d = await prepareDigest(db.prisma, world.planId, "2022-03");
      expect(d.dueAt).toBe("2022-04-07T03:59:59.999Z");
      // An explicit zone still wins (callers that pass one).
      expect((await computeQuarter(db.prisma, world.planId, "2022Q1", "county", { tz: "Asia/Shanghai" })).timeZone).toBe("Asia/Shanghai");
    } finally {
      await db.prisma.plan.update({ where: { id: world.planId }, data: { timeZone: "Asia/Shanghai" } });
      forgetPlanFacts(db.prisma);
    }
  });
});

describe.each(PROVIDERS)("the plan's span on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  let world: RankingWorld;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    world = await seedRankingWorld(db);
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it("GIVEN months in and after the span THEN the digest's 应报 count is the obligations rule's, and after the end nothing is owed", async () => {
    const facts = (await loadPlanFacts(db.prisma, world.planId))!;
    for (const key of [202101, 202203, 202312, 202401, 202611]) {
      const period = periodFromKey(key);
      const d = await prepareDigest(db.prisma, world.planId, period);
      expect(d.owed, String(key)).toBe(owingUnits(facts, period).length);
      const ranking = await computeWindow(db.prisma, world.planId, `${key}`.replace(/(\d{4})(\d{2})/u, "$1-$2"), "county");
      const owedHere = ranking.ranking.ranked.length + ranking.ranking.unranked.filter((u) => u.unranked !== "not_owed").length;
      expect(owedHere, String(key)).toBe(owingUnits(facts, period).filter((o) => ["county", "zone"].includes(facts.units.get(o.unitId)!.kind)).length);
    }
    const after = await prepareDigest(db.prisma, world.planId, "2026-11");
    expect([after.position, after.owed, after.lines]).toEqual(["after", 0, ["本方案报送期为2021年1月至2023年12月，已于2023年12月结束；2026年11月不在报送期内，无需报送。"]]);
    expect((await computeQuarter(db.prisma, world.planId, "2026Q3", "county")).ranked).toEqual([]);
  });

  it("GIVEN the plan extended to 2026-12 THEN 2026 is owed and scored, the earlier years' year-to-date totals adding up", async () => {
    const ext = await extendPlan(db.prisma, world.planId, { year: 2026, month: 12 }, { actor: "test", platform: "cli" });
    expect(ext.ok).toBe(true);
    const facts = (await loadPlanFacts(db.prisma, world.planId))!;
    expect(unitObligation(facts, world.units.义乌市, { year: 2026, month: 9 }).owes).toBe(true);
    const at = (y: number, m: number) => new Date(Date.UTC(y, m, 2, 2));
    // 义乌 T2-1 (share 720 by 2023-12): 2022 ends at 1—12月累计 400 (nothing in 2021), 2023 at 1—12月 300, 2026 1—9月 50.
    await report(db, world.planId, world.units.义乌市, 202212, [[world.ids["T2-1"], 400]], at(2023, 0));
    await report(db, world.planId, world.units.义乌市, 202312, [[world.ids["T2-1"], 300]], at(2024, 0));
    for (const month of [7, 8, 9]) await report(db, world.planId, world.units.义乌市, 202600 + month, [[world.ids["T2-1"], 40 + (month - 7) * 5], [world.ids.G1, 2.4]], at(2026, month));
    const r = await computeQuarter(db.prisma, world.planId, "2026Q3", "county");
    const t21 = r.ranked.find((u) => u.name === "义乌市")!.indicators.find((i) => i.code === "T2-1")!;
    // Σ each year's last 1—N月累计 figure: 2022 400 + 2023 300 + 2026 (1—9月) 50 = 750; the target was due in 2023-12: 720 in full.
    expect(t21).toMatchObject({ actual: 750, expectedShare: 1, expected: 720, met: true, inputs: { rule: "ytd_plan" } });
    if (t21.inputs.rule !== "ytd_plan") throw new Error("rule");
    expect(t21.inputs.years.map((y) => [y.period, y.value])).toEqual([
      [{ year: 2022, month: 12 }, 400],
      [{ year: 2023, month: 12 }, 300],
      [{ year: 2026, month: 9 }, 50],
    ]);
    const text = (await explainRanking(db.prisma, world.planId, "义乌市", "2026Q3")) as Extract<Awaited<ReturnType<typeof explainRanking>>, { ok: true }>;
    expect(explainLines(text.explanation, "zh").join("\n")).toContain("实际 = 2022年1—12月累计 400 + 2023年1—12月累计 300 + 2026年1—9月累计 50 = 750家");
    // 兰溪 and 永康 owed 2026Q3 and sent nothing: ranked, and named.
    expect(r.ranked.map((u) => u.name)).toEqual(expect.arrayContaining(["兰溪市", "永康市", "东阳市"]));
  });
});

describe.each(PROVIDERS)("排名 说明 in chat on %s", (provider) => {
  it("GIVEN a task-force member THEN the explanation in Chinese; a liaison is denied", async () => {
    const { botFixture } = await import("../helpers/bot-fixture.js");
    const f = await botFixture(provider);
    try {
      await seedRankingWorld(f.db);
      await f.bindAs("slack", "TF1", "市经信局", "taskforce");
      await f.bindAs("slack", "L1", "永康市", "liaison");
      const r = await f.say("TF1", "排名 说明 永康 2022Q1");
      expect(r.status).toBe("info");
      expect(r.title).toBe("永康市 2022年第一季度排名计算说明");
      expect(r.lines.join("\n")).toContain("综合得分 = 90 × 70% + 83.33 × 30% = 88分");
      expect((await f.say("L1", "排名 说明 永康 2022Q1")).status).toBe("denied");
    } finally {
      await f.close();
    }
  });
});

/**
 * The service reads each unit × indicator reduced in SQL (sums of increments,
 * each year's last year-to-date figure, first and latest levels). The domain
 * takes any series, so the reference is the same ranking computed from every
 * stored current value. Values are multiples of 0.25: their sums are exact in
 * any order and summation (SQLite compensates, PostgreSQL does not), so the two
 * must agree to the last bit.
 */
describe.each(PROVIDERS)("ranking figures selected in SQL on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  let planId: number;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    const p = db.prisma;
    await seedBundledPlan(p);
    planId = (await findPlan(p))!.id;
    let seed = 20240601;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const indicators = await p.indicator.findMany({ where: { planId }, orderBy: { id: "asc" } });
    const byCode = new Map(indicators.map((i) => [i.code, i]));
    // One lte, one with an early deadline, one retired after its values were stored (below); both
    // reporting bases of flows (T2-1 and T6-4 as monthly increments), an annual total, a level's baseline.
    await p.indicator.update({ where: { id: indicators[1]!.id }, data: { comparator: "lte" } });
    await p.indicator.update({ where: { id: indicators[2]!.id }, data: { deadline: "2022-06-30", baseline: 100, baselineYear: 2020 } });
    await p.indicator.update({ where: { id: byCode.get("T2-1")!.id }, data: { basis: "month" } });
    await p.indicator.update({ where: { id: byCode.get("T6-4")!.id }, data: { basis: "month" } });
    await p.indicator.update({ where: { id: byCode.get("T5-2")!.id }, data: { kind: "annual_total" } });
    forgetPlanFacts(p);
    const facts = (await loadPlanFacts(p, planId))!;
    const counties = facts.accountableUnitIds;
    for (const i of indicators) for (const unitId of counties) if (rnd() < 0.7) await p.indicatorShare.create({ data: { indicatorId: i.id, unitId, target: 1 + Math.round(rnd() * 400) / 4 } });
    forgetPlanFacts(p);
    const departments = rankingObligations((await loadPlanFacts(p, planId))!, "department", { year: 2022, month: 1 })
      .filter((o) => o.indicators.length > 0)
      .slice(0, 4)
      .map((o) => o.unitId);
    // 2020-11 … 2024-02: months before and after the plan (2021–2023) are stored and must not count.
    const periods = Array.from({ length: 40 }, (_, k) => 202011 + Math.floor((k + 10) / 12) * 100 + ((k + 10) % 12) - 10);
    const reporters = [...counties.slice(0, 6), ...departments];
    // The first unit × indicator in (indicator, unit) order holds one value, in January 2021:
    // a year-to-date sum over it is empty from 2022 on (what made the adapter type it integer).
    const first = Math.min(...reporters);
    await report(db, planId, first, 202101, [[indicators[0]!.id, 1.25]], new Date(Date.UTC(2021, 1, 2)));
    for (const unitId of reporters) {
      for (const period of periods) {
        if (rnd() < 0.4 || (unitId === first && period === 202101)) continue;
        const owed = unitId === first ? indicators.slice(1) : indicators;
        const values = owed.filter(() => rnd() < 0.6).map((i): [number, number] => [i.id, Math.round((rnd() - 0.1) * 800) / 4]);
        if (values.length === 0) continue;
        const y = Math.floor(period / 100);
        const m = period % 100;
        await report(db, planId, unitId, period, values, new Date(Date.UTC(m === 12 ? y + 1 : y, m % 12, 2)));
        if (rnd() < 0.15) await correct(db, planId, unitId, period, values.filter(() => rnd() < 0.5).map(([id, v]): [number, number] => [id, v + 0.25]));
      }
    }
    await p.indicator.update({ where: { id: indicators[3]!.id }, data: { retiredAt: new Date() } });
    forgetPlanFacts(p);
    await saveRankingConfig(p, planId, rankingConfig({ result: { maxAgeMonths: 4 } }));
  }, 120_000);
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  async function reference(kind: RankingKind, spec: string) {
    const { ranking } = await computeWindow(db.prisma, planId, spec, kind);
    const rows = await db.prisma.indicatorValue.findMany({
      where: { current: true, indicator: { planId, retiredAt: null } },
      select: { unitId: true, indicatorId: true, period: true, value: true },
    });
    const values: MonthlyValue[] = rows.map((r) => ({ unitId: r.unitId, indicatorId: r.indicatorId, period: periodFromKey(r.period), value: r.value }));
    const facts = (await loadPlanFacts(db.prisma, planId))!;
    const units = rankingUnits(facts, rankingObligations(facts, kind, asOfMonth(ranking.window)));
    const full = computeRanking({ kind, window: ranking.window, plan: ranking.plan, timeZone: ranking.timeZone, units, values, conduct: [], config: ranking.config });
    return { ranking, full };
  }

  it.each(["2021Q1", "2022Q3", "2023", "2024Q1", "2022-06"])("GIVEN gaps, corrections, months outside the plan, every kind and basis THEN %s scores as from the full series", async (spec) => {
    let fractionalPerYear = false;
    const rules = new Set<string>();
    for (const kind of ["county", "department"] as const) {
      const { ranking, full } = await reference(kind, spec);
      const fullById = new Map([...full.ranked, ...full.unranked].map((u) => [u.unitId, u]));
      const all = [...ranking.ranked, ...ranking.unranked];
      expect(all.length).toBe(fullById.size);
      for (const u of all) {
        const f = fullById.get(u.unitId)!;
        // Sums are one figure carrying its month count here, every month there: the month lists differ, nothing else.
        const strip = (x: typeof u) => x.indicators.map((i) => ({ ...i, inputs: "months" in i.inputs ? { ...i.inputs, months: i.inputs.months.length > 0 } : i.inputs }));
        expect(strip(u)).toEqual(strip(f));
        expect(u.result).toEqual(f.result);
        for (const i of u.indicators) rules.add(i.inputs.rule);
      }
      fractionalPerYear ||= all.some((u) => u.indicators.some((i) => i.kind === "per_year" && i.basis === "month" && i.status === "assessed" && !Number.isInteger(i.actual)));
    }
    // The world must hold non-integral yearly sums inside the plan: the SQLite adapter
    // once typed a year-sum column as integer from its first row and truncated them all.
    if (spec !== "2024Q1" && spec !== "2021Q1") expect(fractionalPerYear).toBe(true);
    if (spec === "2022Q3") for (const rule of ["sum_months", "ytd_year", "ytd_plan", "stock_linear", "latest_value", "growth_gap", "reduction_pro_rata"]) expect(rules, rule).toContain(rule);
  });
});

describe("snapshots published by an earlier build", () => {
  /** A version 1 payload as the previous build wrote it: increments summed, full marks at a cap, units without data apart. */
  const v1 = {
    version: 1,
    ranking: {
      kind: "county",
      window: { label: "2022Q1", scope: "quarter", months: [{ year: 2022, month: 1 }, { year: 2022, month: 2 }, { year: 2022, month: 3 }] },
      asOf: { year: 2022, month: 3 },
      plan: { start: { year: 2021, month: 1 }, end: { year: 2023, month: 12 } },
      config: { lights: { green: 1, amber: 0.8 }, weights: { result: 0.7, conduct: 0.3 }, result: { cap: 1.2, missingIndicator: "zero", stockExpectation: "linear_from_first", maxAgeMonths: 12 }, indicatorWeights: {}, conduct: { onTime: 0.5, complete: 0.5, completeness: "all_or_nothing", lateCorrectionPenalty: 10 }, bottomN: 1, minData: { indicators: 1, share: 0 }, scoreDecimals: 2 },
      ranked: [
        {
          unitId: 7, name: "永康市", rank: 1, bottom: true, unranked: null, assessed: 1, lights: { green: 0, amber: 1, red: 0, none: 0 },
          indicators: [{
            indicatorId: 3, code: "T2-1", name: "整治提升高耗低效企业", unit: "家", kind: "cumulative", comparator: "gte", target: 720, targetSource: "share", headline: true, status: "assessed",
            actual: 240, completion: 0.3333, expectedShare: 0.4167, expected: 300, ratio: 0.8,
            inputs: { rule: "sum_since_plan_start", from: { year: 2021, month: 1 }, to: { year: 2022, month: 3 }, months: [{ period: { year: 2022, month: 3 }, value: 240, months: 3 }], sum: 240, elapsedMonths: 15, totalMonths: 36 },
            formula: "actual = Σ 3 month(s) = 240", light: "amber", weight: 1, counted: true, cappedRatio: 0.8, points: 66.6667, contribution: 66.6667,
          }],
          result: { score: 66.67, weightSum: 1, formula: "(1×66.6667) / 1 = 66.67" },
          conduct: { score: 83.33, months: [{ period: { year: 2022, month: 3 }, status: "late", dueAt: "2022-04-06T15:59:59.999Z", firstSubmittedAt: "2022-04-20T02:00:00.000Z", owed: 2, reported: 2, correctionsAfterDue: 0, onTime: 0, completeness: 1, penalty: 0, score: 50 }], formula: "mean(…)" },
          weightsUsed: { result: 0.7, conduct: 0.3 }, total: 71.67, totalFormula: "0.7×66.67 + 0.3×83.33 = 71.67",
        },
      ],
      unranked: [{ unitId: 8, name: "兰溪市", rank: null, bottom: false, unranked: "no_data", assessed: 0, lights: { green: 0, amber: 0, red: 0, none: 1 }, indicators: [], result: null, conduct: null, weightsUsed: { result: 1, conduct: 0 }, total: null, totalFormula: "not ranked: no_data" }],
    },
  };

  it("GIVEN a version 1 payload THEN it reads as what it said: sums of increments, the bottom summoned, units without data apart", () => {
    const r = decodeSnapshotPayload(JSON.stringify(v1), "#1");
    expect(r.ranked[0]).toMatchObject({ name: "永康市", total: 71.67, bottom: true, summoned: true, allMet: false });
    expect(r.ranked[0]!.indicators[0]).toMatchObject({ basis: "month", met: false, gap: null, bonus: null, points: 66.6667, inputs: { rule: "sum_months", scope: "plan", sum: 240 } });
    expect(r.unranked[0]).toMatchObject({ name: "兰溪市", unranked: "no_data" });
    expect(r.config.summon.bottomN).toBe(1);
    expect(r.timeZone).toBe("Asia/Shanghai");
    // And its words: the old reason reads as it did.
    const lines = explainLines(explainUnit(r, "兰溪市")!, "zh");
    expect(lines[0]).toBe("未参与排名：暂无数据");
    expect(() => decodeSnapshotPayload(JSON.stringify({ version: 1, ranking: { ...v1.ranking, kind: "city" } }), "#2")).toThrow(/unreadable/u);
  });
});
