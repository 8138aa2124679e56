import type { Db } from "../persistence/database.js";

export interface HealthReport {
  status: "ok" | "degraded";
  database: "ok" | "error";
  provider: string;
  plan: { loaded: boolean; code?: string; indicators?: number; workItems?: number };
  platforms: { slack: boolean; dingtalk: boolean; local: boolean };
  uptimeSeconds: number;
}

export interface HealthDeps {
  db: Db;
  provider: string;
  platforms: () => HealthReport["platforms"];
  startedAt: number;
}

/** What GET /healthz answers: is the database reachable, is a plan loaded, what is connected. */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  let database: HealthReport["database"] = "ok";
  let plan: HealthReport["plan"] = { loaded: false };
  try {
    const row = await deps.db.plan.findFirst({
      orderBy: { id: "asc" },
      select: { code: true, _count: { select: { indicators: { where: { retiredAt: null } }, tasks: true } } },
    });
    if (row) {
      const workItems = await deps.db.workItem.count({ where: { task: { plan: { code: row.code } } } });
      plan = { loaded: true, code: row.code, indicators: row._count.indicators, workItems };
    }
  } catch {
    database = "error";
  }
  return {
    status: database === "ok" && plan.loaded ? "ok" : "degraded",
    database,
    provider: deps.provider,
    plan,
    platforms: deps.platforms(),
    uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
  };
}
