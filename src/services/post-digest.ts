import { periodKey, type Period } from "../domain/report/types.js";
import type { DeliveryKey } from "../persistence/delivery-repository.js";
import { loadSchedule } from "../persistence/schedule-repository.js";
import type { Briefing } from "../reminders/briefing-poster.js";
import { digestPeriod, prepareDigest, type DigestOptions, type PreparedDigest } from "./monthly-digest.js";
import { groupTargets, postToGroups, type PostBriefingDeps, type TargetResult } from "./post-briefing.js";

/**
 * Posting the monthly digest (issue 5 §5) to the task-force group on each configured platform,
 * exactly once per plan × month × platform × group, with the quarterly briefing's ledger rules
 * (post-briefing.ts): one Delivery row per target,
 *   period = the month, step = "digest", unitId = null, recipient = "group:<id>",
 * inserted as "sending" before the post and marked sent / failed after it. A crash in between
 * leaves it "sending", which the reminder tick turns "uncertain" after the lease; it is not posted
 * again on its own, only by an admin with `retry` (`duban digest post --retry`).
 *
 * Unlike the briefing there is no snapshot to freeze: the digest is a message about one month's
 * reporting, and the ledger alone says it went out. A retry recomputes it from today's data.
 */

export type DigestPostDeps = PostBriefingDeps;

export interface PostDigestOptions extends DigestOptions {
  /** Prepare and print; claim and post nothing. */
  dryRun?: boolean;
  /** Post again to targets whose earlier attempt failed or ended uncertain. */
  retry?: boolean;
}

export type DigestPostStatus =
  | "posted" // every reachable target has it (now or from an earlier run)
  | "no_group" // no task-force group on a platform configured here: printed only, nothing stored
  | "nothing_owed" // no unit owed a report that month (outside the plan, no indicators): nothing to post
  | "dry_run"
  | "incomplete"; // some target failed, is in flight, ended uncertain or is unreachable from here

export interface PostDigestResult {
  status: DigestPostStatus;
  period: string;
  targets: TargetResult[];
  digest: PreparedDigest;
}

export const DIGEST_STEP = "digest";

/** The ledger keys of a month's digest, one per task-force group: for the scheduler's cheap check. */
export function digestKeys(planId: number, period: Period, taskforce: { slack?: string; dingtalk?: string }): DeliveryKey[] {
  const out: DeliveryKey[] = [];
  for (const platform of ["slack", "dingtalk"] as const) {
    const group = taskforce[platform];
    if (group) out.push({ planId, period: periodKey(period), step: DIGEST_STEP, unitId: null, platform, recipient: `group:${group}` });
  }
  return out;
}

/** The digest as the posters take it: text only. */
export function toPosterDigest(d: PreparedDigest): Briefing {
  return { title: d.title, markdownLines: d.lines };
}

export async function postDigest(deps: DigestPostDeps, spec: string | Period, opts: PostDigestOptions = {}): Promise<PostDigestResult> {
  const { db, planId } = deps;
  const now = deps.now ?? (() => new Date());
  const { dryRun, retry, ...digestOpts } = opts;
  const period = digestPeriod(spec);
  const digest = await prepareDigest(db, planId, period, digestOpts);
  const base = { period: digest.label, digest };

  const { config: schedule } = await loadSchedule(db, planId);
  const keys = digestKeys(planId, period, schedule.taskforce);
  const targets = groupTargets(keys, deps.posters);
  if (digest.owed === 0) return { ...base, status: "nothing_owed", targets: [] };
  if (dryRun) return { ...base, status: "dry_run", targets };
  if (targets.every((t) => t.status === "no_poster")) return { ...base, status: "no_group", targets };

  await postToGroups(deps, keys, targets, toPosterDigest(digest), { retry: retry === true, now, what: "digest" });
  // A group whose platform is not configured here does not make the post incomplete (as for the briefing).
  const done = targets.filter((t) => t.status !== "no_poster").every((t) => t.status === "sent" || t.status === "already_sent");
  return { ...base, status: done ? "posted" : "incomplete", targets };
}
