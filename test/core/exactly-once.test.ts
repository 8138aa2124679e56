import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../handlers/ports.js";
import type { Reply } from "../../handlers/types.js";
import type { Database } from "../../src/persistence/database.js";
import { createBot } from "../../src/services/bot.js";
import { systemClock } from "../../src/services/clock.js";
import { createStore } from "../../src/services/store.js";
import { botFixture, NOW, type BotFixture } from "../helpers/bot-fixture.js";
import { PROVIDERS } from "../helpers/databases.js";

/**
 * Exactly once per delivery key, now that a report records its answer in its own
 * transaction (one commit per report) and other answers are recorded once given:
 * retries, deliveries racing in one process and in two replicas, and a transaction
 * that fails half-way.
 */
describe.each(PROVIDERS)("exactly once on %s", (provider) => {
  let f: BotFixture;
  let second: Database;
  const revisions = () => f.db.prisma.reportRevision.count();
  const clock = systemClock("Asia/Shanghai", () => NOW);
  const botOn = (db: Database, store: Store = createStore(db.prisma)) => createBot({ db: db.prisma, store, clock });
  let seq = 0;
  const key = () => `slack:trigger:once-${++seq}`;
  // November: before its due date a resubmission may change the figure (after it, 修改 with a reason).
  const report = (eventKey: string, n = 7) => ({ platform: "slack" as const, tenant: "T1", userId: "U_JXJ", text: `上报 2026年11月 新增工业机器人 ${n}台`, eventKey, receivedAt: NOW });

  beforeAll(async () => {
    f = await botFixture(provider);
    await f.bindAs("slack", "U_JXJ", "市经信局");
    // Another replica: its own connection (its own pool on PostgreSQL) to the same database.
    second = await f.tdb.open({ migrate: false });
  });
  afterAll(async () => {
    await second?.close();
    await f.close();
  });

  it("GIVEN the same report delivered twice at once to one process THEN one revision; the second is told it is being handled", async () => {
    const before = await revisions();
    const k = key();
    const [a, b] = await Promise.all([f.bot.handle(report(k)), f.bot.handle(report(k))]);
    expect(a.status, a.title).toBe("ok");
    expect(b).toMatchObject({ status: "info", duplicate: true });
    expect(await revisions()).toBe(before + 1);
    // Once handled, a retry gets the recorded answer.
    expect(await f.bot.handle(report(k))).toMatchObject({ status: "ok", title: a.title, duplicate: true });
    expect(await revisions()).toBe(before + 1);
  });

  it("GIVEN the same report delivered at once to two replicas THEN one revision, and both answer with the one recorded", async () => {
    const before = await revisions();
    const k = key();
    // Both get past their check for a recorded answer before either stores: the race itself.
    let arrived = 0;
    let release!: () => void;
    const bothThere = new Promise<void>((r) => (release = r));
    const atBarrier = (db: Database): Store => {
      const base = createStore(db.prisma);
      return {
        ...base,
        submit: async (req, answer) => {
          if (++arrived === 2) release();
          await bothThere;
          return base.submit(req, answer);
        },
      };
    };
    const [a, b] = await Promise.all([botOn(f.db, atBarrier(f.db)).handle(report(k)), botOn(second, atBarrier(second)).handle(report(k))]);
    expect(await revisions()).toBe(before + 1);
    expect([a.status, b.status]).toEqual(["ok", "ok"]);
    expect(b.title).toBe(a.title);
    expect([a.duplicate, b.duplicate].filter(Boolean)).toHaveLength(1);
    const recorded = await f.db.prisma.inboundEvent.findUniqueOrThrow({ where: { key: k } });
    expect((JSON.parse(recorded.reply!) as Reply).title).toBe(a.title);
  });

  it("GIVEN the report's transaction fails after its writes THEN neither the report nor the answer is kept, and the retry stores it once", async () => {
    const base = createStore(f.db.prisma);
    let fail = true;
    // The answer is built inside the transaction: failing there is a failure after every write.
    const store: Store = {
      ...base,
      submit: (req, answer) =>
        base.submit(req, answer && ((o) => {
          if (fail) throw new Error("crash inside the transaction");
          return answer(o);
        })),
    };
    const bot = botOn(f.db, store);
    const before = await revisions();
    const audits = await f.db.prisma.auditLog.count();
    const k = key();
    expect((await bot.handle(report(k, 8))).status).toBe("error");
    expect(await revisions()).toBe(before);
    expect(await f.db.prisma.auditLog.count()).toBe(audits);
    expect(await f.db.prisma.inboundEvent.count({ where: { key: k } })).toBe(0);
    fail = false;
    const retry = await bot.handle(report(k, 8));
    expect(retry.status, retry.title).toBe("ok");
    expect(retry.duplicate).toBeUndefined();
    expect(await revisions()).toBe(before + 1);
    expect((await bot.handle(report(k, 8))).duplicate).toBe(true);
    expect(await revisions()).toBe(before + 1);
  });

  it("GIVEN a query retried THEN the recorded answer comes back; a rejected report is not recorded, so its corrected retry is checked afresh", async () => {
    const k = key();
    const first = await f.say("U_JXJ", "查询", { eventKey: k });
    expect(first.status).toBe("info");
    expect(await f.say("U_JXJ", "查询", { eventKey: k })).toMatchObject({ title: first.title, duplicate: true });

    const k2 = key();
    expect((await f.say("U_JXJ", "上报 新增工业机器人 abc", { eventKey: k2 })).status).toBe("error");
    expect(await f.db.prisma.inboundEvent.count({ where: { key: k2 } })).toBe(0);
    const fixed = await f.say("U_JXJ", "上报 2026年11月 新增工业机器人 9台", { eventKey: k2 });
    expect(fixed.status, fixed.title).toBe("ok");
  });
});
