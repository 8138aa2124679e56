import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { NO_FILTERS, withSchemaEngine } from "./schema-engine.js";

/**
 * Migrations in Prisma's standard layout, applied by the WebAssembly schema engine:
 * the same `_prisma_migrations` bookkeeping as `prisma migrate deploy`, so a
 * connected machine running `prisma migrate status` agrees with what we did.
 */

export type Provider = "sqlite" | "postgresql";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function schemaPath(provider: Provider): string {
  return provider === "sqlite"
    ? join(projectRoot, "prisma/schema.prisma")
    : join(projectRoot, "prisma/postgresql/schema.prisma");
}

export function migrationsDir(provider: Provider): string {
  return join(dirname(schemaPath(provider)), "migrations");
}

export async function loadMigrationList(provider: Provider, dir = migrationsDir(provider)) {
  const names = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: { tag: "ok" as const, value: await readFile(join(dir, name, "migration.sql"), "utf8") },
        },
      })),
    ),
  };
}

/**
 * Names of the committed migrations the database has not applied, read from
 * `_prisma_migrations` with a plain query. The schema engine is only started when
 * this is not empty: on SQLite it needs the file to itself (it fails while the bot
 * holds it open), so every CLI command would otherwise fail next to a running bot.
 */
export async function pendingMigrations(factory: SqlMigrationAwareDriverAdapterFactory, provider: Provider): Promise<string[]> {
  const local = (await loadMigrationList(provider)).migrationDirectories.map((d) => d.path);
  const adapter = await factory.connect();
  try {
    const result = await adapter.queryRaw({
      sql: "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
      args: [],
      argTypes: [],
    });
    const applied = new Set(result.rows.map((r) => String(r[0])));
    return local.filter((name) => !applied.has(name));
  } catch {
    return local; // no _prisma_migrations table yet: a new database
  } finally {
    await adapter.dispose();
  }
}

/** Applies pending migrations; returns the names applied (empty when up to date). */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  provider: Provider,
  log?: (line: string) => void,
): Promise<string[]> {
  const migrationsList = await loadMigrationList(provider);
  const out = await withSchemaEngine(
    factory,
    (engine) => engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    log,
  );
  return out.appliedMigrationNames;
}

/**
 * SQL that would bring the committed migrations up to schema.prisma. Empty means
 * they are in step. The engine replays the migrations on a shadow database: pass
 * `migrationAdapterFactory(url)`, whose shadow handling works around driver quirks.
 */
export async function diffMigrationsToSchema(
  factory: SqlMigrationAwareDriverAdapterFactory,
  provider: Provider,
  schema?: string,
): Promise<string> {
  const migrations = await loadMigrationList(provider);
  schema ??= await readFile(schemaPath(provider), "utf8");
  const from =
    migrations.migrationDirectories.length === 0
      ? ({ tag: "empty" } as const)
      : ({ tag: "migrations", ...migrations } as const);
  const result = await withSchemaEngine(factory, (engine) =>
    engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath(provider), content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    } as never),
  );
  return stripComments(result.stdout ?? "");
}

/** The engine says "-- This is an empty migration." when nothing differs. */
function stripComments(sql: string): string {
  return sql
    .split("\n")
    .filter((l) => !l.trim().startsWith("--"))
    .join("\n")
    .trim();
}
