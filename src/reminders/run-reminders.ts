import type { Bot, Reply, ReportForm } from "../../handlers/types.js";
import { createWorkingCalendar, type WorkingCalendar } from "../domain/calendar/working-calendar.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import { periodFromKey, periodKey, type Period } from "../domain/report/types.js";
import { dueDate, dueSteps, type Step, type StepName } from "../domain/schedule/reminder-ladder.js";
import type { ScheduleConfig } from "../domain/schedule/schedule-config.js";
import { REPORT_BASIS_WORDS } from "../i18n/plan-words.js";
import { periodLabelFromKey } from "../i18n/report-words.js";
import { stepWords } from "../i18n/schedule-words.js";
import type { ReportingBasis } from "../domain/plan/types.js";
import type { Logger } from "../logging/logger.js";
import type { Db } from "../persistence/database.js";
import {
  CLAIM_LEASE_MS,
  deliveryKey,
  markSending,
  markSkipped,
  markUncertain,
  staleClaims,
  type DeliveryKey,
} from "../persistence/delivery-repository.js";
import { claimDeliveries, lastValuesBefore, liaisonsByUnit, markOutcomes, storedMonths } from "../persistence/reminder-queries.js";
import { loadPlanFacts, loadPlanRefs } from "../persistence/plan-facts.js";
import { monthStatus, owingUnits, planName, spanPosition } from "../domain/obligations/obligations.js";
import { dueInstant } from "../services/rankings.js";
import { calendarOverrides, getLastRunAt, loadSchedule, setLastRunAt } from "../persistence/schedule-repository.js";
import { chaseNotice, escalationNotice, openingNotice } from "./messages.js";
import { forEachConcurrent } from "./pacer.js";
import type { DeliveryOutcome, ReminderPlatform, ReminderSender, SendHooks } from "./sender.js";
import { listAt, mapAt } from "../domain/multimap.js";

/**
 * One pass of the reminder ladder at a moment: which steps are due (the pure
 * ladder decides, with the catch-up rule), who gets each, claim each delivery in
 * the ledger, send through the platform senders (which pace and retry), record
 * the outcome. Safe to run on every replica at every tick: the ledger makes each
 * delivery once. An interrupted pass is resumed by the next (stale claims).
 */

export interface ReminderDeps {
  db: Db;
  planId: number;
  timeZone: string;
  senders: Partial<Record<ReminderPlatform, ReminderSender>>;
  /** For the DingTalk card / Slack modal prefill of the opening notice. */
  bot?: Bot;
  log?: Logger;
  /** Who claims, for the ledger: host:pid. */
  instanceId: string;
  /**
   * The wall clock of the ledger: claim times, leases, sentAt. Not `at`: a manual
   * `remind run --at <past>` must neither see live claims as stale nor date its
   * sends in the past. Default: the real time.
   */
  now?: () => Date;
  /** How long a claim or a send may stay unfinished before another run takes it over. Default CLAIM_LEASE_MS. */
  claimLeaseMs?: number;
}

export interface RunOptions {
  at: Date;
  /** Print who would get what; claim, send and write nothing. */
  dryRun?: boolean;
  /** Evaluate the ladder as of `at` without the stored last-run mark (manual runs). */
  ignoreLastRun?: boolean;
}

export interface PlannedDelivery {
  period: number;
  step: StepName;
  unit: string | null;
  platform: ReminderPlatform;
  recipient: string;
  title: string;
}

export interface RunReport {
  at: string;
  sendingAllowed: boolean;
  steps: { period: number; step: StepName; audience: string; at: string }[];
  skipped: { period: number; step: StepName; reason: string }[];
  planned: PlannedDelivery[];
  sent: number;
  failed: number;
  alreadyDone: number;
  uncertain: number;
  noRecipient: string[];
}

interface Target {
  key: DeliveryKey;
  userId: string;
  unit: string | null;
  reply: Reply;
  /** Same content for every target in a batch group. */
  group: string;
  form?: (userId: string) => Promise<ReportForm | undefined>;
}

