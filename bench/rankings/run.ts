import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../src/persistence/database.js";
import { round } from "../lib/stats.js";
import { seedBenchData, type BenchBasis } from "./seed.js";

/**
 * Issue #5's benchmark: the quarterly county ranking (2025Q4, as of the plan's
 * 60th month, so cumulative sums span every stored month) over 1,008,000
 * stored values, through the service (plan facts and obligations, SQL
 * reductions, conduct, scoring and explanations), as a ratio to one
 * hand-written SQL aggregate over the same rows. Flows are stored year to date
 * (BENCH_BASIS=month: as monthly increments, the data of earlier builds). Each case
 * runs in its own process so peak RSS is per case. A third case, for context
 * only, runs the service's own value statements alone (the SQL it cannot do
 * without): the ranking reads a level or a rate by two index seeks where the
 * baseline aggregates all 60 months, so its SQL is cheaper than the baseline's.
 */
interface CaseResult {
  case: string;
  rows: number;
  medianMs: number;
  minMs: number;
  peakRssMB: number;
  rssBeforeMB: number;
}

function runCase(which: "service" | "sql" | "figures", url: string, planId: number, runs: number): CaseResult {
  const worker = fileURLToPath(new URL("./worker.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--import", "tsx", worker, which, url, String(planId), String(runs)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench worker ${which} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as CaseResult;
}

export async function rankingsBench(opts: { runs?: number; basis?: BenchBasis } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "duban-rank-bench-"));
  const file = join(dir, "bench.db");
  const url = `file:${file}`;
  try {
    const db = await openDatabase(url); // migrates
    await db.close();
    const t0 = performance.now();
    const basis: BenchBasis = opts.basis ?? (process.env.BENCH_BASIS === "month" ? "month" : "ytd");
    const { planId, values } = seedBenchData(file, basis);
    const seedSeconds = (performance.now() - t0) / 1000;
    const runs = opts.runs ?? 5;
    const sql = runCase("sql", url, planId, runs);
    const service = runCase("service", url, planId, runs);
    const figures = runCase("figures", url, planId, runs);
    const rows = [sql, service, figures].map((c) => ({
      case: c.case,
      rows: c.rows,
      medianMs: round(c.medianMs),
      minMs: round(c.minMs),
      peakRssMB: round(c.peakRssMB),
      rssGrowthMB: round(c.peakRssMB - c.rssBeforeMB),
    }));
    return {
      basis,
      values,
      seedSeconds: round(seedSeconds),
      runs,
      rows,
      ratio: {
        time: round(service.medianMs / sql.medianMs, 2),
        peakRss: round(service.peakRssMB / sql.peakRssMB, 2),
        rssGrowth: round((service.peakRssMB - service.rssBeforeMB) / Math.max(1, sql.peakRssMB - sql.rssBeforeMB), 2),
      },
      /** Context: the service against its own value statements. */
      serviceOverFigures: { time: round(service.medianMs / figures.medianMs, 2), peakRss: round(service.peakRssMB / figures.peakRssMB, 2) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
