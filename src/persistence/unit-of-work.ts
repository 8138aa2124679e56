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
 * Group commit for SQLite. A report's transaction costs ~0.35 ms of CPU, most of it in
 * COMMIT writing each changed page (table and index leaves) to the WAL; reports arriving
 * together change the same pages (the tails of the revision, value, audit and inbound
 * tables). So units of work queued in the same turn of the event loop run in one
 * transaction, each inside its own SAVEPOINT: a unit that throws is rolled back to its
 * savepoint alone and its caller gets the error; the others commit together. Nobody's
 * promise settles before COMMIT, so nothing is answered that is not stored. The wait is
 * one turn of the event loop (setImmediate), well under a millisecond.
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
    // Everything queued while we waited joins this transaction; later arrivals schedule the next.
    const batch = this.#queue.splice(0);
    this.#scheduled = false;
    const done: { p: Pending; ok: boolean; value: unknown }[] = [];
    let lost: unknown;
    for (const p of batch) {
      this.run.executeSync("SAVEPOINT duban_work");
      try {
        const value = driveSync(p.work(), this.run);
        this.run.executeSync("RELEASE duban_work");
        done.push({ p, ok: true, value });
      } catch (e) {
        if (!this.run.inTransaction()) {
          // Some errors (I/O, a full disk) make SQLite roll back the whole transaction:
          // the units before this one are gone too.
          lost = e;
          done.push({ p, ok: false, value: e });
          for (const rest of batch.slice(done.length)) done.push({ p: rest, ok: false, value: e });
          break;
        }
        this.run.executeSync("ROLLBACK TO duban_work");
        this.run.executeSync("RELEASE duban_work");
        done.push({ p, ok: false, value: e });
      }
    }
    try {
      if (lost !== undefined) throw lost;
      this.run.executeSync("COMMIT");
    } catch (e) {
      if (this.run.inTransaction()) {
        try {
          this.run.executeSync("ROLLBACK");
        } catch {
          // nothing more to undo
        }
      }
      await tx.release();
      for (const d of done) d.p.reject(d.ok ? e : d.value);
      return;
    }
    await tx.release();
    for (const d of done) (d.ok ? d.p.resolve : d.p.reject)(d.value);
  }
}