export async function runReminders(deps: ReminderDeps, opts: RunOptions): Promise<RunReport> {
  const { db, planId, timeZone } = deps;
  const { config } = await loadSchedule(db, planId);
  const calendar = createWorkingCalendar({ overrides: await calendarOverrides(db) });
  const lastRunAt = opts.ignoreLastRun ? undefined : await getLastRunAt(db, planId);
  const decision = dueSteps(opts.at, config, calendar, timeZone, lastRunAt ?? firstRunMark(opts));
  const report: RunReport = {
    at: opts.at.toISOString(),
    sendingAllowed: decision.sendingAllowed,
    steps: decision.send.map((s) => ({ period: periodKey(s.period), step: s.step, audience: s.audience, at: s.at.toISOString() })),
    skipped: decision.skipped.map((s) => ({ period: periodKey(s.step.period), step: s.step.step, reason: s.reason })),
    planned: [],
    sent: 0,
    failed: 0,
    alreadyDone: 0,
    uncertain: 0,
    noRecipient: [],
  };

  if (!opts.dryRun && decision.sendingAllowed && decision.send.length) {
    // The senders' own setup (DingTalk's access token) overlaps the reads below instead of
    // delaying the first reminder. A failure is ignored here: the first send meets it again,
    // retries it and records it.
    for (const sender of Object.values(deps.senders)) void sender?.prepare?.().catch(() => undefined);
  }

  const targets: Target[] = [];
  for (const step of decision.send) targets.push(...(await targetsFor(deps, step, config, calendar, report)));

  const now = deps.now ?? (() => new Date());
  const lease = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
  if (!opts.dryRun && decision.sendingAllowed) {
    // Deliveries a dead process claimed but never sent: send them now, whatever their step.
    // A chase or an escalation goes only to whoever still owes the report now, as on time.
    for (const row of await staleClaims(db, planId, now(), lease)) {
      if (targets.some((t) => deliveryKey(t.key) === row.key)) continue;
      const audience = row.unitId ? "unit" : "taskforce";
      const step: Step = {
        period: periodFromKey(row.period),
        step: row.step as StepName,
        audience,
        onlyIfMissing: row.step !== "opening",
        date: "",
        at: opts.at,
        provisional: false,
      };
      const again = (await targetsFor(deps, step, config, calendar, { ...report, noRecipient: [] })).find((t) => deliveryKey(t.key) === row.key);
      if (again) targets.push(again);
      else await markSkipped(db, row.key, "no longer due when resumed (reported meanwhile, or no longer a liaison)", now(), lease);
    }
    report.uncertain = await markUncertain(db, planId, now(), lease);
  }

  for (const t of targets) {
    report.planned.push({ period: t.key.period, step: t.key.step as StepName, unit: t.unit, platform: t.key.platform as ReminderPlatform, recipient: t.key.recipient, title: t.reply.title });
  }
  if (opts.dryRun || !decision.sendingAllowed) return report;

  await deliver(deps, targets, report);
  if (decision.handledThrough) await setLastRunAt(db, planId, decision.handledThrough);
  return report;
}

/** A first run without a mark catches up nothing older than a day: no burst of last month's reminders on install. */
function firstRunMark(opts: RunOptions): Date | undefined {
  return opts.ignoreLastRun ? undefined : new Date(opts.at.getTime() - 24 * 3_600_000);
}

/** What a unit is asked to report, in words: how each indicator is reported (a rate needs no word). */
const basisLine = (basis: ReportingBasis): string | undefined => (basis === "rate" ? undefined : REPORT_BASIS_WORDS[basis].zh);

