import { asOfMonth } from "../domain/ranking/periods.js";
import type { RankingKind } from "../domain/ranking/score.js";
import { periodKey } from "../domain/report/types.js";
import { publicationWord } from "../i18n/ranking-words.js";
import type { Logger } from "../logging/logger.js";
import type { Db } from "../persistence/database.js";
import { deliveryKey, markOutcome, type DeliveryKey } from "../persistence/delivery-repository.js";
import { isUniqueViolation } from "../persistence/report-repository.js";
import { loadSchedule } from "../persistence/schedule-repository.js";
import type { Briefing } from "../reminders/briefing-poster.js";
import type { BriefingPosters } from "../reminders/build-briefing-posters.js";
import { markPublished, prepareBriefing, type BriefingOptions, type PreparedBriefing } from "./ranking-briefing.js";
import { scoringWindow, type WindowSpec } from "./rankings.js";

/**
 * Posting the quarterly briefing (issue 5 §3, §4), and with a year window the annual assessment
 * (年度考核, §5: the same scoring over the twelve months, snapshot "2026"), to the task-force
 * group on each configured platform, exactly once, like the reminders: one ledger row (Delivery)
 * per platform and group,
 *   period = the window's last month, step = "briefing:<label>:<kind>", unitId = null,
 *   recipient = "group:<id>",
 * claimed before the post and marked sent / failed after it. The snapshot is published (frozen)
 * once every reachable target has been posted to; with no task-force group at all,
 * the printed message is the publication and the snapshot freezes at once.
 *
 * Why the claim is inserted as "sending" and not "claimed" (unlike reminders): the reminder run
 * resends stale "claimed" rows of any step as ladder messages, which would turn a briefing claim
 * into an escalation notice. A post interrupted by a crash therefore ends "uncertain" (the
 * reminder tick marks it after the lease) and is never reposted on its own: posting is not atomic
 * on either platform, and a duplicate briefing with a different chart is worse than a late one.
 * An admin reposts failed or uncertain targets with `retry` (`duban ranking post --retry`).
 */

export interface PostBriefingDeps {
  db: Db;
  planId: number;
  posters: BriefingPosters;
  /** Who claims, for the ledger: host:pid. */
  instanceId: string;
  /** The ledger's wall clock (claims, sentAt, publishedAt). Default: the real time. */
  now?: () => Date;
  log?: Logger;
}

export interface PostBriefingOptions extends Omit<BriefingOptions, "persist" | "now"> {
  /** Prepare and print; claim, post and store nothing. */
  dryRun?: boolean;
  /** Post again to targets whose earlier attempt failed or ended uncertain. */
  retry?: boolean;
}

export type TargetStatus =
  | "sent" // posted now
  | "already_sent" // posted by an earlier run
  | "failed" // posted now and failed (see error)
  | "previously_failed" // an earlier run failed or ended uncertain; retry to post again
  | "in_progress" // another process is posting it now
  | "no_poster" // a task-force group is set but the platform is not configured here
  | "would_post"; // dry run

export interface TargetResult {
  platform: "slack" | "dingtalk";
  group: string;
  key: string | null;
  status: TargetStatus;
  refs?: string[];
  error?: string;
}

export type PostStatus =
  | "posted" // every target has it now; the snapshot is published
  | "published_without_platform" // no target: published as printed
  | "already_published" // nothing posted again
  | "dry_run"
  | "incomplete"; // some target failed, is in flight or unreachable: the snapshot stays a draft

export interface PostBriefingResult {
  status: PostStatus;
  window: string;
  kind: RankingKind;
  snapshotId: number | null;
  publishedAt: string | null;
  targets: TargetResult[];
  briefing: PreparedBriefing;
}

/** The ledger step of a briefing: "briefing:2026Q3:county". */
export function briefingStep(windowLabel: string, kind: RankingKind): string {
  return `briefing:${windowLabel}:${kind}`;
}

/** The ledger keys of a window's briefing, one per task-force group: for the scheduler's cheap check. */
export function briefingKeys(planId: number, spec: WindowSpec, kind: RankingKind, taskforce: { slack?: string; dingtalk?: string }): DeliveryKey[] {
  const window = scoringWindow(spec);
  const out: DeliveryKey[] = [];
  for (const platform of ["slack", "dingtalk"] as const) {
    const group = taskforce[platform];
    if (!group) continue;
    out.push({ planId, period: periodKey(asOfMonth(window)), step: briefingStep(window.label, kind), unitId: null, platform, recipient: `group:${group}` });
  }
  return out;
}

/** The prepared briefing as the posters take it. */
export function toPosterBriefing(b: PreparedBriefing): Briefing {
  const label = b.ranking.window.label;
  const kindName = b.ranking.kind === "department" ? "牵头部门" : "县市区";
  // "2022-县市区年度考核.xlsx", "2022Q1-县市区通报.xlsx".
  const what = `${b.ranking.window.scope === "year" ? "年度" : ""}${publicationWord(b.ranking.window)}`;
  return {
    title: b.title,
    markdownLines: b.lines,
    chart: { png: b.chart.png, fileName: `${label}-${kindName}排名.png` },
    workbook: { xlsx: b.workbook, fileName: `${label}-${kindName}${what}.xlsx` },
  };
}

