import type { ArgType, SqlDriverAdapter, SqlQueryable } from "@prisma/driver-adapter-utils";
import type BetterSqlite3 from "better-sqlite3";
import { Prisma } from "../generated/sqlite/client.js";
import type { Db } from "./database.js";
import type { Provider } from "./migrations.js";
import { driveAsync, GroupCommit, type SyncRunner, type Work } from "./unit-of-work.js";

/**
 * Plain SQL on the driver adapter Prisma itself runs on (the same connection, see
 * database.ts), without Prisma's raw-query machinery: a statement costs ~60 µs of
 * CPU here against 250–550 µs through `$queryRaw`/`$executeRaw`. On SQLite it goes one
 * step further down, to the adapter's better-sqlite3 connection with its statements
 * prepared once (see sqliteRunner): the adapter prepares every statement on every call,
 * which was the largest single cost of a chat report.
 *
 * SQL is written once with `?` placeholders; for PostgreSQL they are numbered
 * ($1, $2, …). No statement given here may hold a `?` inside a literal.
 * Values are encoded by the adapter exactly as for Prisma's own writes: a Date
 * becomes the ISO text Prisma stores in SQLite ("…+00:00") or a UTC timestamp in
 * PostgreSQL; booleans 1/0 in SQLite. Rows come back as the driver returns them:
 * DateTime columns as ISO strings, integers as numbers.
 */

export type SqlValue = string | number | bigint | boolean | Date | null;

export interface SqlRunner {
  query<T>(sql: string, args?: readonly SqlValue[]): Promise<T[]>;
  /** The number of rows changed. */
  execute(sql: string, args?: readonly SqlValue[]): Promise<number>;
}

export interface SqlSession extends SqlRunner {
  /**
   * Runs a unit of work (unit-of-work.ts) in one transaction: committed if it returns,
   * rolled back if it throws. On SQLite it runs synchronously, grouped with the units
   * queued in the same turn of the event loop.
   */
  work<T>(fn: () => Work<T>): Promise<T>;
}

export interface Sql extends SqlSession {
  provider: Provider;
  /**
   * SQLite only: PRAGMA data_version, which changes when another connection (another
   * process) commits, and not for this connection's own writes. Lets a cache know cheaply
   * that nothing changed behind its back.
   */
  dataVersion?: () => number;
}

const SCALAR = (scalarType: ArgType["scalarType"]): ArgType => ({ scalarType, arity: "scalar" });
const ARG_TYPES = {
  string: SCALAR("string"),
  int: SCALAR("int"),
  float: SCALAR("float"),
  bigint: SCALAR("bigint"),
  boolean: SCALAR("boolean"),
  datetime: SCALAR("datetime"),
  unknown: SCALAR("unknown"),
};

function argType(v: SqlValue): ArgType {
  switch (typeof v) {
    case "string":
      return ARG_TYPES.string;
    case "number":
      return Number.isInteger(v) ? ARG_TYPES.int : ARG_TYPES.float;
    case "bigint":
      return ARG_TYPES.bigint;
    case "boolean":
      return ARG_TYPES.boolean;
    default:
      return v instanceof Date ? ARG_TYPES.datetime : ARG_TYPES.unknown;
  }
}

/** "? … ?" → "$1 … $2" (PostgreSQL), memoised: the statements are a handful of constants. */
const numbered = new Map<string, string>();
export function numberPlaceholders(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < 1000) numbered.set(sql, out);
  }
  return out;
}

/** A multi-row VALUES: the tuple ("(?, ?, TRUE)") repeated, comma-separated. */
const tupleLists = new Map<string, string>();
export function tuples(rows: number, tuple: string): string {
  const key = `${rows}\u0000${tuple}`;
  let out = tupleLists.get(key);
  if (out === undefined) {
    out = Array.from({ length: rows }, () => tuple).join(", ");
    if (tupleLists.size < 1000) tupleLists.set(key, out);
  }
  return out;
}

function runner(q: SqlQueryable, provider: Provider): SqlRunner {
  const text = provider === "postgresql" ? numberPlaceholders : (s: string) => s;
  const toQuery = (sql: string, args: readonly SqlValue[]) => ({ sql: text(sql), args: [...args], argTypes: args.map(argType) });
  return {
    async query<T>(sql: string, args: readonly SqlValue[] = []): Promise<T[]> {
      const rs = await q.queryRaw(toQuery(sql, args));
      const names = rs.columnNames;
      return rs.rows.map((row) => {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) o[names[i]!] = row[i];
        return o as T;
      });
    },
    execute: (sql, args = []) => q.executeRaw(toQuery(sql, args)),
  };
}

