import type { Bot, Incoming } from "../../handlers/types.js";
import { bind, type Role } from "../../src/persistence/binding-repository.js";
import type { Database } from "../../src/persistence/database.js";
import { findPlan } from "../../src/persistence/plan-repository.js";
import { resolveUnit } from "../../src/persistence/unit-repository.js";
import { createBot } from "../../src/services/bot.js";
import { systemClock } from "../../src/services/clock.js";
import { seedBundledPlan } from "../../src/services/seed-bundled-plan.js";
import { createStore } from "../../src/services/store.js";
import { extendPlan } from "../../src/services/extend-plan.js";
import { createTestDatabase, type TestDatabase } from "./databases.js";
import type { Provider } from "../../src/persistence/migrations.js";

/** 2026-11-10 10:00 in Shanghai: October 2026 is the period open for reporting. */
export const NOW = new Date("2026-11-10T02:00:00Z");

export interface BotFixture {
  tdb: TestDatabase;
  db: Database;
  bot: Bot;
  planId: number;
  bindAs(platform: Incoming["platform"], userId: string, unit: string, role?: Role, tenant?: string): Promise<void>;
  say(userId: string, text: string, extra?: Partial<Incoming>): ReturnType<Bot["handle"]>;
  close(): Promise<void>;
}

/** A real database with the bundled plan, and the real core over it, at a fixed time. */
export async function botFixture(provider: Provider, now: () => Date = () => NOW): Promise<BotFixture> {
  const tdb = await createTestDatabase(provider);
  const db = await tdb.open();
  await seedBundledPlan(db.prisma);
  const plan = (await findPlan(db.prisma))!;
  // The bundled plan ran 2021–2023; these tests work in 2026, so it is extended as an admin would.
  await extendPlan(db.prisma, plan.id, { year: 2026, month: 12 }, { actor: "test", platform: "cli" });
  const store = createStore(db.prisma, { now });
  const bot = createBot({ db: db.prisma, store, clock: systemClock("Asia/Shanghai", now) });
  return {
    tdb,
    db,
    bot,
    planId: plan.id,
    async bindAs(platform, userId, unitName, role = "liaison", tenant = "T1") {
      const unit = await resolveUnit(db.prisma, unitName);
      if (!unit) throw new Error(`no unit ${unitName}`);
      await bind(db.prisma, { platform, tenant, userId }, unit.id, role, "test");
    },
    say: (userId, text, extra = {}) =>
      bot.handle({ platform: "slack", tenant: "T1", userId, text, receivedAt: now(), ...extra }),
    async close() {
      await db.close();
      await tdb.drop();
    },
  };
}
