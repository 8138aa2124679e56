import type { Change } from "../domain/plan/diff-plan.js";
import type { IndicatorKind, Unplaced, UnitKind } from "../domain/plan/types.js";
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
  county: { zh: "县(市、区)", en: "county" },
  zone: { zh: "开发区", en: "development zone" },
  placeholder: { zh: "泛指", en: "placeholder" },
};

export const UNPLACED_REASON_WORDS: Record<Unplaced["reason"], Record<Lang, string>> = {
  title_missing: { zh: "标题行缺失或无法识别", en: "title line missing or unreadable" },
  year: { zh: "年份,不是目标", en: "a year, not a target" },
  version: { zh: "版本号,不是目标", en: "a version number, not a target" },
  qualifier: { zh: "限定语(如“10亿元以上”),不是单独目标", en: "a qualifier (e.g. 10亿元以上), not a target by itself" },
  not_a_target: { zh: "数字无法识别为目标", en: "a number not recognised as a target" },
  placeholder_unit: { zh: "泛指单位,无法对应到具体部门", en: "a placeholder unit: no specific department" },
  unknown_unit: { zh: "无法识别的单位", en: "unit not recognised" },
  no_units: { zh: "括号内没有责任单位", en: "no units in the parenthesis" },
  trailing_text: { zh: "不属于任何责任条款的文字", en: "text that belongs to no responsibility clause" },
  duplicate_of: { zh: "与任务中的目标重复", en: "duplicates a task target" },
};

export const SOURCE_ERROR_WORDS: Record<SourceErrorCode, Record<Lang, string>> = {
  empty: { zh: "文件是空的", en: "the file is empty" },
  binary: { zh: "文件不是文本(可能是二进制或编码错误)", en: "the file is not text (binary or wrong encoding)" },
  not_a_plan: {
    zh: "不像行动方案:没有找到“重点任务”和“(责任单位:…)”结构",
    en: "this does not look like an action plan: no 重点任务 / (责任单位:…) structure found",
  },
  truncated: { zh: "文件似乎不完整(被截断)", en: "the document seems truncated" },
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

export function changeLine(c: Change, lang: Lang): string {
  const head = `${c.op === "added" ? "+" : c.op === "removed" ? "-" : "~"} ${OP[c.op][lang]}${lang === "en" ? " " : ""}${ENTITY[c.entity][lang]} ${c.key}: ${c.label}`;
  const fields = (c.fields ?? []).map((f) => `    ${f.field}: ${fmt(f.from)} → ${fmt(f.to)}`);
  return [head, ...fields].join("\n");
}

function fmt(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
