import type { Severity, SplitLayout, SplitProblem, SumCheck } from "../domain/plan/task-split.js";
import type { IndicatorKind, UnitKind } from "../domain/plan/types.js";
import type { Lang } from "./lang.js";
import { INDICATOR_KIND_WORDS, UNIT_KIND_WORDS } from "./plan-words.js";

/** The 任务分解表's codes turned into words, one table per language. */

export const SEVERITY_WORDS: Record<Severity, Record<Lang, string>> = {
  error: { zh: "错误", en: "error" },
  warning: { zh: "注意", en: "warning" },
  notice: { zh: "说明", en: "note" },
};

/** 0.05 → "5%", 0.025 → "2.5%". */
export function percent(fraction: number, digits = 1): string {
  const p = Math.round(fraction * 100 * 10 ** digits) / 10 ** digits;
  return `${p}%`;
}

/** A figure as an office writes it: no exponent, at most four decimals. */
export function figure(n: number): string {
  return String(Math.round(n * 1e4) / 1e4);
}

const str = (v: unknown): string => (v === null || v === undefined ? "" : Array.isArray(v) ? v.join("、") : String(v));
const list = (v: unknown, _lang: Lang): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

/** A long list cut short: G1、G4 … 等 48 个指标. */
function few(xs: string[], lang: Lang, max = 8): string {
  if (xs.length <= max) return lang === "zh" ? xs.join("、") : xs.join(", ");
  return lang === "zh" ? `${xs.slice(0, max).join("、")}等 ${xs.length} 个指标` : `${xs.slice(0, max).join(", ")} and ${xs.length - max} more`;
}

function didYouMean(suggestions: unknown, lang: Lang): string {
  const s = list(suggestions, lang);
  if (!s.length) return lang === "zh" ? "。" : ".";
  return lang === "zh" ? `，是否指“${s.join("”或“")}”？` : `; did you mean ${s.map((x) => `"${x}"`).join(" or ")}?`;
}

type Sentence = (d: SplitProblem["data"], p: SplitProblem) => string;

