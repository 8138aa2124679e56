import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { LIGHT_COLOURS } from "../../src/reports/palette.js";
import { buildWorkbook } from "../../src/reports/workbook.js";
import { countyBriefing } from "./briefing-fixture.js";

const argb = (hex: string) => "FF" + hex.slice(1);
const fillOf = (cell: ExcelJS.Cell) => (cell.fill?.type === "pattern" ? cell.fill.fgColor?.argb : undefined);
const rowValues = (sheet: ExcelJS.Worksheet, n: number) => (sheet.getRow(n).values as unknown[]).slice(1);

describe("buildWorkbook", () => {
  let book: ExcelJS.Workbook;
  beforeAll(async () => {
    const buffer = await buildWorkbook(countyBriefing());
    expect(buffer.subarray(0, 2).toString()).toBe("PK"); // a zip, as .xlsx is
    book = new ExcelJS.Workbook();
    // exceljs types predate Node 20's generic Buffer.
    await book.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  });

  it("GIVEN two indicators THEN has the ranking, one sheet each (sanitised), the raw data, the late changes and the rules", () => {
    expect(book.worksheets.map((s) => s.name)).toEqual(["排名", "GY01 规上工业增加值", "GY02 技改投资增速_同比__环比_ 对比__", "原始数据", "截止后修改", "计分规则"]);
  });

  it("GIVEN any sheet THEN a title row, the period row and a frozen header row", () => {
    for (const sheet of book.worksheets) {
      expect(String(sheet.getCell("A1").value)).toContain(sheet.name === "排名" ? "2026年第三季度县（市、区）通报" : "");
      expect(String(sheet.getCell("A2").value)).toBe("统计期：2026年第三季度\u3000排名对象：县（市、区）");
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 3 });
      expect(sheet.getCell("A3").font?.bold).toBe(true);
    }
  });

  it("GIVEN the ranking THEN numbers stay numbers, lights are filled cells, 约谈 is marked", () => {
    const sheet = book.getWorksheet("排名")!;
    expect(rowValues(sheet, 3)).toEqual(["排名", "单位", "综合得分", "结果得分", "报送得分", "亮灯", "通报约谈", "备注"]);
    expect(rowValues(sheet, 4).slice(0, 6)).toEqual([1, "义乌市", 95.5, 96, 94, "绿灯"]);
    expect(sheet.getCell("C4").numFmt).toBe("0.00");
    const byUnit = new Map<string, ExcelJS.Row>();
    sheet.eachRow((row, n) => n > 3 && byUnit.set(String(row.getCell(2).value), row));
    expect(byUnit.size).toBe(10);
    const lights = { 义乌市: "green", 永康市: "amber", 浦江县: "red", 金东区: "none" } as const;
    for (const [unit, light] of Object.entries(lights)) expect(fillOf(byUnit.get(unit)!.getCell(6)), unit).toBe(argb(LIGHT_COLOURS[light]));
    expect(byUnit.get("浦江县")!.getCell(7).value).toBe("约谈");
    expect(byUnit.get("浦江县")!.getCell(8).value).toBe("连续两季度红灯");
    expect(byUnit.get("义乌市")!.getCell(7).value).toBeNull();
    const missing = byUnit.get("金华经济技术开发区")!;
    expect([missing.getCell(1).value, missing.getCell(3).value, missing.getCell(8).value]).toEqual([null, null, "本期无应报事项"]);
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(18); // the longest name fits
  });

  it("GIVEN an indicator THEN values, targets, percentages and points as numbers, the computation in words", () => {
    const sheet = book.getWorksheet("GY01 规上工业增加值")!;
    expect(String(sheet.getCell("A1").value)).toBe("GY01 规上工业增加值（单位：亿元；年度；按年初至当月累计报送）");
    expect(rowValues(sheet, 3)).toEqual(["单位", "完成值（亿元）", "目标值（亿元）", "序时进度", "完成序时进度", "完成率", "得分", "亮灯", "计算说明"]);
    expect(rowValues(sheet, 4)).toEqual(["义乌市", 412.3, 520, 0.75, 1.0572, 0.7929, 100, "绿灯", "实际 = 2026年1—9月累计 412.3亿元；序时目标 = 520 × 9/12 = 390亿元；完成序时进度105.7%，得满分100分"]);
    expect(sheet.getCell("D4").numFmt).toBe("0.0%");
    expect(sheet.getCell("E4").numFmt).toBe("0.0%");
    expect(sheet.getCell("G4").numFmt).toBe("0.00");
    expect(fillOf(sheet.getCell("H5"))).toBe(argb(LIGHT_COLOURS.red));
    expect(sheet.getCell("B6").value).toBeNull(); // no data, not zero
  });

  it("GIVEN raw reports THEN one row each, time in the plan's wall clock, shown with the year in Chinese", () => {
    const sheet = book.getWorksheet("原始数据")!;
    expect(sheet.rowCount).toBe(3 + 2);
    expect(rowValues(sheet, 3)[7]).toBe("填报时间（北京时间）");
    const [unit, period, code, indicator, value, raw, revision, at, by] = rowValues(sheet, 4);
    expect([unit, period, code, indicator, value, raw, revision, by]).toEqual(["义乌市", "2026年9月", "GY01", "规上工业增加值", 412.3, "412.3亿", 2, "王芳"]);
    expect((at as Date).toISOString()).toBe("2026-10-09T10:30:00.000Z");
    expect(sheet.getCell("H4").numFmt).toBe('yyyy"年"m"月"d"日" hh:mm');
  });

  it("GIVEN another plan time zone THEN the wall clock and the header follow it", async () => {
    const other = new ExcelJS.Workbook();
    await other.xlsx.load((await buildWorkbook({ ...countyBriefing(), timeZone: "Asia/Urumqi" })) as unknown as ExcelJS.Buffer);
    const sheet = other.getWorksheet("原始数据")!;
    expect(String(rowValues(sheet, 3)[7])).toContain("Asia/Urumqi");
    expect((rowValues(sheet, 4)[7] as Date).toISOString()).toBe("2026-10-09T08:30:00.000Z");
  });

  it("GIVEN late changes and rules THEN a sheet each, in Chinese", () => {
    const late = book.getWorksheet("截止后修改")!;
    expect(rowValues(late, 3)).toEqual(["单位", "期间", "指标代码", "指标", "原数值", "新数值", "修改原因", "修改时间（北京时间）"]);
    const row = rowValues(late, 4);
    expect(row.slice(0, 7)).toEqual(["义乌市", "2026年8月", "GY01", "规上工业增加值", 350, 362.5, "补录一家企业"]);
    expect((row[7] as Date).toISOString()).toBe("2026-10-20T14:45:00.000Z");
    const rules = book.getWorksheet("计分规则")!;
    expect(rowValues(rules, 4)).toEqual(["结果得分：各项指标按序时进度计分，达到序时进度得满分100分。"]);
  });
});
