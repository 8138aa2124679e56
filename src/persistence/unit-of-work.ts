import type { SqlRunner, SqlValue } from "./sql.js";

/**
 * A unit of work: the statements of one transaction, written once as a generator that
 * yields each statement and receives its result (`const rows = yield* query(…)` reads
 * like `await`). Written this way, one body runs two ways:
 *
 *  - on SQLite, synchronously, on the one connection better-sqlite3 gives the bot. Nothing
 *    else can run between BEGIN and COMMIT, so no other request's statement slips into
 *    the transaction: with an async body, any statement issued at an `await` runs inside
 *    it (the connection is shared and only transactions take the adapter's mutex). And
 *    the units that arrive together commit together (GroupCommit below);
 *  - on PostgreSQL (and through Prisma's raw queries), asynchronously in an ordinary
 *    transaction on a pooled connection.
 *
 * A statement's error is thrown into the generator at its `yield*`, so try/catch works
 * as it would around an `await`.
 */

export interface Statement {
  sql: string;
  args: readonly SqlValue[];
  /** true: the rows are wanted (query); false: the count of changed rows (execute). */
  rows: boolean;
}

/** A unit may run more than once (GroupCommit retries a batch): its body must have no effect beyond its statements. */
export type Work<T> = Generator<Statement, T, unknown>;

export function* query<T>(sql: string, args: readonly SqlValue[] = []): Work<T[]> {
  return (yield { sql, args, rows: true }) as T[];
}

/** The number of rows changed. */
export function* execute(sql: string, args: readonly SqlValue[] = []): Work<number> {
  return (yield { sql, args, rows: false }) as number;
}

/** What runs a statement at once, without a promise (the SQLite fast path). */
export interface SyncRunner {
  querySync<T>(sql: string, args?: readonly SqlValue[]): T[];
  executeSync(sql: string, args?: readonly SqlValue[]): number;
}

export function driveSync<T>(work: Work<T>, run: SyncRunner): T {
  let step = work.next();
  while (!step.done) {
    const s = step.value;
    let result: unknown;
    try {
      result = s.rows ? run.querySync(s.sql, s.args) : run.executeSync(s.sql, s.args);
    } catch (e) {
      step = work.throw(e);
      continue;
    }
    step = work.next(result);
  }
  return step.value;
}

export async function driveAsync<T>(work: Work<T>, run: SqlRunner): Promise<T> {
  let step = work.next();
  while (!step.done) {
    const s = step.value;
    let result: unknown;
    try {
      result = s.rows ? await run.query(s.sql, s.args) : await run.execute(s.sql, s.args);
    } catch (e) {
      step = work.throw(e);
      continue;
    }
    step = work.next(result);
  }
  return step.value;
}

interface Pending {
  work: () => Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The adapter's transaction as sql.ts opens it: BEGIN already run under the adapter's mutex. */
export interface OpenTransaction {
  /** Releases the adapter's mutex (after our COMMIT or ROLLBACK). */
  release(): Promise<void>;
}

/**
 * Group commit for SQLite. A report's transaction costs ~0.35 ms of CPU on its own, much
 * of it in COMMIT writing each changed page (table and index leaves) to the WAL; reports
 * arriving together change the same pages (the tails of the revision, value, audit and
 * inbound tables). So the units of work queued in the same turn of the event loop run in
 * one transaction and commit together. Nobody's promise settles before COMMIT, so nothing
 * is answered that is not stored. The wait is one turn of the event loop (setImmediate).
 *
 * A unit that throws (nothing to correct, a delivery already recorded, a constraint) must
 * not take the others down with it, nor leave half its writes. The batch first runs plain;
 * if any unit throws, it is rolled back whole and run again with a SAVEPOINT per unit, so
 * each failing unit is undone alone and only its caller hears. Failures are rare, and a
 * savepoint per unit costs ~25 µs a report (each page it touches is copied to a sub-journal).
 */
export class GroupCommit {
  readonly #queue: Pending[] = [];
  #scheduled = false;

  constructor(
    private readonly begin: () => Promise<OpenTransaction>,
    private readonly run: SyncRunner & { inTransaction(): boolean },
  ) {}

  submit<T>(work: () => Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    let tx: OpenTransaction;
    try {
      // Waits for the adapter's mutex: a Prisma transaction in progress finishes first.
      tx = await this.begin();
    } catch (e) {
      this.#scheduled = false;
      for (const p of this.#queue.splice(0)) p.reject(e);
      return;
    }
    // Everything queued while we waited joins this batch; later arrivals schedule the next.
    const batch = this.#queue.splice(0);
    this.#scheduled = false;
    let outcomes: Outcome[];
    try {
      // The adapter's BEGIN ran a few microtasks ago, and any statement issued on the shared
      // connection since then (another request's read or autocommit write) ran inside it.
      // Commit that, and open our own transaction: from here to COMMIT all is synchronous.
      this.run.executeSync("COMMIT");
      this.run.executeSync("BEGIN");
      outcomes = this.#runAll(batch, false);
      if (outcomes.some((o) => !o.ok)) {
        this.run.executeSync("ROLLBACK");
        this.run.executeSync("BEGIN");
        outcomes = this.#runAll(batch, true);
      }
      this.run.executeSync("COMMIT");
    } catch (e) {
      // The transaction itself failed (COMMIT, or an error that made SQLite roll it back):
      // nothing of the batch is stored, and every caller hears it.
      if (this.run.inTransaction()) {
        try {
          this.run.executeSync("ROLLBACK");
        } catch {
          // nothing more to undo
        }
      }
      await tx.release();
      for (const p of batch) p.reject(e);
      return;
    }
    await tx.release();
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }

  /** Runs each unit; with savepoints, a failing one is undone alone. Throws if the transaction itself is lost. */
  #runAll(batch: Pending[], savepoints: boolean): Outcome[] {
    const outcomes: Outcome[] = [];
    for (const p of batch) {
      if (savepoints) this.run.executeSync("SAVEPOINT duban_work");
      try {
        const value = driveSync(p.work(), this.run);
        if (savepoints) this.run.executeSync("RELEASE duban_work");
        outcomes.push({ ok: true, value });
      } catch (error) {
        // Some errors (I/O, a full disk) make SQLite roll back the whole transaction.
        if (!this.run.inTransaction()) throw error;
        if (savepoints) {
          this.run.executeSync("ROLLBACK TO duban_work");
          this.run.executeSync("RELEASE duban_work");
        } else {
          return [...outcomes, { ok: false, error }];
        }
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
