import ExcelJS from "exceljs";
import type { PlanData } from "../domain/plan/plan-document.js";
import {
  DEFAULT_SUM_TOLERANCE,
  isLevelTarget,
  leadOf,
  splitCounties,
  TASK_SPLIT_LABELS as L,
  type CellValue,
  type SheetCell,
  type SheetGrid,
} from "../domain/plan/task-split.js";
import { INDICATOR_KIND_WORDS } from "../i18n/plan-words.js";
import { templateNotes } from "../i18n/task-split-words.js";

/**
 * The 任务分解表 as a workbook: the template an office fills (`duban plan
 * template`) and the reader that takes a filled one back into cells for the
 * domain (src/domain/plan/task-split.ts), which decides what they mean.
 *
 * Template layout, sheet 任务分解表 (sheet 县级基期值 alike, for the
 * counties' base-year levels of level targets):
 *   row 1  the plan's title, merged across
 *   row 2  填表说明, merged across
 *   rows 3–4  header: 序号 | 指标编号 | 指标名称 | 单位 | 类型 | 市级目标 |
 *          牵头/责任单位 | 基期值 | 基期年份 (each merged down two rows) |
 *          各县（市、区）分解目标 merged over one column per county and the
 *          zone (names in row 4) | 合计 | 备注
 *   then   a heading row per group (一、攻坚目标 …), merged across, and one
 *          row per indicator, prefilled with what is stored.
 * Grey cells are the plan's (read-only by convention, not by protection:
 * offices add columns and rows and a protected sheet stops them).
 */

const GREY = "FFF2F2F2";
const HEAD = "FFDDE4EE";
const GROUP = "FFEFF3F8";
const BORDER: Partial<ExcelJS.Borders> = {
  top: { style: "thin", color: { argb: "FFBFBFBF" } },
  left: { style: "thin", color: { argb: "FFBFBFBF" } },
  bottom: { style: "thin", color: { argb: "FFBFBFBF" } },
  right: { style: "thin", color: { argb: "FFBFBFBF" } },
};
const KEYWORD_PREFIX = "duban-plan:";
const LIST_SHEET = "单位名录";
const HEADER_ROW = 3;
const FIRST_DATA_ROW = 5;
const CHINESE_ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"];

type Indicator = PlanData["indicators"][number];

export interface TemplateOptions {
  /** Shown in the notes: the gap the import lets pass without a question. */
  tolerance?: number;
  /** Departments an owner may be picked from (the plan's and the city's registry). */
  departments: readonly string[];
}

export interface TemplateSummary {
  indicators: number;
  counties: string[];
  levelTargets: number;
  unowned: number;
}

