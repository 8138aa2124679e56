import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

/**
 * Prisma's schema engine compiled to WebAssembly, driven through a driver adapter.
 *
 * Why: the native schema engine (what `prisma migrate` runs) is downloaded from
 * Prisma's host at install time, which air-gapped intranets cannot reach. The
 * WebAssembly build of the same engine ships inside an npm package. Its ESM entry
 * imports the .wasm as a module, which Node 20 cannot, so we instantiate it here.
 */

type Bg = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
export type SchemaEngine = Bg["SchemaEngine"]["prototype"];

let bgPromise: Promise<Bg> | undefined;

async function loadBg(): Promise<Bg> {
  bgPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    // package.json is not exported; locate the .wasm beside the exported glue module.
    const pkgDir = dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bg: Bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(join(pkgDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg as never });
    const exports = instance.exports as { __wbindgen_start(): void };
    bg.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return bg;
  })();
  return bgPromise;
}

/** Runs `fn` with a schema engine connected through `factory`; always frees the engine. */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
  log: (line: string) => void = () => {},
): Promise<T> {
  const bg = await loadBg();
  // engine.free() does not close the connections the engine opened; an open SQLite
  // connection would keep the file locked for the Prisma client that follows.
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
  };
  const track = (a: SqlDriverAdapter) => (opened.push(a), a);
  const engine = await bg.SchemaEngine.new(
    { datamodels: undefined } as never,
    (line: string) => log(line),
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((a) => a.dispose()));
  }
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };
