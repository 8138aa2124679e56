/**
 * The ranking's words in Chinese, on the hand-scored world (./world.ts): every
 * formula rendered from its structured inputs, Chinese words only (indicator
 * codes aside), full-width punctuation, dates with the year; and English on
 * request.
 */
import { describe, expect, it } from "vitest";
import { briefingSummary, explainUnit, monthlyDigest } from "../../../src/domain/ranking/explain.js";
import { monthWindow } from "../../../src/domain/ranking/periods.js";
import { rankingConfig } from "../../../src/domain/ranking/ranking-config.js";
import { amount, briefingLines, dateTimeText, digestLines, explainLines, monthsList, ruleLines } from "../../../src/i18n/ranking-words.js";
import { rank, rankWindow, TZ } from "./world.js";

/** Latin words a Chinese line may hold: indicator codes (C1, T18-2, G5) and nothing else. */
const CODE = /^[A-Z]{1,2}\d+(?:-\d+)?$/u;
function latinWords(lines: readonly string[]): string[] {
  return lines.flatMap((l) => l.match(/[A-Za-z][A-Za-z0-9_-]*/gu) ?? []).filter((w) => !CODE.test(w));
}
/** Half-width punctuation that Chinese text writes full width (a thousands separator, 2,400, and a time, 09:00, are not punctuation). */
function halfWidth(lines: readonly string[]): string[] {
  return lines.filter((l) => /[;()]|,(?!\d{3})|(?<!\d):/u.test(l.replace(/\(R&D\)/gu, "")));
}

describe("ranking explain in Chinese", () => {
  const q3 = rank("department", 3);

  it("GIVEN 经信局 THEN the year-to-date formulas in words, as an office writes them", () => {
    const lines = explainLines(explainUnit(q3, "经信局")!, "zh");
    const text = lines.join("\n");
    expect(lines[0]).toBe("2026年第三季度牵头部门排名：第2名／共4个，排名靠后");
    expect(text).toContain("牵头部门排名靠后的予以通报，不约谈。");
    expect(text).toContain("实际 = 2026年1—9月累计 30项；序时目标 = 100 × 9/36 = 25项；完成序时进度120.0%，得满分100分");
    expect(text).toContain("实际 = 2026年1—9月累计 1,500台；序时目标 = 3,000 × 9/12 = 2,250台；完成序时进度66.7%，得66.67分");
    expect(text).toContain("实际 = 2026年1—9月当月数之和（6个月）90个；序时目标 = 120 × 9/12 = 90个；完成序时进度100.0%，得满分100分");
    expect(text).toContain("结果得分 = （100 + 66.67 + 100） ÷ 3 = 88.89分");
    expect(text).toContain("2026年8月：按时报送，应报4项（含进展情况），已报3项，缺进展情况，得50分");
    expect(text).toContain("综合得分 = 88.89 × 70% + 83.33 × 30% = 87.22分");
    expect(latinWords(lines)).toEqual([]);
    expect(halfWidth(lines)).toEqual([]);
  });

  it("GIVEN levels, growth, reductions and a stale rate THEN each says how it was judged", () => {
    const text = (name: string) => explainLines(explainUnit(q3, name)!, "zh").join("\n");
    expect(text("科技局")).toContain("基期值 20,000台（方案确定，2025年末）；最新 2026年9月 21,500台；序时目标 = 20,000 + （25,000 − 20,000）× 9/36 = 21,250台；已增1,500台，应增1,250台，完成序时进度120.0%，得满分100分");
    expect(text("生态环境局")).toContain("最新 2026年9月 11%；目标≥12.5%；低于目标1.5个百分点，每个百分点扣10分，得85分");
    expect(text("生态环境局")).toContain("序时目标 = 10.4% × 9/36 = 2.6%");
    expect(text("商务局")).toContain("基期值 60家（方案未录入基期值，以首次填报2026年4月的数据起算）");
    expect(text("商务局")).toContain("最近一次为2026年5月（55%），早于本期，不计；未报视为未完成，得0分");
    expect(text("商务局")).toContain("2026年7月：未报，得0分");
    for (const name of ["科技局", "生态环境局", "商务局", "发改委"]) {
      const lines = explainLines(explainUnit(q3, name)!, "zh");
      expect(latinWords(lines), name).toEqual([]);
      expect(halfWidth(lines), name).toEqual([]);
    }
    expect(text("发改委")).toContain("未参与排名：仅报进展情况，无量化指标");
  });

  it("GIVEN a yearly target whose latest year-to-date figure is last year's THEN it says that is not this year's total", () => {
    // 经信局's Y1 as of January 2027, with months allowed back to twelve: September 2026's 1—9月累计 is recent, but of 2026.
    const r = rankWindow("department", monthWindow({ year: 2027, month: 1 }), rankingConfig({ result: { maxAgeMonths: 12 } }));
    const lines = explainLines(explainUnit(r, "经信局")!, "zh");
    expect(lines.join("\n")).toContain("最近一次为2026年9月（1,500台），不是2027年的累计数，不计；未报视为未完成，得0分");
  });

  it("GIVEN the rules THEN every rule is stated with its configured values", () => {
    const rules = ruleLines(rankingConfig({ result: { bonus: { perPoint: 0.5, max: 10 }, growth: { pointsPerPoint: 20, amberGap: 1 } }, summon: { bottomN: 2, minRanked: 6 } }), "county", monthWindow({ year: 2026, month: 9 }), "zh");
    const text = rules.join("\n");
    expect(text).toContain("达到序时进度得满分100分");
    expect(text).toContain("超额部分每1个百分点加0.5分，最多加10分");
    expect(text).toContain("未报视为未完成");
    expect(text).toContain("每低1个百分点扣20分");
    expect(text).toContain("低于目标1个百分点以内为黄灯");
    expect(text).toContain("下降类指标：按至截止期的序时进度考核");
    expect(text).toContain("自方案确定的基期值起");
    expect(text).toContain("区间目标按下限考核");
    expect(text).toContain("数据时效：存量、比率和累计数须为本期（2026年9月）填报，早于本期的不计。");
    expect(text).toContain("通报约谈：县（市、区）排名后2位（同分并列），参与排名不少于6个时适用；各项指标均达到序时进度的不约谈。");
    expect(latinWords(rules)).toEqual([]);
    expect(halfWidth(rules)).toEqual([]);
  });

  it("GIVEN English THEN the same computation in English", () => {
    const text = explainLines(explainUnit(q3, "经信局")!, "en").join("\n");
    expect(text).toContain("actual = Jan–Sep 2026 year to date 1,500台; expected = 3,000 × 9/12 = 2,250台; 66.7% of 序时进度, 66.67 points");
    expect(text).toContain("Total = 88.89 × 70% + 83.33 × 30% = 87.22");
  });
});