/** The template, prefilled with what is stored, so export → edit → import round-trips. */
export async function buildTaskSplitTemplate(data: PlanData, opts: TemplateOptions): Promise<{ bytes: Buffer; summary: TemplateSummary }> {
  const book = new ExcelJS.Workbook();
  book.creator = "督办 Duban";
  book.title = data.title;
  book.subject = L.mainSheet;
  // Names the plan, so the import can tell a sheet of another plan (the example plan shares its codes).
  book.keywords = `${KEYWORD_PREFIX}${data.code}`;
  book.created = book.modified = new Date(0);
  const counties = splitCounties(data).map((c) => c.name);
  const tolerance = opts.tolerance ?? DEFAULT_SUM_TOLERANCE;
  const baseYear = data.startYear - 1;

  const main = book.addWorksheet(L.mainSheet, {
    views: [{ state: "frozen", xSplit: 3, ySplit: FIRST_DATA_ROW - 1 }],
    pageSetup: { orientation: "landscape", paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: "3:4" },
  });
  const fixed = [
    { label: L.seq, width: 6 },
    { label: L.code, width: 9 },
    { label: L.name, width: 32 },
    { label: L.unit, width: 10 },
    { label: L.kind, width: 9 },
    { label: L.target, width: 11 },
    { label: L.owner, width: 18 },
    { label: L.baseline, width: 11 },
    { label: L.baselineYear, width: 9 },
  ];
  const firstCounty = fixed.length + 1;
  const totalCol = firstCounty + counties.length;
  const noteCol = totalCol + 1;
  main.columns = [...fixed.map((f) => ({ width: f.width })), ...counties.map(() => ({ width: 10 })), { width: 10 }, { width: 18 }];
  titleRows(main, `${data.title}任务分解表`, templateNotes({ tolerance, baseYear, baselineSheet: L.baselineSheet }), noteCol);
  header(main, [...fixed.map((f) => f.label)], L.shareBlock, counties, [L.total, L.note]);

  const listRange = `'${LIST_SHEET}'!$A$1:$A$${Math.max(1, new Set(opts.departments).size)}`;
  const groups = groupIndicators(data);
  let row = FIRST_DATA_ROW;
  let seq = 0;
  for (const group of groups) {
    groupRow(main, row++, `${CHINESE_ORDINALS[groups.indexOf(group)] ?? groups.indexOf(group) + 1}、${group.title}`, noteCol);
    for (const ind of group.indicators) {
      const r = main.getRow(row);
      const lead = ind.workItem === null ? null : leadOf(data, ind.workItem);
      const level = isLevelTarget(ind.kind);
      const values: CellValue[] = [
        ++seq,
        ind.code,
        ind.name,
        ind.unit,
        INDICATOR_KIND_WORDS[ind.kind].zh,
        ind.targetMax !== null ? `${ind.target}—${ind.targetMax}` : ind.target,
        ind.workItem === null ? ind.owner : (ind.owner ?? lead),
        ind.baseline,
        ind.baselineYear,
      ];
      values.forEach((v, i) => (r.getCell(i + 1).value = v));
      counties.forEach((c, i) => (r.getCell(firstCounty + i).value = ind.shares[c] ?? null));
      const shares = Object.values(ind.shares);
      const a = r.getCell(firstCounty).address;
      const b = r.getCell(totalCol - 1).address;
      r.getCell(totalCol).value = { formula: `IF(COUNT(${a}:${b})=0,"",SUM(${a}:${b}))`, result: shares.length ? round(shares.reduce((x, y) => x + y, 0)) : "" };
      for (let c = 1; c <= noteCol; c++) {
        const cell = r.getCell(c);
        cell.border = BORDER;
        cell.alignment = { vertical: "middle", wrapText: c === 3 || c === 7 || c === noteCol };
        const readOnly = c <= 6 || (c === 7 && ind.workItem !== null) || c === totalCol || ((c === 8 || c === 9) && !level && ind.baseline === null);
        if (readOnly) cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: GREY } };
      }
      if (ind.workItem === null) {
        r.getCell(7).dataValidation = {
          type: "list",
          allowBlank: true,
          formulae: [listRange],
          showErrorMessage: true,
          errorStyle: "warning",
          errorTitle: "责任单位",
          error: "不在下拉列表中。请选择一个市级部门；确需填写其他部门的，点“是”保留。",
        };
      }
      r.getCell(9).dataValidation = {
        type: "whole",
        operator: "between",
        allowBlank: true,
        formulae: [2000, 2100],
        showErrorMessage: true,
        errorStyle: "warning",
        errorTitle: "基期年份",
        error: `请填写四位年份，如 ${baseYear}。`,
      };
      for (let i = 0; i < counties.length; i++) figureCell(r.getCell(firstCounty + i), ind);
      figureCell(r.getCell(8), ind);
      // Codes and names stay text (Excel would turn a typed 3-2 into a date); years print without a separator.
      for (const c of [2, 3, 7]) r.getCell(c).numFmt = "@";
      r.getCell(9).numFmt = "0";
      row++;
    }
  }

  const levels = data.indicators.filter((i) => isLevelTarget(i.kind) || Object.keys(i.shareBaselines).length);
  addBaselineSheet(book, data, counties, levels, baseYear);
  addUnitList(book, opts.departments);

  return {
    bytes: Buffer.from(await book.xlsx.writeBuffer()),
    summary: {
      indicators: data.indicators.length,
      counties,
      levelTargets: levels.length,
      unowned: data.indicators.filter((i) => i.workItem === null).length,
    },
  };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function titleRows(sheet: ExcelJS.Worksheet, title: string, notes: string, lastCol: number): void {
  const t = sheet.getCell(1, 1);
  t.value = title;
  t.font = { bold: true, size: 16 };
  t.alignment = { horizontal: "center", vertical: "middle" };
  sheet.getRow(1).height = 32;
  sheet.mergeCells(1, 1, 1, lastCol);
  const n = sheet.getCell(2, 1);
  n.value = notes;
  n.font = { size: 10, color: { argb: "FF595959" } };
  n.alignment = { wrapText: true, vertical: "top" };
  sheet.getRow(2).height = 15 * notes.split("\n").length + 6;
  sheet.mergeCells(2, 1, 2, lastCol);
}

