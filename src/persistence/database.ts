import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client.js";
import { PrismaClient as PostgresClient } from "../generated/postgresql/client.js";
import { applyMigrations, pendingMigrations, type Provider } from "./migrations.js";
import { withShadowFixes } from "./shadow-database.js";
import { createSql, registerSql, type Sql } from "./sql.js";
import { startCheckpointer, type Checkpointer } from "./sqlite-checkpointer.js";

/**
 * Both generated clients expose the same model API (they come from one schema);
 * the repositories are written against this one type.
 */
export type Db = SqliteClient;

export interface Database {
  prisma: Db;
  provider: Provider;
  url: string;
  /** The adapter factory, for the schema engine (migrations, drift checks). */
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Plain SQL on the connection (SQLite) or pool (PostgreSQL) Prisma uses: the hot path. */
  sql: Sql;
  /** SQLite with backgroundCheckpoints: the worker that checkpoints the WAL. */
  checkpointer?: Checkpointer;
  close(): Promise<void>;
}

export function providerOf(url: string): Provider {
  return url.startsWith("file:") ? "sqlite" : "postgresql";
}

/** Resolves "file:./data/x.db" against the working directory and creates its folder. */
export function sqliteFilePath(url: string): string {
  const raw = url.slice("file:".length);
  if (raw === ":memory:") return raw;
  const path = isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

export function adapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  if (providerOf(url) === "sqlite") {
    // timeout: wait for a writer lock instead of failing at once (several CLI
    // processes and the bot may share the file).
    return new PrismaBetterSqlite3({ url: sqliteFilePath(url), timeout: 10_000 });
  }
  return new PrismaPg(pgPoolConfig(url));
}

/**
 * A URL taken apart into pg's fields. Why not `connectionString`: the adapter's
 * shadow database (used by drift checks) overrides `database`, which pg ignores
 * when a connection string is given, so the "shadow" would be the real database.
 */
export function pgPoolConfig(url: string) {
  const u = new URL(url);
  const sslmode = u.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(u.hostname) || "localhost",
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined,
    ssl: sslmode && sslmode !== "disable" ? { rejectUnauthorized: sslmode === "verify-full" } : undefined,
    max: 10,
  };
}

/** The factory the schema engine gets: the same connection, plus a working shadow database. */
export function migrationAdapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  return providerOf(url) === "sqlite"
    ? withShadowFixes(adapterFactory(url))
    : withShadowFixes(adapterFactory(url), pgPoolConfig(url));
}

export interface OpenOptions {
  /** Apply pending migrations first (the bot and the CLI do; drift tests don't). */
  migrate?: boolean;
  /**
   * SQLite: checkpoint the WAL in a worker thread instead of on this connection
   * (sqlite-checkpointer.ts). For the long-running bot; a CLI command keeps SQLite's own.
   */
  backgroundCheckpoints?: boolean | { intervalMs: number };
  /** Where a failing background checkpoint is reported. */
  onCheckpointError?: (message: string) => void;
  log?: (line: string) => void;
}

export async function openDatabase(url: string, opts: OpenOptions = {}): Promise<Database> {
  const provider = providerOf(url);
  const factory = adapterFactory(url);
  if ((opts.migrate ?? true) && (await pendingMigrations(adapterFactory(url), provider)).length) {
    const applied = await applyMigrations(migrationAdapterFactory(url), provider);
    if (applied.length) opts.log?.(`applied migrations: ${applied.join(", ")}`);
  }
  // One connected adapter, shared by Prisma and `sql`. For SQLite it must be the same
  // connection: a second one would block the event loop on busy_timeout whenever a
  // Prisma transaction holds the write lock, and both sides' transactions take the
  // adapter's mutex. For PostgreSQL both draw on one pool.
  const adapter = await factory.connect();
  let handedToPrisma = false;
  const shared: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => {
      handedToPrisma = true;
      return Promise.resolve(adapter);
    },
  };
  const prisma =
    provider === "sqlite"
      ? new SqliteClient({ adapter: shared as never })
      : (new PostgresClient({ adapter: shared as never }) as unknown as Db);
  const sql = createSql(adapter, provider);
  registerSql(prisma, sql);
  if (provider === "sqlite") {
    // WAL lets readers (healthz, CLI) run while the bot writes. synchronous=NORMAL is
    // SQLite's recommended pairing with WAL: a commit survives a crash of the bot
    // (what "a restart loses nothing" needs); only a power cut can lose the last
    // commits. It saves an fsync per transaction, the largest cost of a report.
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  }
  let checkpointer: Checkpointer | undefined;
  if (provider === "sqlite" && opts.backgroundCheckpoints) {
    const intervalMs = typeof opts.backgroundCheckpoints === "object" ? opts.backgroundCheckpoints.intervalMs : undefined;
    checkpointer = await startCheckpointer(sqliteFilePath(url), {
      intervalMs,
      onError: opts.onCheckpointError,
      onGone: () => {
        opts.onCheckpointError?.("checkpoint worker exited; the connection checkpoints again");
        void prisma.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 1000").catch(() => undefined);
      },
    });
    // Only once the worker runs: the WAL must never be left without a checkpointer.
    await prisma.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
  }
  return {
    prisma,
    provider,
    url,
    factory,
    sql,
    checkpointer,
    close: async () => {
      await checkpointer?.stop();
      // Prisma disposes the adapter it was given; one it never asked for is ours to close.
      await prisma.$disconnect();
      if (!handedToPrisma) await adapter.dispose();
    },
  };
}
