/**
 * 任务分解表: the spreadsheet an office issues after a plan, one row per
 * target and one column per county (domain.md, "Targets are distributed by
 * spreadsheet"). This module reads the sheet's cells (already taken out of the
 * workbook by the service) against the stored plan and returns the plan with
 * the split applied: per indicator the county shares, the counties' base-year
 * levels, the owner of a target no work item carries, and the city-wide
 * baseline. Pure: no workbook library, no database.
 *
 * Sheets are filled by hand, so the reader is tolerant of what people do to
 * them (rows inserted above the header, merged headings, extra columns,
 * counties in another order or script, numbers typed as text with units) and
 * strict about what would put a wrong figure on a county: every doubt is a
 * problem with a code, a cell reference and data, never a sentence (words
 * live in src/i18n/task-split-words.ts).
 */
import type { PlanData } from "./plan-document.js";
import { parseChineseNumeral, toHalfWidth } from "./numbers.js";
import { toSimplified } from "./script.js";
import type { IndicatorKind, PlanUnit } from "./types.js";
import { COUNTIES, normaliseUnitName, resolveUnit } from "./units.js";

// ---------------------------------------------------------------------------
// The sheet as the service hands it over

type Indicator = PlanData["indicators"][number];

export type CellValue = string | number | boolean | null;

export interface SheetCell {
  /** The value, or a formula's cached result; dates come as ISO text, Excel errors as their text (#REF!). */
  value: CellValue;
  /** The cell is formatted as a percentage: 0.15 is shown (and meant) as 15%. */
  percent?: boolean;
  /** A formula whose result the file does not hold (written by a program and never opened in Excel or WPS). */
  formulaWithoutResult?: boolean;
  /** Inside a merged range: its bounds (0-based, inclusive). Every cell of the range carries the range's value. */
  merge?: { top: number; left: number; bottom: number; right: number };
}

export interface SheetGrid {
  name: string;
  /** rows[r][c]: row r + 1, column c + 1 of the sheet. */
  rows: (SheetCell | undefined)[][];
}

// ---------------------------------------------------------------------------
// The layout: labels the template writes and the reader recognises

/** The labels the template writes. The reader also takes the synonyms below. */
export const TASK_SPLIT_LABELS = {
  seq: "序号",
  code: "指标编号",
  name: "指标名称",
  unit: "单位",
  kind: "类型",
  target: "市级目标",
  owner: "牵头/责任单位",
  baseline: "基期值",
  baselineYear: "基期年份",
  total: "合计",
  note: "备注",
  shareBlock: "各县（市、区）分解目标",
  baselineBlock: "各县（市、区）基期值",
  cityBaseline: "全市基期值（参考）",
  mainSheet: "任务分解表",
  baselineSheet: "县级基期值",
} as const;

type Field = "seq" | "code" | "name" | "unit" | "kind" | "target" | "owner" | "baseline" | "baselineYear" | "total" | "note";

/** Header words as offices write them, compared after labelKey (no punctuation, Simplified). */
const FIELD_SYNONYMS: Record<Field, readonly string[]> = {
  seq: ["序号", "序"],
  code: ["指标编号", "编号", "指标代码", "代码", "指标序号"],
  name: ["指标名称", "指标", "目标任务", "指标内容", "主要指标", "目标名称", "指标项目"],
  unit: ["单位", "计量单位", "指标单位"],
  kind: ["类型", "指标类型", "指标类别", "类别", "指标性质"],
  target: ["市级目标", "全市目标", "目标值", "市级目标值", "全市目标值", "目标", "全市"],
  owner: ["牵头责任单位", "牵头单位", "责任单位", "牵头部门", "责任部门", "市级牵头单位", "市级责任单位", "牵头责任部门", "责任单位牵头单位"],
  baseline: ["基期值", "基数", "基期数", "基期水平", "基期数值", "基期值全市", "全市基期值", "基年值"],
  baselineYear: ["基期年份", "基期年", "基数年份", "基期", "基年"],
  total: ["合计", "小计", "总计", "县市区合计", "各县市区合计", "分解合计", "分解合计数"],
  note: ["备注", "说明", "备注说明"],
};

const LABEL_OF = new Map<string, Field>(
  (Object.entries(FIELD_SYNONYMS) as [Field, readonly string[]][]).flatMap(([f, words]) => words.map((w) => [labelKey(w), f] as const)),
);

/** The merged label above the county columns: 各县（市、区）分解目标, 县市区任务分解 … */
const BLOCK_LABEL = /各县|县\(市、?区\)|县市区|分解/u;
/** A baseline block or sheet: 各县（市、区）基期值, 县级基期值. */
const BASELINE_MARK = /基期|基数/u;
/** Rows that total the others. */
const TOTAL_ROW = /^(合计|小计|总计|全市合计)$/u;
/** "No share" as people write it. 0 is a share of nothing, and is kept. */
const NONE_MARK = /^(?:[—–\-－‐/／\\、.。·…]+|无|不分解|暂无|空|未分解|不适用)$/u;

/** Default gap allowed between the county shares' sum and the city target: ±5 %. */
export const DEFAULT_SUM_TOLERANCE = 0.05;

// ---------------------------------------------------------------------------
// Problems: codes, cells and data

