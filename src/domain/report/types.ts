/**
 * The report grammar's vocabulary: what a chat message can mean (a Command) and
 * what can be wrong with it (a Problem).
 *
 * Platform-neutral and pure. Problems carry data only (the raw fragment, the
 * indicator, the expected unit) and never sentences: the words of a reply are
 * chosen at the edge, in the user's language.
 */
import { z } from "zod";
import { INDICATOR_KINDS, type IndicatorKind } from "../plan/types.js";

/** An indicator as the grammar needs it (a projection of the stored Indicator row). */
export interface IndicatorRef {
  id: number;
  /** "T18-2", "G5" … matched case-insensitively. */
  code: string;
  /** Canonical Simplified name, e.g. "新增工业机器人". */
  name: string;
  /** Other names an official might type (Traditional forms, short forms). */
  aliases: string[];
  kind: IndicatorKind;
  /** Unit of measure as officials write it: 家, 项, 台, 亿元, 万元, 亿美元, %, 万吨标准煤, 万元/人 … */
  unit: string;
}

/** For callers that load indicators from JSON columns or a card payload. */
export const indicatorRefSchema = z.object({
  id: z.number().int(),
  code: z.string().min(1),
  name: z.string().min(1),
  aliases: z.array(z.string()),
  kind: z.enum(INDICATOR_KINDS),
  unit: z.string(),
});

/** A reporting month. */
export interface Period {
  year: number;
  month: number;
}

export const periodSchema = z.object({
  year: z.number().int().min(2000).max(2099),
  month: z.number().int().min(1).max(12),
});

/** yyyymm as a number (202610), the form the database stores and sorts by. */
export function periodKey(p: Period): number {
  return p.year * 100 + p.month;
}

/** The inverse of periodKey. */
export function periodFromKey(key: number): Period {
  return { year: Math.floor(key / 100), month: key % 100 };
}

/** "2026-10": neutral, sortable, language-free (the edge may say 2026年10月 or Oct 2026). */
export function formatPeriod(p: Period): string {
  return `${p.year}-${String(p.month).padStart(2, "0")}`;
}

/** Negative when a is before b. */
export function comparePeriods(a: Period, b: Period): number {
  return periodKey(a) - periodKey(b);
}

