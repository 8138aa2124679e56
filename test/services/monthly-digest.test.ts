/**
 * The monthly digest's content on the hand-made ranking world (../helpers/ranking-world.ts), on
 * both databases: who reported on time, late, not at all, and the headline indicators against
 * 序时进度, every figure worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/persistence/database.js";
import { digestPeriod, prepareDigest } from "../../src/services/monthly-digest.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { report, seedRankingWorld, type RankingWorld } from "../helpers/ranking-world.js";

const TZ = "Asia/Shanghai";
/** The lead departments of the bundled plan's headline indicators (T2-1, T8-3, T12-2, T12-3, T15-1, T16-1), by name. */
const DEPARTMENTS = ["市人力社保局", "市发改委", "市商务局", "市市场监管局", "市投资促进中心", "市科技局", "市经信局", "市金融办"].sort();

describe.each(PROVIDERS)("monthly digest on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  let w: RankingWorld;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    w = await seedRankingWorld(db);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it("GIVEN March 2022 THEN on time, late (with the day), missing, and T2-1 / G1 against 序时进度 as worked out by hand", async () => {
    const d = await prepareDigest(db.prisma, w.planId, "2022-03", { tz: TZ });
    // Due 5 April, in the Qingming holiday (3–5 April): 顺延 to Wednesday 6 April, on time until its end in Shanghai.
    expect(d.due).toBe("2022-04-06");
    expect(d.dueAt).toBe("2022-04-06T15:59:59.999Z");
    expect(d.sections.map((s) => s.kind)).toEqual(["department", "county"]);
    const [dept, county] = d.sections;
    // No department reported anything in the world: all eight leads of indicators are missing.
    expect(dept!.missing.map((u) => u.name)).toEqual(DEPARTMENTS);
    expect([dept!.onTime.length, dept!.late.length]).toEqual([0, 0]);
    // 义乌, 东阳 reported March on 2 April; 永康 on 20 April (after the 6th); 兰溪 has a share and no report.
    expect(county!.onTime.map((u) => u.name)).toEqual(["东阳市", "义乌市"]);
    expect(county!.late.map((u) => [u.name, u.firstSubmittedAt])).toEqual([["永康市", "2022-04-20T02:00:00.000Z"]]);
    expect(county!.missing.map((u) => u.name)).toEqual(["兰溪市"]);
    expect(county!.incomplete).toEqual([]);
    expect(d.owed).toBe(12);

    // T2-1 (cumulative, share 720): expected by March 2022 = 720 × 15/36 = 300.
    //   义乌, 东阳: 3 × 100 = 300 → 100% green; 永康: 3 × 80 = 240 → 80% amber; 兰溪: no data.
    // G1 (ratio, share 2.3): 2.3 → 100% green, judged against the target (no 序时进度 for a rate).
    const t21 = county!.headlines.filter((h) => h.code === "T2-1").map((h) => [h.unitName, h.actual, h.expected, h.ratio, h.light]);
    expect(t21).toEqual([
      ["东阳市", 300, 300, 1, "green"],
      ["义乌市", 300, 300, 1, "green"],
      ["兰溪市", null, null, null, "none"],
      ["永康市", 240, 300, 0.8, "amber"],
    ]);

    expect(d.title).toBe("2022年3月 月度监测");
    expect(d.lines).toEqual([
      "报送截止 2022-04-06:应报 12 个单位,按时 2,逾期 1,未报 9",
      "**牵头部门** 应报 8:按时 0,逾期 0,未报 8",
      `- 未报: ${DEPARTMENTS.join("、")}`,
      "**县(市、区)** 应报 4:按时 2,逾期 1,未报 1",
      "- 按时: 东阳市、义乌市",
      "- 逾期: 永康市(4月20日报送)",
      "- 未报: 兰溪市",
      "**攻坚目标 对照序时进度**",
      ...d.lines.slice(8, -2), // the five headline indicators only departments lead: all without data (below)
      "- 整治提升高耗低效企业(家,序时进度 41.7%): ⚪市经信局 无数据;🟢东阳市 300/300 (100.0%);🟢义乌市 300/300 (100.0%);⚪兰溪市 无数据;🟡永康市 240/300 (80.0%)",
      "- 规上制造业研究与试验发展(R&D)经费相当于营业收入比重(%): 🟢东阳市 2.3/≥2.3 (100.0%);🟢义乌市 2.3/≥2.3 (100.0%);🟢永康市 2.3/≥2.3 (100.0%)",
    ]);
    const deptOnly = d.lines.slice(8, -2);
    expect(deptOnly).toHaveLength(5);
    for (const line of deptOnly) expect(line).toMatch(/^- .+: ⚪市\S+ 无数据$/u);
  });

  it("GIVEN February 2022 THEN 永康 is on time (its late report was March's) and the lights follow 14/36 of the share", async () => {
    const d = await prepareDigest(db.prisma, w.planId, { year: 2022, month: 2 }, { tz: TZ, lang: "en" });
    // Due Saturday 5 March → Monday 7 March.
    expect(d.due).toBe("2022-03-07");
    const county = d.sections.find((s) => s.kind === "county")!;
    expect(county.onTime.map((u) => u.name)).toEqual(["东阳市", "义乌市", "永康市"]);
    expect(county.late).toEqual([]);
    // T2-1 by February: 720 × 14/36 = 280; 义乌 200 → 0.714 (red, under amber's 0.8); 永康 160 → 0.571 (red).
    const yw = county.headlines.find((h) => h.code === "T2-1" && h.unitName === "义乌市")!;
    expect(yw.expected).toBeCloseTo(280, 10);
    expect(yw.ratio).toBeCloseTo(200 / 280, 10);
    expect(yw.light).toBe("red");
    expect(d.title).toBe("Monthly digest: Feb 2022");
    expect(d.lines[0]).toBe("Due 2022-03-07: 12 units owed a report; 3 on time, 0 late, 9 not reported");
    expect(d.lines).toContain("- On time: 东阳市, 义乌市, 永康市");
  });

  it("GIVEN a report with fewer indicators than owed THEN it is listed as incomplete, and the counts still say on time", async () => {
    // 兰溪 reports April 2022 on time with T2-1 only; it owes one indicator (T2-1): complete. 东阳 reports T2-1 only: 1 of 2.
    const at = new Date("2022-05-05T02:00:00Z"); // April is due Thursday 5 May (after the 劳动节 holiday, 30 April – 4 May)
    await report(db, w.planId, w.units.兰溪市, 202204, [[w.ids["T2-1"], 50]], at);
    await report(db, w.planId, w.units.东阳市, 202204, [[w.ids["T2-1"], 50]], at);
    const d = await prepareDigest(db.prisma, w.planId, "2022年4月", { tz: TZ });
    const county = d.sections.find((s) => s.kind === "county")!;
    expect(county.onTime.map((u) => u.name)).toEqual(["东阳市", "兰溪市"]);
    expect(county.missing.map((u) => u.name)).toEqual(["义乌市", "永康市"]);
    expect(county.incomplete).toEqual([{ unitId: w.units.东阳市, name: "东阳市", reported: 1, owed: 2 }]);
    expect(d.lines).toContain("- 报送不全: 东阳市 1/2");
  });

  it("GIVEN a quarter or a year instead of a month THEN digestPeriod refuses it", () => {
    expect(digestPeriod("2026-10")).toEqual({ year: 2026, month: 10 });
    expect(() => digestPeriod("2026Q3")).toThrow(RangeError);
    expect(() => digestPeriod("2026")).toThrow(RangeError);
  });
});
