import { describe, expect, it } from "vitest";
import { driveSync, execute, GroupCommit, query, type SyncRunner } from "../../src/persistence/unit-of-work.js";

/**
 * The unit-of-work machinery on a recording runner: which statements reach the
 * connection, in what order, and who hears what. The real databases are in sql.test.ts.
 */
function recorder(opts: { failOn?: RegExp; loseTransactionOn?: RegExp; failCommitNo?: number } = {}) {
  const log: string[] = [];
  let open = true;
  let commits = 0;
  const run: SyncRunner & { inTransaction(): boolean } = {
    querySync<T>(sql: string): T[] {
      log.push(sql);
      return [{ sql } as T];
    },
    executeSync(sql: string): number {
      log.push(sql);
      if (opts.loseTransactionOn?.test(sql)) {
        open = false;
        throw new Error("disk I/O error");
      }
      if (opts.failOn?.test(sql)) throw new Error(`failed: ${sql}`);
      if (sql === "COMMIT" && ++commits === opts.failCommitNo) throw new Error("commit failed");
      if (sql === "COMMIT" || sql === "ROLLBACK") open = false;
      if (sql === "BEGIN") open = true;
      return 1;
    },
    inTransaction: () => open,
  };
  let begun = 0;
  let released = 0;
  const group = new GroupCommit(async () => {
    begun++;
    log.push("BEGIN (adapter)");
    open = true;
    return { release: async () => void released++ };
  }, run);
  return { log, group, counts: () => ({ begun, released }) };
}

function* insert(name: string) {
  return yield* execute(`INSERT ${name}`);
}

describe("units of work", () => {
  it("GIVEN a statement error THEN it is thrown at the yield, where the unit may catch it", () => {
    const run: SyncRunner = {
      querySync: <T>() => [] as T[],
      executeSync: (sql) => {
        if (sql === "bad") throw new Error("boom");
        return 7;
      },
    };
    const caught = driveSync(
      (function* () {
        try {
          yield* execute("bad");
          return "no error";
        } catch (e) {
          return `caught ${(e as Error).message}, then ${yield* execute("good")}`;
        }
      })(),
      run,
    );
    expect(caught).toBe("caught boom, then 7");
  });

  it("GIVEN units submitted in one turn THEN one transaction of their own, one COMMIT, and each gets its own result", async () => {
    const { log, group, counts } = recorder();
    const results = await Promise.all(
      ["a", "b", "c"].map((n) =>
        group.submit(function* () {
          const rows = yield* query<{ sql: string }>(`SELECT ${n}`);
          yield* insert(n);
          return rows[0]!.sql;
        }),
      ),
    );
    expect(results).toEqual(["SELECT a", "SELECT b", "SELECT c"]);
    expect(log).toEqual([
      // The adapter's transaction may hold statements other requests issued while we waited: committed first.
      "BEGIN (adapter)",
      "COMMIT",
      "BEGIN",
      ...["a", "b", "c"].flatMap((n) => [`SELECT ${n}`, `INSERT ${n}`]),
      "COMMIT",
    ]);
    expect(counts()).toEqual({ begun: 1, released: 1 });
  });

  it("GIVEN a unit that throws THEN the batch runs again with a savepoint each: only it is undone and only its caller hears", async () => {
    const { log, group } = recorder();
    const runs: string[] = [];
    const results = await Promise.allSettled([
      group.submit(function* () {
        runs.push("a");
        return yield* insert("a");
      }),
      group.submit(function* () {
        yield* insert("b");
        throw new Error("invalid");
      }),
      group.submit(() => insert("c")),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([1, "invalid", 1]);
    expect(log).toEqual([
      "BEGIN (adapter)", "COMMIT", "BEGIN",
      "INSERT a", "INSERT b",
      "ROLLBACK", "BEGIN",
      "SAVEPOINT duban_work", "INSERT a", "RELEASE duban_work",
      "SAVEPOINT duban_work", "INSERT b", "ROLLBACK TO duban_work", "RELEASE duban_work",
      "SAVEPOINT duban_work", "INSERT c", "RELEASE duban_work",
      "COMMIT",
    ]);
    // A unit may run twice: its body must have no effect beyond its statements.
    expect(runs).toEqual(["a", "a"]);
  });

  it("GIVEN an error that ends the whole transaction THEN every unit of the batch hears it, none is answered as stored", async () => {
    const { log, group, counts } = recorder({ loseTransactionOn: /INSERT b/ });
    const results = await Promise.allSettled(["a", "b", "c"].map((n) => group.submit(() => insert(n))));
    expect(results.every((r) => r.status === "rejected" && (r.reason as Error).message === "disk I/O error")).toBe(true);
    expect(log.slice(3)).toEqual(["INSERT a", "INSERT b"]);
    expect(counts().released).toBe(1);
  });

  it("GIVEN COMMIT fails THEN it is rolled back and every unit hears the error", async () => {
    const { log, group, counts } = recorder({ failCommitNo: 2 });
    const results = await Promise.allSettled(["a", "b"].map((n) => group.submit(() => insert(n))));
    expect(results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "stored"))).toEqual(["commit failed", "commit failed"]);
    expect(log.slice(-2)).toEqual(["COMMIT", "ROLLBACK"]);
    expect(counts().released).toBe(1);
  });

  it("GIVEN units submitted after a batch started THEN they commit in the next one", async () => {
    const { log, group, counts } = recorder();
    await group.submit(() => insert("a"));
    await group.submit(() => insert("b"));
    expect(log.filter((l) => l.startsWith("BEGIN (adapter)"))).toHaveLength(2);
    expect(counts()).toEqual({ begun: 2, released: 2 });
  });
});