const COMMIT = { sql: "COMMIT", args: [], argTypes: [] };
const ROLLBACK = { sql: "ROLLBACK", args: [], argTypes: [] };

// ---- SQLite: the adapter's own connection, statements prepared once ----------------------------

/** The better-sqlite3 handle inside @prisma/adapter-better-sqlite3 7.x (a public field there). */
function sqliteHandle(adapter: SqlDriverAdapter): BetterSqlite3.Database | undefined {
  const client = (adapter as unknown as { client?: unknown }).client;
  return client && typeof (client as BetterSqlite3.Database).prepare === "function" ? (client as BetterSqlite3.Database) : undefined;
}

/**
 * A failed statement on the SQLite fast path, shaped like the adapter's DriverAdapterError
 * (name, cause.kind/originalCode/originalMessage) so that driverErrorText, isUniqueViolation
 * and the busy checks read both alike.
 */
export class SqliteStatementError extends Error {
  override readonly name = "DriverAdapterError";
  constructor(override readonly cause: { kind: string; originalCode: string; originalMessage: string }) {
    super(cause.originalMessage);
  }
}

function sqliteError(e: unknown): unknown {
  const code = (e as { code?: unknown })?.code;
  if (!(e instanceof Error) || typeof code !== "string") return e;
  // The adapter's mapping for the kinds callers look at (conversion.ts in the adapter).
  const kind =
    code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY"
      ? "UniqueConstraintViolation"
      : code.startsWith("SQLITE_BUSY")
        ? "SocketTimeout"
        : code === "SQLITE_CONSTRAINT_FOREIGNKEY"
          ? "ForeignKeyConstraintViolation"
          : code === "SQLITE_CONSTRAINT_NOTNULL"
            ? "NullConstraintViolation"
            : "sqlite";
  return new SqliteStatementError({ kind, originalCode: code, originalMessage: e.message });
}

// A report binds its one timestamp four or five times: its text is made once.
let lastDate: Date | undefined;
let lastTime = NaN;
let lastText = "";