const ZH: Record<SplitProblem["code"], Sentence> = {
  no_header: (d) => `在工作表「${list(d.sheets, "zh").join("」「")}」中都没有找到含“指标编号”或“指标名称”的表头行，无法读取。`,
  unknown_county: (d) => `表头「${str(d.header)}」不是本方案的县（市、区）或开发区${didYouMean(d.suggestions, "zh")}`,
  not_a_county: (d) => `表头「${str(d.header)}」是${str(d.unit)}，不是县（市、区），不能作为分解列。`,
  duplicate_county: (d) => `表头「${str(d.header)}」与 ${str(d.first)} 同为${str(d.county)}，每个县（市、区）只能有一列。`,
  unknown_indicator: (d) =>
    d.code || d.name
      ? `第 ${str(d.row)} 行「${[str(d.code), str(d.name)].filter(Boolean).join(" ")}」不是本方案的指标${didYouMean(d.suggestions, "zh")}`
      : `第 ${str(d.row)} 行填了数字，但没有指标编号和指标名称。`,
  duplicate_indicator: (d, p) => `第 ${str(d.row)} 行与第 ${str(d.first)} 行是同一个指标 ${p.indicator ?? ""}，请合并为一行。`,
  code_name_conflict: (d) => `第 ${str(d.row)} 行的编号 ${str(d.code)} 与名称「${str(d.name)}」不一致（该名称是指标 ${str(d.other)}），请核对。`,
  not_a_number: (d) => `「${str(d.text)}」不是数字（单位：${str(d.unit)}）。`,
  wrong_unit: (d) => `「${str(d.text)}」的单位与指标的单位（${str(d.unit)}）不符。`,
  unit_mismatch: (d) => `单位「${str(d.text)}」与指标的单位（${str(d.unit)}）不符，也不是它的万倍或亿倍，本行未读取。`,
  negative_share: (d) => `${str(d.county)}的分解目标「${str(d.text)}」是负数。`,
  merged_figure: (d) => `合并单元格里的「${str(d.text)}」会同时算给几个指标或县（市、区），请拆分单元格后分别填写。`,
  formula_without_result: () => "公式没有计算结果（文件未经表格软件保存过），请用表格软件打开、保存后再导入。",
  unknown_owner: (d) => `「${str(d.text)}」不是已知的单位${didYouMean(d.suggestions, "zh")}`,
  owner_not_department: (d) => `「${str(d.text)}」是${UNIT_KIND_WORDS[d.kind as UnitKind]?.zh ?? str(d.kind)}，责任单位应为市级部门。`,
  bad_year: (d) => `「${str(d.text)}」不是年份（应如 2020）。`,
  no_county_columns: () => "没有找到县（市、区）列，本次不改动各县（市、区）的分解目标。",
  county_column_missing: (d) => `表中没有${list(d.counties, "zh").join("、")}的列，其已有的分解目标保持不变。`,
  name_differs: (d) => `名称「${str(d.name)}」与方案中的“${str(d.expected)}”不同，已按编号对应。`,
  matched_by_name: (d) =>
    d.code ? `编号「${str(d.code)}」不存在，已按名称对应到“${str(d.matched)}”。` : `没有填指标编号，已按名称对应到“${str(d.matched)}”。`,
  target_differs: (d) => `市级目标「${str(d.text)}」与方案（${str(d.target)}${str(d.unit)}）不同；以方案为准，表中的数值不导入（改目标请导出方案文件修改后导入）。`,
  lead_not_editable: (d) => `该指标属于具体工作事项，由牵头单位${str(d.lead)}负责，本格仅供参考，「${str(d.text)}」未导入。`,
  owner_first_taken: (d) => `填了多个单位，按“列第一位的为牵头单位”取「${str(d.owner)}」，其余（${list(d.rest, "zh").join("、")}）未导入。`,
  baseline_without_share: (d) => `${str(d.county)}没有分解目标，其基期值 ${str(d.value)} 未导入。`,
  baseline_not_level: (d) => `这是${INDICATOR_KIND_WORDS[d.kind as IndicatorKind]?.zh ?? str(d.kind)}类指标，不按基期值考核；基期值会保存，但不参与评分。`,
  ignored_sheet: (d) => `这张工作表也像分解表，但只读取了「${str(d.used)}」，本表内容未导入；请把分解内容放在同一张表里。`,
  county_baseline_missing: (d) => `存量指标已分解，但${list(d.counties, "zh").join("、")}没有县级基期值，将以其首次上报值为基期。`,
  baseline_year_assumed: (d) => `基期值没有填年份，按方案起始年的上一年（${str(d.year)}年）计。`,
  indicator_not_in_sheet: (d) => `表中没有${few(list(d.indicators, "zh"), "zh")}的行，这些指标保持不变。`,
  ignored_column: (d) => `「${str(d.header)}」列不属于分解表，已忽略。`,
  ignored_row: (d) => `第 ${str(d.row)} 行「${str(d.text)}」不是指标，已忽略。`,
};

