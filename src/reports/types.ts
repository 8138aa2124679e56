/**
 * What the briefing's artifacts (chart, workbook) are rendered from: a plain,
 * already-computed snapshot, its words already chosen (Chinese). Renderers do
 * no scoring and no I/O, so a published briefing can be re-rendered byte for
 * byte from its frozen snapshot.
 */

/** A unit's or an indicator's light; "none" when there is nothing to judge. */
export type Light = "red" | "amber" | "green" | "none";

/** Which ranking: lead departments, or counties (县市区). */
export type BriefingKind = "department" | "county";

export interface RankingRow {
  /** Shared by ties; null when the unit is not ranked (it owed nothing in the period). */
  rank: number | null;
  unit: string;
  /** Combined score; null when the unit is not ranked (listed apart, never as 0). */
  total: number | null;
  result: number | null;
  conduct: number | null;
  light: Light;
  /** Marked for 通报约谈. */
  summoned: boolean;
  /** Why it is not ranked, or what it did not report. */
  note?: string;
}

export interface IndicatorRow {
  unit: string;
  value: number | null;
  target: number;
  /** 序时进度 as a fraction (0.75 = 75 %); null when the kind has none. */
  expectedShare: number | null;
  /** Completion against 序时进度 (1 = on pace); null for growth rates and without data. */
  ratio?: number | null;
  /** Completion as a fraction of the target (0.8 = 80 %). */
  completion: number | null;
  /** The indicator's points (0–100, plus any bonus); null when not scored. */
  points?: number | null;
  light: Light;
  /** The computation in words (计算说明). */
  note?: string;
}

export interface IndicatorSheet {
  code: string;
  name: string;
  /** Unit of measure, e.g. "亿元". */
  unit: string;
  /** The kind in words (年度, 存量 …). */
  kind: string;
  /** How it is reported, in words (按1—N月累计报送 …). */
  basis?: string;
  rows: IndicatorRow[];
}

export interface RawReport {
  unit: string;
  /** In words, e.g. "2026年9月". */
  period: string;
  indicator: string;
  code: string;
  value: number;
  /** What the liaison typed, before parsing. */
  raw: string;
  revision: number;
  /** ISO 8601 instant. */
  reportedAt: string;
  by: string;
}

/** A figure changed after its month's due date, as the briefing lists it. */
export interface LateChangeRow {
  unit: string;
  /** In words, e.g. "2026年9月". */
  period: string;
  code: string;
  indicator: string;
  old: number;
  new: number;
  reason: string;
  /** ISO 8601 instant. */
  at: string;
}

export interface BriefingData {
  /** "金华市制造业攻坚行动 2026年第三季度县（市、区）通报" */
  title: string;
  /** "2026年第三季度" */
  periodLabel: string;
  kind: BriefingKind;
  /** The plan's IANA time zone: every instant is shown as its wall clock. Default Asia/Shanghai. */
  timeZone?: string;
  rows: RankingRow[];
  indicators: IndicatorSheet[];
  raw: RawReport[];
  /** The scoring rules in words (计分规则 sheet). */
  rules?: string[];
  /** Figures changed after their due date since the previous briefing (截止后修改 sheet). */
  lateChanges?: LateChangeRow[];
}
