import ExcelJS from "exceljs";
import { KIND_LABELS, LIGHT_COLOURS, LIGHT_LABELS } from "./palette.js";
import { uniqueSheetName } from "./sheet-names.js";
import type { BriefingData, Light } from "./types.js";

/** A column of a sheet: header, how wide at least, and the number format if numeric. */
interface Column {
  header: string;
  minWidth?: number;
  numFmt?: string;
}

const SCORE = "0.00";
const PERCENT = "0.0%";
const VALUE = "#,##0.##";
const TIME = 'yyyy"年"m"月"d"日" hh:mm';
const HEADER_FILL = "FFE8EAED";
const TITLE_ROWS = 2; // the title, then the period line; the header row follows

export const RANKING_SHEET = "排名";
export const RAW_SHEET = "原始数据";
export const RULES_SHEET = "计分规则";
export const LATE_SHEET = "截止后修改";

/**
 * Builds the briefing's .xlsx in the layout officials use: a title and the
 * period above every table, the ranking first, one sheet per indicator, then the
 * raw reported data so every number can be traced back. Values stay numbers
 * (with formats) so officials can sort and sum; empty cells mean no data.
 */
export async function buildWorkbook(data: BriefingData): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = "督办 Duban";
  // Fixed so the same snapshot yields the same document properties.
  book.created = book.modified = new Date(0);
  const taken = new Set([RANKING_SHEET, RAW_SHEET, RULES_SHEET, LATE_SHEET].map((n) => n.toLowerCase()));

  addRankingSheet(book, data);
  for (const indicator of data.indicators) {
    const name = uniqueSheetName(`${indicator.code} ${indicator.name}`, taken, indicator.code || "指标");
    const about = [`单位：${indicator.unit}`, indicator.kind, ...(indicator.basis ? [indicator.basis] : [])].join("；");
    const sheet = startSheet(book, name, `${indicator.code} ${indicator.name}（${about}）`, data, [
      { header: "单位", minWidth: 14 },
      { header: `完成值（${indicator.unit}）`, numFmt: VALUE },
      { header: `目标值（${indicator.unit}）`, numFmt: VALUE },
      { header: "序时进度", numFmt: PERCENT },
      { header: "完成序时进度", numFmt: PERCENT },
      { header: "完成率", numFmt: PERCENT },
      { header: "得分", numFmt: SCORE },
      { header: "亮灯", minWidth: 8 },
      { header: "计算说明", minWidth: 30 },
    ]);
    for (const row of indicator.rows) {
      const added = sheet.addRow([row.unit, row.value, row.target, row.expectedShare, row.ratio ?? null, row.completion, row.points ?? null, LIGHT_LABELS[row.light], row.note ?? null]);
      paintLight(added.getCell(8), row.light);
    }
    finishSheet(sheet);
  }
  addRawSheet(book, data);
  if (data.lateChanges?.length) addLateSheet(book, data);
  if (data.rules?.length) addRulesSheet(book, data);

  return Buffer.from(await book.xlsx.writeBuffer());
}

function addRankingSheet(book: ExcelJS.Workbook, data: BriefingData): void {
  const sheet = startSheet(book, RANKING_SHEET, data.title, data, [
    { header: "排名", minWidth: 6 },
    { header: "单位", minWidth: 14 },
    { header: "综合得分", numFmt: SCORE },
    { header: "结果得分", numFmt: SCORE },
    { header: "报送得分", numFmt: SCORE },
    { header: "亮灯", minWidth: 8 },
    { header: "通报约谈", minWidth: 8 },
    { header: "备注", minWidth: 16 },
  ]);
  for (const row of data.rows) {
    const note = row.note ?? (row.total === null ? "未参与排名" : null);
    const added = sheet.addRow([row.rank, row.unit, row.total, row.result, row.conduct, LIGHT_LABELS[row.light], row.summoned ? "约谈" : null, note]);
    paintLight(added.getCell(6), row.light);
    if (row.summoned) added.getCell(7).font = { bold: true, color: { argb: argb(LIGHT_COLOURS.red) } };
  }
  finishSheet(sheet);
}

function addRawSheet(book: ExcelJS.Workbook, data: BriefingData): void {
  const sheet = startSheet(book, RAW_SHEET, `${data.title} 原始填报数据`, data, [
    { header: "单位", minWidth: 14 },
    { header: "期间", minWidth: 9 },
    { header: "指标代码" },
    { header: "指标", minWidth: 14 },
    { header: "数值", numFmt: VALUE },
    { header: "原始填报", minWidth: 10 },
    { header: "版本", numFmt: "0" },
    { header: `填报时间（${zoneName(data)}）`, numFmt: TIME, minWidth: 17 },
    { header: "填报人" },
  ]);
  for (const r of data.raw) {
    sheet.addRow([r.unit, r.period, r.code, r.indicator, r.value, r.raw, r.revision, wallTime(r.reportedAt, data), r.by]);
  }
  finishSheet(sheet);
}