const EN: Record<SplitProblem["code"], Sentence> = {
  no_header: (d) => `no sheet (${list(d.sheets, "en").join(", ")}) has a header row with 指标编号 or 指标名称: nothing can be read.`,
  unknown_county: (d) => `header "${str(d.header)}" is no county or zone of the plan${didYouMean(d.suggestions, "en")}`,
  not_a_county: (d) => `header "${str(d.header)}" is ${str(d.unit)}, not a county: it cannot hold shares.`,
  duplicate_county: (d) => `header "${str(d.header)}" is ${str(d.county)} again (first at ${str(d.first)}): one column per county.`,
  unknown_indicator: (d) =>
    d.code || d.name
      ? `row ${str(d.row)} "${[str(d.code), str(d.name)].filter(Boolean).join(" ")}" is no indicator of the plan${didYouMean(d.suggestions, "en")}`
      : `row ${str(d.row)} has figures but no indicator code or name.`,
  duplicate_indicator: (d, p) => `row ${str(d.row)} is indicator ${p.indicator ?? ""} again (first on row ${str(d.first)}): keep one row.`,
  code_name_conflict: (d) => `row ${str(d.row)}: code ${str(d.code)} and name "${str(d.name)}" disagree (that name is indicator ${str(d.other)}).`,
  not_a_number: (d) => `"${str(d.text)}" is not a number (unit: ${str(d.unit)}).`,
  wrong_unit: (d) => `"${str(d.text)}" is not in the indicator's unit (${str(d.unit)}).`,
  unit_mismatch: (d) => `unit "${str(d.text)}" is not the indicator's (${str(d.unit)}) nor a multiple of it: the row was not read.`,
  negative_share: (d) => `the share of ${str(d.county)}, "${str(d.text)}", is negative.`,
  merged_figure: (d) => `"${str(d.text)}" is in a merged cell and would count for several indicators or counties: unmerge and fill each.`,
  formula_without_result: () => "a formula without a computed result (the file was never saved by a spreadsheet program): open and save it, then import.",
  unknown_owner: (d) => `"${str(d.text)}" is not a known unit${didYouMean(d.suggestions, "en")}`,
  owner_not_department: (d) => `"${str(d.text)}" is a ${UNIT_KIND_WORDS[d.kind as UnitKind]?.en ?? str(d.kind)}: an owner must be a city department.`,
  bad_year: (d) => `"${str(d.text)}" is not a year (e.g. 2020).`,
  no_county_columns: () => "no county columns found: county shares are left as they are.",
  county_column_missing: (d) => `no column for ${list(d.counties, "en").join(", ")}: their stored shares are kept.`,
  name_differs: (d) => `name "${str(d.name)}" differs from the plan's "${str(d.expected)}": matched by code.`,
  matched_by_name: (d) => (d.code ? `code "${str(d.code)}" does not exist: matched by name to "${str(d.matched)}".` : `no code: matched by name to "${str(d.matched)}".`),
  target_differs: (d) => `city target "${str(d.text)}" differs from the plan (${str(d.target)}${str(d.unit)}): the plan's is kept (change targets through the plan's YAML export).`,
  lead_not_editable: (d) => `a work item carries this target and its lead ${str(d.lead)} answers for it: "${str(d.text)}" was not imported.`,
  owner_first_taken: (d) => `several units: the first, "${str(d.owner)}", is the owner; the rest (${list(d.rest, "en").join(", ")}) were not imported.`,
  baseline_without_share: (d) => `${str(d.county)} has no share: its baseline ${str(d.value)} was not imported.`,
  baseline_not_level: (d) => `a ${INDICATOR_KIND_WORDS[d.kind as IndicatorKind]?.en ?? str(d.kind)} indicator is not judged from a baseline: stored, but not used in scoring.`,
  ignored_sheet: (d) => `this sheet also looks like a split, but only "${str(d.used)}" was read: nothing on it was imported; keep the split on one sheet.`,
  county_baseline_missing: (d) => `a level target split across counties, but ${list(d.counties, "en").join(", ")} have no county baseline: their first report will be the baseline.`,
  baseline_year_assumed: (d) => `a baseline without its year: taken as the year before the plan starts (${str(d.year)}).`,
  indicator_not_in_sheet: (d) => `no row for ${few(list(d.indicators, "en"), "en")}: left as they are.`,
  ignored_column: (d) => `column "${str(d.header)}" is not part of the split: ignored.`,
  ignored_row: (d) => `row ${str(d.row)} "${str(d.text)}" is not an indicator: ignored.`,
};

/** Where a problem is: 任务分解表 K4（T18-2）. */
function where(p: SplitProblem, lang: Lang): string {
  const at = [p.sheet, p.cell].filter(Boolean).join(lang === "zh" ? " " : "!");
  const ind = p.indicator ? (lang === "zh" ? `（${p.indicator}）` : ` (${p.indicator})`) : "";
  return `${at}${ind}`;
}

export function problemSentence(p: SplitProblem, lang: Lang): string {
  return (lang === "zh" ? ZH : EN)[p.code](p.data, p);
}

/** One line per problem: "错误  任务分解表 K4：表头「义鸟市」不是…". */
export function problemLine(p: SplitProblem, lang: Lang): string {
  return lang === "zh"
    ? `${SEVERITY_WORDS[p.severity].zh}  ${where(p, lang)}：${problemSentence(p, lang)}`
    : `${SEVERITY_WORDS[p.severity].en}  ${where(p, lang)}: ${problemSentence(p, lang)}`;
}

function targetText(s: Pick<SumCheck, "target" | "targetMax" | "unit">): string {
  return s.targetMax !== null ? `${figure(s.target)}—${figure(s.targetMax)}${s.unit}` : `${figure(s.target)}${s.unit}`;
}

