// The PostgreSQL schema is the SQLite one with two lines changed. Kept in its own
// module so the drift test can call the same function the generator uses.
const HEADER =
  "// GENERATED from ../schema.prisma by scripts/generate-clients.mjs: do not edit.\n";

/** @param {string} sqliteSchema */
export function derivePostgresSchema(sqliteSchema) {
  const out = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output(\s*)=(\s*)"\.\.\/src\/generated\/sqlite"/, 'output$1=$2"../../src/generated/postgresql"');
  if (out === sqliteSchema) throw new Error("prisma/schema.prisma: provider or output line not found");
  return HEADER + out;
}