async function targetsFor(deps: ReminderDeps, step: Step, config: ScheduleConfig, calendar: WorkingCalendar, report: RunReport): Promise<Target[]> {
  const { db, planId } = deps;
  const period = periodKey(step.period);
  const due = dueDate(step.period, config, calendar);
  const facts = await loadPlanFacts(db, planId);
  if (!facts) return [];
  // Who owes what this month: the obligations rule, as 查询, the digest and the ranking read it.
  // Outside the plan's span nobody owes anything, so nothing is chased.
  const owing = owingUnits(facts, step.period);
  if (!owing.length) return [];
  const dueAt = dueInstant(step.period, config, calendar, facts.plan.timeZone);
  const stored = await storedMonths(db, planId, period);
  const status = owing.map((o) => ({ o, s: monthStatus(o, stored.get(o.unitId) ?? null, dueAt), name: facts.units.get(o.unitId)?.name ?? String(o.unitId) }));
  const allPlans = await loadPlanRefs(db);
  const plan = { name: planName(facts.plan), show: facts.plan.example || allPlans.filter((p) => spanPosition(p.span, step.period) === "within").length > 1 };
  const out: Target[] = [];

  if (step.audience === "taskforce") {
    const missing = status.filter((x) => x.s.state !== "complete");
    if (step.onlyIfMissing && missing.length === 0) return out;
    const reply = escalationNotice(
      step.period,
      due,
      missing.map((m) => ({ name: m.name, missing: m.s.owed - m.s.reported, owed: m.s.owed, reported: m.s.state !== "missing" })),
      status.length,
      plan,
    );
    for (const platform of ["slack", "dingtalk"] as const) {
      const group = config.taskforce[platform];
      if (!group || !deps.senders[platform]) continue;
      out.push({ key: { planId, period, step: step.step, unitId: null, platform, recipient: `group:${group}` }, userId: group, unit: null, reply, group: `tf:${platform}:${planId}:${period}:${step.step}` });
    }
    if (!out.length) report.noRecipient.push(`专班群（${periodLabelFromKey(period, "zh")}${stepWords(step.step, "zh")}）`);
    return out;
  }

  // The schedule's recipient rule: lead units (and owners of targets), counties holding shares, or both.
  const rule = config.recipients;
  const reminded = status.filter(({ o }) => (rule.leadUnits && (o.narrative || o.indicators.some((i) => i.via !== "share"))) || (rule.shareholders && o.indicators.some((i) => i.via === "share")));
  const liaisons = await liaisonsByUnit(db, reminded.map((x) => x.o.unitId), Object.keys(deps.senders));
  const last = step.step === "opening" ? await lastValuesBefore(db, period) : new Map<string, { raw: string; period: number }>();
  // The later steps say the same to every unit: one Reply for all (and one batch, see `group`).
  // Worded by the day it really goes out (a step made up after downtime may be a day late).
  const sentOn = wallClock(new Date(report.at), facts.plan.timeZone).date;
  const chase = step.step === "opening" ? undefined : chaseNotice(step.step, step.period, due, plan, sentOn);
  for (const { o, s, name } of reminded) {
    if (step.onlyIfMissing && s.state === "complete") continue;
    const reachable = (liaisons.get(o.unitId) ?? []).map((identity) => ({ identity })).filter((b) => deps.senders[b.identity.platform as ReminderPlatform]);
    if (!reachable.length) {
      report.noRecipient.push(name);
      continue;
    }
    const owedLines = o.indicators.map((i) => {
      const l = last.get(`${o.unitId}:${i.id}`);
      const basis = basisLine(i.basis);
      return { name: i.name, unit: i.unit, ...(basis ? { basis } : {}), ...(l ? { last: `${l.raw}（${Math.floor(l.period / 100)}年${l.period % 100}月）` } : {}) };
    });
    const reply = chase ?? openingNotice(name, step.period, due, owedLines, o.workItems.length, plan);
    for (const b of reachable) {
      const platform = b.identity.platform as ReminderPlatform;
      const bot = deps.bot;
      out.push({
        key: { planId, period, step: step.step, unitId: o.unitId, platform, recipient: `${b.identity.tenant}:${b.identity.userId}` },
        userId: b.identity.userId,
        unit: name,
        reply,
        // The opening notice is per unit; later steps say the same to everyone (one batch).
        group: step.step === "opening" ? `${platform}:${planId}:${period}:opening:${o.unitId}` : `${platform}:${planId}:${period}:${step.step}`,
        form:
          bot && step.step === "opening"
            ? async (userId) => {
                const f = await bot.openForm({ platform, tenant: b.identity.tenant, userId }, { period: `${step.period.year}-${String(step.period.month).padStart(2, "0")}`, unit: name, plan: facts.plan.code, mode: "report" });
                return "indicators" in f ? f : undefined;
              }
            : undefined,
      });
    }
  }
  return out;
}

async function deliver(deps: ReminderDeps, targets: Target[], report: RunReport) {
  // One pipeline per platform (its own limits, its own chunk size), one platform after the other,
  // in the order they first appear: a process killed in a slow Slack fan-out (10 DMs/s) has not
  // claimed the DingTalk deliveries, which the next run then sends at once instead of after the lease.
  // Within a platform, each group's targets together (a resumed stale claim joins its group), so
  // that a group is split into as few sendDirect calls as the chunks allow.
  const byPlatform = new Map<ReminderPlatform, Map<string, Target[]>>();
  for (const t of targets) {
    listAt(mapAt(byPlatform, t.key.platform as ReminderPlatform), t.group).push(t);
  }
  for (const [platform, groups] of byPlatform) await deliverOn(deps, platform, [...groups.values()].flat(), report);
}

/**
 * The first chunk is small (one batchSend's worth, or one window of per-user calls), so the first
 * request goes out as soon as its claim is written rather than after the claim of a full chunk.
 */
const FIRST_CHUNK = 20;
/**
 * Later chunks. A claim is held while its chunk and the one before it are sent, and must not
 * outlive the lease (2 min) or another replica would take it over and send it too: 200 Slack DMs
 * at 10/s take 20 s; 400 DingTalk users are 20 batchSend calls (a second), 400 per-user opening
 * notices or cards 20 s at 20 per second.
 */
const CLAIM_CHUNK = { slack: 200, dingtalk: 400, local: 400 } as const;
/** Groups (one sendDirect each) sent at once within a chunk: a DingTalk window's worth of per-unit notices. */
const GROUPS_IN_FLIGHT = 20;

