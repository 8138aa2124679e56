#!/usr/bin/env node
// Generates the two Prisma clients (SQLite and PostgreSQL) from the one source
// schema, without downloading anything.
//
// Why two clients: a Prisma schema names one provider, and the generated client
// checks that its driver adapter matches it. prisma/schema.prisma (SQLite) is the
// source of truth; prisma/postgresql/schema.prisma is derived from it here.
//
// Why PRISMA_SCHEMA_ENGINE_BINARY: `prisma generate` never runs the schema engine,
// but the CLI checks that the binary exists and would try to download it
// (air-gapped machines cannot). Any existing file satisfies the check.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { derivePostgresSchema } from "./derive-postgres-schema.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "prisma/schema.prisma");
const pgSchema = join(root, "prisma/postgresql/schema.prisma");

const derived = derivePostgresSchema(readFileSync(source, "utf8"));
mkdirSync(dirname(pgSchema), { recursive: true });
if (!existsSync(pgSchema) || readFileSync(pgSchema, "utf8") !== derived) {
  writeFileSync(pgSchema, derived);
  console.log("duban: wrote prisma/postgresql/schema.prisma");
}

const prismaCli = join(root, "node_modules/prisma/build/index.js");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
  PRISMA_GENERATE_NO_HINTS: "1",
};
for (const schema of [source, pgSchema]) {
  const r = spawnSync(process.execPath, [prismaCli, "generate", "--schema", schema], {
    cwd: root,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) {
    console.error(`duban: prisma generate failed for ${schema}`);
    process.exit(r.status ?? 1);
  }
}
