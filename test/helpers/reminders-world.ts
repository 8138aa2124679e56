/**
 * A reminder test world: a fresh database (SQLite file or PostgreSQL database) seeded with the
 * bundled plan, liaisons of a few lead units bound on Slack and DingTalk, the task-force group
 * set through applySetting/saveSchedule, the fake Slack and fake DingTalk, and the real senders
 * pointed at them. `run(at)` is one reminder tick at a chosen instant (the controllable clock):
 * the ladder and the ledger both see `at`.
 */
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { DingTalkOpenApi } from "../../src/adapters/dingtalk/index.js";
import { applySetting, type ScheduleConfig } from "../../src/domain/schedule/schedule-config.js";
import type { Db } from "../../src/persistence/database.js";
import type { Provider } from "../../src/persistence/migrations.js";
import { unitObligation } from "../../src/domain/obligations/obligations.js";
import { periodFromKey } from "../../src/domain/report/types.js";
import { loadPlanFacts } from "../../src/persistence/plan-facts.js";
import { submitRevision } from "../../src/persistence/report-repository.js";
import { loadSchedule, saveSchedule } from "../../src/persistence/schedule-repository.js";
import { resolveUnit } from "../../src/persistence/unit-repository.js";
import { createDingTalkSender, type DingTalkPace } from "../../src/reminders/dingtalk-sender.js";
import { VirtualClock, type Clock } from "../../src/reminders/pacer.js";
import { runReminders, type ReminderDeps, type RunReport } from "../../src/reminders/run-reminders.js";
import type { ReminderSender } from "../../src/reminders/sender.js";
import { createSlackReminderClient, createSlackSender, type SlackPace } from "../../src/reminders/slack-sender.js";
import { startFakeDingTalk, type DingTalkCall, type FakeDingTalk, type FakeDingTalkOptions } from "../fakes/fake-dingtalk.js";
import { startFakeSlack, type FakeSlack, type FakeSlackOptions, type SlackCall } from "../fakes/fake-slack.js";
import { botFixture, type BotFixture } from "./bot-fixture.js";
import { ROOT } from "./paths.js";

export const TZ = "Asia/Shanghai";
export const SLACK_TENANT = "T1";
export const DING_TENANT = "dingfakecorp";
export const TF_SLACK = "C0TASKFORCE";
export const TF_DING = "cidTaskForce01";

/** Who is bound where: lead units of the bundled plan, on one or both platforms. */
export const LIAISONS = [
  { unit: "市经信局", platform: "slack", userId: "U0JXJ" },
  { unit: "市经信局", platform: "dingtalk", userId: "ding_jxj" },
  { unit: "市发改委", platform: "slack", userId: "U0FGW" },
  { unit: "市科技局", platform: "dingtalk", userId: "ding_kjj" },
  { unit: "市商务局", platform: "slack", userId: "U0SWJ" },
] as const;

export const BATCH_SEND = "POST /v1.0/robot/oToMessages/batchSend";
export const GROUP_SEND = "POST /v1.0/robot/groupMessages/send";

/** The SDK logs every 429 it sees: quiet, the throttles here are on purpose. */
export const silentSlackLogger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => "error" as never, setName() {} };

/** One message as the platforms saw it, whoever sent it. */
export interface Received {
  platform: "slack" | "dingtalk";
  /** A user id, or the group id for the task force. */
  to: string;
  title: string;
  text: string;
  /** Real time the fake answered. */
  at: number;
}

export function slackSender(slack: Pick<FakeSlack, "apiUrl">, opts: { clock?: Clock; pace?: SlackPace } = {}): ReminderSender {
  return createSlackSender({
    client: createSlackReminderClient("xoxb-test", { slackApiUrl: slack.apiUrl, logger: silentSlackLogger }),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.pace ? { pace: opts.pace } : {}),
    random: () => 0.5,
  });
}

export function dingtalkSender(ding: Pick<FakeDingTalk, "clientId" | "clientSecret" | "robotCode" | "url">, opts: { clock?: Clock; pace?: DingTalkPace } = {}): ReminderSender {
  const openapi = new DingTalkOpenApi({ clientId: ding.clientId, clientSecret: ding.clientSecret, robotCode: ding.robotCode, baseUrl: ding.url });
  return createDingTalkSender({ openapi, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.pace ? { pace: opts.pace } : {}), random: () => 0.5 });
}

/** Successful deliveries the fakes recorded (chat.postMessage, batchSend, groupMessages/send), one per recipient. */
export function received(slack: FakeSlack, ding: FakeDingTalk): Received[] {
  const out: Received[] = [];
  for (const c of slack.calls as SlackCall[]) {
    if (c.method !== "chat.postMessage" || c.status !== 200) continue;
    const text = String(c.args["text"] ?? "");
    out.push({ platform: "slack", to: String(c.args["channel"]), title: text.split("\n")[0] ?? "", text: `${text}\n${JSON.stringify(c.args["blocks"] ?? "")}`, at: c.at });
  }
  for (const c of ding.calls as DingTalkCall[]) {
    if ((c.api !== BATCH_SEND && c.api !== GROUP_SEND) || c.status !== 200) continue;
    const body = c.body as { userIds?: string[]; openConversationId?: string; msgParam: string };
    const p = JSON.parse(body.msgParam) as { title: string; text: string };
    const to = c.api === BATCH_SEND ? body.userIds! : [body.openConversationId!];
    for (const u of to) out.push({ platform: "dingtalk", to: u, title: p.title, text: p.text, at: c.at });
  }
  return out.sort((a, b) => a.at - b.at);
}

