/**
 * Child-process entry: one "bot process" for the replica and crash tests. Opens its own database
 * connection and its own senders to the fakes, prints "ready", waits for "go" on stdin, runs
 * runReminders once at REPLICA_AT and prints its report as JSON. Real clocks: the pacing and the
 * lease are real here.
 *   REPLICA_DB      database URL              REPLICA_PLAN     plan id
 *   REPLICA_AT      ISO instant of the tick   REPLICA_ID       instance id for the ledger
 *   REPLICA_SLACK   fake Slack apiUrl         REPLICA_DING     JSON {url, clientId, clientSecret, robotCode}
 *   REPLICA_SLACK_PACE_MS  optional: Slack global pace, one message per this many ms (slow fan-out)
 */
import { createInterface } from "node:readline";
import { openDatabase } from "../../src/persistence/database.js";
import { runReminders } from "../../src/reminders/run-reminders.js";
import { dingtalkSender, slackSender, TZ } from "./reminders-world.js";

const env = process.env;
const db = await openDatabase(env["REPLICA_DB"]!, { migrate: false });
const paceMs = Number(env["REPLICA_SLACK_PACE_MS"] ?? 0);
const senders = {
  slack: slackSender({ apiUrl: env["REPLICA_SLACK"]! }, paceMs ? { pace: { global: { limit: 1, windowMs: paceMs } } } : {}),
  dingtalk: dingtalkSender(JSON.parse(env["REPLICA_DING"]!) as { url: string; clientId: string; clientSecret: string; robotCode: string }),
};
const deps = { db: db.prisma, planId: Number(env["REPLICA_PLAN"]), timeZone: TZ, senders, instanceId: env["REPLICA_ID"]! };
// Warm up with a dry run (it writes nothing): the first queries load the engine and the modules,
// which takes seconds on a busy machine; "go" should start both runs together.
await runReminders(deps, { at: new Date(env["REPLICA_AT"]!), dryRun: true });
process.stdout.write("ready\n");
const rl = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => rl.once("line", () => resolve()));
rl.close();
const T = Date.now();
const report = await runReminders(deps, { at: new Date(env["REPLICA_AT"]!) });
process.stdout.write(`${JSON.stringify(report)}\n`);
process.stderr.write(`run ${Date.now() - T} ms\n`);
await db.close();
