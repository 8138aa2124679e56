import type { PlanRef, UnitObligation } from "../src/domain/obligations/obligations.js";
import type { CivilDate } from "../src/domain/calendar/civil-date.js";
import type { Period } from "../src/domain/report/types.js";
import type { UnitExplanation } from "../src/domain/ranking/explain.js";
import type { Lang, PlatformName, Reply } from "./types.js";

/**
 * What the handlers need from storage, as an interface: the handlers stay free of
 * Prisma (src/services/store.ts implements it over the database; tests may fake it).
 */

export type { OwedIndicator, PlanRef, UnitObligation } from "../src/domain/obligations/obligations.js";

export interface UnitRow {
  id: number;
  name: string;
  kind: string;
}

export interface StoredValue {
  value: number;
  raw: string;
  period: number;
}

export interface SubmitRequest {
  planId: number;
  unitId: number;
  period: number;
  mode: "report" | "correct";
  identityId: number | null;
  platform: string;
  rawInput: string;
  reason: string | null;
  narrative: { progress?: string; problems?: string; nextSteps?: string };
  /** In the indicator's basis; `stated`/`statedValue` when the liaison said it in another (本月新增 for a 1–N月累计 indicator). */
  values: { indicatorId: number; value: number; raw: string; stated?: string; statedValue?: number }[];
  /** Written in the same transaction as the revision: the record and its audit entry stand or fall together. */
  audit: AuditRecord;
  /** The chat delivery that carried it (the bot sets this, for exactly-once: see Store.submit). */
  delivery?: { key: string; receivedAt: Date };
}

export interface AuditRecord {
  actor: string;
  platform: string;
  action: string;
  subject: string;
  rawInput?: string | null;
  result: "ok" | "rejected" | "error";
  details?: Record<string, unknown>;
}

export interface SubmitOutcome {
  planId: number;
  revision: number;
  values: Map<number, { value: number; raw: string; changedFrom?: number }>;
  narrative: { progress: string | null; problems: string | null; nextSteps: string | null };
}

export interface CurrentReport {
  planId: number;
  revision: number;
  /** The first submission: on time or late is judged by it. */
  firstAt: Date;
  updatedAt: Date;
  values: Map<number, { value: number; raw: string }>;
  narrative: { progress: string | null; problems: string | null; nextSteps: string | null };
}

export interface Actor {
  identityId: number | null;
  platform: PlatformName;
  tenant: string;
  userId: string;
  lang: Lang;
  /** Units this user reports for (liaison bindings). */
  liaisonOf: UnitRow[];
  isAdmin: boolean;
  isTaskforce: boolean;
}

export interface ScheduleView {
  config: import("../src/domain/schedule/schedule-config.js").ScheduleConfig;
  next: { period: number; step: string; audience: string; at: Date; provisional: boolean }[];
  /** Years (this and next) the working calendar does not cover yet. */
  missingYears: number[];
}

export interface Store {
  /** Every plan, in the order they were created. */
  plans(): Promise<PlanRef[]>;
  /** What the unit owes in `period` in every plan it has a role in (plan order); empty when it has none. */
  obligations(unitId: number, period: Period): Promise<UnitObligation[]>;
  latestValues(unitId: number, indicatorIds: number[], atOrBefore: number): Promise<Map<number, StoredValue>>;
  /** The unit's current values in `year`, per indicator and month (1–12): what a basis conversion and the year-to-date checks read. */
  yearValues(unitId: number, indicatorIds: number[], year: number): Promise<Map<number, Map<number, number>>>;
  periodStatus(planId: number, period: number): Promise<"open" | "closed">;
  currentReport(planId: number, unitId: number, period: number): Promise<CurrentReport | null>;
  /** The month's due date in the plan (遇节假日顺延 applied) and its last instant in the plan's zone. */
  due(planId: number, period: Period): Promise<{ date: CivilDate; at: Date }>;
  /**
   * Stores one revision per plan touched, all in one transaction. Throws NothingToCorrectError when
   * correcting a report that does not exist. With `answer` and the requests' `delivery`, the answer
   * is recorded for the delivery in the same transaction, so a retried delivery gets it back and
   * stores nothing; if the delivery was recorded already (another replica got there first), nothing
   * is stored and it throws DuplicateDeliveryError.
   */
  submit(reqs: SubmitRequest[], answer?: (outcomes: SubmitOutcome[]) => Reply): Promise<SubmitOutcome[]>;
  resolveUnit(name: string): Promise<UnitRow | null>;
  suggestUnits(name: string): Promise<string[]>;
  bind(who: { platform: PlatformName; tenant: string; userId: string }, unitId: number, role: "liaison" | "taskforce" | "admin", by: string): Promise<{ created: boolean }>;
  unbind(who: { platform: PlatformName; tenant: string; userId: string }, opts: { unitId?: number }): Promise<number>;
  audit(entry: AuditRecord): Promise<void>;
  /** The plan's reminder schedule with its next ten firings, as of `now` (default plan: see defaultPlan). */
  schedule(now: Date, timeZone?: string, planId?: number): Promise<ScheduleView>;
  /** Applies one admin setting (设置 截止日 5 …) to the plan's schedule; stores it when valid. */
  setSchedule(key: string, value: string, by: string, planId?: number): Promise<import("../src/domain/schedule/schedule-config.js").SettingResult>;
  /** How `unit` (name or alias, either script) scores in the plan's ranking of `quarter` (default: the last complete quarter). */
  explainRanking(unit: string, quarter?: string, planId?: number): Promise<RankingExplainResult>;
  /** The plan's monthly digest of `period` (月报) as it stands now: who reported, who is late, headline values. */
  monthlyDigest(period: Period, lang: Lang, planId?: number): Promise<{ title: string; lines: string[]; owed: number }>;
  /** The plan admin commands act on when none is named: the only plan, else the only one in progress; null when that is ambiguous. */
  defaultPlan(): Promise<PlanRef | null>;
}

/** `排名 说明 <unit> [quarter]`: the computation, or why there is none. */
export type RankingExplainResult =
  | { ok: true; explanation: UnitExplanation; published: { at: string; rank: number | null; total: number | null } | null }
  | { ok: false; problem: "unknown_unit" | "bad_window" | "not_ranked_kind"; unit?: string };

/** Time as the handlers see it: injected, so tests control it. */
export interface Clock {
  now(): Date;
  timeZone: string;
  /** The period open for reporting now (default: the month before the current one). */
  openPeriod(): Period;
}