/** Values as the adapter binds them for Prisma's own writes (mapArg): ISO dates with "+00:00", 1/0. */
function sqliteArg(v: SqlValue): unknown {
  if (v instanceof Date) {
    if (v !== lastDate || v.getTime() !== lastTime) {
      lastDate = v;
      lastTime = v.getTime();
      lastText = v.toISOString().replace("Z", "+00:00");
    }
    return lastText;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

/** Prepared statements are few (constants in the repositories); the bound only guards against misuse. */
const STATEMENT_CACHE_LIMIT = 500;

/**
 * Statements run straight on the adapter's better-sqlite3 connection, each prepared once.
 * The same connection, so the same transactions and locks as Prisma's queries (a second
 * connection would block the event loop on busy_timeout, see database.ts). Integers come
 * back as numbers (the adapter's connection defaults to BigInt; its own rows map them back
 * to numbers too), DateTime columns as the ISO text stored.
 */
function sqliteRunner(handle: BetterSqlite3.Database): SqlRunner & SyncRunner {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string): BetterSqlite3.Statement => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = handle.prepare(sql);
      stmt.safeIntegers(false);
      if (cache.size >= STATEMENT_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return stmt;
  };
  const querySync = <T>(sql: string, args: readonly SqlValue[] = []): T[] => {
    try {
      const stmt = prepared(sql);
      const bound = args.map(sqliteArg);
      if (!stmt.reader) {
        stmt.run(...bound);
        return [];
      }
      return stmt.all(...bound) as T[];
    } catch (e) {
      throw sqliteError(e);
    }
  };
  const executeSync = (sql: string, args: readonly SqlValue[] = []): number => {
    try {
      return prepared(sql).run(...args.map(sqliteArg)).changes;
    } catch (e) {
      throw sqliteError(e);
    }
  };
  return {
    querySync,
    executeSync,
    // async: a throw becomes a rejection, as from the adapter.
    query: async <T>(sql: string, args: readonly SqlValue[] = []) => querySync<T>(sql, args),
    execute: async (sql: string, args: readonly SqlValue[] = []) => executeSync(sql, args),
  };
}

export function createSql(adapter: SqlDriverAdapter, provider: Provider): Sql {
  const handle = provider === "sqlite" ? sqliteHandle(adapter) : undefined;
  if (handle) {
    const fast = sqliteRunner(handle);
    const group = new GroupCommit(
      async () => {
        // BEGIN under the adapter's mutex, which Prisma's transactions take too; the
        // adapter's commit() only releases it (COMMIT is ours, usePhantomQuery: false).
        const tx = await adapter.startTransaction();
        return { release: () => tx.commit() };
      },
      { ...fast, inTransaction: () => handle.inTransaction },
    );
    const dataVersion = () => Number(fast.querySync<{ data_version: number }>("PRAGMA data_version")[0]!.data_version);
    return { provider, ...fast, work: (fn) => group.submit(fn), dataVersion };
  }
  const run = runner(adapter, provider);
  return {
    provider,
    ...run,
    async work<T>(fn: () => Work<T>): Promise<T> {
      // As Prisma's own transactions on this adapter: BEGIN is sent by startTransaction,
      // COMMIT/ROLLBACK by us, then commit()/rollback() releases the pooled connection.
      const tx = await adapter.startTransaction();
      let result: T;
      try {
        result = await driveAsync(fn(), runner(tx, provider));
      } catch (e) {
        try {
          await tx.executeRaw(ROLLBACK);
        } catch {
          // the transaction is gone with the error (PostgreSQL aborts it); nothing to undo
        } finally {
          await tx.rollback();
        }
        throw e;
      }
      try {
        await tx.executeRaw(COMMIT);
      } catch (e) {
        await tx.executeRaw(ROLLBACK).catch(() => undefined);
        await tx.rollback();
        throw e;
      }
      await tx.commit();
      return result;
    },
  };
}

/**
 * The Sql of a client opened by openDatabase, keyed by the PrismaClient the
 * repositories receive (so none of their callers change). A client made
 * elsewhere, or a Prisma transaction client, has none: the repositories then use
 * Prisma's raw queries, as before.
 */
const registry = new WeakMap<object, Sql>();

export function registerSql(client: object, sql: Sql): void {
  registry.set(client, sql);
}

export function sqlOf(client: object): Sql | undefined {
  return registry.get(client);
}

/**
 * The same statements through Prisma's raw queries, for a client openDatabase did not
 * make or a Prisma transaction client (the `?` split into a tagged template's parts,
 * so Prisma numbers them for PostgreSQL).
 */
export function prismaRunner(db: Pick<Db, "$queryRaw" | "$executeRaw">): SqlRunner {
  const tagged = (sql: string, args: readonly SqlValue[]) => new Prisma.Sql(sql.split("?"), args);
  return {
    query: <T>(sql: string, args: readonly SqlValue[] = []) => db.$queryRaw<T[]>(tagged(sql, args)),
    execute: (sql, args = []) => db.$executeRaw(tagged(sql, args)),
  };
}

/** `sql` for a client: the driver adapter's when openDatabase made it, else Prisma's raw queries. */
export function sqlFor(db: Db): SqlSession {
  const sql = sqlOf(db);
  if (sql) return sql;
  return {
    ...prismaRunner(db),
    work: (fn) => db.$transaction((tx) => driveAsync(fn(), prismaRunner(tx)), { maxWait: 10_000, timeout: 20_000 }),
  };
}

/** A DateTime column as the driver returns it: ISO text (SQLite, and PostgreSQL through the adapter) or a Date. */
export function asDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

/** A Boolean column as the driver returns it: 1/0 (SQLite) or true/false (PostgreSQL). */
export function asBool(v: unknown): boolean {
  return v === true || Number(v) === 1;
}

/** The driver error's kind and text, for a DriverAdapterError thrown by a statement run here. */
export function driverErrorText(e: unknown): string {
  // The adapter's DriverAdapterError, or our SqliteStatementError shaped like it.
  if (!(e instanceof Error) || e.name !== "DriverAdapterError") return "";
  const cause = (e as Error & { cause?: { kind?: string; originalCode?: string; originalMessage?: string; message?: string } }).cause;
  return cause ? `${cause.kind ?? ""} ${cause.originalCode ?? ""} ${cause.originalMessage ?? cause.message ?? ""}` : "";
}