export type Claim = "mine" | "already_sent" | "previously_failed" | "in_progress";

/**
 * Inserts the row as "sending"; an existing row is taken only when `retry` allows it (compare-and-set).
 * Shared with the monthly digest (post-digest.ts): the same group posts, the same ledger rules.
 */
export async function claimGroupPost(db: Db, k: DeliveryKey, by: string, now: Date, retry: boolean): Promise<Claim> {
  const key = deliveryKey(k);
  try {
    await db.delivery.create({ data: { ...k, key, status: "sending", attempts: 1, claimedBy: by, claimedAt: now } });
    return "mine";
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
  const row = await db.delivery.findUnique({ where: { key }, select: { status: true } });
  if (!row) return "in_progress";
  if (row.status === "sent") return "already_sent";
  if (row.status === "failed" || row.status === "uncertain" || row.status === "skipped") {
    if (!retry) return "previously_failed";
    const { count } = await db.delivery.updateMany({
      where: { key, status: row.status },
      data: { status: "sending", attempts: { increment: 1 }, claimedBy: by, claimedAt: now, error: null },
    });
    return count === 1 ? "mine" : "in_progress";
  }
  return "in_progress"; // claimed / sending: someone else is at it
}

/** One target per ledger key; "no_poster" where the platform is not configured here. */
export function groupTargets(keys: readonly DeliveryKey[], posters: BriefingPosters): TargetResult[] {
  return keys.map((k) => ({
    platform: k.platform as "slack" | "dingtalk",
    group: k.recipient.slice("group:".length),
    key: deliveryKey(k),
    status: posters[k.platform as "slack" | "dingtalk"] ? "would_post" : "no_poster",
  }));
}

/**
 * Claims, posts and records each target in turn (updating `targets` in place): the one loop the
 * briefing, the annual assessment and the monthly digest share. `what` names it in the log.
 */
export async function postToGroups(deps: PostBriefingDeps, keys: readonly DeliveryKey[], targets: TargetResult[], message: Briefing, o: { retry: boolean; now: () => Date; what: string }): Promise<void> {
  const { db } = deps;
  for (const [i, k] of keys.entries()) {
    const t = targets[i]!;
    const poster = deps.posters[t.platform];
    if (!poster) continue;
    const claim = await claimGroupPost(db, k, deps.instanceId, o.now(), o.retry);
    if (claim !== "mine") {
      t.status = claim;
      continue;
    }
    let outcome;
    try {
      outcome = await poster.post(t.group, message);
    } catch (e) {
      outcome = { ok: false as const, error: String((e as Error).message ?? e), permanent: false, step: "text" as const, refs: [] };
    }
    t.refs = outcome.refs;
    if (outcome.ok) {
      await markOutcome(db, t.key!, { ok: true, ref: outcome.refs.join(",").slice(0, 500) || undefined }, o.now());
      t.status = "sent";
    } else {
      const error = `${outcome.step}: ${outcome.error}${outcome.refs.length ? ` (already posted: ${outcome.refs.join(",")})` : ""}`;
      await markOutcome(db, t.key!, { ok: false, error }, o.now());
      t.status = "failed";
      t.error = error;
      deps.log?.warn({ delivery: t.key, error }, `${o.what} post failed`);
    }
  }
}

export async function postBriefing(deps: PostBriefingDeps, spec: WindowSpec, kind: RankingKind, opts: PostBriefingOptions = {}): Promise<PostBriefingResult> {
  const { db, planId } = deps;
  const now = deps.now ?? (() => new Date());
  const { dryRun, retry, ...briefingOpts } = opts;
  const b = await prepareBriefing(db, planId, spec, kind, { ...briefingOpts, persist: !dryRun, now });
  const window = b.ranking.window.label;
  const base = { window, kind, snapshotId: b.snapshot?.id ?? null, briefing: b };
  if (b.alreadyPublished) {
    return { ...base, status: "already_published", publishedAt: b.snapshot!.publishedAt!.toISOString(), targets: [] };
  }

  const { config: schedule } = await loadSchedule(db, planId);
  const keys = briefingKeys(planId, b.ranking.window, kind, schedule.taskforce);
  const targets = groupTargets(keys, deps.posters);
  if (dryRun) return { ...base, status: "dry_run", publishedAt: null, targets };

  await postToGroups(deps, keys, targets, toPosterBriefing(b), { retry: retry === true, now, what: "briefing" });

  // A group whose platform is not configured here (no poster) does not hold the publication back
  // once every reachable group has it; with no reachable group at all it stays a draft for the bot.
  const reachable = targets.filter((t) => t.status !== "no_poster");
  const done = targets.length === 0 || (reachable.length > 0 && reachable.every((t) => t.status === "sent" || t.status === "already_sent"));
  if (!done || !b.snapshot) return { ...base, status: "incomplete", publishedAt: null, targets };
  const at = now();
  // false: a concurrent run published it first; either way it is published now.
  await markPublished(db, b.snapshot.id, at);
  const published = await db.rankingSnapshot.findUnique({ where: { id: b.snapshot.id }, select: { publishedAt: true } });
  return {
    ...base,
    status: targets.length ? "posted" : "published_without_platform",
    publishedAt: (published?.publishedAt ?? at).toISOString(),
    targets,
  };
}