export type SplitProblemCode =
  // errors: nothing is written while one remains
  | "no_header" // no sheet has a row with 指标编号 / 指标名称
  | "unknown_county" // a county column's header is no county or zone of the plan
  | "not_a_county" // a county column names a department
  | "duplicate_county" // two columns for the same county
  | "unknown_indicator" // a row with figures matches no indicator
  | "duplicate_indicator" // two rows for the same indicator
  | "code_name_conflict" // the code cell names one indicator, the name cell another
  | "not_a_number"
  | "wrong_unit" // 30家 for an indicator counted in 台
  | "unit_mismatch" // the row's 单位 cell is not the indicator's unit (nor a multiple: 万台 for 台)
  | "negative_share"
  | "merged_figure" // one figure merged over several cells (rows of several indicators, or several counties)
  | "formula_without_result"
  | "unknown_owner"
  | "owner_not_department"
  | "bad_year"
  // warnings: written, but the admin should look
  | "no_county_columns"
  | "county_column_missing" // a county of the plan has no column: its stored shares are kept
  | "name_differs" // matched by code, the name cell says something else
  | "matched_by_name" // the code cell is empty or unknown: matched by name
  | "target_differs" // the 市级目标 cell differs from the plan: the plan's target is kept
  | "lead_not_editable" // an owner cell on a target a work item carries: its lead answers for it
  | "owner_first_taken" // several units in an owner cell: the first (牵头) is taken
  | "baseline_without_share" // a county baseline where the county has no share: dropped
  | "baseline_not_level" // a baseline on a target that is not a level: stored, not used in scoring
  | "county_baseline_missing" // a level target split across counties, some without a baseline
  | "ignored_sheet" // another sheet laid out as a split (a second year's?): only the first is read
  // notices
  | "baseline_year_assumed" // a baseline without its year: the year before the plan starts
  | "indicator_not_in_sheet" // stored indicators the sheet has no row for: left as they are
  | "ignored_column"
  | "ignored_row";

export type Severity = "error" | "warning" | "notice";

export const SPLIT_PROBLEM_SEVERITY: Record<SplitProblemCode, Severity> = {
  no_header: "error",
  unknown_county: "error",
  not_a_county: "error",
  duplicate_county: "error",
  unknown_indicator: "error",
  duplicate_indicator: "error",
  code_name_conflict: "error",
  not_a_number: "error",
  wrong_unit: "error",
  unit_mismatch: "error",
  negative_share: "error",
  merged_figure: "error",
  formula_without_result: "error",
  unknown_owner: "error",
  owner_not_department: "error",
  bad_year: "error",
  no_county_columns: "warning",
  county_column_missing: "warning",
  name_differs: "warning",
  matched_by_name: "warning",
  target_differs: "warning",
  lead_not_editable: "warning",
  owner_first_taken: "warning",
  baseline_without_share: "warning",
  baseline_not_level: "warning",
  county_baseline_missing: "warning",
  ignored_sheet: "warning",
  baseline_year_assumed: "notice",
  indicator_not_in_sheet: "notice",
  ignored_column: "notice",
  ignored_row: "notice",
};

export type ProblemData = Record<string, string | number | string[] | null>;

export interface SplitProblem {
  code: SplitProblemCode;
  severity: Severity;
  sheet: string;
  /** "D7", a range "D7:D9", or absent for the whole sheet. */
  cell?: string;
  /** The indicator's code when the problem is about one. */
  indicator?: string;
  data: ProblemData;
}

/** The county shares' sum against the city target, for an indicator whose shares add up. */
export interface SumCheck {
  indicator: string;
  name: string;
  unit: string;
  target: number;
  targetMax: number | null;
  sum: number;
  /** Counties with a share. */
  counties: number;
  /** (sum − target) / target; for a range target, the gap to the nearer end (0 inside). */
  deviation: number;
  within: boolean;
  sheet: string;
  /** The row of the indicator in the sheet (1-based). */
  row: number;
}

export interface SplitLayout {
  sheet: string;
  /** First and last header row, 1-based. */
  headerRows: [number, number];
  /** County columns in sheet order: column letter, header as written, canonical unit. */
  counties: { column: string; header: string; unit: string }[];
  /** Fields found, by column letter. */
  fields: Partial<Record<Field, string>>;
  /** Indicator rows matched. */
  rows: number;
  baselineSheet: { sheet: string; counties: number; rows: number } | null;
}

export interface TaskSplitOptions {
  /** Allowed relative gap between the county shares' sum and the city target (0.05 = ±5 %). */
  tolerance?: number;
  /**
   * Units the city knows beyond this plan's own (the unit registry): an owner
   * may be any department, not only one named in the plan's clauses.
   */
  registry?: readonly PlanUnit[];
}

export type TaskSplitResult =
  | { ok: true; data: PlanData; problems: SplitProblem[]; sums: SumCheck[]; layout: SplitLayout; tolerance: number }
  | { ok: false; problems: SplitProblem[]; tolerance: number };

// ---------------------------------------------------------------------------
// Small pure helpers (exported for table tests)

