/**
 * The plan as the domain sees it: what the importer extracts from a plan
 * document (or a YAML export) and what the database stores. No SDK, no Prisma.
 *
 * Names are Simplified Chinese (the script officials type); the importer
 * converts Traditional input before matching, and keeps the raw text.
 */

export const INDICATOR_KINDS = [
  "cumulative", // 三年新增…: the total since the plan began vs target
  "per_year", // 每年新增…: the year's total to date vs the annual target
  "annual_total", // 规上工业产值7000亿元: a flow, the year's total vs target, restarts each January
  "stock", // 总量突破…/有效数突破…: latest reported level vs target
  "ratio", // 比重/落地率/亩均/人均: latest value vs threshold
  "growth", // 年均增速…以上: reported rate vs threshold
  "reduction", // 能耗下降…以上: reported reduction vs threshold
] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/**
 * How liaisons report an indicator each month, as statistics offices do
 * (domain.md, "Figures are reported year to date"):
 * - month: 当月, the month's own increment;
 * - ytd:   1–N月累计, the total from January to the reported month;
 * - level: 期末存量, the level at month end;
 * - rate:  比率, a rate or share (year to date where it is a flow's rate).
 * Stored values are in the indicator's basis; a figure stated in another basis
 * (本月新增 for a year-to-date indicator) is converted (src/domain/report/basis.ts).
 */
export const REPORTING_BASES = ["month", "ytd", "level", "rate"] as const;
export type ReportingBasis = (typeof REPORTING_BASES)[number];

/** The basis practice gives each kind: flows year to date, stocks at month end, rates as rates. */
export function defaultBasis(kind: IndicatorKind): ReportingBasis {
  switch (kind) {
    case "cumulative":
    case "per_year":
    case "annual_total":
      return "ytd";
    case "stock":
      return "level";
    case "ratio":
    case "growth":
    case "reduction":
      return "rate";
  }
}

/** The bases an indicator of `kind` may be reported in: flows as month or ytd; levels and rates only as themselves. */
export function allowedBases(kind: IndicatorKind): readonly ReportingBasis[] {
  const d = defaultBasis(kind);
  return d === "ytd" ? ["ytd", "month"] : [d];
}

/** Flows: figures that add up over months (sums of increments, year-to-date totals). */
export function isFlow(kind: IndicatorKind): boolean {
  return kind === "cumulative" || kind === "per_year" || kind === "annual_total";
}

export const UNIT_KINDS = ["department", "county", "zone", "placeholder"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_ROLES = ["lead", "co", "accountable"] as const;
export type UnitRole = (typeof UNIT_ROLES)[number];

/** A unit (责任单位) named in the plan. `name` is the canonical Simplified name. */
export interface PlanUnit {
  name: string;
  kind: UnitKind;
  /** Other spellings: Traditional form, short form (经信局), county short name (义乌). */
  aliases: string[];
}

export interface WorkItemUnitRef {
  /** Canonical unit name (matches PlanUnit.name). */
  unit: string;
  role: UnitRole;
  /** 0 for the lead, then the order listed in the clause. */
  position: number;
}

export interface PlanIndicator {
  /** Stable code within the plan, e.g. "T18-2" (task 18, 2nd indicator) or "G5" (攻坚目标 #5). */
  code: string;
  /** Short name, e.g. "新增工业机器人". */
  name: string;
  kind: IndicatorKind;
  /** Unit of measure as officials write it: 家, 项, 个, 台, 亿元, 万元, 亿美元, %, 万吨标准煤, 万元/人 … */
  unit: string;
  /** Target value in `unit` (2.5万台 → 25000 with unit 台). */
  target: number;
  /** "gte" for 以上/突破/不低于, "lte" for 以内/不超过. Reductions are stated positively (下降10.4% → gte 10.4). */
  comparator: "gte" | "lte";
  /** ISO date the target is due, e.g. "2023-12-31"; per-year targets: the end of each year (the plan end here). */
  deadline: string;
  /** The sentence fragment the target was read from, Simplified. */
  source: string;
  /** Where it was found: a work item ("T12#1" = task 12, clause 1) or the 攻坚目标 section ("goals"). */
  workItemRef: string | null;
  /** Also stated among the 攻坚目标 (headline targets). */
  headline: boolean;
  /** Other names an official might type for it. */
  aliases: string[];
  /** Per-county split (任务分解): canonical county name → target. Empty unless set by an admin (YAML). */
  shares: Record<string, number>;
  /** Upper end of a range target (建设1—2所 → target 1, targetMax 2); null otherwise. */
  targetMax?: number | null;
}

export interface PlanWorkItem {
  /** "T3#2": task code + clause number (1-based). */
  ref: string;
  seq: number;
  /** The clause text before its (责任单位:…) parenthesis, Simplified. */
  text: string;
  /** The parenthesis content as written (Simplified). */
  clause: string;
  units: WorkItemUnitRef[];
  /** Notes found inside the parenthesis (e.g. the 列第一位的为牵头单位 rule). */
  notes: string[];
}

export interface PlanTask {
  /** "1".."19" for key tasks, "保障1".."保障6" for organisational measures. */
  code: string;
  ordinal: number;
  title: string;
  workItems: PlanWorkItem[];
}

export interface PlanGroup {
  /** "一".."四" for key task groups, "保障" for 组织保障. */
  code: string;
  ordinal: number;
  title: string;
  kind: "key_tasks" | "measures";
  tasks: PlanTask[];
}

/** Something in the document the importer recognised but could not place. */
export interface Unplaced {
  kind:
    | "title" // the title line is missing or unreadable
    | "number" // a number that is not part of any recognised target
    | "clause" // a responsibility clause it could not parse fully
    | "unit" // a unit it could not resolve, or a placeholder unit
    | "text"; // text inside a task that belongs to no clause
  /** Where: "T3#2", "goals", "line 1". */
  where: string;
  /** The fragment in question. */
  text: string;
  /** Why it was not placed, as a stable code (words are chosen at the edge). */
  reason:
    | "title_missing"
    | "year"
    | "version"
    | "qualifier"
    | "not_a_target"
    | "placeholder_unit"
    | "unknown_unit"
    | "no_units"
    | "trailing_text"
    | "duplicate_of"
    | "range_target";
  /** For duplicate_of: the indicator code it duplicates, etc. */
  detail?: string;
}

export interface ParsedPlan {
  /** Title line, or null when lost (the bundled document's first line is "??"). */
  title: string | null;
  /** First and last year of the plan (2021, 2023), inferred from the text. */
  startYear: number;
  endYear: number;
  /** Accountable bodies stated once for the whole document (各县(市、区)政府、金华开发区管委会 … 下同). */
  accountable: string[];
  groups: PlanGroup[];
  indicators: PlanIndicator[];
  units: PlanUnit[];
  unplaced: Unplaced[];
  /** "hans" or "hant": the script the document came in. */
  script: "hans" | "hant";
}

/** Why a document was rejected outright (nothing is written). */
export type PlanParseErrorCode =
  | "empty"
  | "binary"
  | "not_a_plan" // no 重点任务 / 责任单位 structure
  | "truncated"; // structure starts but ends mid-way (unclosed parenthesis, missing sections)

export type ParsePlanResult =
  | { ok: true; plan: ParsedPlan }
  | { ok: false; code: PlanParseErrorCode; detail: string };
