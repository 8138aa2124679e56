import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import type { PoolConfig } from "pg";

/**
 * Shadow-database handling for the WebAssembly schema engine (drift checks and
 * new migrations only; applying migrations needs no shadow database).
 *
 * Two quirks of these versions are worked around here:
 * - The engine replays each migration on the shadow with `executeRaw(wholeScript)`,
 *   which both drivers refuse for several statements (better-sqlite3: "contains
 *   more than one statement"; pg: "cannot insert multiple commands into a prepared
 *   statement"). On the shadow, a raw call without parameters is run as a script;
 *   the affected-row count it would return is not used there.
 * - @prisma/adapter-pg drops its temporary shadow database before closing the pool
 *   connected to it, so the DROP fails ("being accessed by other users") and the
 *   database is left behind. We create and drop it ourselves, in the right order.
 * - The engine's PostgreSQL describer reads catalog columns of type "char" (OID 18,
 *   e.g. pg_class.relkind), which @prisma/adapter-pg does not map ("Column type
 *   'char' could not be deserialized"). pg already returns them as strings, so the
 *   pool reports them as text.
 */
export function withShadowFixes(
  factory: SqlMigrationAwareDriverAdapterFactory,
  pgConfig?: PoolConfig,
): SqlMigrationAwareDriverAdapterFactory {
  if (pgConfig) factory = pgFactory(pgConfig);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => factory.connect(),
    connectToShadowDb: async () =>
      scriptsAsScripts(pgConfig ? await pgShadow(factory, pgConfig) : await factory.connectToShadowDb()),
  };
}

function scriptsAsScripts(shadow: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = shadow.executeRaw.bind(shadow);
  shadow.executeRaw = async (query) => {
    if (query.args.length > 0) return executeRaw(query);
    await shadow.executeScript(query.sql);
    return 0;
  };
  return shadow;
}

async function pgShadow(factory: SqlMigrationAwareDriverAdapterFactory, config: PoolConfig): Promise<SqlDriverAdapter> {
  const admin = await factory.connect();
  const name = `duban_shadow_${randomUUID().replace(/-/g, "")}`;
  await admin.executeScript(`CREATE DATABASE "${name}"`);
  const shadow = await pgFactory({ ...config, database: name }).connect();
  const dispose = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    await dispose();
    await admin.executeScript(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.dispose();
  };
  return shadow;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

class CharAsTextPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((r: QueryResultLike) => {
        for (const f of r.fields ?? []) if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
        return r;
      }) as never;
    }
    return result as never;
  }
}

function pgFactory(config: PoolConfig): SqlMigrationAwareDriverAdapterFactory {
  return new PrismaPg(new CharAsTextPool(config), { disposeExternalPool: true });
}
