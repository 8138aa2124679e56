import pino from "pino";
import type { PlatformName } from "../../handlers/types.js";
import { startApp, type App } from "../../src/app.js";
import type { Config } from "../../src/config/load-config.js";
import { bind as bindIdentity, type Role } from "../../src/persistence/binding-repository.js";
import type { Db } from "../../src/persistence/database.js";
import type { Provider } from "../../src/persistence/migrations.js";
import { resolveUnit } from "../../src/persistence/unit-repository.js";
import { systemClock } from "../../src/services/clock.js";
import { extendPlan } from "../../src/services/extend-plan.js";
import { NOW } from "./bot-fixture.js";
import { createTestDatabase, type TestDatabase } from "./databases.js";

/** The tenant each fake platform sends: fake Slack's team id, fake DingTalk's corp id. */
export const DEFAULT_TENANT: Record<PlatformName, string> = { slack: "T1", dingtalk: "dingfakecorp", local: "" };

export interface AppFixtureOptions {
  slack?: Config["slack"];
  dingtalk?: Config["dingtalk"];
  /** The 示例 plan on first start; default off (these tests work on the bundled plan). */
  example?: Config["example"];
  /** The core's clock; default NOW (2026-11-10 in Shanghai: 2026-10 is the open period). */
  now?: () => Date;
}

export interface AppFixture {
  app: App;
  tdb: TestDatabase;
  /** The app's own Prisma client: what is stored is read through it. */
  db: Db;
  /** `http://127.0.0.1:<port>` of the app's one HTTP server. */
  baseUrl: string;
  /** Binds a chat user to a unit (by name or alias), as an admin would. */
  bind(platform: PlatformName, userId: string, unit: string, role?: Role, tenant?: string): Promise<void>;
  /** Stops the app, then drops its database. */
  close(): Promise<void>;
}

// E2E_LOG=debug (or warn) shows what the app logs while debugging a test.
const logger = pino({ level: process.env["E2E_LOG"] ?? "silent" });

/**
 * The whole app in-process, as `npm start` runs it, on a fresh database of `provider` (migrated and
 * seeded with the bundled plan by startApp itself), listening on 127.0.0.1 on a free port, with a
 * fixed clock for the core.
 */
export async function startAppFixture(provider: Provider, opts: AppFixtureOptions = {}): Promise<AppFixture> {
  const tdb = await createTestDatabase(provider);
  const config: Config = {
    database: { url: tdb.url, provider },
    port: 0,
    logLevel: "silent",
    lang: undefined,
    planFile: undefined,
    example: opts.example ?? "off",
    slack: opts.slack,
    dingtalk: opts.dingtalk,
  };
  let app: App;
  try {
    app = await startApp({ config, log: logger, clock: systemClock("Asia/Shanghai", opts.now ?? (() => NOW)), host: "127.0.0.1" });
  } catch (e) {
    await tdb.drop();
    throw e;
  }
  const db = app.database.prisma;
  // The bundled plan ran 2021–2023; these tests work in 2026, so it is extended as an admin would.
  await extendPlan(db, app.planId, { year: 2026, month: 12 }, { actor: "test", platform: "cli" });
  return {
    app,
    tdb,
    db,
    baseUrl: `http://127.0.0.1:${app.http.port}`,
    async bind(platform, userId, unitName, role = "liaison", tenant = DEFAULT_TENANT[platform]) {
      const unit = await resolveUnit(db, unitName);
      if (!unit) throw new Error(`no unit ${unitName}`);
      await bindIdentity(db, { platform, tenant, userId }, unit.id, role, "test");
    },
    async close() {
      try {
        await app.stop();
      } finally {
        await tdb.drop();
      }
    },
  };
}

/** What the database holds, in a few numbers that must not move when nothing is stored. */
export async function tally(f: AppFixture) {
  const [reports, revisions, values, audited] = await Promise.all([
    f.db.report.count(),
    f.db.reportRevision.count(),
    f.db.indicatorValue.count(),
    f.db.auditLog.count({ where: { result: "ok" } }),
  ]);
  return { reports, revisions, values, audited };
}

/** A unit's current values of a period, by indicator code. */
export async function currentValues(f: AppFixture, unitName: string, period: number): Promise<Record<string, number>> {
  const rows = await f.db.indicatorValue.findMany({ where: { current: true, period, report: { unit: { name: unitName } } }, include: { indicator: true } });
  return Object.fromEntries(rows.map((v) => [v.indicator.code, v.value]));
}
