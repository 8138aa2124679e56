import type { Bot, Reply, ReportForm } from "../../handlers/types.js";
import { createWorkingCalendar, type WorkingCalendar } from "../domain/calendar/working-calendar.js";
import { periodFromKey, periodKey, type Period } from "../domain/report/types.js";
import { dueDate, dueSteps, type Step, type StepName } from "../domain/schedule/reminder-ladder.js";
import type { ScheduleConfig } from "../domain/schedule/schedule-config.js";
import { periodLabelFromKey } from "../i18n/report-words.js";
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
import { claimDeliveries, liaisonsByUnit, markOutcomes, unitStatuses } from "../persistence/reminder-queries.js";
import { calendarOverrides, getLastRunAt, loadSchedule, setLastRunAt } from "../persistence/schedule-repository.js";
import { chaseNotice, escalationNotice, openingNotice } from "./messages.js";
import type { DeliveryOutcome, ReminderSender, SendHooks } from "./sender.js";

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
  senders: Partial<Record<"slack" | "dingtalk", ReminderSender>>;
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
  platform: "slack" | "dingtalk";
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
    report.planned.push({ period: t.key.period, step: t.key.step as StepName, unit: t.unit, platform: t.key.platform as "slack" | "dingtalk", recipient: t.key.recipient, title: t.reply.title });
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

async function targetsFor(deps: ReminderDeps, step: Step, config: ScheduleConfig, calendar: WorkingCalendar, report: RunReport): Promise<Target[]> {
  const { db, planId } = deps;
  const period = periodKey(step.period);
  const due = dueDate(step.period, config, calendar);
  const units = await owingUnits(db, planId, config);
  const status = await unitStatuses(db, planId, units, period);
  const out: Target[] = [];

  if (step.audience === "taskforce") {
    const missing = status.filter((s) => s.missing > 0 || !s.reported);
    if (step.onlyIfMissing && missing.length === 0) return out;
    const reply = escalationNotice(step.period, due, missing.map((m) => ({ name: m.name, missing: m.missing, owed: m.owed, reported: m.reported })), status.length);
    for (const platform of ["slack", "dingtalk"] as const) {
      const group = config.taskforce[platform];
      if (!group || !deps.senders[platform]) continue;
      out.push({ key: { planId, period, step: step.step, unitId: null, platform, recipient: `group:${group}` }, userId: group, unit: null, reply, group: `tf:${platform}:${period}:${step.step}` });
    }
    if (!out.length) report.noRecipient.push(`${periodLabelFromKey(period, "zh")} ${step.step}: 专班群`);
    return out;
  }

  const liaisons = await liaisonsByUnit(db, status.map((s) => s.unitId));
  for (const s of status) {
    if (step.onlyIfMissing && s.reported && s.missing === 0) continue;
    const reachable = (liaisons.get(s.unitId) ?? []).map((identity) => ({ identity })).filter((b) => deps.senders[b.identity.platform as "slack" | "dingtalk"]);
    if (!reachable.length) {
      report.noRecipient.push(s.name);
      continue;
    }
    const reply =
      step.step === "opening"
        ? openingNotice(s.name, step.period, due, s.owedLines, s.workItems)
        : chaseNotice(step.step, step.period, due);
    for (const b of reachable) {
      const platform = b.identity.platform as "slack" | "dingtalk";
      const bot = deps.bot;
      out.push({
        key: { planId, period, step: step.step, unitId: s.unitId, platform, recipient: `${b.identity.tenant}:${b.identity.userId}` },
        userId: b.identity.userId,
        unit: s.name,
        reply,
        // The opening notice is per unit; later steps say the same to everyone (one batch).
        group: step.step === "opening" ? `${platform}:${period}:opening:${s.unitId}` : `${platform}:${period}:${step.step}`,
        form:
          bot && step.step === "opening"
            ? async (userId) => {
                const f = await bot.openForm({ platform, tenant: b.identity.tenant, userId }, { period: `${step.period.year}-${String(step.period.month).padStart(2, "0")}`, unit: s.name, mode: "report" });
                return "indicators" in f ? f : undefined;
              }
            : undefined,
      });
    }
  }
  return out;
}

/** Units that owe a report under the plan's recipient rules. */
async function owingUnits(db: Db, planId: number, config: ScheduleConfig) {
  const or = [];
  if (config.recipients.leadUnits) or.push({ roles: { some: { role: "lead", workItem: { task: { planId } } } } });
  if (config.recipients.shareholders) or.push({ shares: { some: { indicator: { planId, retiredAt: null } } } });
  if (!or.length) return [];
  return db.unit.findMany({ where: { OR: or, kind: { not: "placeholder" } }, orderBy: { id: "asc" } });
}