export interface ReminderWorld {
  f: BotFixture;
  db: Db;
  planId: number;
  slack: FakeSlack;
  ding: FakeDingTalk;
  config(): Promise<ScheduleConfig>;
  /** `设置 key value` as an admin would, stored with saveSchedule. */
  set(key: string, value: string): Promise<void>;
  deps(extra?: Partial<ReminderDeps>): ReminderDeps;
  /** One tick at `at`: the ladder, and the ledger's clock, both at `at`. */
  run(at: Date, extra?: Partial<ReminderDeps>): Promise<RunReport>;
  /** The unit submits values for everything it owes for `period` (yyyymm). */
  reportFully(unit: string, period: number): Promise<void>;
  received(): Received[];
  close(): Promise<void>;
}

export async function reminderWorld(
  provider: Provider,
  opts: { slack?: FakeSlackOptions; dingtalk?: FakeDingTalkOptions; senders?: (slack: FakeSlack, ding: FakeDingTalk) => ReminderDeps["senders"]; settings?: [string, string][] } = {},
): Promise<ReminderWorld> {
  const f = await botFixture(provider);
  const slack = await startFakeSlack(opts.slack ?? {});
  const ding = await startFakeDingTalk({ qpsLimit: false, ...opts.dingtalk });
  const db = f.db.prisma;
  for (const l of LIAISONS) await f.bindAs(l.platform, l.userId, l.unit, "liaison", l.platform === "slack" ? SLACK_TENANT : DING_TENANT);
  // Virtual pacing by default: the platform windows are kept in virtual time, so a month of
  // task-force posts to one channel does not wait a real second between ticks.
  const clock = new VirtualClock(Date.parse("2026-10-01T00:00:00Z"));
  const senders = opts.senders?.(slack, ding) ?? { slack: slackSender(slack, { clock }), dingtalk: dingtalkSender(ding, { clock }) };

  const world: ReminderWorld = {
    f,
    db,
    planId: f.planId,
    slack,
    ding,
    config: async () => (await loadSchedule(db, f.planId)).config,
    async set(key, value) {
      const r = applySetting(await world.config(), key, value);
      if (!r.ok) throw new Error(`setting ${key} ${value}: ${JSON.stringify(r.problem)}`);
      await saveSchedule(db, f.planId, r.config, "test");
    },
    deps: (extra = {}) => ({ db, planId: f.planId, timeZone: TZ, senders, bot: f.bot, instanceId: `test@${hostname()}:${process.pid}`, ...extra }),
    run: (at, extra = {}) => runReminders(world.deps({ now: () => at, ...extra }), { at }),
    async reportFully(unitName, period) {
      const unit = (await resolveUnit(db, unitName))!;
      const o = unitObligation((await loadPlanFacts(db, f.planId))!, unit.id, periodFromKey(period));
      await submitRevision(db, {
        planId: f.planId,
        unitId: unit.id,
        period,
        mode: "report",
        identityId: null,
        platform: "test",
        rawInput: "test",
        reason: null,
        narrative: { progress: "按计划推进" },
        values: o.indicators.map((i) => ({ indicatorId: i.id, value: 1, raw: `1${i.unit}` })),
      });
    },
    received: () => received(slack, ding),
    async close() {
      await Promise.allSettled([slack.close(), ding.close()]);
      await f.close();
    },
  };
  await world.set("专班群", `slack ${TF_SLACK}`);
  await world.set("专班群", `钉钉 ${TF_DING}`);
  for (const [k, v] of opts.settings ?? []) await world.set(k, v);
  return world;
}

/** Shanghai wall time → instant: sh("2026-10-08 09:00"). */
export function sh(local: string): Date {
  return new Date(`${local.replace(" ", "T")}:00+08:00`);
}

/** Instant → Shanghai wall time "2026-10-08 09:00". */
export function shLocal(d: Date | number): string {
  const t = new Date(typeof d === "number" ? d : d.getTime());
  return new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** A child "bot process" (reminders-replica.ts) on the world's database and fakes. */
export interface ReplicaProcess {
  ready: Promise<void>;
  go(): void;
  /** The run's report, or the exit signal when killed. */
  done: Promise<{ report?: RunReport; code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

export function spawnReplica(world: ReminderWorld, at: Date, id: string, extraEnv: Record<string, string> = {}): ReplicaProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/reminders-replica.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      REPLICA_DB: world.f.tdb.url,
      REPLICA_PLAN: String(world.planId),
      REPLICA_AT: at.toISOString(),
      REPLICA_ID: id,
      REPLICA_SLACK: world.slack.apiUrl,
      REPLICA_DING: JSON.stringify({ url: world.ding.url, clientId: world.ding.clientId, clientSecret: world.ding.clientSecret, robotCode: world.ding.robotCode }),
      ...extraEnv,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let stderr = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (b: Buffer) => {
    out += b.toString();
    if (out.startsWith("ready\n")) markReady();
  });
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ report?: RunReport; code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      resolve({ ...(line ? { report: JSON.parse(line) as RunReport } : {}), code, signal, stderr });
    }),
  );
  return { ready, go: () => child.stdin.write("go\n"), done, kill: () => child.kill("SIGKILL") };
}