/** The period `n` months after `p` (n may be negative). */
export function addMonths(p: Period, n: number): Period {
  const index = p.year * 12 + (p.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

// ---------------------------------------------------------------------------
// Commands

export const COMMAND_TYPES = ["report", "correct", "status", "tasks", "help", "bind", "unbind", "unknown"] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const PLATFORMS = ["slack", "dingtalk", "local"] as const;
export type Platform = (typeof PLATFORMS)[number];

export const BIND_ROLES = ["liaison", "taskforce", "admin"] as const;
export type BindRole = (typeof BIND_ROLES)[number];

/** The basis a liaison's words give a figure: 本月新增 / 当月 (month) or 累计 / 1-10月累计 (ytd). */
export type StatedBasis = "month" | "ytd";

/** One reported figure. */
export interface ReportValue {
  indicatorId: number;
  code: string;
  /** In the indicator's own unit: "3.5亿元" for a 万元 indicator → 35000. As stated (see `stated`). */
  value: number;
  /** What the user typed for the value, in their script: "3.5億元". */
  raw: string;
  /** The basis the words said, if any (absent: the indicator's own basis). */
  stated?: StatedBasis;
  /** "1-10月累计": the last month of the stated year-to-date range (10). */
  statedThrough?: number;
  /** The basis words as typed, for replies ("本月新增", "1-10月累计"). */
  basisWords?: string;
}

/** Free text, as typed (original script kept). */
export interface Narrative {
  progress?: string;
  problems?: string;
  nextSteps?: string;
}

/**
 * `period` is always resolved: the parser applies the default (the period open
 * for reporting) so no caller has to. `periodExplicit` says whether the user
 * named it, for replies like "recorded for 2026-10 (the open period)".
 */
interface PeriodPart {
  period: Period;
  periodExplicit: boolean;
}

export interface ReportCommand extends PeriodPart {
  type: "report";
  values: ReportValue[];
  narrative: Narrative;
}

export interface CorrectCommand extends PeriodPart {
  type: "correct";
  values: ReportValue[];
  narrative: Narrative;
  reason: string;
}

export interface StatusCommand extends PeriodPart {
  type: "status";
}

export interface TasksCommand extends PeriodPart {
  type: "tasks";
}

export interface HelpCommand {
  type: "help";
  /** A command type when the topic names one ("帮助 上报" → "report"), else the text as typed. */
  topic?: string;
}

export interface BindCommand {
  type: "bind";
  /** From a "slack:U123" / "dingtalk:abc" prefix; absent = the admin's own platform. */
  platform?: Platform;
  /** As typed (case kept): chat user ids are case-sensitive. */
  userId: string;
  /** Unit name as typed, converted to Simplified; resolved against the unit table by the handler. */
  unit: string;
  role?: BindRole;
}

export interface UnbindCommand {
  type: "unbind";
  platform?: Platform;
  userId: string;
  unit?: string;
}

/** Only ever a `partial` of a failed parse: the text named no command. */
export interface UnknownCommand {
  type: "unknown";
  text: string;
}

export type Command =
  | ReportCommand
  | CorrectCommand
  | StatusCommand
  | TasksCommand
  | HelpCommand
  | BindCommand
  | UnbindCommand
  | UnknownCommand;

// ---------------------------------------------------------------------------
// Problems

/** Enough of an indicator to name it in a reply. */
export interface IndicatorBrief {
  indicatorId: number;
  code: string;
  name: string;
  unit: string;
}

export function briefOf(i: IndicatorRef): IndicatorBrief {
  return { indicatorId: i.id, code: i.code, name: i.name, unit: i.unit };
}

export type Problem =
  /** The first word is no command. `suggestion` = "report" when the rest reads as a report body. */
  | { code: "unknown_command"; raw: string; suggestion?: CommandType }
  /** Up to 3 closest indicators, best first (empty when nothing is close). */
  | { code: "unknown_indicator"; raw: string; suggestions: IndicatorBrief[] }
  | { code: "ambiguous_indicator"; raw: string; candidates: IndicatorBrief[] }
  /** A value with no indicator before it ("上报 260台"). */
  | { code: "missing_indicator"; raw: string }
  | { code: "missing_value"; raw: string; indicator: IndicatorBrief }
  /** A bare number where the magnitude is ambiguous (money, %, 万吨标准煤 …). */
  | { code: "missing_unit"; raw: string; indicator: IndicatorBrief; expectedUnit: string }
  | { code: "wrong_unit"; raw: string; indicator: IndicatorBrief; expectedUnit: string; givenUnit: string }
  /** Not a number, negative where a count or amount is expected, too large … */
  | { code: "bad_number"; raw: string; indicator?: IndicatorBrief }
  | { code: "bad_period"; raw: string }
  | { code: "period_in_future"; raw: string; period: Period; current: Period }
  | { code: "duplicate_indicator"; raw: string; indicator: IndicatorBrief }
  | { code: "missing_reason" }
  | { code: "empty_report" }
  | { code: "missing_argument"; command: "bind" | "unbind"; argument: "userId" | "unit" }
  /** The list was cut to keep one reply readable; `omitted` problems were dropped. */
  | { code: "too_many_problems"; omitted: number }
  // From validateReportValues (need stored data):
  | { code: "period_closed"; period?: Period }
  /** No plan the unit reports in covers the month (it ended, or has not started). */
  | { code: "outside_plan"; period: Period; plans: { name: string; start: Period; end: Period; position: "before" | "after" }[] }
  /** The same indicator name in several plans in progress: the plan must be named. */
  | { code: "ambiguous_plan"; raw: string; plans: string[] }
  /** A year-to-date figure below the one before it in the year, or above a later one. */
  | { code: "ytd_decreased"; indicator: IndicatorBrief; value: number; raw?: string; neighbour: { value: number; period: Period }; side: "earlier" | "later" }
  /** 本月新增 for a year-to-date indicator (or 累计 for a monthly one) needs the earlier months of the year. */
  | { code: "basis_needs_months"; indicator: IndicatorBrief; raw?: string; stated: StatedBasis; missing: Period[] }
  /** "1-9月累计" in a report for October. */
  | { code: "basis_period_mismatch"; indicator: IndicatorBrief; raw?: string; through: number; period: Period }
  /** After the due date a changed figure needs 修改 with a reason. */
  | { code: "late_change_needs_reason"; due: string; changes: { indicator: IndicatorBrief; from: number; to: number }[] }
  | { code: "share_over_100"; indicator: IndicatorBrief; value: number; raw?: string }
  | {
      code: "cumulative_decreased";
      indicator: IndicatorBrief;
      value: number;
      raw?: string;
      /** negative_increment: a month's increment below 0; negative_total: a year-to-date total below 0; below_previous: a stock level that fell. */
      rule: "negative_increment" | "negative_total" | "below_previous";
      previous?: { value: number; period: Period };
    };

export type ProblemCode = Problem["code"];

export type ParseResult =
  | { ok: true; command: Command }
  /** `partial`: what could be understood (e.g. the valid values), to prefill a form. */
  | { ok: false; problems: Problem[]; partial?: Command };
