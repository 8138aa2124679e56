import { writeFileSync } from "node:fs";
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
  console.log(`slack-report: signed /report through Bolt's HTTP receiver, ${seconds}s per case …`);
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

writeFileSync("bench/results.json", JSON.stringify(results, null, 2));
console.log("written bench/results.json");
