import { briefingSummary, snapshotChanges, worstLight, type BriefingSummary, type IndicatorExplanation, type SnapshotChange } from "../domain/ranking/explain.js";
import type { Ranking, RankingKind } from "../domain/ranking/score.js";
import { periodFromKey, periodKey } from "../domain/report/types.js";
import type { Lang } from "../i18n/lang.js";
import { periodLabel } from "../i18n/report-words.js";
import {
  basisText,
  briefingLines,
  briefingTitle,
  indicatorComputation,
  indicatorKindText,
  kindLabel,
  monthsList,
  publicationWord,
  ruleLines,
  unrankedText,
  windowLabel,
  type LateChangeView,
} from "../i18n/ranking-words.js";
import type { Db } from "../persistence/database.js";
import { changedFigures, getSnapshot, previousPublished, publishSnapshot, rawValues, saveDraftSnapshot, type Snapshot } from "../persistence/ranking-repository.js";
import { renderRankingChart } from "../reports/chart.js";
import type { BriefingData, IndicatorSheet } from "../reports/types.js";
import { buildWorkbook } from "../reports/workbook.js";
import { dueInstant, rankingContext, rankWith, scoringWindow, type RankingContext, type RankingOptions, type WindowSpec } from "./rankings.js";

/**
 * The quarterly briefing (季度通报): a frozen snapshot plus what is posted with
 * it (the message, the chart, the workbook). Posting to Slack / DingTalk is the
 * caller's job: prepareBriefing, post, then markPublished. Idempotent: once a
 * window is published, prepareBriefing returns the frozen snapshot (not a
 * recomputation) with alreadyPublished set, and the caller posts nothing.
 *
 * The briefing lists the figures changed after their month's due date since
 * the previous published briefing of the same kind (a changed figure after the
 * due date needs a reason: who, what, old → new, why, when), and what later
 * corrections changed in that previous briefing's figures and ranks.
 */

export interface BriefingOptions extends RankingOptions {
  lang?: Lang;
  /** false: compute and render without writing a draft snapshot (dry runs). Default true. */
  persist?: boolean;
  now?: () => Date;
  /** Top N in the message (ties at the boundary included). Default 3. */
  topN?: number;
  /** Extra fonts for the chart (unit names outside the bundled font). */
  fontFiles?: string[];
}

export interface PreparedBriefing {
  /** The stored snapshot (draft or published); null on a dry run with nothing stored yet. */
  snapshot: Snapshot | null;
  /** The window was published before: post nothing. */
  alreadyPublished: boolean;
  ranking: Ranking;
  summary: BriefingSummary;
  /** What later corrections changed in the previous published briefing (listed in this one). */
  corrections: { since: string; changes: SnapshotChange[] } | null;
  /** Figures changed after their due date since the previous published briefing of this kind (ISO instant; null: none was published). */
  lateChanges: { since: string | null; changes: LateChange[] };
  title: string;
  /** The readable message, one line each (light markdown). */
  lines: string[];
  data: BriefingData;
  chart: { png: Buffer; missingChars: string[] };
  workbook: Buffer;
}

export interface LateChange extends LateChangeView {
  unitId: number;
  revision: number;
  /** ISO instant of the month's due date (the end of the due day). */
  dueAt: string;
}

const SCOPE_LABEL: Record<Ranking["window"]["scope"], RegExp> = {
  quarter: /^\d{4}Q[1-4]$/u,
  year: /^\d{4}$/u,
  month: /^\d{4}-\d{2}$/u,
};

export async function prepareBriefing(db: Db, planId: number, spec: WindowSpec, kind: RankingKind, opts: BriefingOptions = {}): Promise<PreparedBriefing> {
  const lang = opts.lang ?? "zh";
  const now = opts.now ?? (() => new Date());
  const window = scoringWindow(spec);
  const ctx = await rankingContext(db, planId, opts);
  const existing = await getSnapshot(db, planId, window.label, kind);
  const alreadyPublished = existing?.publishedAt != null;
  // A published window is never recomputed for the briefing: what was announced stands.
  let snapshot: Snapshot | null = existing;
  let ranking: Ranking;
  if (alreadyPublished) {
    ranking = existing!.ranking;
  } else {
    ranking = await rankWith(db, ctx, window, kind);
    if (opts.persist !== false) snapshot = await saveDraftSnapshot(db, planId, ranking, now());
  }
  const label = window.label;
  const timeZone = ranking.timeZone;

  const previous = await previousPublished(db, planId, kind, label, SCOPE_LABEL[ranking.window.scope]);
  let corrections: PreparedBriefing["corrections"] = null;
  if (previous) {
    const recomputed = await rankWith(db, ctx, previous.ranking.window, kind);
    corrections = { since: windowLabel(previous.ranking.window, lang), changes: snapshotChanges(previous.ranking, recomputed) };
  }
  // Up to when this briefing was (or is being) computed: a frozen one lists what it listed.
  const until = alreadyPublished ? existing!.computedAt : now();
  const lateChanges = {
    since: previous?.publishedAt ? previous.publishedAt.toISOString() : null,
    changes: await lateChangesFor(db, ctx, ranking, previous?.publishedAt ?? null, until),
  };
  const summary = briefingSummary(ranking, previous?.ranking, opts.topN);
  const heading = briefingTitle(ranking.window, kind, lang);
  const data = await briefingData(db, planId, ranking, ctx.facts.plan.title, alreadyPublished ? existing!.computedAt : undefined, lateChanges.changes);
  const chart = await renderRankingChart(data, opts.fontFiles ? { fontFiles: opts.fontFiles } : {});
  return {
    snapshot,
    alreadyPublished,
    ranking,
    summary,
    corrections,
    lateChanges,
    title: heading,
    lines: briefingLines({ summary, corrections, lateChanges, timeZone }, lang),
    data,
    chart: { png: chart.png, missingChars: chart.missingChars },
    workbook: await buildWorkbook(data),
  };
}