/** 0-based row and column → "D7". */
export function cellRef(row: number, col: number): string {
  return `${columnLetter(col)}${row + 1}`;
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(col: number): string {
  let n = col + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A header as compared: half-width, Simplified, no spaces, no trailing （…） note, no punctuation. */
export function labelKey(text: string): string {
  let s = toSimplified(toHalfWidth(text)).replace(/\s+/gu, "").replace(/[*＊]/gu, "");
  // 市级目标（2023年）, 基期值(2020年), 单位(万元): the note says when or in what, not what.
  while (/\([^()]*\)$/u.test(s) && !/^\([^()]*\)$/u.test(s)) s = s.replace(/\([^()]*\)$/u, "");
  return s.replace(/[()（）[\]【】/／、，,。.:：;；"“”'‘’\-—_]/gu, "");
}

/** The text of a cell as a person reads it ("" for empty). */
export function cellText(cell: SheetCell | undefined): string {
  const v = cell?.value;
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return v.trim();
}

const MULTIPLIERS: Record<string, number> = { 百: 1e2, 千: 1e3, 万: 1e4, 亿: 1e8 };

/** "万元" → 元 × 1e4; "台" → 台 × 1; "万元/亩" → 元/亩 × 1e4. */
export function unitScale(unit: string): { base: string; scale: number } {
  const u = toHalfWidth(unit).trim();
  const m = /^([万亿])(.+)$/u.exec(u);
  return m ? { base: m[2] as string, scale: MULTIPLIERS[m[1] as string] as number } : { base: u, scale: 1 };
}

export type ParsedNumber =
  | { kind: "blank" }
  | { kind: "value"; value: number }
  | { kind: "error"; code: "not_a_number" | "wrong_unit" | "formula_without_result"; text: string };

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * A figure as people type it, in the indicator's unit: 1200, "1,200", "１２００",
 * "1.2万" (台 → 12000), "300家", "50亿" (亿元 → 50), "5000万元" (亿元 → 0.5),
 * "15%", a cell formatted as 15 % (0.15), "约300", "300以上", 三百. Blank, —, /
 * and 无 mean no figure.
 */
export function parseSheetNumber(cell: SheetCell | undefined, unit: string): ParsedNumber {
  if (cell?.formulaWithoutResult) return { kind: "error", code: "formula_without_result", text: "" };
  const v = cell?.value ?? null;
  if (v === null) return { kind: "blank" };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return { kind: "error", code: "not_a_number", text: String(v) };
    return { kind: "value", value: round6(cell?.percent && unitScale(unit).base === "%" ? v * 100 : v) };
  }
  if (typeof v === "boolean") return { kind: "error", code: "not_a_number", text: v ? "TRUE" : "FALSE" };
  const raw = v.trim();
  let s = toSimplified(toHalfWidth(raw)).replace(/\s+/gu, "");
  if (s === "" || NONE_MARK.test(s)) return { kind: "blank" };
  s = s
    .replace(/(\d),(?=\d{3}(?:\D|$))/gu, "$1") // thousands separators
    // How targets are stated (300家以上, ≥300); not 约300 or 300多, which are not yet a figure.
    .replace(/^(?:≥|≤|>=|<=|不低于|不少于|不高于|不超过)/u, "")
    .replace(/(?:及以上|及以下|以上|以下|以内)$/u, "");
  const { base, scale } = unitScale(unit);
  let m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([百千万亿]?)(.*)$/u.exec(s);
  let value: number;
  let mult: string;
  let rest: string;
  if (m) {
    value = Number(m[1]);
    mult = m[2] as string;
    rest = m[3] as string;
  } else {
    m = /^([零〇一二两三四五六七八九十百千万亿]+?)([万亿]?)([^零〇一二两三四五六七八九十百千万亿]*)$/u.exec(s);
    if (!m) return { kind: "error", code: "not_a_number", text: raw };
    value = parseChineseNumeral(m[1] as string);
    mult = m[2] as string;
    rest = m[3] as string;
    if (!Number.isFinite(value)) return { kind: "error", code: "not_a_number", text: raw };
  }
  if (!Number.isFinite(value)) return { kind: "error", code: "not_a_number", text: raw };
  const factor = mult ? (MULTIPLIERS[mult] as number) : 1;
  if (rest === "") {
    // A bare multiplier belongs to the unit's own: 50亿 of 亿元 is 50, 1.2亿 of 万元 is 12000, 1.2万 of 台 is 12000.
    return { kind: "value", value: round6(scale > 1 && mult ? (value * factor) / scale : value * factor) };
  }
  if (rest === base) return { kind: "value", value: round6((value * factor) / scale) };
  // Anything after the number that is not the unit: another unit (30家 for 台), or words.
  return { kind: "error", code: /^[\p{Script=Han}%‰a-zA-Z/]+$/u.test(rest) && /\d/u.test(s[0] ?? "") ? "wrong_unit" : "not_a_number", text: raw };
}

/** "2020", 2020, "2020年", "2020年末", "2020-12-31" → 2020; null when it is not a year. */
export function parseYear(cell: SheetCell | undefined): number | null | "blank" {
  const v = cell?.value ?? null;
  if (v === null) return "blank";
  const s = toHalfWidth(String(v)).replace(/\s+/gu, "");
  if (s === "" || NONE_MARK.test(s)) return "blank";
  const m = /^(\d{4})(?:年(?:末|底|度)?|-\d{2}-\d{2}(?:T.*)?)?$/u.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  return y >= 2000 && y <= 2100 ? y : null;
}

/** Levenshtein distance on code points. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length] as number;
}

/** Dice coefficient on characters: how many characters two names share. */
function sharedCharacters(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (!x.length || !y.length) return 0;
  const pool = [...y];
  let common = 0;
  for (const ch of x) {
    const at = pool.indexOf(ch);
    if (at >= 0) {
      common++;
      pool.splice(at, 1);
    }
  }
  return (2 * common) / (x.length + y.length);
}

/**
 * "Did you mean": the candidates whose label (or another spelling) is one
 * edit away, within a third of its length, or shares most characters.
 * Best first, at most `max`.
 */
export function nearMisses(query: string, candidates: readonly { label: string; spellings: readonly string[] }[], max = 3): string[] {
  const q = toSimplified(toHalfWidth(query)).replace(/\s+/gu, "");
  if ([...q].length < 2) return [];
  const scored: { label: string; score: number }[] = [];
  for (const c of candidates) {
    let best = Infinity;
    for (const sp of [c.label, ...c.spellings]) {
      const s = toSimplified(sp);
      const d = editDistance(q, s);
      const len = Math.max([...q].length, [...s].length);
      const dice = sharedCharacters(q, s);
      const near = d <= 1 || d / len <= 1 / 3 || dice >= 0.6;
      if (near) best = Math.min(best, d / len - dice / 10);
    }
    if (best < Infinity) scored.push({ label: c.label, score: best });
  }
  return [...new Set(scored.sort((a, b) => a.score - b.score).map((s) => s.label))].slice(0, max);
}

/** Indicator codes as people retype them: g1, T18－2, T18—2. */
function codeKey(text: string): string {
  return toHalfWidth(text).replace(/\s+/gu, "").replace(/[—–‐－]/gu, "-").toUpperCase();
}

/** Indicator names compared without punctuation, brackets or spaces, in Simplified. */
function nameKey(text: string): string {
  return toSimplified(toHalfWidth(text)).replace(/[\s()（）[\]【】、，,。.:：;；"“”'‘’\-—/《》<>]/gu, "");
}

/** Targets whose county shares add up to the city's: counts, amounts and levels; not rates. */
export function sharesAddUp(kind: IndicatorKind, unit: string): boolean {
  if (kind === "ratio" || kind === "growth" || kind === "reduction") return false;
  return !unit.includes("%") && !unit.includes("/");
}

/** Level targets (突破2200家) are judged from a base-year level. */
export function isLevelTarget(kind: IndicatorKind): boolean {
  return kind === "stock";
}

/** "5%", "5", "５％", "0.5%" → 0.05 / 0.005; null when not a percentage from 0 to 100. */
export function parseTolerance(text: string): number | null {
  const s = toHalfWidth(text).trim().replace(/％/gu, "%");
  const m = /^(\d+(?:\.\d+)?)\s*%?$/u.exec(s);
  if (!m) return null;
  const pct = Number(m[1]);
  return pct >= 0 && pct <= 100 ? round6(pct / 100) : null;
}

/** The sum check of one indicator's shares; null when its shares do not add up or there are none. */
export function checkSum(
  ind: Pick<Indicator, "code" | "name" | "unit" | "kind" | "target" | "targetMax" | "shares">,
  tolerance: number,
  at: { sheet: string; row: number },
): SumCheck | null {
  const values = Object.values(ind.shares);
  if (!values.length || !sharesAddUp(ind.kind, ind.unit) || ind.target <= 0) return null;
  const sum = round6(values.reduce((a, b) => a + b, 0));
  const hi = ind.targetMax ?? ind.target;
  const deviation = sum < ind.target ? (sum - ind.target) / ind.target : sum > hi ? (sum - hi) / hi : 0;
  return {
    indicator: ind.code,
    name: ind.name,
    unit: ind.unit,
    target: ind.target,
    targetMax: ind.targetMax,
    sum,
    counties: values.length,
    deviation: round6(deviation),
    within: Math.abs(deviation) <= tolerance + 1e-9,
    sheet: at.sheet,
    row: at.row,
  };
}

// ---------------------------------------------------------------------------
// Reading a sheet's layout

interface CountyColumn {
  col: number;
  header: string;
  unit: PlanUnit;
}

interface Layout {
  grid: SheetGrid;
  labelRow: number;
  lastHeaderRow: number;
  fields: Partial<Record<Field, number>>;
  counties: CountyColumn[];
  isBaselineSheet: boolean;
}

function cellAt(grid: SheetGrid, r: number, c: number): SheetCell | undefined {
  return grid.rows[r]?.[c];
}

function width(grid: SheetGrid): number {
  return grid.rows.reduce((m, row) => Math.max(m, row.length), 0);
}

/** Header rows are looked for this far down (titles, notes and blank rows come first). */
const HEADER_SEARCH_ROWS = 30;

/** A county header without its note: 义乌市（万元）, 义乌市(分解目标) → 义乌市. */
function countyHeader(text: string): string {
  let s = toHalfWidth(text).trim();
  while (/\([^()]*\)$/u.test(s) && !/^\([^()]*\)$/u.test(s)) s = s.replace(/\([^()]*\)$/u, "").trim();
  return s;
}

function countyOf(text: string, counties: readonly PlanUnit[]): PlanUnit | null {
  return resolveUnit(countyHeader(text), counties);
}

function fieldOf(text: string): Field | undefined {
  return text ? LABEL_OF.get(labelKey(text)) : undefined;
}

/** The first row with the label of a code or name column and one more known label. */
function findLabelRow(grid: SheetGrid): number | null {
  const cols = width(grid);
  for (let r = 0; r < Math.min(grid.rows.length, HEADER_SEARCH_ROWS); r++) {
    const fields = new Set<Field>();
    for (let c = 0; c < cols; c++) {
      const f = fieldOf(cellText(cellAt(grid, r, c)));
      if (f) fields.add(f);
    }
    if ((fields.has("code") || fields.has("name")) && fields.size >= 2) return r;
  }
  return null;
}

/** The plan's counties and the zone, in the order the plan names them (责任主体), which is the order offices print. */
export function splitCounties(data: PlanData): PlanUnit[] {
  const own = data.units.filter((u) => u.kind === "county" || u.kind === "zone");
  const list = own.length ? own : [...COUNTIES];
  const order = new Map(data.accountable.map((name, i) => [name, i]));
  return [...list].sort((a, b) => (order.get(a.name) ?? 1e6) - (order.get(b.name) ?? 1e6));
}

interface ReadContext {
  data: PlanData;
  counties: PlanUnit[];
  /** Plan units and the registry, for owners and for telling a department column from a misspelt county. */
  known: PlanUnit[];
  problems: SplitProblem[];
}

function problem(ctx: ReadContext, code: SplitProblemCode, sheet: string, cell: string | undefined, data: ProblemData, indicator?: string): void {
  ctx.problems.push({ code, severity: SPLIT_PROBLEM_SEVERITY[code], sheet, ...(cell ? { cell } : {}), ...(indicator ? { indicator } : {}), data });
}

function readLayout(grid: SheetGrid, ctx: ReadContext): Layout | null {
  const labelRow = findLabelRow(grid);
  if (labelRow === null) return null;
  const cols = width(grid);
  const countyMatches = (r: number) => {
    let n = 0;
    for (let c = 0; c < cols; c++) {
      const t = cellText(cellAt(grid, r, c));
      if (t && !fieldOf(t) && countyOf(t, ctx.counties)) n++;
    }
    return n;
  };
  // County names sit in the label row or a row or two below it (under a merged block label).
  let countyRow = labelRow;
  let best = countyMatches(labelRow);
  for (let r = labelRow + 1; r <= labelRow + 2 && r < grid.rows.length; r++) {
    const n = countyMatches(r);
    if (n > best) {
      best = n;
      countyRow = r;
    }
  }
  // A second header row with no county in it still belongs to the header when
  // the block label sits above it (every county misspelt) or when the label
  // row's cells are merged down into it.
  if (best === 0 && labelRow + 1 < grid.rows.length) {
    const below = labelRow + 1;
    let mergedDown = false;
    let blockAbove = false;
    for (let c = 0; c < cols; c++) {
      const cell = cellAt(grid, labelRow, c);
      if (cell?.merge && cell.merge.bottom >= below && cell.merge.top <= labelRow && fieldOf(cellText(cell))) mergedDown = true;
      if (BLOCK_LABEL.test(labelKey(cellText(cell))) && cellText(cellAt(grid, below, c)) !== "" && cellText(cellAt(grid, below, c)) !== cellText(cell)) blockAbove = true;
    }
    if (mergedDown || blockAbove) countyRow = below;
  }
  const lastHeaderRow = Math.max(labelRow, countyRow);

  const fields: Partial<Record<Field, number>> = {};
  const counties: CountyColumn[] = [];
  const seenCounty = new Map<string, number>();
  let isBaselineSheet = BASELINE_MARK.test(grid.name);
  const countyCandidates = ctx.counties.map((u) => ({ label: u.name, spellings: u.aliases }));

  for (let c = 0; c < cols; c++) {
    const texts: { r: number; text: string }[] = [];
    for (let r = lastHeaderRow; r >= labelRow; r--) {
      const t = cellText(cellAt(grid, r, c));
      if (t) texts.push({ r, text: t });
    }
    const first = texts[0];
    if (!first) continue;
    const inBlock = texts.some((t) => BLOCK_LABEL.test(labelKey(t.text)));
    if (inBlock && texts.some((t) => BASELINE_MARK.test(t.text) && BLOCK_LABEL.test(labelKey(t.text)))) isBaselineSheet = true;
    const ref = cellRef(first.r, c);
    const field = fieldOf(first.text);
    if (field) {
      if (fields[field] === undefined) fields[field] = c;
      else problem(ctx, "ignored_column", grid.name, ref, { header: first.text });
      continue;
    }
    const county = countyOf(first.text, ctx.counties);
    if (county) {
      const before = seenCounty.get(county.name);
      if (before !== undefined) {
        problem(ctx, "duplicate_county", grid.name, ref, { header: first.text, county: county.name, first: cellRef(first.r, before) });
      } else {
        seenCounty.set(county.name, c);
        counties.push({ col: c, header: first.text, unit: county });
      }
      continue;
    }
    // The block label itself over a column with no county under it (a 合计 column under the merge).
    if (BLOCK_LABEL.test(labelKey(first.text))) continue;
    const other = resolveUnit(countyHeader(first.text), ctx.known);
    if (other && other.kind !== "county" && other.kind !== "zone") {
      problem(ctx, "not_a_county", grid.name, ref, { header: first.text, unit: other.name });
      continue;
    }
    const suggestions = nearMisses(countyHeader(first.text), countyCandidates);
    if (suggestions.length || inBlock) {
      problem(ctx, "unknown_county", grid.name, ref, { header: first.text, suggestions });
      continue;
    }
    problem(ctx, "ignored_column", grid.name, ref, { header: first.text });
  }
  if (fields.target !== undefined) isBaselineSheet = false;
  return { grid, labelRow, lastHeaderRow, fields, counties, isBaselineSheet };
}

// ---------------------------------------------------------------------------
// Matching rows to indicators

type RowMatch =
  | { kind: "skip" }
  | { kind: "unknown"; code: string; name: string; suggestions: string[] }
  | { kind: "conflict"; code: string; name: string; other: string }
  | { kind: "matched"; indicator: Indicator; how: "code" | "name" | "code_name_differs" | "name_code_unknown" };

interface IndicatorIndex {
  byCode: Map<string, Indicator>;
  byName: Map<string, Indicator[]>;
  all: Indicator[];
}

function indexIndicators(data: PlanData): IndicatorIndex {
  const byCode = new Map<string, Indicator>();
  const byName = new Map<string, Indicator[]>();
  for (const i of data.indicators) {
    byCode.set(codeKey(i.code), i);
    for (const n of [i.name, ...i.aliases]) {
      const k = nameKey(n);
      if (!k) continue;
      const list = byName.get(k) ?? [];
      if (!list.includes(i)) list.push(i);
      byName.set(k, list);
    }
  }
  return { byCode, byName, all: data.indicators };
}

function findByName(index: IndicatorIndex, name: string): Indicator | null {
  const k = nameKey(name);
  if (!k) return null;
  const exact = index.byName.get(k);
  if (exact?.length === 1) return exact[0]!;
  if (exact && exact.length > 1) return null;
  // 到2023年在役机器人总量 contains 在役机器人总量; 新增工业机器人（台）too. Only when one fits.
  if ([...k].length < 4) return null;
  const containing = index.all.filter((i) => [i.name, ...i.aliases].some((n) => {
    const nk = nameKey(n);
    return [...nk].length >= 4 && (k.includes(nk) || nk.includes(k));
  }));
  return containing.length === 1 ? containing[0]! : null;
}

function nameFits(ind: Indicator, name: string): boolean {
  const k = nameKey(name);
  if (!k) return true;
  return [ind.name, ...ind.aliases].some((n) => {
    const nk = nameKey(n);
    return nk === k || ([...k].length >= 2 && (k.includes(nk) || nk.includes(k)));
  });
}

function matchRow(index: IndicatorIndex, codeText: string, nameText: string): RowMatch {
  const code = codeKey(codeText);
  const byCode = code ? index.byCode.get(code) : undefined;
  if (byCode) {
    if (nameFits(byCode, nameText)) return { kind: "matched", indicator: byCode, how: "code" };
    const other = index.byName.get(nameKey(nameText));
    if (other?.length === 1 && other[0] !== byCode) return { kind: "conflict", code: codeText, name: nameText, other: other[0]!.code };
    return { kind: "matched", indicator: byCode, how: "code_name_differs" };
  }
  const byName = findByName(index, nameText);
  if (byName) return { kind: "matched", indicator: byName, how: code ? "name_code_unknown" : "name" };
  if (!code && !nameKey(nameText)) return { kind: "skip" };
  const byCodes = code ? nearMisses(codeText, index.all.map((i) => ({ label: `${i.code} ${i.name}`, spellings: [i.code] }))) : [];
  const byNames = nameText ? nearMisses(nameText, index.all.map((i) => ({ label: `${i.code} ${i.name}`, spellings: [i.name, ...i.aliases] }))) : [];
  // Near in code and in name is the likeliest; else whatever is near in either.
  const both = byCodes.filter((s) => byNames.includes(s));
  const suggestions = both.length ? both : [...new Set([...byCodes, ...byNames])];
  return { kind: "unknown", code: codeText, name: nameText, suggestions: suggestions.slice(0, 3) };
}

// ---------------------------------------------------------------------------
// Reading the rows

/** What one sheet states about one indicator. Absent: the sheet does not say (no such column). */
interface RowStatement {
  row: number;
  shares?: Map<string, number | null>;
  owner?: string | null;
  baseline?: number | null;
  baselineYear?: number | null;
}

interface SheetReading {
  layout: Layout;
  statements: Map<string, RowStatement>;
}

/** A share-like figure of a row, or undefined after a problem was reported. */
function readFigure(
  ctx: ReadContext,
  grid: SheetGrid,
  r: number,
  c: number,
  unit: string,
  rowScale: number,
  ind: Indicator,
  reportedMerges: Set<string>,
): number | null | undefined {
  const cell = cellAt(grid, r, c);
  const parsed = parseSheetNumber(cell, unit);
  if (cell?.merge && (cell.merge.bottom > cell.merge.top || cell.merge.right > cell.merge.left) && parsed.kind !== "blank") {
    // One figure merged over several rows or counties would be given to each: ask instead.
    const range = `${cellRef(cell.merge.top, cell.merge.left)}:${cellRef(cell.merge.bottom, cell.merge.right)}`;
    if (!reportedMerges.has(range)) {
      reportedMerges.add(range);
      problem(ctx, "merged_figure", grid.name, range, { text: cellText(cell) }, ind.code);
    }
    return undefined;
  }
  if (parsed.kind === "blank") return null;
  if (parsed.kind === "error") {
    problem(ctx, parsed.code, grid.name, cellRef(r, c), { text: parsed.text, unit: ind.unit }, ind.code);
    return undefined;
  }
  return round6(parsed.value * rowScale);
}

function readSheet(layout: Layout, ctx: ReadContext, index: IndicatorIndex): SheetReading {
  const { grid, fields } = layout;
  const statements = new Map<string, RowStatement>();
  const reportedMerges = new Set<string>();
  const valueCols = [
    ...layout.counties.map((c) => c.col),
    ...(layout.isBaselineSheet ? [] : [fields.owner, fields.baseline, fields.baselineYear].filter((c): c is number => c !== undefined)),
  ];
  const nameCol = fields.name ?? fields.code;

  for (let r = layout.lastHeaderRow + 1; r < grid.rows.length; r++) {
    const codeText = fields.code !== undefined ? cellText(cellAt(grid, r, fields.code)) : "";
    const nameText = fields.name !== undefined ? cellText(cellAt(grid, r, fields.name)) : "";
    const nameCell = nameCol !== undefined ? cellAt(grid, r, nameCol) : undefined;
    // A group heading (一、攻坚目标) merged across the row.
    if (nameCell?.merge && nameCell.merge.right > nameCell.merge.left && nameCell.merge.top === nameCell.merge.bottom) continue;
    if (TOTAL_ROW.test(labelKey(nameText)) || TOTAL_ROW.test(labelKey(codeText))) continue;
    const hasFigures = valueCols.some((c) => {
      const cell = cellAt(grid, r, c);
      if (!cell || cell.value === null || cellText(cell) === "" || NONE_MARK.test(toHalfWidth(cellText(cell)))) return false;
      // An owner merged down from a row above says nothing new about this row.
      return !(c === fields.owner && cell.merge && cell.merge.top < r);
    });
    const match = matchRow(index, codeText, nameText);
    if (match.kind === "skip" && !hasFigures) continue;
    if (match.kind === "unknown" && !hasFigures) {
      // A heading or a note (填表说明) in the table's columns: nothing in it to apply.
      const text = [codeText, nameText].filter(Boolean).join(" ");
      problem(ctx, "ignored_row", grid.name, cellRef(r, nameCol ?? 0), { row: r + 1, text: [...text].slice(0, 24).join("") });
      continue;
    }
    if (match.kind === "unknown" || match.kind === "skip") {
      // Figures on a row that names no indicator would be lost: ask.
      const suggestions = match.kind === "unknown" ? match.suggestions : [];
      problem(ctx, "unknown_indicator", grid.name, cellRef(r, nameCol ?? 0), { row: r + 1, code: codeText, name: nameText, suggestions });
      continue;
    }
    if (match.kind === "conflict") {
      problem(ctx, "code_name_conflict", grid.name, cellRef(r, fields.code ?? 0), { row: r + 1, code: codeText, name: nameText, other: match.other });
      continue;
    }
    const ind = match.indicator;
    const previous = statements.get(ind.code);
    if (previous) {
      problem(ctx, "duplicate_indicator", grid.name, cellRef(r, nameCol ?? 0), { row: r + 1, first: previous.row }, ind.code);
      continue;
    }
    if (match.how === "code_name_differs") {
      problem(ctx, "name_differs", grid.name, cellRef(r, fields.name ?? 0), { name: nameText, expected: ind.name }, ind.code);
    } else if (match.how === "name" || match.how === "name_code_unknown") {
      problem(ctx, "matched_by_name", grid.name, cellRef(r, nameCol ?? 0), { code: codeText, name: nameText, matched: ind.name }, ind.code);
    }
    const statement: RowStatement = { row: r + 1 };
    statements.set(ind.code, statement);

    // The row's unit: the indicator's, or a multiple of it (万台 for 台).
    let unit = ind.unit;
    let rowScale = 1;
    if (fields.unit !== undefined) {
      const written = toSimplified(toHalfWidth(cellText(cellAt(grid, r, fields.unit)))).replace(/\s+/gu, "");
      if (written && written !== ind.unit) {
        const a = unitScale(written);
        const b = unitScale(ind.unit);
        if (a.base === b.base) {
          unit = written;
          rowScale = a.scale / b.scale;
        } else {
          problem(ctx, "unit_mismatch", grid.name, cellRef(r, fields.unit), { text: written, unit: ind.unit }, ind.code);
          continue;
        }
      }
    }

    if (layout.counties.length) {
      statement.shares = new Map();
      for (const county of layout.counties) {
        const v = readFigure(ctx, grid, r, county.col, unit, rowScale, ind, reportedMerges);
        if (v === undefined) continue;
        if (v !== null && v < 0 && !layout.isBaselineSheet) {
          problem(ctx, "negative_share", grid.name, cellRef(r, county.col), { text: cellText(cellAt(grid, r, county.col)), county: county.unit.name }, ind.code);
          continue;
        }
        statement.shares.set(county.unit.name, v);
      }
    }
    if (layout.isBaselineSheet) continue;

    if (fields.target !== undefined) checkTarget(ctx, grid, r, fields.target, unit, rowScale, ind);
    if (fields.owner !== undefined) readOwner(ctx, grid, r, fields.owner, ind, statement);
    if (fields.baseline !== undefined) {
      const v = readFigure(ctx, grid, r, fields.baseline, unit, rowScale, ind, reportedMerges);
      if (v !== undefined) statement.baseline = v;
    }
    if (fields.baselineYear !== undefined) {
      const cell = cellAt(grid, r, fields.baselineYear);
      const y = parseYear(cell);
      if (y === null) problem(ctx, "bad_year", grid.name, cellRef(r, fields.baselineYear), { text: cellText(cell) }, ind.code);
      else statement.baselineYear = y === "blank" ? null : y;
    }
  }
  return { layout, statements };
}

function checkTarget(ctx: ReadContext, grid: SheetGrid, r: number, c: number, unit: string, rowScale: number, ind: Indicator): void {
  const cell = cellAt(grid, r, c);
  const text = cellText(cell);
  if (!text) return;
  const parsed = parseSheetNumber(cell, unit);
  if (parsed.kind === "value") {
    const v = parsed.value * rowScale;
    if (Math.abs(v - ind.target) <= 1e-6 * Math.max(1, Math.abs(ind.target))) return;
  } else if (ind.targetMax !== null) {
    // A range target is printed 1—2.
    const m = /^(\d+(?:\.\d+)?)[—–\-~～至]+(\d+(?:\.\d+)?)$/u.exec(toHalfWidth(text).replace(/\s+/gu, ""));
    if (m && Number(m[1]) * rowScale === ind.target && Number(m[2]) * rowScale === ind.targetMax) return;
  }
  problem(ctx, "target_differs", grid.name, cellRef(r, c), { text, target: ind.target, unit: ind.unit }, ind.code);
}

function readOwner(ctx: ReadContext, grid: SheetGrid, r: number, c: number, ind: Indicator, statement: RowStatement): void {
  const cell = cellAt(grid, r, c);
  const text = cellText(cell);
  const ref = cellRef(r, c);
  const lead = ind.workItem === null ? null : leadOf(ctx.data, ind.workItem);
  if (ind.workItem !== null) {
    // Read-only in the template: a work item's lead answers for its targets.
    if (text && !sameUnit(ctx, text, lead) && !sameUnit(ctx, text, ind.owner)) {
      problem(ctx, "lead_not_editable", grid.name, ref, { text, lead: lead ?? "" }, ind.code);
    }
    return;
  }
  if (!text || NONE_MARK.test(toHalfWidth(text))) {
    statement.owner = null;
    return;
  }
  const parts = text.split(/[、，,;；\n]+/u).map((p) => p.trim()).filter(Boolean);
  const first = parts[0] ?? text;
  if (parts.length > 1) problem(ctx, "owner_first_taken", grid.name, ref, { text, owner: first, rest: parts.slice(1) }, ind.code);
  const unit = resolveUnit(first, ctx.known);
  if (!unit) {
    const departments = ctx.known.filter((u) => u.kind === "department").map((u) => ({ label: u.name, spellings: u.aliases }));
    problem(ctx, "unknown_owner", grid.name, ref, { text: first, suggestions: nearMisses(normaliseUnitName(first).name, departments) }, ind.code);
    return;
  }
  if (unit.kind !== "department") {
    problem(ctx, "owner_not_department", grid.name, ref, { text: first, unit: unit.name, kind: unit.kind }, ind.code);
    return;
  }
  statement.owner = unit.name;
}

function sameUnit(ctx: ReadContext, text: string, name: string | null): boolean {
  if (name === null) return false;
  const first = text.split(/[、，,;；\n]+/u)[0] ?? text;
  return resolveUnit(first, ctx.known)?.name === name;
}

/** The lead unit of a work item, by its ref. */
export function leadOf(data: PlanData, ref: string): string | null {
  for (const g of data.groups) for (const t of g.tasks) for (const w of t.workItems) if (w.ref === ref) return w.lead;
  return null;
}

// ---------------------------------------------------------------------------
// The whole workbook

/**
 * Applies the 任务分解表 to the stored plan. The sheet states what its columns
 * state: a county column present with a blank cell removes that county's
 * share; a county, an owner or a baseline column that is absent, or an
 * indicator without a row, leaves the stored values as they are. The city
 * target, names, units and kinds are the plan's (change them by `plan export`
 * / `plan import` of the YAML); the sheet's copies are only checked.
 */
export function applyTaskSplit(stored: PlanData, sheets: readonly SheetGrid[], opts: TaskSplitOptions = {}): TaskSplitResult {
  const tolerance = opts.tolerance ?? DEFAULT_SUM_TOLERANCE;
  const counties = splitCounties(stored);
  const registry = (opts.registry ?? []).filter((u) => !stored.units.some((p) => p.name === u.name));
  const ctx: ReadContext = { data: stored, counties, known: [...stored.units, ...counties.filter((c) => !stored.units.some((u) => u.name === c.name)), ...registry], problems: [] };
  const index = indexIndicators(stored);

  const layouts = sheets.map((g) => readLayoutQuiet(g, ctx)).filter((l): l is { layout: Layout; problems: SplitProblem[] } => l !== null);
  const main = layouts.find((l) => !l.layout.isBaselineSheet);
  if (!main) {
    const problems: SplitProblem[] = [{ code: "no_header", severity: "error", sheet: sheets[0]?.name ?? "", data: { sheets: sheets.map((s) => s.name) } }];
    return { ok: false, problems, tolerance };
  }
  const baselineLayout = layouts.find((l) => l.layout.isBaselineSheet && l !== main);
  for (const other of layouts) {
    if (other !== main && other !== baselineLayout) problem(ctx, "ignored_sheet", other.layout.grid.name, undefined, { used: main.layout.grid.name });
  }
  ctx.problems.push(...main.problems);
  const mainReading = readSheet(main.layout, ctx, index);
  let baselineReading: SheetReading | null = null;
  if (baselineLayout) {
    ctx.problems.push(...baselineLayout.problems);
    baselineReading = readSheet(baselineLayout.layout, ctx, index);
  }

  if (!main.layout.counties.length) problem(ctx, "no_county_columns", main.layout.grid.name, undefined, {});
  else {
    const present = new Set(main.layout.counties.map((c) => c.unit.name));
    const missing = counties.filter((c) => !present.has(c.name)).map((c) => c.name);
    if (missing.length) problem(ctx, "county_column_missing", main.layout.grid.name, undefined, { counties: missing });
  }
  const absent = stored.indicators.filter((i) => !mainReading.statements.has(i.code)).map((i) => i.code);
  if (absent.length) problem(ctx, "indicator_not_in_sheet", main.layout.grid.name, undefined, { indicators: absent });

  const usedUnits = new Set<string>();
  const indicators = stored.indicators.map((ind) => {
    const st = mainReading.statements.get(ind.code);
    const bst = baselineReading?.statements.get(ind.code);
    if (!st && !bst) return ind;
    const next: Indicator = { ...ind, shares: { ...ind.shares }, shareBaselines: { ...ind.shareBaselines } };
    if (st?.shares) {
      for (const [county, v] of st.shares) {
        if (v === null) delete next.shares[county];
        else next.shares[county] = v;
      }
    }
    if (st?.owner !== undefined) next.owner = st.owner;
    if (st?.baseline !== undefined) next.baseline = st.baseline;
    if (st?.baselineYear !== undefined) next.baselineYear = st.baselineYear;
    const sheet = main.layout.grid.name;
    if (st && next.baseline !== null && next.baselineYear === null && st.baseline !== undefined) {
      next.baselineYear = stored.startYear - 1;
      problem(ctx, "baseline_year_assumed", sheet, main.layout.fields.baselineYear !== undefined ? cellRef(st.row - 1, main.layout.fields.baselineYear) : undefined, { year: next.baselineYear }, ind.code);
    }
    if (st && st.baseline !== undefined && st.baseline !== null && !isLevelTarget(ind.kind) && st.baseline !== ind.baseline) {
      problem(ctx, "baseline_not_level", sheet, cellRef(st.row - 1, main.layout.fields.baseline ?? 0), { kind: ind.kind }, ind.code);
    }
    if (bst?.shares) {
      const bsheet = baselineReading!.layout.grid.name;
      for (const [county, v] of bst.shares) {
        if (v === null) delete next.shareBaselines[county];
        else if (next.shares[county] === undefined) {
          const col = baselineReading!.layout.counties.find((c) => c.unit.name === county)!.col;
          problem(ctx, "baseline_without_share", bsheet, cellRef(bst.row - 1, col), { county, value: v }, ind.code);
        } else next.shareBaselines[county] = v;
      }
    }
    // A baseline is stored on its share: none without one.
    for (const county of Object.keys(next.shareBaselines)) if (next.shares[county] === undefined) delete next.shareBaselines[county];
    if (isLevelTarget(ind.kind) && Object.keys(next.shares).length) {
      const without = Object.keys(next.shares).filter((c) => next.shareBaselines[c] === undefined);
      if (without.length) {
        problem(ctx, "county_baseline_missing", baselineReading?.layout.grid.name ?? sheet, undefined, { counties: without }, ind.code);
      }
    }
    if (next.owner !== null) usedUnits.add(next.owner);
    for (const c of Object.keys(next.shares)) usedUnits.add(c);
    return next;
  });

  // Owners from the city's registry and counties the plan did not list join the plan's units.
  const extra = ctx.known.filter((u) => usedUnits.has(u.name) && !stored.units.some((s) => s.name === u.name));
  const data: PlanData = { ...stored, units: [...stored.units, ...extra.map((u) => ({ name: u.name, kind: u.kind, aliases: [...u.aliases] }))], indicators };

  const sums: SumCheck[] = [];
  for (const ind of indicators) {
    const st = mainReading.statements.get(ind.code);
    if (!st) continue;
    const s = checkSum(ind, tolerance, { sheet: main.layout.grid.name, row: st.row });
    if (s) sums.push(s);
  }

  const colOf = (c: number | undefined) => (c === undefined ? undefined : columnLetter(c));
  const layout: SplitLayout = {
    sheet: main.layout.grid.name,
    headerRows: [main.layout.labelRow + 1, main.layout.lastHeaderRow + 1],
    counties: main.layout.counties.map((c) => ({ column: columnLetter(c.col), header: c.header, unit: c.unit.name })),
    fields: Object.fromEntries(Object.entries(main.layout.fields).map(([f, c]) => [f, colOf(c)])) as SplitLayout["fields"],
    rows: mainReading.statements.size,
    baselineSheet: baselineReading
      ? { sheet: baselineReading.layout.grid.name, counties: baselineReading.layout.counties.length, rows: baselineReading.statements.size }
      : null,
  };
  return { ok: true, data, problems: sortProblems(ctx.problems), sums, layout, tolerance };
}

/** Reads a sheet's layout, keeping its header problems apart until the sheet is chosen. */
function readLayoutQuiet(grid: SheetGrid, ctx: ReadContext): { layout: Layout; problems: SplitProblem[] } | null {
  const own: ReadContext = { ...ctx, problems: [] };
  const layout = readLayout(grid, own);
  return layout ? { layout, problems: own.problems } : null;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

function sortProblems(ps: SplitProblem[]): SplitProblem[] {
  return ps
    .map((p, i) => ({ p, i }))
    .sort((a, b) => SEVERITY_ORDER[a.p.severity] - SEVERITY_ORDER[b.p.severity] || a.i - b.i)
    .map(({ p }) => p);
}

/** True when nothing may be written. */
export function hasErrors(problems: readonly SplitProblem[]): boolean {
  return problems.some((p) => p.severity === "error");
}
