import { briefingSummary, snapshotChanges, worstLight, type BriefingSummary, type SnapshotChange } from "../domain/ranking/explain.js";
import type { Ranking, RankingKind } from "../domain/ranking/score.js";
import { formatPeriod, periodKey } from "../domain/report/types.js";
import type { Lang } from "../i18n/lang.js";
import { briefingLines, briefingTitle, kindLabel, publicationWord, unrankedText, windowLabel } from "../i18n/ranking-words.js";
import type { Db } from "../persistence/database.js";
import { getSnapshot, previousPublished, publishSnapshot, rawValues, saveDraftSnapshot, type Snapshot } from "../persistence/ranking-repository.js";
import { renderRankingChart } from "../reports/chart.js";
import type { BriefingData, IndicatorSheet } from "../reports/types.js";
import { buildWorkbook } from "../reports/workbook.js";
import { computeWindow, scoringWindow, type RankingOptions, type WindowSpec } from "./rankings.js";

/**
 * The quarterly briefing (季度通报): a frozen snapshot plus what is posted with
 * it (the message, the chart, the workbook). Posting to Slack / DingTalk is the
 * caller's job: prepareBriefing, post, then markPublished. Idempotent: once a
 * window is published, prepareBriefing returns the frozen snapshot (not a
 * recomputation) with alreadyPublished set, and the caller posts nothing.
 */

export interface BriefingOptions extends RankingOptions {
  lang?: Lang;
  /** false: compute and render without writing a draft snapshot (dry runs). Default true. */
  persist?: boolean;
  now?: () => Date;
  /** Top N in the message (ties at the boundary included). Default 3. */
  topN?: number;
  /** Extra fonts for the chart (unit names outside GB 2312). */
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
  title: string;
  /** The readable message, one line each (light markdown). */
  lines: string[];
  data: BriefingData;
  chart: { png: Buffer; missingChars: string[] };
  workbook: Buffer;
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
  const existing = await getSnapshot(db, planId, window.label, kind);
  const alreadyPublished = existing?.publishedAt != null;
  // A published window is never recomputed for the briefing: what was announced stands.
  let snapshot: Snapshot | null = existing;
  let ranking: Ranking;
  if (alreadyPublished) {
    ranking = existing!.ranking;
  } else {
    ranking = (await computeWindow(db, planId, window, kind, opts)).ranking;
    if (opts.persist !== false) snapshot = await saveDraftSnapshot(db, planId, ranking, now());
  }
  const label = window.label;

  const previous = await previousPublished(db, planId, kind, label, SCOPE_LABEL[ranking.window.scope]);
  let corrections: PreparedBriefing["corrections"] = null;
  if (previous) {
    const recomputed = await computeWindow(db, planId, previous.ranking.window, kind, opts);
    corrections = { since: windowLabel(previous.ranking.window, lang), changes: snapshotChanges(previous.ranking, recomputed.ranking) };
  }
  const summary = briefingSummary(ranking, previous?.ranking, opts.topN);
  const heading = briefingTitle(ranking.window, kind, lang);
  const plan = await db.plan.findUniqueOrThrow({ where: { id: planId }, select: { title: true } });
  const data = await briefingData(db, planId, ranking, plan.title, alreadyPublished ? existing!.computedAt : undefined);
  const chart = await renderRankingChart(data, opts.fontFiles ? { fontFiles: opts.fontFiles } : {});
  return {
    snapshot,
    alreadyPublished,
    ranking,
    summary,
    corrections,
    title: heading,
    lines: briefingLines(summary, corrections, lang),
    data,
    chart: { png: chart.png, missingChars: chart.missingChars },
    workbook: await buildWorkbook(data),
  };
}

/** Marks the briefing published after it was posted; false when someone already did (post nothing more). */
export async function markPublished(db: Db, snapshotId: number, at: Date = new Date()): Promise<boolean> {
  return publishSnapshot(db, snapshotId, at);
}

/**
 * The renderers' input (src/reports): the ranking table (ranked, then the
 * units without data, listed apart), one sheet per indicator, and the raw
 * reports of the window's months. For a published window the raw rows are
 * those current when the snapshot was computed (`frozenAt`), so a re-render matches what was posted.
 */
export async function briefingData(db: Db, planId: number, ranking: Ranking, planTitle: string, frozenAt?: Date): Promise<BriefingData> {
  const units = [...ranking.ranked, ...ranking.unranked];
  const rows: BriefingData["rows"] = units.map((u) => ({
    rank: u.rank,
    unit: u.name,
    total: u.total,
    result: u.result?.score ?? null,
    conduct: u.conduct?.score ?? null,
    light: worstLight(u),
    summoned: u.bottom,
    ...(u.unranked ? { note: unrankedText(u.unranked, "zh") } : {}),
  }));
  const sheets = new Map<string, IndicatorSheet>();
  for (const u of units) {
    for (const i of u.indicators) {
      let sheet = sheets.get(i.code);
      if (!sheet) sheets.set(i.code, (sheet = { code: i.code, name: i.name, unit: i.unit, kind: i.kind, rows: [] }));
      sheet.rows.push({ unit: u.name, value: i.actual, target: i.target, expectedShare: i.expectedShare, completion: i.completion, light: i.light });
    }
  }
  const keys = ranking.window.months.map(periodKey);
  const raw = await rawValues(db, planId, units.map((u) => u.unitId), { from: Math.min(...keys), to: Math.max(...keys) }, frozenAt);
  const periodLabel = windowLabel(ranking.window, "zh");
  return {
    title: `${planTitle} ${periodLabel}${kindLabel(ranking.kind, "zh")}${publicationWord(ranking.window)}`,
    periodLabel,
    kind: ranking.kind,
    rows,
    indicators: [...sheets.values()],
    raw: raw.map((r) => ({
      unit: r.unit,
      period: formatPeriod({ year: Math.floor(r.period / 100), month: r.period % 100 }),
      indicator: r.indicator,
      code: r.code,
      value: r.value,
      raw: r.raw,
      revision: r.revision,
      reportedAt: r.reportedAt.toISOString(),
      by: r.by,
    })),
  };
}