/**
 * Claim, send and record the targets of one platform in chunks, pipelined: while chunk k is sent,
 * chunk k+1 is claimed and, once claimed, sent too (its calls queue behind chunk k's in the
 * sender's pacer, so the pacer never runs dry at a chunk boundary); chunk k+2 is claimed only when
 * chunk k is done. So at most two chunks are claimed and unfinished at once (the lease bound
 * above), and a process killed mid-fan-out has claimed at most those. Chunks cross group
 * boundaries: the per-unit opening notices are a group each, and one at a time they would pace
 * themselves by round trips, not by the platform's limit. The ledger's statements are plain SQL
 * of a few ms each (see reminder-queries.ts), so they run as soon as they can, between the calls.
 */
async function deliverOn(deps: ReminderDeps, platform: ReminderPlatform, targets: Target[], report: RunReport): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const lease = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
  const chunks: Target[][] = [];
  for (let i = 0; i < targets.length; ) {
    const n = chunks.length === 0 ? FIRST_CHUNK : CLAIM_CHUNK[platform];
    chunks.push(targets.slice(i, i + n));
    i += n;
  }
  const claim = (chunk: Target[]) => claimDeliveries(deps.db, chunk.map((t) => t.key), deps.instanceId, now(), lease);
  const sends: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  try {
    let claimed = claim(chunks[0]!);
    for (let i = 0; i < chunks.length; i++) {
      const held = await claimed;
      const chunk = chunks[i]!;
      const mine = chunk.filter((t) => held.has(deliveryKey(t.key)));
      report.alreadyDone += chunk.length - mine.length;
      const sent = mine.length ? sendChunk(deps, mine).then((outcomes) => recordOutcomes(deps, mine, outcomes, report, now)) : Promise.resolve();
      sent.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      sends.push(sent);
      if (i + 1 < chunks.length) {
        if (i > 0) await sends[i - 1];
        claimed = claim(chunks[i + 1]!);
      }
    }
  } catch (e) {
    failure = { error: e };
  }
  // Whatever failed (a claim, a record), the sends already under way finish and are recorded.
  for (const r of await Promise.allSettled(sends)) if (r.status === "rejected") failure ??= { error: r.reason };
  if (failure) throw failure.error;
}

/** A chunk's groups (same reply, one sendDirect each), GROUPS_IN_FLIGHT at a time. */
async function sendChunk(deps: ReminderDeps, mine: Target[]): Promise<Map<string, DeliveryOutcome>> {
  const groups = new Map<string, Target[]>();
  for (const t of mine) {
    const group = groups.get(t.group);
    if (group) group.push(t);
    else groups.set(t.group, [t]);
  }
  const outcomes = new Map<string, DeliveryOutcome>();
  await forEachConcurrent([...groups.values()], GROUPS_IN_FLIGHT, async (group) => {
    for (const [userId, o] of await sendGroup(deps, group)) outcomes.set(`${group[0]!.group}\0${userId}`, o);
  });
  return outcomes;
}

async function sendGroup(deps: ReminderDeps, mine: Target[]): Promise<Map<string, DeliveryOutcome>> {
  const platform = mine[0]!.key.platform as ReminderPlatform;
  const sender = deps.senders[platform]!;
  // Each delivery turns "sending" right before its own platform call, not the whole batch up
  // front: a process killed mid-fan-out leaves the ones it never reached "claimed", which the
  // next run takes over and sends, and only the calls really in flight "uncertain".
  const hooks: SendHooks = {
    beforeSend: async (ids) => {
      const wanted = new Set(ids);
      await markSending(deps.db, mine.filter((t) => wanted.has(t.userId)).map((t) => deliveryKey(t.key)));
    },
  };
  try {
    if (mine[0]!.unit === null) {
      const o = await sender.sendGroup(mine[0]!.userId, mine[0]!.reply, hooks);
      return new Map([[mine[0]!.userId, o]]);
    }
    return await sender.sendDirect([...new Set(mine.map((t) => t.userId))], mine[0]!.reply, mine[0]!.form, hooks);
  } catch (e) {
    return new Map(mine.map((t) => [t.userId, { ok: false, permanent: false, error: String((e as Error).message ?? e) }]));
  }
}

async function recordOutcomes(deps: ReminderDeps, mine: Target[], outcomes: Map<string, DeliveryOutcome>, report: RunReport, now: () => Date): Promise<void> {
  const rows: Parameters<typeof markOutcomes>[1] = [];
  for (const t of mine) {
    const o = outcomes.get(`${t.group}\0${t.userId}`) ?? { ok: false as const, permanent: false, error: "no outcome from the sender" };
    rows.push({ key: deliveryKey(t.key), outcome: o.ok ? { ok: true, ...(o.ref ? { ref: o.ref } : {}) } : { ok: false, error: o.error } });
    if (o.ok) report.sent++;
    else {
      report.failed++;
      deps.log?.warn({ delivery: deliveryKey(t.key), error: o.error }, "reminder delivery failed");
    }
  }
  // A few statements per chunk (one per batchSend ref), not one per delivery.
  await markOutcomes(deps.db, rows, now());
}

export type { Period };