/** Rows 3–4: fixed labels merged down, the county block merged across, trailing labels merged down. */
function header(sheet: ExcelJS.Worksheet, fixed: string[], block: string, counties: string[], trailing: string[]): void {
  const style = (cell: ExcelJS.Cell) => {
    cell.font = { bold: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: HEAD } };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.border = BORDER;
  };
  let col = 1;
  const down = (label: string) => {
    sheet.getCell(HEADER_ROW, col).value = label;
    sheet.mergeCells(HEADER_ROW, col, HEADER_ROW + 1, col);
    col++;
  };
  fixed.forEach(down);
  sheet.getCell(HEADER_ROW, col).value = block;
  if (counties.length > 1) sheet.mergeCells(HEADER_ROW, col, HEADER_ROW, col + counties.length - 1);
  for (const c of counties) sheet.getCell(HEADER_ROW + 1, col++).value = c;
  trailing.forEach(down);
  for (let c = 1; c < col; c++) {
    style(sheet.getCell(HEADER_ROW, c));
    style(sheet.getCell(HEADER_ROW + 1, c));
  }
  sheet.getRow(HEADER_ROW).height = 22;
  sheet.getRow(HEADER_ROW + 1).height = 22;
}

function groupRow(sheet: ExcelJS.Worksheet, row: number, title: string, lastCol: number): void {
  const cell = sheet.getCell(row, 1);
  cell.value = title;
  cell.font = { bold: true };
  cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: GROUP } };
  cell.border = BORDER;
  sheet.mergeCells(row, 1, row, lastCol);
}

function figureCell(cell: ExcelJS.Cell, ind: Indicator): void {
  cell.dataValidation = {
    type: "decimal",
    operator: "greaterThanOrEqual",
    allowBlank: true,
    formulae: [0],
    showErrorMessage: true,
    // A warning, not a stop: "—" and "1.2万" are fine, the import reads them.
    errorStyle: "warning",
    errorTitle: "分解目标",
    error: `不是数字。单位为${ind.unit}；填“1.2万”“300${ind.unit}”或“—”（不分解）的，点“是”保留。`,
  };
}

/** Departments on a hidden sheet, for the owner drop-down (a list in the rule itself is capped at 255 characters). */
function addUnitList(book: ExcelJS.Workbook, departments: readonly string[]): void {
  const sheet = book.addWorksheet(LIST_SHEET, { state: "hidden" });
  [...new Set(departments)].forEach((n, i) => (sheet.getCell(i + 1, 1).value = n));
}

