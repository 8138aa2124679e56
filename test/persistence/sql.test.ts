import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/persistence/database.js";
import { isUniqueViolation } from "../../src/persistence/report-repository.js";
import { execute, query } from "../../src/persistence/unit-of-work.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";

/**
 * `database.sql`, the plain-SQL path the hot repositories use: what it writes must read back
 * through Prisma's model API exactly as Prisma's own writes do, its errors must be recognised
 * by the same checks, and its units of work must commit or roll back as a whole. On SQLite it
 * runs on the adapter's connection with cached statements, so every case runs a statement
 * more than once.
 */
describe.each(PROVIDERS)("sql on %s", (provider) => {
  let t: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    db = await t.open();
  });

  afterAll(async () => {
    await db?.close();
    await t?.drop();
  });

  it("GIVEN dates and booleans written by sql THEN Prisma reads them as it wrote them itself", async () => {
    const at = new Date("2026-11-10T01:02:03.456Z");
    for (const key of ["a", "b"]) {
      await db.sql.execute(`INSERT INTO "InboundEvent" ("key", "receivedAt", "reply") VALUES (?, ?, ?)`, [key, at, null]);
    }
    const viaPrisma = await db.prisma.inboundEvent.findMany({ orderBy: { key: "asc" } });
    expect(viaPrisma.map((r) => [r.key, r.receivedAt.toISOString(), r.reply])).toEqual([
      ["a", at.toISOString(), null],
      ["b", at.toISOString(), null],
    ]);
    const day = `INSERT INTO "CalendarDay" ("date", "workday", "createdAt", "createdBy") VALUES (?, ?, ?, ?)`;
    await db.sql.execute(day, ["2031-01-01", false, at, "test"]);
    await db.sql.execute(day, ["2031-01-04", true, at, "test"]);
    const days = await db.prisma.calendarDay.findMany({ orderBy: { date: "asc" } });
    expect(days.map((d) => [d.date, d.workday, d.createdAt.toISOString()])).toEqual([
      ["2031-01-01", false, at.toISOString()],
      ["2031-01-04", true, at.toISOString()],
    ]);
    await db.sql.execute(`UPDATE "InboundEvent" SET "reply" = ? WHERE "key" = ?`, ["x", "a"]);
    const rows = await db.sql.query<{ key: string; n: number }>(`SELECT "key", LENGTH("reply") AS n FROM "InboundEvent" WHERE "key" = ?`, ["a"]);
    expect(rows).toEqual([{ key: "a", n: 1 }]);
    expect(typeof rows[0]!.n).toBe("number");
  });

  it("GIVEN a duplicate key THEN the error is a unique violation and nothing changes", async () => {
    const insert = `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`;
    await db.sql.execute(insert, ["dup", new Date()]);
    const err = await db.sql.execute(insert, ["dup", new Date()]).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await db.prisma.inboundEvent.count({ where: { key: "dup" } })).toBe(1);
  });

  it("GIVEN a unit of work that throws THEN none of it is kept; one that returns THEN all of it", async () => {
    const insert = `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`;
    await expect(
      db.sql.work(function* () {
        yield* execute(insert, ["t1", new Date()]);
        yield* execute(insert, ["t1", new Date()]);
      }),
    ).rejects.toSatisfy(isUniqueViolation);
    expect(await db.prisma.inboundEvent.count({ where: { key: "t1" } })).toBe(0);
    const n = await db.sql.work(function* () {
      yield* execute(insert, ["t2", new Date()]);
      return yield* execute(insert, ["t3", new Date()]);
    });
    expect(n).toBe(1);
    expect(await db.prisma.inboundEvent.count({ where: { key: { in: ["t2", "t3"] } } })).toBe(2);
  });

  it("GIVEN a statement error caught inside the unit THEN the unit goes on, as try/catch around an await would", async () => {
    const insert = `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`;
    await db.sql.execute(insert, ["c1", new Date()]);
    const outcome = await db.sql.work(function* () {
      try {
        // A duplicate key: on PostgreSQL this aborts the transaction, so the unit only
        // reads the error here and writes nothing after it.
        yield* execute(insert, ["c1", new Date()]);
        return "inserted";
      } catch (e) {
        return isUniqueViolation(e) ? "duplicate" : "other";
      }
    });
    expect(outcome).toBe("duplicate");
  });

  it("GIVEN units of work submitted together, one of them failing THEN the others commit and only the failing one is undone", async () => {
    const insert = `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`;
    const results = await Promise.allSettled(
      ["g1", "g2", "g3"].map((key) =>
        db.sql.work(function* () {
          yield* execute(insert, [`${key}-a`, new Date()]);
          if (key === "g2") throw new Error("no");
          yield* execute(insert, [`${key}-b`, new Date()]);
          return key;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const keys = await db.sql.query<{ key: string }>(`SELECT "key" FROM "InboundEvent" WHERE "key" LIKE 'g%' ORDER BY "key"`);
    expect(keys.map((k) => k.key)).toEqual(["g1-a", "g1-b", "g3-a", "g3-b"]);
  });

  it("GIVEN a Prisma transaction in progress THEN a unit of work waits for it and neither sees nor joins it", async () => {
    const insert = `INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?)`;
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const prismaTx = db.prisma
      .$transaction(async (tx) => {
        await tx.inboundEvent.create({ data: { key: "p-rolled-back", receivedAt: new Date() } });
        inside();
        await new Promise((r) => setTimeout(r, 50));
        throw new Error("roll back");
      })
      .catch(() => "rolled back");
    await entered;
    const unit = db.sql.work(function* () {
      const seen = yield* query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "InboundEvent" WHERE "key" = ?`, ["p-rolled-back"]);
      yield* execute(insert, ["p-unit", new Date()]);
      return Number(seen[0]!.n);
    });
    expect(await prismaTx).toBe("rolled back");
    expect(await unit).toBe(0);
    const keys = await db.sql.query<{ key: string }>(`SELECT "key" FROM "InboundEvent" WHERE "key" LIKE 'p-%'`);
    expect(keys.map((k) => k.key)).toEqual(["p-unit"]);
  });

  it("GIVEN a statement with RETURNING THEN its rows, and it ran", async () => {
    const rows = await db.sql.query<{ key: string }>(`INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (?, ?) RETURNING "key"`, ["r1", new Date()]);
    expect(rows).toEqual([{ key: "r1" }]);
    expect(await db.prisma.inboundEvent.count({ where: { key: "r1" } })).toBe(1);
  });
});