/**
 * Figures of this ranking's units changed after their month's due date, made in
 * (since, until]: unit, indicator, month, old → new, the reason given, when.
 */
async function lateChangesFor(db: Db, ctx: RankingContext, ranking: Ranking, since: Date | null, until: Date): Promise<LateChange[]> {
  const units = new Set([...ranking.ranked, ...ranking.unranked].map((u) => u.unitId));
  const changed = await changedFigures(db, ctx.facts.plan.id, since, until);
  const due = new Map<number, Date>();
  const dueOf = (period: number) => {
    let d = due.get(period);
    if (!d) due.set(period, (d = dueInstant(periodFromKey(period), ctx.schedule, ctx.calendar, ranking.timeZone)));
    return d;
  };
  return changed
    .filter((c) => units.has(c.unitId) && c.at.getTime() > dueOf(c.period).getTime())
    .map((c) => ({
      unitId: c.unitId,
      unit: c.unit,
      code: c.code,
      indicator: c.indicator,
      unitOfMeasure: c.unitOfMeasure,
      period: periodFromKey(c.period),
      old: c.old,
      new: c.new,
      reason: c.reason,
      at: c.at.toISOString(),
      revision: c.revision,
      dueAt: dueOf(c.period).toISOString(),
    }));
}

/** Marks the briefing published after it was posted; false when someone already did (post nothing more). */
export async function markPublished(db: Db, snapshotId: number, at: Date = new Date()): Promise<boolean> {
  return publishSnapshot(db, snapshotId, at);
}

/**
 * The renderers' input (src/reports), its words in Chinese: the ranking table
 * (ranked, then the units not ranked, listed apart), one sheet per indicator
 * with each unit's computation in words, the rules, the late changes, and the
 * raw reports of the window's months. For a published window the raw rows are
 * those current when the snapshot was computed (`frozenAt`), so a re-render
 * matches what was posted.
 */
export async function briefingData(db: Db, planId: number, ranking: Ranking, planTitle: string, frozenAt?: Date, lateChanges: readonly LateChange[] = []): Promise<BriefingData> {
  const zh = "zh" as const;
  const units = [...ranking.ranked, ...ranking.unranked];
  const rows: BriefingData["rows"] = units.map((u) => {
    const missing = (u.conduct?.months ?? []).filter((m) => m.status === "missing").map((m) => m.period);
    const note = u.unranked ? unrankedText(u.unranked, zh) : missing.length ? `${monthsList(missing, zh)}未报` : undefined;
    return {
      rank: u.rank,
      unit: u.name,
      total: u.total,
      result: u.result?.score ?? null,
      conduct: u.conduct?.score ?? null,
      light: worstLight(u),
      summoned: u.summoned,
      ...(note ? { note } : {}),
    };
  });
  const sheets = new Map<string, IndicatorSheet>();
  const explained = { config: ranking.config, window: ranking.window };
  for (const u of units) {
    for (const i of u.indicators) {
      let sheet = sheets.get(i.code);
      if (!sheet) sheets.set(i.code, (sheet = { code: i.code, name: i.name, unit: i.unit, kind: indicatorKindText(i.kind, zh), basis: basisText(i.basis, zh), rows: [] }));
      const e: IndicatorExplanation = { ...i, values: [] };
      sheet.rows.push({
        unit: u.name,
        value: i.actual,
        target: i.target,
        expectedShare: i.expectedShare,
        ratio: i.ratio,
        completion: i.completion,
        points: i.points,
        light: i.light,
        note: indicatorComputation(e, explained, zh),
      });
    }
  }
  const keys = ranking.window.months.map(periodKey);
  const raw = await rawValues(db, planId, units.map((u) => u.unitId), { from: Math.min(...keys), to: Math.max(...keys) }, frozenAt);
  const periodText = windowLabel(ranking.window, zh);
  return {
    title: `${planTitle} ${periodText}${kindLabel(ranking.kind, zh)}${publicationWord(ranking.window)}`,
    periodLabel: periodText,
    kind: ranking.kind,
    timeZone: ranking.timeZone,
    rows,
    indicators: [...sheets.values()],
    raw: raw.map((r) => ({
      unit: r.unit,
      period: periodLabel(periodFromKey(r.period), zh),
      indicator: r.indicator,
      code: r.code,
      value: r.value,
      raw: r.raw,
      revision: r.revision,
      reportedAt: r.reportedAt.toISOString(),
      by: r.by,
    })),
    rules: ruleLines(ranking.config, ranking.kind, ranking.window, zh),
    lateChanges: lateChanges.map((c) => ({
      unit: c.unit,
      period: periodLabel(c.period, zh),
      code: c.code,
      indicator: c.indicator,
      old: c.old,
      new: c.new,
      reason: c.reason ?? "未说明原因",
      at: c.at,
    })),
  };
}
