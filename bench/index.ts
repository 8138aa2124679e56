import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { rankingsBench } from "./rankings/run.js";
import { remindersBench } from "./reminders/run.js";
import { slackReportBench } from "./slack-report/run.js";

/**
 * `npm run bench`: every benchmark, as ratios against a baseline measured in the
 * same run (absolute figures drift between machines). BENCH_SECONDS sets the
 * measuring time per case (default 8), BENCH_ONLY a comma list of benches.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const only = process.env.BENCH_ONLY?.split(",");
const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, seconds };

if (!only || only.includes("slack-report")) {
  console.log(`slack-report: signed /report through Bolt's HTTP receiver, ${seconds}s per case in 4 alternating rounds …`);
  const r = await slackReportBench({ durationMs: seconds * 1000, warmupMs: 2000 });
  console.table(r.rows);
  console.table(r.ratios);
  results["slack-report"] = r;
}

if (!only || only.includes("reminders")) {
  console.log("reminders: fan-out through a fake DingTalk enforcing 20 QPS per API (BENCH_FULL=1 for 1,000 per-unit openings) …");
  const r = await remindersBench({ full: process.env.BENCH_FULL === "1" });
  console.table(r);
  results.reminders = r;
}

if (!only || only.includes("rankings")) {
  console.log("rankings: quarterly county ranking over 1,008,000 stored values vs one SQL aggregate (own process per case) …");
  const r = await rankingsBench();
  console.table(r.rows);
  console.log("service / SQL:", r.ratio);
  console.log("service / its own value queries (context):", r.serviceOverFigures);
  results.rankings = r;
}

// With BENCH_ONLY, keep the other benches' last figures instead of dropping them.
const previous: Record<string, unknown> = only && existsSync("bench/results.json") ? (JSON.parse(readFileSync("bench/results.json", "utf8")) as Record<string, unknown>) : {};
writeFileSync("bench/results.json", JSON.stringify({ ...previous, ...results }, null, 2));
console.log("written bench/results.json");
