import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.js";

/**
 * The bot's SQLite connection leaves WAL checkpoints to a worker thread: the WAL must
 * still be carried into the database file and started over, and a CLI command (no
 * worker) keeps SQLite's own checkpoints.
 */
describe("background WAL checkpoints (SQLite)", () => {
  let t: TestDatabase;
  let bot: Database;
  let cli: Database;

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    // The worker's own timer is set far off: the test asks for each checkpoint itself.
    bot = await openDatabase(t.url, { backgroundCheckpoints: { intervalMs: 60_000 } });
    cli = await t.open({ migrate: false });
  });
  afterAll(async () => {
    await cli?.close();
    await bot?.close();
    await t?.drop();
  });

  const pragma = async (db: Database, p: string) => Object.values((await db.sql.query<Record<string, number>>(`PRAGMA ${p}`))[0]!)[0];

  it("GIVEN the bot's connection THEN it does not checkpoint itself; a CLI connection still does", async () => {
    expect(bot.checkpointer).toBeDefined();
    expect(await pragma(bot, "wal_autocheckpoint")).toBe(0);
    expect(cli.checkpointer).toBeUndefined();
    expect(await pragma(cli, "wal_autocheckpoint")).toBe(1000);
  });

  it("GIVEN more commits than SQLite's own threshold THEN the worker carries the whole WAL into the file, and the next write starts it over", async () => {
    const insert = `INSERT INTO "InboundEvent" ("key", "receivedAt", "reply") VALUES (?, ?, ?)`;
    for (let i = 0; i < 1500; i++) await bot.sql.execute(insert, [`ck-${i}`, new Date(), "x".repeat(200)]);
    const before = await bot.checkpointer!.checkpointNow();
    // Nothing checkpointed it before the worker did: 1,500 commits are well over 1,000 pages.
    expect(before.log).toBeGreaterThan(1000);
    expect(before.checkpointed).toBe(before.log);
    await bot.sql.execute(insert, ["ck-after", new Date(), null]);
    const after = await bot.checkpointer!.checkpointNow();
    expect(after.log).toBeLessThan(10);
    expect(await cli.prisma.inboundEvent.count({ where: { key: { startsWith: "ck-" } } })).toBe(1501);
  });
});
