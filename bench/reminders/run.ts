import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DingTalkOpenApi } from "../../src/adapters/dingtalk/index.js";
import { createWorkingCalendar } from "../../src/domain/calendar/working-calendar.js";
import { ladderFor } from "../../src/domain/schedule/reminder-ladder.js";
import { DEFAULT_SCHEDULE } from "../../src/domain/schedule/schedule-config.js";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { findPlan } from "../../src/persistence/plan-repository.js";
import { createDingTalkSender } from "../../src/reminders/dingtalk-sender.js";
import { minimumFanOutMs } from "../../src/reminders/pacer.js";
import { runReminders } from "../../src/reminders/run-reminders.js";
import { seedBundledPlan } from "../../src/services/seed-bundled-plan.js";
import { extendPlan } from "../../src/services/extend-plan.js";
import { startFakeDingTalk } from "../../test/fakes/fake-dingtalk.js";
import { round } from "../lib/stats.js";

/**
 * Issue #4's benchmark: reminders to many units through a fake DingTalk that
 * enforces the real limits (20 QPS per API → HTTP 403), as a ratio to the minimum
 * those limits allow. Two steps: a chase reminder (the same text to everyone:
 * batchSend carries 20 users per call) and the opening notice (different for
 * each unit: one call per unit). The runner, the ledger and the fake share this
 * process, so peak RSS is an upper bound for the runner.
 */

// October 2026: its window (November) opens on the 2nd and is due on the 5th, so every step exists.
const PERIOD = { year: 2026, month: 10 };

async function seedUnits(db: Database, n: number) {
  const p = db.prisma;
  await seedBundledPlan(p);
  const plan = (await findPlan(p))!;
  const group = await p.taskGroup.create({ data: { planId: plan.id, code: "bench", ordinal: 99, title: "bench", kind: "key_tasks" } });
  const task = await p.task.create({ data: { planId: plan.id, groupId: group.id, code: "B1", ordinal: 99, title: "bench" } });
  for (let i = 0; i < n; i += 200) {
    const names = Array.from({ length: Math.min(200, n - i) }, (_, k) => `基准单位${i + k}`);
    await p.unit.createMany({ data: names.map((name) => ({ name, kind: "department" })) });
    const units = await p.unit.findMany({ where: { name: { in: names } } });
    for (const u of units) {
      const wi = await p.workItem.create({ data: { taskId: task.id, ref: `B1#${u.id}`, seq: u.id, text: "bench", clause: "" } });
      await p.workItemUnit.create({ data: { workItemId: wi.id, unitId: u.id, role: "lead", position: 0 } });
      const identity = await p.chatIdentity.create({ data: { platform: "dingtalk", tenant: "corp", userId: `staff${u.id}` } });
      await p.binding.create({ data: { identityId: identity.id, unitId: u.id, role: "liaison", createdBy: "bench" } });
    }
  }
  // The bundled plan ran 2021–2023: extended through 2026, as an admin would, so October 2026 is chased.
  await extendPlan(p, plan.id, { year: 2026, month: 12 }, { actor: "bench", platform: "cli" });
  return plan.id;
}

async function totalChanges(db: Database): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ n: bigint | number }[]>("SELECT total_changes() AS n");
  return Number(rows[0]!.n);
}

type Step = "before_due" | "due_day" | "opening";

/**
 * One database and one fake DingTalk with `units` units, then a reminder run per entry of `runs`,
 * one after the other in this process with the same sender (a row each).
 */
async function oneCase(units: number, runs: { label: string; step: Step }[]) {
  const dir = mkdtempSync(join(tmpdir(), "duban-remind-bench-"));
  const db = await openDatabase(`file:${join(dir, "b.db")}`);
  const fake = await startFakeDingTalk({ qpsLimit: 20 });
  try {
    const planId = await seedUnits(db, units);
    // Only the bench units owe the report: the bundled plan's own units have no liaisons bound.
    const openapi = new DingTalkOpenApi({ clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, baseUrl: fake.url });
    const sender = createDingTalkSender({ openapi });
    const calendar = createWorkingCalendar();
    const rows = [];
    for (const { label, step } of runs) {
      const s = ladderFor(PERIOD, DEFAULT_SCHEDULE, calendar, "Asia/Shanghai").find((x) => x.step === step)!;
      const before = await totalChanges(db);
      const seen = fake.calls.length;
      const wall0 = Date.now();
      const t0 = performance.now();
      const report = await runReminders(
        { db: db.prisma, planId, timeZone: "Asia/Shanghai", senders: { dingtalk: sender }, instanceId: "bench" },
        { at: s.at, ignoreLastRun: true },
      );
      const ms = performance.now() - t0;
      const writes = (await totalChanges(db)) - before;
      const delivered = report.sent;
      const minimum = minimumFanOutMs("dingtalk", delivered, { perApi: { limit: 20, windowMs: 1000 }, mode: "markdown", ...(step === "opening" ? { batchSize: 1 } : {}) });
      const mine = fake.calls.slice(seen);
      const sends = mine.filter((c) => c.api.includes("batchSend"));
      rows.push({
        case: label,
        units,
        delivered,
        failed: report.failed,
        "batchSend calls": sends.length,
        "403s": mine.filter((c) => c.status === 403).length,
        "time s": round(ms / 1000, 2),
        "minimum s": round(minimum / 1000, 2),
        "time / minimum": minimum > 0 ? round(ms / minimum, 2) : "-",
        // Where the time beyond the minimum goes: before the first call was answered (setup, the
        // access token, a cold first burst), the windows' round trips, and after the last answer.
        "first answer ms": sends.length ? sends[0]!.at - wall0 : "-",
        "last answer ms": sends.length ? sends[sends.length - 1]!.at - wall0 : "-",
        "deliveries/s": round(delivered / (ms / 1000), 0),
        "rows written / delivery": round(writes / Math.max(1, delivered), 2),
        "peak RSS MB": round(process.resourceUsage().maxRSS / 1024, 0),
      });
    }
    return rows;
  } finally {
    await fake.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function remindersBench(opts: { full: boolean }) {
  return [
    // The first run in a fresh process, as `remind run` from the CLI: its first calls pay for
    // the HTTP client's start, the access token and new connections. The second chase (the
    // next step, to the same units) runs as in the bot, whose client is warm: for comparison.
    ...(await oneCase(1000, [
      { label: "DingTalk chase (same text, batched)", step: "before_due" },
      { label: "  again, warm client (as in the bot)", step: "due_day" },
    ])),
    ...(await oneCase(opts.full ? 1000 : 200, [{ label: "DingTalk opening (per-unit text)", step: "opening" }])),
  ];
}
