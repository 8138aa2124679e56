import ExcelJS from "exceljs";

/**
 * 任务分解表 as an office really returns one, built with exceljs for the tests
 * of the task split import (service and CLI): a letterhead and a title above
 * the header, a two-row header with its labels in other words (指标 before 编号,
 * 全市目标（2023年）, 牵头（责任）单位), the county block merged across with the
 * counties in another order and script (義烏市, 东阳, 蘭溪市), group headings
 * merged across, an owner merged down over two rows, figures as text with
 * thousands separators, full-width digits and units, a formula with its
 * cached result, a percentage-formatted rate, a 合计 column of formulas, a
 * 备注 column, a signature line, and a second sheet with county baselines.
 *
 * The figures (bundled plan, codes as imported):
 *   G2  规上工业产值 7000亿元: owner 经信局; shares add up to 7000
 *   G3  规上工业企业 6000家: owner (merged) 经信局; baseline 5,200 in 2020年; shares add up to 6000
 *   T2-1 整治提升高耗低效企业 5000家: shares add up to 5500 (10 % over)
 *   T18-2 新增工业机器人 3000台: a formula, ４００, 0.03万; the zone "—"; adds up to 3000
 *   T18-3 在役機器人總量 (no code, Traditional): baseline 18000 without a year
 *   G9  单位工业增加值能耗下降 10.4%: rates, one a percentage-formatted 0.11
 */

export const COUNTY_ORDER = ["義烏市", "东阳", "婺城区", "金东区", "蘭溪市", "永康市", "浦江县", "武义县", "磐安县", "金华开发区"];

export const EXPECTED = {
  G2: { 义乌市: 2000, 东阳市: 1000, 婺城区: 900, 金东区: 600, 兰溪市: 500, 永康市: 900, 浦江县: 400, 武义县: 300, 磐安县: 100, 金华开发区: 300 },
  G3: { 义乌市: 1500, 东阳市: 700, 婺城区: 600, 金东区: 500, 兰溪市: 500, 永康市: 900, 浦江县: 400, 武义县: 400, 磐安县: 200, 金华开发区: 300 },
  T2_1: { 义乌市: 1100, 东阳市: 600, 婺城区: 500, 金东区: 600, 兰溪市: 500, 永康市: 700, 浦江县: 400, 武义县: 400, 磐安县: 300, 金华开发区: 400 },
  T18_2: { 义乌市: 800, 东阳市: 400, 婺城区: 300, 金东区: 300, 兰溪市: 200, 永康市: 400, 浦江县: 200, 武义县: 200, 磐安县: 200 },
  G9: { 义乌市: 10.4, 东阳市: 11 },
  G3_BASELINES: { 义乌市: 1450, 东阳市: 680 },
} as const;

export interface MessyOptions {
  /** Write 义鸟市 for 義烏市 (a misspelt county header). */
  misspelt?: boolean;
  /** Write 待定 for 兰溪市's robots (a non-number). */
  nonNumber?: boolean;
}

/** Letters of the columns: A 序号 … H 基期年份, I–R counties, S 合计, T 备注. */
const FIRST_COUNTY = 9;
const LAST = 20;

export async function messyWorkbook(opts: MessyOptions = {}): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet("2021年分解");
  ws.getCell("A1").value = "金华市经济和信息化局";
  ws.getCell("A2").value = "金华市制造业攻坚行动任务分解表";
  ws.mergeCells(2, 1, 2, LAST);
  // row 3 left blank
  const labels = ["序号", "指标", "编号", "计量单位", "全市目标（2023年）", "牵头（责任）单位", "基期值（2020年）", "基期年份"];
  labels.forEach((l, i) => {
    ws.getCell(4, i + 1).value = l;
    ws.mergeCells(4, i + 1, 5, i + 1);
  });
  ws.getCell(4, FIRST_COUNTY).value = "各县（市、区）任务分解";
  ws.mergeCells(4, FIRST_COUNTY, 4, FIRST_COUNTY + 9);
  COUNTY_ORDER.forEach((c, i) => (ws.getCell(5, FIRST_COUNTY + i).value = opts.misspelt && i === 0 ? "义鸟市" : c));
  ws.getCell(4, 19).value = "合计";
  ws.mergeCells(4, 19, 5, 19);
  ws.getCell(4, 20).value = "备注";
  ws.mergeCells(4, 20, 5, 20);

  const heading = (row: number, text: string) => {
    ws.getCell(row, 1).value = text;
    ws.mergeCells(row, 1, row, LAST);
  };
  const line = (row: number, fixed: ExcelJS.CellValue[], shares: ExcelJS.CellValue[], total: number | null, note?: string) => {
    fixed.forEach((v, i) => (ws.getCell(row, i + 1).value = v));
    shares.forEach((v, i) => (ws.getCell(row, FIRST_COUNTY + i).value = v));
    if (total !== null) ws.getCell(row, 19).value = { formula: `SUM(I${row}:R${row})`, result: total };
    if (note) ws.getCell(row, 20).value = note;
  };

  heading(6, "一、攻坚目标");
  line(7, [1, "规上工业产值", "G2", "亿元", 7000, "经信局", null, null], ["2,000", 1000, 900, 600, 500, 900, 400, 300, "100亿元", 300], 7000);
  line(8, [2, "规上工业企业", "G3", "家", "6000家", null, "5,200", "2020年"], ["1500家", 700, 600, 500, 500, 900, 400, 400, 200, 300], 6000, "含新增");
  // The owner of both headline targets, merged down over their rows.
  ws.mergeCells("F7:F8");
  heading(9, "二、重点任务");
  line(10, [3, "整治提升高耗低效企业", "T2-1", "家", 5000, null, null, null], [1100, 600, 500, 600, 500, 700, 400, 400, 300, 400], 5500);
  line(11, [4, "新增工业机器人", "T18-2", "台", 3000, null, null, null], [{ formula: "400*2", result: 800 }, "４００", "0.03万", 300, opts.nonNumber ? "待定" : 200, 400, 200, 200, 200, "—"], 3000);
  line(12, [5, "在役機器人總量", null, "台", 25000, null, 18000, null], [], null);
  line(13, [6, "单位工业增加值能耗下降", "G9", "%", 10.4, null, null, null], [10.4, 0.11], null);
  ws.getCell(13, FIRST_COUNTY + 1).numFmt = "0.0%";
  heading(15, "填表人：张三　　联系电话：82468000");

  const base = book.addWorksheet("县级基期值");
  base.addRow(["指标编号", "指标名称", "单位", "義烏", "東陽市"]);
  base.addRow(["G3", "规上工业企业", "家", 1450, "680"]);

  return Buffer.from(await book.xlsx.writeBuffer());
}
