import type { Change } from "../domain/plan/diff-plan.js";
import type { IndicatorKind, ReportingBasis, Unplaced, UnitKind } from "../domain/plan/types.js";
import type { SourceErrorCode } from "../services/read-plan-source.js";
import type { Lang } from "./lang.js";

/** Codes from the plan domain turned into words, one table per language. */

export const INDICATOR_KIND_WORDS: Record<IndicatorKind, Record<Lang, string>> = {
  cumulative: { zh: "累计", en: "cumulative" },
  per_year: { zh: "年度", en: "per year" },
  annual_total: { zh: "年度总量", en: "annual total" },
  stock: { zh: "存量", en: "stock level" },
  ratio: { zh: "比率", en: "ratio/share" },
  growth: { zh: "增速", en: "growth rate" },
  reduction: { zh: "降幅", en: "reduction" },
};

export const UNIT_KIND_WORDS: Record<UnitKind, Record<Lang, string>> = {
  department: { zh: "部门", en: "department" },
  county: { zh: "县（市、区）", en: "county" },
  zone: { zh: "开发区", en: "development zone" },
  placeholder: { zh: "泛指", en: "placeholder" },
};

export const UNPLACED_REASON_WORDS: Record<Unplaced["reason"], Record<Lang, string>> = {
  title_missing: { zh: "标题行缺失或无法识别", en: "title line missing or unreadable" },
  year: { zh: "年份，不是目标", en: "a year, not a target" },
  version: { zh: "版本号，不是目标", en: "a version number, not a target" },
  qualifier: { zh: "限定语（如“10亿元以上”），不是单独目标", en: "a qualifier (e.g. 10亿元以上), not a target by itself" },
  not_a_target: { zh: "数字无法识别为目标", en: "a number not recognised as a target" },
  placeholder_unit: { zh: "泛指单位，无法对应到具体部门", en: "a placeholder unit: no specific department" },
  unknown_unit: { zh: "无法识别的单位", en: "unit not recognised" },
  no_units: { zh: "括号内没有责任单位", en: "no units in the parenthesis" },
  trailing_text: { zh: "不属于任何责任条款的文字", en: "text that belongs to no responsibility clause" },
  duplicate_of: { zh: "与任务中的目标重复", en: "duplicates a task target" },
  range_target: {
    zh: "区间目标：以下限为目标值，上限一并保存，请核对考核口径",
    en: "a range target: the lower end is the target, the upper end is kept; check how it is judged",
  },
};

export const SOURCE_ERROR_WORDS: Record<SourceErrorCode, Record<Lang, string>> = {
  empty: { zh: "文件是空的", en: "the file is empty" },
  binary: { zh: "文件不是文本（可能是二进制或编码错误）", en: "the file is not text (binary or wrong encoding)" },
  not_a_plan: {
    zh: "不像行动方案：没有找到“重点任务”和“（责任单位：…）”结构",
    en: "this does not look like an action plan: no 重点任务 / (责任单位:…) structure found",
  },
  truncated: { zh: "文件似乎不完整（被截断）", en: "the document seems truncated" },
  yaml_syntax: { zh: "YAML 语法错误", en: "YAML syntax error" },
  yaml_schema: { zh: "YAML 字段错误", en: "wrong field in the YAML" },
  yaml_references: { zh: "YAML 引用错误", en: "broken reference in the YAML" },
};

const OP: Record<Change["op"], Record<Lang, string>> = {
  added: { zh: "新增", en: "added" },
  removed: { zh: "删除", en: "removed" },
  changed: { zh: "修改", en: "changed" },
};
const ENTITY: Record<Change["entity"], Record<Lang, string>> = {
  plan: { zh: "方案", en: "plan" },
  unit: { zh: "单位", en: "unit" },
  task: { zh: "任务", en: "task" },
  workItem: { zh: "工作事项", en: "work item" },
  indicator: { zh: "指标", en: "indicator" },
};

/** Field names of a change, for Chinese readers; English output keeps the YAML field names. */
const FIELD_WORDS_ZH: Record<string, string> = {
  title: "标题",
  shortName: "简称",
  startYear: "起始年份",
  endYear: "结束年份",
  reportingFrom: "督办起始月份",
  reportingTo: "督办截止月份",
  timeZone: "时区",
  accountable: "责任主体",
  kind: "类型",
  aliases: "别名",
  group: "任务组",
  text: "内容",
  lead: "牵头单位",
  co: "配合单位",
  notes: "备注",
  name: "名称",
  unit: "计量单位",
  target: "目标值",
  targetMax: "目标上限",
  baseline: "基数",
  baselineYear: "基数年份",
  owner: "责任单位",
  comparator: "达标方向",
  deadline: "截止日期",
  workItem: "工作事项",
  headline: "攻坚目标",
  weight: "权重",
  shares: "分解到县（市、区）",
  shareBaselines: "县（市、区）基数",
  basis: "报送口径",
};

export const BASIS_WORDS_ZH: Record<ReportingBasis, string> = { month: "当月", ytd: "1月至当月累计", level: "期末存量", rate: "比率" };

/** How a liaison reports an indicator (我的任务, the opening notice): 报1月至当月累计数. */
export const REPORT_BASIS_WORDS: Record<ReportingBasis, Record<Lang, string>> = {
  month: { zh: "报当月数", en: "monthly figure" },
  ytd: { zh: "报1月至当月累计数", en: "year to date" },
  level: { zh: "报月末数", en: "month-end level" },
  rate: { zh: "报比率", en: "rate" },
};
const COMPARATOR_WORDS_ZH: Record<string, string> = { gte: "不低于", lte: "不高于" };

export function changeLine(c: Change, lang: Lang): string {
  const head = `${c.op === "added" ? "+" : c.op === "removed" ? "-" : "~"} ${OP[c.op][lang]}${lang === "en" ? " " : ""}${ENTITY[c.entity][lang]} ${c.key}${lang === "zh" ? "：" : ": "}${c.label}`;
  const fields = (c.fields ?? []).map((f) =>
    lang === "zh"
      ? `    ${FIELD_WORDS_ZH[f.field] ?? f.field}：${fmtZh(c.entity, f.field, f.from)} → ${fmtZh(c.entity, f.field, f.to)}`
      : `    ${f.field}: ${fmt(f.from)} → ${fmt(f.to)}`,
  );
  return [head, ...fields].join("\n");
}

function fmt(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** A field's value as an office writes it: 存量, 不低于, 义乌市 800，东阳市 400; 无 for nothing. */
function fmtZh(entity: Change["entity"], field: string, v: unknown): string {
  if (v === null || v === undefined || v === "") return "无";
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "string") {
    if (field === "kind") {
      if (entity === "indicator" && v in INDICATOR_KIND_WORDS) return INDICATOR_KIND_WORDS[v as IndicatorKind].zh;
      if (entity === "unit" && v in UNIT_KIND_WORDS) return UNIT_KIND_WORDS[v as UnitKind].zh;
    }
    if (field === "basis" && v in BASIS_WORDS_ZH) return BASIS_WORDS_ZH[v as ReportingBasis];
    if (field === "comparator") return COMPARATOR_WORDS_ZH[v] ?? v;
    return v;
  }
  if (Array.isArray(v)) return v.length ? v.map((x) => fmtZh(entity, field, x)).join("、") : "无";
  if (typeof v === "object") {
    // Sorted, so the line does not depend on the order a database returned the rows in.
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b, "zh-Hans-CN"));
    return entries.length ? entries.map(([k, x]) => `${k} ${fmtZh(entity, field, x)}`).join("，") : "无";
  }
  return String(v);
}
