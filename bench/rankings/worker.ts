import { openDatabase } from "../../src/persistence/database.js";
import { rankingFigures } from "../../src/persistence/ranking-repository.js";
import { computeQuarter } from "../../src/services/rankings.js";

/**
 * One measured case in its own process, so its peak RSS is its own:
 *   argv: <case: service|sql|figures> <database url> <planId> <runs>
 * Prints one JSON line: median and min time, peak RSS, RSS before the first run.
 */
const [which, url, planIdText, runsText] = process.argv.slice(2);
const planId = Number(planIdText);
const runs = Number(runsText ?? 5);
const db = await openDatabase(url!, { migrate: false });

// The baseline: one hand-written aggregate per unit × indicator over the same rows the ranking reads.
const BASELINE = `SELECT "unitId", "indicatorId", SUM("value") AS s, MAX("value") AS mx, MAX("period") AS p, COUNT(*) AS n
  FROM "IndicatorValue" WHERE "current" = true AND "period" >= 202101 AND "period" <= 202512
  GROUP BY "indicatorId", "unitId"`;

async function once(): Promise<number> {
  // The baseline runs on the fastest path we have (database.sql: the driver, statements prepared
  // once), not Prisma's raw queries, whose row decoding would flatter the service.
  if (which === "sql") return (await db.sql.query(BASELINE)).length;
  // Context, not the aim's baseline: the service's own value statements alone (per-kind sums and
  // first/latest seeks), so the table shows what the service adds to the SQL it runs.
  if (which === "figures") {
    const index = await rankingFigures(db.prisma, planId, "county", { from: 202101, to: 202512, yearStart: 202501 });
    let pairs = 0; // unit × indicator, as the baseline's rows
    for (const byIndicator of index.values()) pairs += byIndicator.size;
    return pairs;
  }
  const r = await computeQuarter(db.prisma, planId, "2025Q4", "county");
  return r.ranked.length + r.unranked.length;
}

const rssBefore = process.memoryUsage().rss;
const rows = await once(); // warm-up: statement caches, page cache, JIT
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  await once();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
await db.close();
process.stdout.write(
  JSON.stringify({ case: which, rows, medianMs: times[Math.floor(times.length / 2)], minMs: times[0], peakRssMB: process.resourceUsage().maxRSS / 1024, rssBeforeMB: rssBefore / 2 ** 20 }) + "\n",
);
