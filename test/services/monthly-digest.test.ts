/**
 * The monthly digest's content on the hand-made ranking world (../helpers/ranking-world.ts), on
 * both databases: who owed a report (the obligations rule: lead units owing only the narrative
 * included), who reported on time, late, not at all, and the headline indicators against 序时进度,
 * every county figure worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { owingUnits } from "../../src/domain/obligations/obligations.js";
import type { Database } from "../../src/persistence/database.js";
import { loadPlanFacts } from "../../src/persistence/plan-facts.js";
import { digestPeriod, prepareDigest } from "../../src/services/monthly-digest.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { report, seedRankingWorld, type RankingWorld } from "../helpers/ranking-world.js";

describe.each(PROVIDERS)("monthly digest on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  let w: RankingWorld;
  /** The departments owing something in March 2022 by the obligations rule, and those owing only the narrative. */
  let departments: string[];
  let narrativeOnly: string[];
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    w = await seedRankingWorld(db);
    const facts = (await loadPlanFacts(db.prisma, w.planId))!;
    const owing = owingUnits(facts, { year: 2022, month: 3 }).filter((o) => facts.units.get(o.unitId)!.kind === "department");
    departments = owing.map((o) => facts.units.get(o.unitId)!.name).sort();
    narrativeOnly = owing.filter((o) => o.indicators.length === 0).map((o) => facts.units.get(o.unitId)!.name).sort();
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it("GIVEN March 2022 THEN on time, late (with the date), missing, lead units owing only the narrative counted, and T2-1 / G1 against 序时进度", async () => {
    // No time zone passed: the plan's own (Asia/Shanghai).
    const d = await prepareDigest(db.prisma, w.planId, "2022-03");
    // Due 5 April, in the Qingming holiday (3–5 April): 顺延 to Wednesday 6 April, on time until its end in Shanghai.
    expect(d.due).toBe("2022-04-06");
    expect(d.dueAt).toBe("2022-04-06T15:59:59.999Z");
    expect(d.position).toBe("within");
    expect(d.sections.map((s) => s.kind)).toEqual(["department", "county"]);
    const [dept, county] = d.sections;
    // No department reported anything: every department owing that month is missing, those owing only the narrative too.
    expect(narrativeOnly.length).toBeGreaterThan(0);
    expect(dept!.missing.map((u) => u.name)).toEqual(departments);
    expect([dept!.onTime.length, dept!.late.length]).toEqual([0, 0]);
    // 义乌, 东阳 reported March on 2 April; 永康 on 20 April (after the 6th); 兰溪 has a share and no report.
    expect(county!.onTime.map((u) => u.name)).toEqual(["东阳市", "义乌市"]);
    expect(county!.late.map((u) => [u.name, u.firstSubmittedAt])).toEqual([["永康市", "2022-04-20T02:00:00.000Z"]]);
    expect(county!.missing.map((u) => u.name)).toEqual(["兰溪市"]);
    expect(county!.incomplete).toEqual([]);
    expect(d.owed).toBe(departments.length + 4);

    // T2-1 (cumulative, share 720, reported 1—N月累计): expected by March 2022 = 720 × 15/36 = 300.
    //   义乌, 东阳: 1—3月累计 300 → 100% green; 永康: 240 → 80% amber; 兰溪: not reported.
    // G1 (ratio, share 2.3): 2.3 → 100% green, judged against the target (no 序时进度 for a rate).
    const t21 = county!.headlines.filter((h) => h.code === "T2-1").map((h) => [h.unitName, h.actual, h.expected, h.ratio, h.light]);
    expect(t21).toEqual([
      ["东阳市", 300, 300, 1, "green"],
      ["义乌市", 300, 300, 1, "green"],
      ["兰溪市", null, null, null, "red"], // 未报视为未完成
      ["永康市", 240, 300, 0.8, "amber"],
    ]);

    expect(d.title).toBe("2022年3月 月度监测");
    expect(d.lines[0]).toBe(`报送截止2022年4月6日：应报${departments.length + 4}个单位，按时2个，逾期1个，未报${departments.length + 1}个`);
    expect(d.lines).toContain(`**牵头部门** 应报${departments.length}个：按时0个，逾期0个，未报${departments.length}个`);
    expect(d.lines).toContain(`- 未报：${departments.join("、")}`);
    expect(d.lines).toContain("**县（市、区）** 应报4个：按时2个，逾期1个，未报1个");
    expect(d.lines).toContain("- 按时：东阳市、义乌市");
    expect(d.lines).toContain("- 逾期：永康市（2022年4月20日报送）");
    expect(d.lines).toContain("- 未报：兰溪市");
    expect(d.lines).toContain("**攻坚目标对照序时进度**");
    expect(d.lines).toContain("- 整治提升高耗低效企业（家，序时进度41.7%）：🔴市经信局 未报；🟢东阳市 300家（序时300家，100.0%）；🟢义乌市 300家（序时300家，100.0%）；🔴兰溪市 未报；🟡永康市 240家（序时300家，80.0%）");
    expect(d.lines.at(-1)).toBe("- 规上制造业研究与试验发展(R&D)经费相当于营业收入比重（%）：🟢东阳市 2.3%（目标≥2.3%，100.0%）；🟢义乌市 2.3%（目标≥2.3%，100.0%）；🟢永康市 2.3%（目标≥2.3%，100.0%）");
  });

  it("GIVEN February 2022 in English THEN 永康 is on time (its late report was March's) and the lights follow 14/36 of the share", async () => {
    const d = await prepareDigest(db.prisma, w.planId, { year: 2022, month: 2 }, { lang: "en" });
    // Due Saturday 5 March → Monday 7 March.
    expect(d.due).toBe("2022-03-07");
    const county = d.sections.find((s) => s.kind === "county")!;
    expect(county.onTime.map((u) => u.name)).toEqual(["东阳市", "义乌市", "永康市"]);
    expect(county.late).toEqual([]);
    // T2-1 by February: 720 × 14/36 = 280; 义乌 1—2月累计 200 → 0.714 (red, under amber's 0.8); 永康 160 → 0.571 (red).
    const yw = county.headlines.find((h) => h.code === "T2-1" && h.unitName === "义乌市")!;
    expect(yw.expected).toBeCloseTo(280, 10);
    expect(yw.ratio).toBeCloseTo(200 / 280, 10);
    expect(yw.light).toBe("red");
    expect(d.title).toBe("Monthly digest: Feb 2022");
    expect(d.lines[0]).toBe(`Due 7 Mar 2022: ${departments.length + 4} units owed a report; 3 on time, 0 late, ${departments.length + 1} not reported`);
    expect(d.lines).toContain("- On time: 东阳市, 义乌市, 永康市");
  });

  it("GIVEN a report with fewer items than owed THEN it is listed as incomplete, and the counts still say on time", async () => {
    // April 2022 is due Thursday 5 May (after the 劳动节 holiday, 30 April – 4 May).
    const at = new Date("2022-05-05T02:00:00Z");
    // 兰溪 owes one indicator (T2-1) and sends it: complete. 东阳 sends T2-1 only: 1 of 2.
    await report(db, w.planId, w.units.兰溪市, 202204, [[w.ids["T2-1"], 50]], at);
    await report(db, w.planId, w.units.东阳市, 202204, [[w.ids["T2-1"], 350]], at);
    // 市经信局 leads T2-1's work item: it owes its indicators and the narrative; it sends T2-1 only.
    const jx = (await db.prisma.unit.findUniqueOrThrow({ where: { name: "市经信局" } })).id;
    await report(db, w.planId, jx, 202204, [[w.ids["T2-1"], 900]], at);
    const d = await prepareDigest(db.prisma, w.planId, "2022年4月");
    const county = d.sections.find((s) => s.kind === "county")!;
    expect(county.onTime.map((u) => u.name)).toEqual(["东阳市", "兰溪市"]);
    expect(county.missing.map((u) => u.name)).toEqual(["义乌市", "永康市"]);
    expect(county.incomplete).toEqual([{ unitId: w.units.东阳市, name: "东阳市", reported: 1, owed: 2, missingNarrative: false }]);
    const dept = d.sections.find((s) => s.kind === "department")!;
    const jxLine = dept.incomplete.find((u) => u.name === "市经信局")!;
    expect(jxLine.missingNarrative).toBe(true);
    expect(jxLine.reported).toBe(1);
    expect(d.lines).toContain("- 报送不全：东阳市（已报1项，应报2项）");
    expect(d.lines).toContain(`- 报送不全：市经信局（已报1项，应报${jxLine.owed}项，缺进展情况）`);
  });

  it("GIVEN a month before or after the plan's span THEN the digest says so, and nothing is owed", async () => {
    const before = await prepareDigest(db.prisma, w.planId, "2020-12");
    expect([before.position, before.owed, before.sections]).toEqual(["before", 0, []]);
    expect(before.lines).toEqual(["本方案报送期为2021年1月至2023年12月，自2021年1月开始；2020年12月不在报送期内，无需报送。"]);
    const after = await prepareDigest(db.prisma, w.planId, "2026-11");
    expect(after.lines).toEqual(["本方案报送期为2021年1月至2023年12月，已于2023年12月结束；2026年11月不在报送期内，无需报送。"]);
  });

  it("GIVEN a quarter or a year instead of a month THEN digestPeriod refuses it", () => {
    expect(digestPeriod("2026-10")).toEqual({ year: 2026, month: 10 });
    expect(() => digestPeriod("2026Q3")).toThrow(RangeError);
    expect(() => digestPeriod("2026")).toThrow(RangeError);
  });
});