/** "T2-1 整治提升高耗低效企业（第 7 行）：各县（市、区）合计 5500家，市级目标 5000家，高出 10%，超出 ±5%". */
export function sumLine(s: SumCheck, tolerance: number, lang: Lang): string {
  const gap = Math.abs(s.deviation);
  if (lang === "zh") {
    const how = s.deviation === 0 ? "相符" : `${s.deviation > 0 ? "高出" : "少"} ${percent(gap)}`;
    const verdict = s.within ? (s.deviation === 0 ? "" : `，在 ±${percent(tolerance)} 以内`) : `，超出 ±${percent(tolerance)}`;
    return `${s.indicator} ${s.name}（第 ${s.row} 行）：${s.counties} 个县（市、区）合计 ${figure(s.sum)}${s.unit}，市级目标 ${targetText(s)}，${how}${verdict}`;
  }
  const how = s.deviation === 0 ? "matches" : `${s.deviation > 0 ? "+" : "−"}${percent(gap)}`;
  const verdict = s.within ? (s.deviation === 0 ? "" : `, within ±${percent(tolerance)}`) : `, outside ±${percent(tolerance)}`;
  return `${s.indicator} ${s.name} (row ${s.row}): ${s.counties} counties sum to ${figure(s.sum)}${s.unit} vs the city target ${targetText(s)}: ${how}${verdict}`;
}

/** The rule of the sum check, printed with every import so the admin sees the tolerance. */
export function toleranceLine(tolerance: number, lang: Lang): string {
  return lang === "zh"
    ? `合计校验：各县（市、区）分解目标之和与市级目标相差不超过 ±${percent(tolerance)} 视为相符（用 --tolerance 调整）；比率、增速、降幅类指标不校验合计。`
    : `Sum check: the counties' shares may differ from the city target by up to ±${percent(tolerance)} (set with --tolerance); rates, growth rates and reductions are not summed.`;
}

/** What was read where: sheet, header rows, county columns, rows matched. */
export function layoutLines(l: SplitLayout, lang: Lang): string[] {
  const cols = l.counties.length ? `${l.counties[0]!.column}—${l.counties[l.counties.length - 1]!.column}` : "";
  const lines =
    lang === "zh"
      ? [`读取工作表「${l.sheet}」：表头在第 ${l.headerRows[0]}${l.headerRows[1] !== l.headerRows[0] ? `—${l.headerRows[1]}` : ""} 行，县（市、区）列 ${l.counties.length} 个${cols ? `（${cols} 列）` : ""}，对应指标 ${l.rows} 个。`]
      : [`Read sheet "${l.sheet}": header on row${l.headerRows[1] !== l.headerRows[0] ? `s ${l.headerRows[0]}–${l.headerRows[1]}` : ` ${l.headerRows[0]}`}, ${l.counties.length} county columns${cols ? ` (${cols})` : ""}, ${l.rows} indicators matched.`];
  if (l.baselineSheet) {
    lines.push(
      lang === "zh"
        ? `读取工作表「${l.baselineSheet.sheet}」：县（市、区）列 ${l.baselineSheet.counties} 个，对应指标 ${l.baselineSheet.rows} 个。`
        : `Read sheet "${l.baselineSheet.sheet}": ${l.baselineSheet.counties} county columns, ${l.baselineSheet.rows} indicators matched.`,
    );
  }
  return lines;
}

/** The fill-in notes of the template (the workbook is for a Chinese office: Chinese only). */
export function templateNotes(opts: { tolerance: number; baseYear: number; baselineSheet: string }): string {
  return [
    "填表说明：",
    "1. 灰色单元格为方案内容，仅供参考，修改无效；白色单元格可填写。",
    "2. 各县（市、区）分解目标填数字，单位与“单位”列一致（可写 1.2万、300家）；不分解的留空或填“—”。",
    `3. 各县（市、区）合计与市级目标可略有出入，相差超过 ±${percent(opts.tolerance)} 时导入会提示；比率、增速、降幅类指标各县（市、区）填本地目标值，不校验合计。`,
    "4. 未落到具体工作事项的攻坚目标，请在“牵头/责任单位”列填写一个市级责任部门（可下拉选择）。",
    `5. 存量类指标按基期水平考核：请填写全市基期值和基期年份（默认 ${opts.baseYear} 年），各县（市、区）基期值填在“${opts.baselineSheet}”工作表。`,
    "6. 可以增加备注列、调整县（市、区）列的顺序；请勿修改指标编号。",
  ].join("\n");
}
