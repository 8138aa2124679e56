import Database from "better-sqlite3";
import { defaultBasis, INDICATOR_KINDS, isFlow, type IndicatorKind } from "../../src/domain/plan/types.js";

/**
 * 200 counties × 60 months (2021–2025) × 84 indicators = 1,008,000 current
 * values, written straight into a migrated SQLite file in one transaction with
 * prepared statements (Prisma would take minutes). Every county holds a share
 * of every indicator, so every value is scored; every county is one of the
 * plan's 责任主体, and the plan's span is its five years.
 *
 * Flows (cumulative, per_year, annual_total) are stored in `basis`: "ytd"
 * (default, as new imports and statistics offices have it: 1—N月累计, a running
 * total restarting each January) or "month" (当月 increments, as data migrated
 * from before the reporting basis). The increments drawn are the same either way.
 */
export const BENCH_UNITS = 200;
export const BENCH_INDICATORS = 84;
export const BENCH_YEARS = { start: 2021, end: 2025 };

export type BenchBasis = "ytd" | "month";

export function seedBenchData(file: string, flowBasis: BenchBasis = "ytd"): { planId: number; values: number } {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const now = new Date().toISOString().replace("Z", "+00:00");
  let values = 0;
  db.transaction(() => {
    const plan = db
      .prepare(`INSERT INTO "Plan" (code, title, startYear, endYear, startPeriod, endPeriod, sourceHash, sourceName, accountable, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, '', 'bench', ?, ?, ?)`)
      .run("bench", "基准方案", BENCH_YEARS.start, BENCH_YEARS.end, BENCH_YEARS.start * 100 + 1, BENCH_YEARS.end * 100 + 12, JSON.stringify(Array.from({ length: BENCH_UNITS }, (_, u) => `基准县${u + 1}`)), now, now);
    const planId = Number(plan.lastInsertRowid);
    const insInd = db.prepare(`INSERT INTO "Indicator" (planId, code, ordinal, name, kind, basis, unit, target, deadline, source) VALUES (?, ?, ?, ?, ?, ?, '个', ?, '2025-12-31', 'bench')`);
    const indicators: { id: number; kind: IndicatorKind }[] = [];
    const flowTarget = (kind: IndicatorKind) => (kind === "cumulative" ? 3000 : 600);
    for (let i = 0; i < BENCH_INDICATORS; i++) {
      const kind = INDICATOR_KINDS[i % INDICATOR_KINDS.length]!;
      const basis = isFlow(kind) ? flowBasis : defaultBasis(kind);
      const r = insInd.run(planId, `B${i + 1}`, i + 1, `基准指标${i + 1}`, kind, basis, isFlow(kind) ? flowTarget(kind) : kind === "stock" ? 2000 : 10);
      indicators.push({ id: Number(r.lastInsertRowid), kind });
    }
    const insUnit = db.prepare(`INSERT INTO "Unit" (name, kind, createdAt) VALUES (?, 'county', ?)`);
    const insShare = db.prepare(`INSERT INTO "IndicatorShare" (indicatorId, unitId, target) VALUES (?, ?, ?)`);
    const insReport = db.prepare(`INSERT INTO "Report" (planId, unitId, period, revision, firstAt, updatedAt) VALUES (?, ?, ?, 1, ?, ?)`);
    const insRev = db.prepare(`INSERT INTO "ReportRevision" (reportId, revision, createdAt, platform, rawInput) VALUES (?, 1, ?, 'cli', 'bench')`);
    const insVal = db.prepare(`INSERT INTO "IndicatorValue" (reportId, revision, indicatorId, unitId, period, value, raw, current) VALUES (?, 1, ?, ?, ?, ?, '', 1)`);
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let u = 0; u < BENCH_UNITS; u++) {
      const unitId = Number(insUnit.run(`基准县${u + 1}`, now).lastInsertRowid);
      for (const ind of indicators) insShare.run(ind.id, unitId, ind.kind === "stock" ? 2000 : isFlow(ind.kind) ? flowTarget(ind.kind) : 10);
      const ytd = new Map<number, number>();
      for (let m = 0; m < 60; m++) {
        const year = BENCH_YEARS.start + Math.floor(m / 12);
        const month = (m % 12) + 1;
        const period = year * 100 + month;
        const at = new Date(Date.UTC(month === 12 ? year + 1 : year, month % 12, 3, 2)).toISOString().replace("Z", "+00:00");
        const reportId = Number(insReport.run(planId, unitId, period, at, at).lastInsertRowid);
        insRev.run(reportId, at);
        for (const ind of indicators) {
          let v = ind.kind === "stock" ? 1000 + m * 15 * (0.5 + rand()) : isFlow(ind.kind) ? 10 * (0.5 + rand()) : 10 * (0.7 + 0.6 * rand());
          if (isFlow(ind.kind) && flowBasis === "ytd") {
            v += month === 1 ? 0 : (ytd.get(ind.id) ?? 0);
            ytd.set(ind.id, v);
          }
          insVal.run(reportId, ind.id, unitId, period, v);
          values++;
        }
      }
    }
    return planId;
  })();
  const planId = Number((db.prepare(`SELECT id FROM "Plan" WHERE code = 'bench'`).get() as { id: number }).id);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  return { planId, values };
}