function addBaselineSheet(book: ExcelJS.Workbook, data: PlanData, counties: string[], levels: Indicator[], baseYear: number): void {
  const sheet = book.addWorksheet(L.baselineSheet, { views: [{ state: "frozen", xSplit: 3, ySplit: FIRST_DATA_ROW - 1 }] });
  const fixed = [L.seq, L.code, L.name, L.unit, L.baselineYear, L.cityBaseline];
  const noteCol = fixed.length + counties.length + 1;
  sheet.columns = [{ width: 6 }, { width: 9 }, { width: 32 }, { width: 10 }, { width: 9 }, { width: 12 }, ...counties.map(() => ({ width: 10 })), { width: 18 }];
  titleRows(
    sheet,
    `${data.title}各县（市、区）基期值`,
    [
      "填表说明：",
      `1. 存量类指标按基期水平考核，此表填写各县（市、区）基期年份（默认 ${baseYear} 年）末的水平，单位与“单位”列一致。`,
      "2. 只有在“任务分解表”中有分解目标的县（市、区）才需填写；灰色单元格仅供参考。",
    ].join("\n"),
    noteCol,
  );
  header(sheet, fixed, L.baselineBlock, counties, [L.note]);
  let row = FIRST_DATA_ROW;
  levels.forEach((ind, i) => {
    const r = sheet.getRow(row++);
    [i + 1, ind.code, ind.name, ind.unit, ind.baselineYear ?? baseYear, ind.baseline].forEach((v, c) => (r.getCell(c + 1).value = v));
    counties.forEach((c, k) => {
      const cell = r.getCell(fixed.length + 1 + k);
      cell.value = ind.shareBaselines[c] ?? null;
      cell.dataValidation = {
        type: "decimal",
        operator: "greaterThanOrEqual",
        allowBlank: true,
        formulae: [0],
        showErrorMessage: true,
        errorStyle: "warning",
        errorTitle: "基期值",
        error: `请填写数字，单位：${ind.unit}。`,
      };
    });
    for (let c = 1; c <= noteCol; c++) {
      const cell = r.getCell(c);
      cell.border = BORDER;
      cell.alignment = { vertical: "middle", wrapText: c === 3 };
      if (c <= fixed.length) cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: GREY } };
    }
  });
}