function addLateSheet(book: ExcelJS.Workbook, data: BriefingData): void {
  const sheet = startSheet(book, LATE_SHEET, `${data.title} 截止后修改的数据`, data, [
    { header: "单位", minWidth: 14 },
    { header: "期间", minWidth: 9 },
    { header: "指标代码" },
    { header: "指标", minWidth: 14 },
    { header: "原数值", numFmt: VALUE },
    { header: "新数值", numFmt: VALUE },
    { header: "修改原因", minWidth: 16 },
    { header: `修改时间（${zoneName(data)}）`, numFmt: TIME, minWidth: 17 },
  ]);
  for (const c of data.lateChanges ?? []) sheet.addRow([c.unit, c.period, c.code, c.indicator, c.old, c.new, c.reason, wallTime(c.at, data)]);
  finishSheet(sheet);
}

function addRulesSheet(book: ExcelJS.Workbook, data: BriefingData): void {
  const sheet = startSheet(book, RULES_SHEET, `${data.title} 计分规则`, data, [{ header: "规则", minWidth: 60 }]);
  for (const rule of data.rules ?? []) sheet.addRow([rule]).getCell(1).alignment = { wrapText: true, vertical: "top" };
  finishSheet(sheet);
}

/** A sheet with the title row, the period row and the frozen header row. */
function startSheet(book: ExcelJS.Workbook, name: string, title: string, data: BriefingData, columns: Column[]): ExcelJS.Worksheet {
  const sheet = book.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: TITLE_ROWS + 1, xSplit: 0 }],
    properties: { defaultRowHeight: 18 },
  });
  sheet.columns = columns.map((c) => ({ key: c.header, width: c.minWidth ?? 8, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const last = columns.length;
  sheet.getCell(1, 1).value = title;
  sheet.getCell(1, 1).font = { bold: true, size: 14 };
  sheet.getRow(1).height = 24;
  sheet.getCell(2, 1).value = `统计期：${data.periodLabel}\u3000排名对象：${KIND_LABELS[data.kind]}`;
  sheet.mergeCells(1, 1, 1, last);
  sheet.mergeCells(2, 1, 2, last);
  const header = sheet.getRow(TITLE_ROWS + 1);
  header.values = columns.map((c) => c.header);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: HEADER_FILL } };
    cell.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
    cell.border = { bottom: { style: "thin" } };
  });
  return sheet;
}

/** Widens each column to its longest cell below the title rows (merged titles would skew it). */
function finishSheet(sheet: ExcelJS.Worksheet): void {
  sheet.columns.forEach((column, i) => {
    let width = column.width ?? 8;
    sheet.eachRow((row, n) => {
      if (n <= TITLE_ROWS) return;
      width = Math.max(width, displayWidth(row.getCell(i + 1)) + 2);
    });
    column.width = Math.min(width, 50);
  });
}

// Excel's width unit is one "0" of the default font; an ideograph takes two.
function displayWidth(cell: ExcelJS.Cell): number {
  const v = cell.value;
  const text = v instanceof Date ? "2026年10月9日 10:30" : typeof v === "number" ? v.toLocaleString("en-US") : v == null ? "" : String(v);
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! > 0x2e80 ? 2 : 1;
  return w;
}

function paintLight(cell: ExcelJS.Cell, light: Light): void {
  cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: argb(LIGHT_COLOURS[light]) } };
  cell.font = { bold: light !== "none", color: { argb: "FFFFFFFF" } };
  cell.alignment = { horizontal: "center" };
}

function argb(hex: string): string {
  return "FF" + hex.slice(1).toUpperCase();
}

/**
 * Excel has no time zones: a date cell shows the wall clock it stores. Officials
 * read the plan's own time (Beijing time by default), so store that wall clock.
 */
function wallTime(iso: string, data: BriefingData): Date {
  const at = new Date(iso);
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: data.timeZone ?? DEFAULT_ZONE, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return new Date(Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"), at.getUTCMilliseconds()));
}

const DEFAULT_ZONE = "Asia/Shanghai";

/** The zone as officials name it: 北京时间 for China's zones, else the IANA id. */
function zoneName(data: BriefingData): string {
  const tz = data.timeZone ?? DEFAULT_ZONE;
  return tz === "Asia/Shanghai" || tz === "Asia/Chongqing" || tz === "PRC" ? "北京时间" : tz;
}
