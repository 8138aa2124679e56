import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../../src/persistence/database.js";
import type { Provider } from "../../src/persistence/migrations.js";

/**
 * Every database test runs on both databases: a fresh SQLite file, and a fresh
 * database on the PostgreSQL server this machine runs (127.0.0.1:5432, user
 * postgres, database test). PostgreSQL being down is a failure, not a skip: CI
 * (.ci/run) starts it.
 */
export const PROVIDERS: Provider[] = ["sqlite", "postgresql"];

export const PG_ADMIN_URL = process.env.DUBAN_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  url: string;
  provider: Provider;
  /** Opens a client (migrating first unless told not to). */
  open(opts?: { migrate?: boolean }): Promise<Database>;
  drop(): Promise<void>;
}

export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "duban-test-"));
    const url = `file:${join(dir, "test.db")}`;
    return {
      url,
      provider,
      open: (opts) => openDatabase(url, { migrate: opts?.migrate ?? true }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `duban_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    provider,
    open: (opts) => openDatabase(url, { migrate: opts?.migrate ?? true }),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