/** Headline targets first (no work item), then each group's, in plan order. */
function groupIndicators(data: PlanData): { title: string; indicators: Indicator[] }[] {
  const groupOfRef = new Map<string, string>();
  for (const g of data.groups) for (const t of g.tasks) for (const w of t.workItems) groupOfRef.set(w.ref, g.code);
  const out: { title: string; indicators: Indicator[] }[] = [];
  const goals = data.indicators.filter((i) => i.workItem === null || !groupOfRef.has(i.workItem));
  if (goals.length) out.push({ title: "攻坚目标", indicators: goals });
  for (const g of data.groups) {
    const inds = data.indicators.filter((i) => i.workItem !== null && groupOfRef.get(i.workItem) === g.code);
    if (inds.length) out.push({ title: g.title, indicators: inds });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reading a filled workbook

export type WorkbookReadResult =
  | { ok: true; sheets: SheetGrid[]; planCode: string | null }
  | { ok: false; code: "legacy_xls" | "not_xlsx" | "unreadable"; detail: string };

/** Rows and columns beyond these are not read (a whole formatted column must not cost a million rows). */
const MAX_ROWS = 5000;
const MAX_COLS = 200;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** An .xlsx by name or by its bytes (a ZIP), or an old binary .xls. */
export function workbookKind(bytes: Uint8Array, fileName: string): "xlsx" | "legacy_xls" | null {
  if (startsWith(bytes, OLE) || (/\.(xls|et)$/i.test(fileName) && !startsWith(bytes, ZIP))) return "legacy_xls";
  if (/\.(xlsx|xlsm)$/i.test(fileName) || startsWith(bytes, ZIP)) return "xlsx";
  return null;
}

export async function readTaskSplitWorkbook(bytes: Uint8Array): Promise<WorkbookReadResult> {
  if (startsWith(bytes, OLE)) return { ok: false, code: "legacy_xls", detail: "binary .xls (Excel 97–2003)" };
  if (!startsWith(bytes, ZIP)) return { ok: false, code: "not_xlsx", detail: "not a ZIP container" };
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (e) {
    return { ok: false, code: "unreadable", detail: (e as Error).message.split("\n")[0] ?? "" };
  }
  const sheets = book.worksheets.filter((ws) => ws.state !== "veryHidden").map(readSheet);
  const keywords = book.keywords ?? "";
  const at = keywords.indexOf(KEYWORD_PREFIX);
  const planCode = at >= 0 ? (/^[a-z0-9][a-z0-9-]*/.exec(keywords.slice(at + KEYWORD_PREFIX.length))?.[0] ?? null) : null;
  return { ok: true, sheets, planCode };
}

function readSheet(ws: ExcelJS.Worksheet): SheetGrid {
  let lastRow = 0;
  let lastCol = 0;
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    if (r > MAX_ROWS) return;
    row.eachCell({ includeEmpty: false }, (_cell, c) => {
      if (c > MAX_COLS) return;
      lastRow = Math.max(lastRow, r);
      lastCol = Math.max(lastCol, c);
    });
  });
  const merges = new Map<string, NonNullable<SheetCell["merge"]>>();
  for (const range of ws.model.merges ?? []) {
    const m = parseRange(range);
    if (!m || (m.bottom - m.top + 1) * (m.right - m.left + 1) > 100_000) continue;
    for (let r = m.top; r <= Math.min(m.bottom, MAX_ROWS - 1); r++) for (let c = m.left; c <= Math.min(m.right, MAX_COLS - 1); c++) merges.set(`${r}:${c}`, m);
  }
  const rows: (SheetCell | undefined)[][] = [];
  for (let r = 0; r < lastRow; r++) {
    const row: (SheetCell | undefined)[] = [];
    for (let c = 0; c < lastCol; c++) {
      const cell = ws.getCell(r + 1, c + 1);
      const merge = merges.get(`${r}:${c}`);
      // A merged range's cells all read as its top-left cell, as a person sees it.
      const source = merge ? ws.getCell(merge.top + 1, merge.left + 1) : cell;
      const read = convert(source.value);
      if (read.value === null && !read.formulaWithoutResult && !merge) {
        row.push(undefined);
        continue;
      }
      row.push({
        ...read,
        ...(typeof read.value === "number" && /%/.test(source.numFmt ?? "") ? { percent: true } : {}),
        ...(merge ? { merge } : {}),
      });
    }
    rows.push(row);
  }
  return { name: ws.name, rows };
}

function parseRange(range: string): NonNullable<SheetCell["merge"]> | null {
  const m = /^\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$/.exec(range.replace(/^.*!/, ""));
  if (!m) return null;
  const col = (s: string) => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return { top: Number(m[2]) - 1, left: col(m[1]!), bottom: Number(m[4]) - 1, right: col(m[3]!) };
}

/** exceljs's cell value → the plain value a person sees (a formula's cached result). */
function convert(v: ExcelJS.CellValue | undefined): { value: CellValue; formulaWithoutResult?: true } {
  if (v === null || v === undefined) return { value: null };
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return { value: v };
  if (v instanceof Date) return { value: v.toISOString().slice(0, 10) };
  if (typeof v === "object") {
    if ("richText" in v) return { value: v.richText.map((t) => t.text).join("") };
    if ("formula" in v || "sharedFormula" in v) {
      const result = (v as { result?: unknown }).result;
      if (result === undefined || result === null) return { value: null, formulaWithoutResult: true };
      if (typeof result === "object" && result !== null && "error" in result) return { value: String((result as { error: string }).error) };
      return convert(result as ExcelJS.CellValue);
    }
    if ("error" in v) return { value: String(v.error) };
    if ("text" in v) {
      const t = (v as { text: unknown }).text;
      return { value: typeof t === "string" ? t : convert(t as ExcelJS.CellValue).value };
    }
  }
  return { value: String(v) };
}
