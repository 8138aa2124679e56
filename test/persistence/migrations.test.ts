import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationAdapterFactory } from "../../src/persistence/database.js";
import { diffMigrationsToSchema, migrationsDir, schemaPath } from "../../src/persistence/migrations.js";
// @ts-expect-error -- plain ESM helper shared with the install script, no types
import { derivePostgresSchema } from "../../scripts/derive-postgres-schema.mjs";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";

const migrationNames = (provider: "sqlite" | "postgresql") =>
  readdirSync(migrationsDir(provider), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

describe("schema sources", () => {
  it("GIVEN prisma/schema.prisma THEN the PostgreSQL schema is exactly its derivation", () => {
    const derived = (derivePostgresSchema as (s: string) => string)(readFileSync(schemaPath("sqlite"), "utf8"));
    expect(readFileSync(schemaPath("postgresql"), "utf8")).toBe(derived);
  });

  it("GIVEN both migrations folders THEN they hold the same migrations, in Prisma's layout", () => {
    expect(migrationNames("sqlite")).toEqual(migrationNames("postgresql"));
    for (const p of PROVIDERS) {
      expect(readFileSync(join(migrationsDir(p), "migration_lock.toml"), "utf8")).toContain(`provider = "${p}"`);
      for (const m of migrationNames(p)) expect(m).toMatch(/^\d{14}_[a-z0-9_]+$/);
    }
  });
});

describe.each(PROVIDERS)("migrations on %s", (provider) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
  });
  afterAll(async () => tdb.drop());

  it("GIVEN the committed migrations THEN they are in step with schema.prisma (no drift)", async () => {
    expect(await diffMigrationsToSchema(migrationAdapterFactory(tdb.url), provider)).toBe("");
  });

  it("GIVEN an empty database WHEN migrated twice THEN all apply once and are recorded in _prisma_migrations", async () => {
    const { applyMigrations } = await import("../../src/persistence/migrations.js");
    const first = await applyMigrations(migrationAdapterFactory(tdb.url), provider);
    expect(first).toEqual(migrationNames(provider));
    const second = await applyMigrations(migrationAdapterFactory(tdb.url), provider);
    expect(second).toEqual([]);

    const db = await tdb.open({ migrate: false });
    try {
      const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; finished: unknown; rolled_back_at: unknown }[]>(
        `SELECT migration_name, finished_at AS finished, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(migrationNames(provider));
      for (const r of rows) {
        expect(r.finished).not.toBeNull();
        expect(r.rolled_back_at).toBeNull();
      }
      // The schema is usable: one write and read through the generated client.
      await db.prisma.unit.create({ data: { name: "市经信局", kind: "department" } });
      expect(await db.prisma.unit.count()).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("GIVEN a schema with a field no migration adds THEN the drift check reports the SQL", async () => {
    const changed = readFileSync(schemaPath(provider), "utf8").replace(
      "model Unit {\n",
      "model Unit {\n  driftProbe String?\n",
    );
    expect(changed).toContain("driftProbe");
    const sql = await diffMigrationsToSchema(migrationAdapterFactory(tdb.url), provider, changed);
    expect(sql).toMatch(/driftProbe/);
  });

  it("GIVEN a migrated database THEN a drift check against it still finds nothing", async () => {
    expect(await diffMigrationsToSchema(migrationAdapterFactory(tdb.url), provider)).toBe("");
  });
});
