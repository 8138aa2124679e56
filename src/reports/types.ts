/**
 * What the briefing's artifacts (chart, workbook) are rendered from: a plain,
 * already-computed snapshot. Renderers do no scoring and no I/O, so a published
 * briefing can be re-rendered byte for byte from its frozen snapshot.
 */

/** A unit's or an indicator's light; "none" when there is nothing to judge. */
export type Light = "red" | "amber" | "green" | "none";

/** Which ranking: lead departments, or counties (县市区). */
export type BriefingKind = "department" | "county";

export interface RankingRow {
  /** Shared by ties; null when the unit is not ranked (no data). */
  rank: number | null;
  unit: string;
  /** Combined score; null when the unit has no data (listed apart, never as 0). */
  total: number | null;
  result: number | null;
  conduct: number | null;
  light: Light;
  /** Marked for 通报约谈 (the bottom N). */
  summoned: boolean;
  note?: string;
}

export interface IndicatorRow {
  unit: string;
  value: number | null;
  target: number;
  /** 序时进度 as a fraction (0.75 = 75 %); null when the kind has none. */
  expectedShare: number | null;
  /** Completion as a fraction of the target (0.8 = 80 %). */
  completion: number | null;
  light: Light;
}

export interface IndicatorSheet {
  code: string;
  name: string;
  /** Unit of measure, e.g. "亿元". */
  unit: string;
  /** cumulative | annual | stock | ratio | growth | reduction (domain.md). */
  kind: string;
  rows: IndicatorRow[];
}

export interface RawReport {
  unit: string;
  /** e.g. "2026-09". */
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

export interface BriefingData {
  /** "金华市制造业攻坚行动 2026年第三季度通报" */
  title: string;
  /** "2026年第三季度" */
  periodLabel: string;
  kind: BriefingKind;
  rows: RankingRow[];
  indicators: IndicatorSheet[];
  raw: RawReport[];
}