describe("the briefing and the digest in Chinese", () => {
  it("GIVEN the county quarter with 通报约谈 THEN summoned, spared, not reported, late changes with dates and times", () => {
    const r = rank("county", 3, rankingConfig({ summon: { bottomN: 3, minRanked: 3 } }));
    const lines = briefingLines(
      {
        summary: briefingSummary(r),
        corrections: null,
        lateChanges: {
          since: "2026-07-08T01:00:00.000Z",
          changes: [{ unit: "义乌市", code: "Y1", indicator: "指标Y1", unitOfMeasure: "台", period: { year: 2026, month: 8 }, old: 600, new: 640, reason: "统计口径调整", at: "2026-09-20T02:05:00.000Z" }],
        },
        timeZone: TZ,
      },
      "zh",
    );
    expect(lines).toContain("**排名靠后（通报约谈）**");
    expect(lines).toContain("- 第3名 兰溪市 0分🔴（通报约谈）");
    expect(lines).toContain("注：东阳市各项指标均达到序时进度，不约谈。");
    expect(lines).toContain("- 兰溪市：2026年7—9月未报");
    expect(lines).toContain("- 义乌市：指标R1 完成序时进度76.0%🔴、指标Y1 完成序时进度83.3%🟡");
    expect(lines).toContain("**截止后修改的数据**（上期通报2026年7月8日 09:00发布以来）");
    expect(lines).toContain("- 义乌市 指标Y1（Y1）2026年8月：600台 → 640台，原因：统计口径调整，2026年9月20日 10:05修改");
    expect(lines).toContain("- 磐安县：本期无应报事项");
    expect(latinWords(lines)).toEqual([]);
    expect(halfWidth(lines)).toEqual([]);
  });

  it("GIVEN too few ranked THEN the briefing says nobody is summoned and why", () => {
    const lines = briefingLines({ summary: briefingSummary(rank("county", 3)), corrections: null, lateChanges: { since: null, changes: [] }, timeZone: TZ }, "zh");
    expect(lines).toContain("注：参与排名3个，少于5个，本期不约谈。");
    expect(lines).toContain("**排名靠后**");
  });

  it("GIVEN the September digest THEN counts, late with the date and the year, the narrative-only lead among the missing", () => {
    const d = monthlyDigest(rankWindow("department", monthWindow({ year: 2026, month: 9 })));
    const lines = digestLines({ period: { year: 2026, month: 9 }, due: "2026-10-09", timeZone: TZ, sections: [d] }, "zh");
    expect(lines[0]).toBe("报送截止2026年10月9日：应报5个单位，按时3个，逾期1个，未报1个");
    expect(lines).toContain("- 逾期：生态环境局（2026年10月8日报送）");
    expect(lines).toContain("- 未报：发改委");
    expect(lines).toContain("- 报送不全：商务局（已报1项，应报2项）");
    expect(latinWords(lines)).toEqual([]);
    expect(halfWidth(lines)).toEqual([]);
  });

  it("GIVEN a month outside the plan THEN the digest says so", () => {
    const span = { start: { year: 2021, month: 1 }, end: { year: 2023, month: 12 } };
    expect(digestLines({ period: { year: 2026, month: 11 }, due: "2026-12-07", timeZone: TZ, sections: [], span, position: "after" }, "zh")).toEqual([
      "本方案报送期为2021年1月至2023年12月，已于2023年12月结束；2026年11月不在报送期内，无需报送。",
    ]);
  });
});

describe("numbers and dates", () => {
  it("GIVEN amounts, months and instants THEN grouped, runs joined, the year always written", () => {
    expect([amount(2400), amount(1234567.891), amount(-0.5), amount(null)]).toEqual(["2,400", "1,234,567.89", "-0.5", "—"]);
    expect(monthsList([{ year: 2026, month: 1 }, { year: 2026, month: 2 }, { year: 2026, month: 3 }, { year: 2026, month: 5 }, { year: 2027, month: 2 }], "zh")).toBe("2026年1—3月、5月，2027年2月");
    expect(dateTimeText("2026-12-04T01:00:00.000Z", "Asia/Shanghai", "zh")).toBe("2026年12月4日 09:00");
    expect(dateTimeText("2026-12-04T01:00:00.000Z", "Europe/Berlin", "zh")).toBe("2026年12月4日 02:00");
  });
});
