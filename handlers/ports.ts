import type { IndicatorRef, Period } from "../src/domain/report/types.js";
import type { UnitExplanation } from "../src/domain/ranking/explain.js";
import type { Lang, PlatformName, Reply } from "./types.js";

/**
 * What the handlers need from storage, as an interface: the handlers stay free of
 * Prisma (src/services/store.ts implements it over the database; tests may fake it).
 */

export interface OwedIndicator extends IndicatorRef {
  target: number;
  /** This unit's share of the target (counties), when the target is split. */
  share?: number;
  /** The work item the unit leads that carries the indicator. */
  workItemRef?: string;
}

export interface Obligations {
  workItems: { ref: string; task: string; taskTitle: string; text: string; indicatorIds: number[] }[];
  indicators: OwedIndicator[];
}

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
  unitId: number;
  period: number;
  mode: "report" | "correct";
  identityId: number | null;
  platform: string;
  rawInput: string;
  reason: string | null;
  narrative: { progress?: string; problems?: string; nextSteps?: string };
  values: { indicatorId: number; value: number; raw: string }[];
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
  revision: number;
  values: Map<number, { value: number; raw: string; changedFrom?: number }>;
  narrative: { progress: string | null; problems: string | null; nextSteps: string | null };
}

export interface CurrentReport {
  revision: number;
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
  planId: number;
  obligations(unitId: number): Promise<Obligations>;
  latestValues(unitId: number, indicatorIds: number[], atOrBefore: number): Promise<Map<number, StoredValue>>;
  periodStatus(period: number): Promise<"open" | "closed">;
  currentReport(unitId: number, period: number): Promise<CurrentReport | null>;
  /**
   * Stores a revision. Throws NothingToCorrectError when correcting a report that does not
   * exist. With `answer` and `req.delivery`, the answer is recorded for the delivery in the
   * same transaction, so a retried delivery gets it back and stores nothing; if the delivery
   * was recorded already (another replica got there first), nothing is stored and it throws
   * DuplicateDeliveryError.
   */
  submit(req: SubmitRequest, answer?: (outcome: SubmitOutcome) => Reply): Promise<SubmitOutcome>;
  resolveUnit(name: string): Promise<UnitRow | null>;
  suggestUnits(name: string): Promise<string[]>;
  bind(who: { platform: PlatformName; tenant: string; userId: string }, unitId: number, role: "liaison" | "taskforce" | "admin", by: string): Promise<{ created: boolean }>;
  unbind(who: { platform: PlatformName; tenant: string; userId: string }, opts: { unitId?: number }): Promise<number>;
  audit(entry: AuditRecord): Promise<void>;
  /** The reminder schedule with its next ten firings, as of `now`. */
  schedule(now: Date, timeZone: string): Promise<ScheduleView>;
  /** Applies one admin setting (设置 截止日 5 …); stores it when valid. */
  setSchedule(key: string, value: string, by: string): Promise<import("../src/domain/schedule/schedule-config.js").SettingResult>;
  /** How `unit` (name or alias, either script) scores in the ranking of `quarter` (default: the last complete quarter). */
  explainRanking(unit: string, quarter?: string): Promise<RankingExplainResult>;
  /** The monthly digest of `period` (月报) as it stands now: who reported, who is late, headline values. */
  monthlyDigest(period: Period, lang: Lang): Promise<{ title: string; lines: string[]; owed: number }>;
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
