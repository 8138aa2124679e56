import type { ArgType, SqlDriverAdapter, SqlQueryable } from "@prisma/driver-adapter-utils";
import { Prisma } from "../generated/sqlite/client.js";
import type { Db } from "./database.js";
import type { Provider } from "./migrations.js";

/**
 * Plain SQL on the driver adapter Prisma itself runs on (the same connection, see
 * database.ts), without Prisma's raw-query machinery: a statement costs ~60 µs of
 * CPU here against 250–550 µs through `$queryRaw`/`$executeRaw`.
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
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

export interface Sql extends SqlSession {
  provider: Provider;
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
export function tuples(rows: number, tuple: string): string {
  return Array.from({ length: rows }, () => tuple).join(", ");
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

export function createSql(adapter: SqlDriverAdapter, provider: Provider): Sql {
  return {
    provider,
    ...runner(adapter, provider),
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      // As Prisma's own transactions on these adapters (usePhantomQuery: false):
      // BEGIN is sent by startTransaction (SQLite: under the adapter's mutex, which
      // Prisma's transactions take too), COMMIT/ROLLBACK by us, then commit()/rollback()
      // releases the connection (PostgreSQL) or the mutex (SQLite).
      const tx = await adapter.startTransaction();
      let result: T;
      try {
        result = await fn(runner(tx, provider));
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
    transaction: (fn) => db.$transaction((tx) => fn(prismaRunner(tx)), { maxWait: 10_000, timeout: 20_000 }),
  };
}

/** The driver error's kind and text, for a DriverAdapterError thrown by a statement run here. */
export function driverErrorText(e: unknown): string {
  if (!(e instanceof Error) || e.name !== "DriverAdapterError") return "";
  const cause = (e as Error & { cause?: { kind?: string; originalCode?: string; originalMessage?: string; message?: string } }).cause;
  return cause ? `${cause.kind ?? ""} ${cause.originalCode ?? ""} ${cause.originalMessage ?? cause.message ?? ""}` : "";
}