async function deliver(deps: ReminderDeps, targets: Target[], report: RunReport) {
  const now = deps.now ?? (() => new Date());
  const lease = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
  const groups = new Map<string, Target[]>();
  for (const t of targets) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
  // Claim and send in chunks: a claim is held only while its chunk (and the one before it) is
  // sent, so it never outlives the lease (2 min) even on a 1,000-unit fan-out: 200 Slack DMs at
  // 10/s take 20 s; 400 DingTalk users are 20 batchSend calls, about a second at 18 QPS.
  const chunks: Target[][] = [];
  /** Whether chunk i continues the group of chunk i − 1. */
  const continues: boolean[] = [];
  for (const group of groups.values()) {
    const chunk = CLAIM_CHUNK[group[0]!.key.platform as "slack" | "dingtalk"];
    for (let i = 0; i < group.length; i += chunk) {
      chunks.push(group.slice(i, i + chunk));
      continues.push(i > 0);
    }
  }
  if (!chunks.length) return;
  // Pipelined one chunk ahead within a group (one fan-out): while chunk k is sent, chunk k+1 is
  // claimed and chunk k−1's outcomes are recorded. The next group is claimed only once this one
  // is sent, so a process killed in a slow fan-out has not claimed the others. That ledger work runs once the sender goes quiet (waiting for the
  // pacer's next window), so it does not hold up the calls of a burst; and at the latest when
  // chunk k is done. The jobs run one at a time, in order.
  const ledger = new LedgerQueue();
  const claims: Promise<Set<string>>[] = [];
  const claim = (i: number) => {
    const batch = chunks[i]!;
    claims[i] = ledger.run(() => claimDeliveries(deps.db, batch.map((t) => t.key), deps.instanceId, now(), lease));
  };
  try {
    claim(0);
    for (let i = 0; i < chunks.length; i++) {
      // This chunk's claim, if the sender never went quiet long enough to start it; the previous
      // chunk's outcomes stay queued for the next quiet moment (or the end).
      if (!claims[i]) claim(i);
      ledger.flush(claims[i]);
      const held = await claims[i]!;
      const batch = chunks[i]!;
      const mine = batch.filter((t) => held.has(deliveryKey(t.key)));
      report.alreadyDone += batch.length - mine.length;
      if (continues[i + 1]) claim(i + 1);
      if (!mine.length) continue;
      const outcomes = await sendChunk(deps, mine, ledger);
      void ledger.run(() => recordOutcomes(deps, mine, outcomes, report, now));
    }
  } finally {
    ledger.flush();
  }
  await ledger.drain();
}

const CLAIM_CHUNK = { slack: 200, dingtalk: 400 } as const;

/**
 * How long the sender must start no call before queued ledger work starts: past a burst's calls
 * and their responses, into the wait for the pacer's next window (DingTalk: 18 calls, then about
 * a second of nothing). A steady pace (Slack, 10/s) never goes quiet that long: its ledger work
 * runs between chunks, as before.
 */
const QUIET_MS = 300;

/** Ledger writes of the pipeline: queued, started on `flush`, run one at a time in order. */
class LedgerQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private queued: { start: () => void; p: Promise<unknown> }[] = [];
  private all: Promise<unknown>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  run<T>(job: () => Promise<T>): Promise<T> {
    let start!: () => void;
    const p = new Promise<T>((resolve, reject) => {
      start = () => {
        const r = this.tail.then(job, job);
        r.then(resolve, reject);
        this.tail = r.catch(() => undefined);
      };
    });
    // Observed by drain() (and by the claim's awaiting loop); never an unhandled rejection.
    p.catch(() => undefined);
    this.queued.push({ start, p });
    this.all.push(p);
    return p;
  }

  /** Starts the queued jobs, all of them or up to and including the one that returned `through`. */
  flush(through?: Promise<unknown>): void {
    if (through && !this.queued.some((j) => j.p === through)) return; // already started
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queued.length) {
      const job = this.queued.shift()!;
      job.start();
      if (job.p === through) break;
    }
    if (this.queued.length) this.timer = setTimeout(() => this.flush(), QUIET_MS);
  }

  /** The sender just made a call: start the queued work once it has been quiet for QUIET_MS. */
  busy(): void {
    if (!this.queued.length) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), QUIET_MS);
  }

  /** Waits for every job; throws the first failure. */
  async drain(): Promise<void> {
    this.flush();
    const all = this.all;
    this.all = [];
    await Promise.all(all);
  }
}

async function sendChunk(deps: ReminderDeps, mine: Target[], ledger: LedgerQueue): Promise<Map<string, DeliveryOutcome>> {
  const platform = mine[0]!.key.platform as "slack" | "dingtalk";
  const sender = deps.senders[platform]!;
  // Each delivery turns "sending" right before its own platform call, not the whole batch up
  // front: a process killed mid-fan-out leaves the ones it never reached "claimed", which the
  // next run takes over and sends, and only the calls really in flight "uncertain".
  const hooks: SendHooks = {
    beforeSend: async (ids) => {
      const wanted = new Set(ids);
      await markSending(deps.db, mine.filter((t) => wanted.has(t.userId)).map((t) => deliveryKey(t.key)));
      ledger.busy();
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
    const o = outcomes.get(t.userId) ?? { ok: false as const, permanent: false, error: "no outcome from the sender" };
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
