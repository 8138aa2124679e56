import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/persistence/database.js";
import { getSnapshot } from "../../src/persistence/ranking-repository.js";
import { computeQuarter, dueInstant, explainRanking, markPublished, parseWindow, prepareBriefing } from "../../src/services/rankings.js";
import { createWorkingCalendar } from "../../src/domain/calendar/working-calendar.js";
import { DEFAULT_SCHEDULE } from "../../src/domain/schedule/schedule-config.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { correct, seedRankingWorld, type RankingWorld } from "../helpers/ranking-world.js";

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

  it("GIVEN the hand-made quarter THEN the county scores, the tie, the bottom mark and the units without data", async () => {
    const r = await computeQuarter(db.prisma, world.planId, "2022Q1", "county");
    expect(r.ranked.map((u) => [u.name, u.rank, u.total, u.bottom])).toEqual([
      ["东阳市", 1, 88.33, false],
      ["义乌市", 1, 88.33, false],
      ["永康市", 3, 77.5, true],
    ]);
    const yongkang = r.ranked[2]!;
    expect(yongkang.result?.score).toBe(75);
    expect(yongkang.conduct?.score).toBe(83.33);
    expect(yongkang.conduct?.months.map((m) => m.status)).toEqual(["on_time", "on_time", "late"]);
    const t21 = yongkang.indicators.find((i) => i.code === "T2-1")!;
    expect([t21.actual, t21.expected, t21.ratio, t21.light]).toEqual([240, 300, 0.8, "amber"]);
    expect(t21.formula).toContain("Σ 3 month(s) = 240");
    // Units without data are listed apart, with the reason, never ranked last.
    expect(r.unranked.find((u) => u.name === "兰溪市")?.unranked).toBe("no_data");
    expect(r.unranked.filter((u) => u.unranked === "no_indicators").map((u) => u.name)).toContain("磐安县");
  });

  it("GIVEN the lead-department ranking THEN departments are listed and scored from their led indicators", async () => {
    const r = await computeQuarter(db.prisma, world.planId, { year: 2022, quarter: 1 }, "department");
    const names = [...r.ranked, ...r.unranked].map((u) => u.name);
    expect(names).toContain("市经信局");
    expect(r.ranked).toEqual([]); // no department reported
    expect(r.unranked.find((u) => u.name === "市经信局")?.unranked).toBe("no_data");
  });

  it("GIVEN a unit by its traditional alias THEN explain lists the computation indicator by indicator", async () => {
    const r = await explainRanking(db.prisma, world.planId, "永康", "2022年第一季度");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const e = r.explanation;
    expect([e.name, e.rank, e.total, e.bottom]).toEqual(["永康市", 3, 77.5, true]);
    const t21 = e.indicators.find((i) => i.code === "T2-1")!;
    expect(t21.values.map((v) => v.value)).toEqual([80, 80, 80]);
    expect(e.result?.formula).toBe("(1×83.3333 + 1×66.6667) / 2 = 75");
    expect(e.totalFormula).toBe("0.7×75 + 0.3×83.33 = 77.5");
    expect((await explainRanking(db.prisma, world.planId, "義烏", "2022Q1")).ok).toBe(true);
    expect(await explainRanking(db.prisma, world.planId, "火星市", "2022Q1")).toMatchObject({ ok: false, problem: "unknown_unit" });
  });

  it("GIVEN a briefing THEN a PNG chart, a workbook that reads back, and the message lines", async () => {
    const b = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county", { persist: false });
    expect(b.snapshot).toBeNull();
    expect(b.chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(b.workbook as unknown as ExcelJS.Buffer);
    expect(book.worksheets[0]!.name).toBe("排名");
    expect(book.worksheets.at(-1)!.name).toBe("原始数据");
    const ranking = book.getWorksheet("排名")!;
    expect((ranking.getRow(4).values as unknown[]).slice(1, 4)).toEqual([1, "东阳市", 88.33]);
    expect(ranking.getColumn(7).values).toContain("约谈");
    const raw = book.getWorksheet("原始数据")!;
    expect(raw.rowCount).toBe(3 + 3 * 3 * 2); // title rows + 3 units × 3 months × 2 values
    const text = b.lines.join("\n");
    expect(text).toContain("永康市");
    expect(text).toContain("通报约谈");
    expect(text).toContain("兰溪市: 暂无数据");
  });

  it("GIVEN a published quarter THEN posting again is a no-op, a late correction leaves it frozen and the next briefing lists it", async () => {
    const first = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county");
    expect(first.alreadyPublished).toBe(false);
    expect(await markPublished(db.prisma, first.snapshot!.id)).toBe(true);
    const again = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county");
    expect(again.alreadyPublished).toBe(true);
    expect(again.snapshot!.id).toBe(first.snapshot!.id);
    expect(await markPublished(db.prisma, first.snapshot!.id)).toBe(false);
    expect(await db.prisma.rankingSnapshot.count({ where: { period: "2022Q1", kind: "county" } })).toBe(1);

    const frozen = (await db.prisma.rankingSnapshot.findFirstOrThrow({ where: { period: "2022Q1" } })).payload;
    await correct(db, world.planId, world.units.永康市, 202203, [[world.ids["T2-1"], 120]]);
    const live = await computeQuarter(db.prisma, world.planId, "2022Q1", "county");
    expect(live.ranked.find((u) => u.name === "永康市")?.indicators.find((i) => i.code === "T2-1")?.actual).toBe(280);
    expect((await db.prisma.rankingSnapshot.findFirstOrThrow({ where: { period: "2022Q1" } })).payload).toBe(frozen);
    const stillFrozen = await prepareBriefing(db.prisma, world.planId, "2022Q1", "county");
    expect(stillFrozen.ranking.ranked.find((u) => u.name === "永康市")?.total).toBe(77.5);
    // The raw sheet of a frozen briefing shows the revision current when it was computed.
    expect(stillFrozen.data.raw.find((r) => r.unit === "永康市" && r.period === "2022-03" && r.code === "T2-1")?.value).toBe(80);

    const next = await prepareBriefing(db.prisma, world.planId, "2022Q2", "county");
    expect(next.corrections?.changes).toEqual(
      expect.arrayContaining([{ unitId: world.units.永康市, name: "永康市", code: "T2-1", field: "actual", published: 240, now: 280 }]),
    );
    expect(next.lines.join("\n")).toContain("2022年第一季度 通报发布后的数据更正");
    expect(next.lines.join("\n")).toContain("永康市 T2-1: 240 → 280");
    expect((await getSnapshot(db.prisma, world.planId, "2022Q2", "county"))?.publishedAt).toBeNull();
  });
});

describe.each(PROVIDERS)("排名 说明 in chat on %s", (provider) => {
  it("GIVEN a task-force member THEN the explanation; a liaison is denied", async () => {
    const { botFixture } = await import("../helpers/bot-fixture.js");
    const f = await botFixture(provider);
    try {
      await seedRankingWorld(f.db);
      await f.bindAs("slack", "TF1", "市经信局", "taskforce");
      await f.bindAs("slack", "L1", "永康市", "liaison");
      const r = await f.say("TF1", "排名 说明 永康 2022Q1");
      expect(r.status).toBe("info");
      expect(r.title).toContain("永康市 2022Q1");
      expect(r.lines.join("\n")).toContain("综合得分: 0.7×75 + 0.3×83.33 = 77.5");
      expect((await f.say("L1", "排名 说明 永康 2022Q1")).status).toBe("denied");
    } finally {
      await f.close();
    }
  });
});
