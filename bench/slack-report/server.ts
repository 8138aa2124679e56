/**
 * The system under test, in its own process so its RSS is its own:
 *   bare   – a Bolt app (HTTPReceiver) whose /report handler only acks;
 *   answer – the same, then POSTs a fixed answer to response_url (what any bot that answers pays);
 *   duban – the whole Duban app (startApp) on a fresh SQLite file, Slack in HTTP mode.
 * Talks to the bench runner over IPC: "ready" with the port and the request
 * texts to send, then "stats" on demand.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bolt from "@slack/bolt";
import pino from "pino";
import { createResponder } from "../../src/adapters/slack/response-url.js";
import { startApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/load-config.js";
import { bind } from "../../src/persistence/binding-repository.js";
import { unitObligation } from "../../src/domain/obligations/obligations.js";
import { loadPlanFacts } from "../../src/persistence/plan-facts.js";
import { extendPlan } from "../../src/services/extend-plan.js";

const [mode, secret, sinkUrl, connectionsArg] = process.argv.slice(2) as [string, string, string, string];
const connections = Number(connectionsArg);
const send = (m: unknown) => process.send!(m);

/** bare: ack only. answer: ack, then the answer POSTed to response_url as Duban does (no core). */
async function bare(answer: boolean) {
  const receiver = new bolt.HTTPReceiver({ signingSecret: secret, endpoints: "/slack/events" });
  const app = new bolt.App({
    token: "xoxb-bench",
    receiver,
    botId: "BBOT",
    botUserId: "UBOT",
    convoStore: false,
    clientOptions: { slackApiUrl: `${sinkUrl}/api/` },
    logLevel: bolt.LogLevel.ERROR,
  });
  const respond = createResponder();
  app.command("/report", async ({ ack, command }) => {
    await ack();
    if (answer) await respond(command.response_url, { response_type: "ephemeral", text: "已收到 / Received" });
  });
  const server = (await app.start({ port: 0, host: "127.0.0.1" })) as import("node:http").Server;
  const port = (server.address() as import("node:net").AddressInfo).port;
  return { port, texts: Array.from({ length: connections }, () => ({ userId: "U0", text: "新增工业机器人 1台" })) };
}

async function duban() {
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-"));
  const config = loadConfig({
    DATABASE_URL: `file:${join(dir, "bench.db")}`,
    PORT: "0",
    LOG_LEVEL: "silent",
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: `${sinkUrl}/api/`,
  });
  const app = await startApp({ config, log: pino({ level: "silent" }), host: "127.0.0.1" });
  // One liaison per connection, each of a different lead unit, reporting a
  // count indicator that unit owes (any positive figure is plausible).
  const db = app.database.prisma;
  // The bundled plan ran 2021–2023: extended through this year, as an admin would, so today's month is reportable.
  const year = new Date().getUTCFullYear();
  await extendPlan(db, app.planId, { year: year + 1, month: 12 }, { actor: "bench", platform: "cli" });
  const facts = (await loadPlanFacts(db, app.planId))!;
  const month = { year, month: new Date().getUTCMonth() + 1 };
  const units = await db.unit.findMany({ where: { roles: { some: { role: "lead" } } }, orderBy: { id: "asc" } });
  const texts: { userId: string; text: string }[] = [];
  for (const unit of units) {
    if (texts.length >= connections) break;
    const owed = unitObligation(facts, unit.id, month);
    const ind = owed.indicators.find((i) => (i.kind === "cumulative" || i.kind === "per_year") && i.via === "lead" && ["家", "项", "个", "台"].includes(i.unit));
    if (!ind) continue;
    const userId = `U${texts.length}`;
    await bind(db, { platform: "slack", tenant: "", userId }, unit.id, "liaison", "bench");
    texts.push({ userId, text: `${ind.name} 3${ind.unit}` });
  }
  while (texts.length < connections) texts.push(texts[texts.length % Math.max(1, texts.length)]!);
  return { port: app.http.port, texts };
}

const ready = mode === "duban" ? await duban() : await bare(mode === "answer");
send({ type: "ready", ...ready });
// CPU time is counted from "mark" (after warm-up) to "stats": what the measured requests cost.
// With BENCH_PROF, the same window is profiled (start-up and warm-up left out) into
// /tmp/benchprof/<mode>-<connections>.cpuprofile.
let cpuFrom = process.cpuUsage();
let eluFrom = performance.eventLoopUtilization();
const profiler = process.env.BENCH_PROF ? new Session() : undefined;
profiler?.connect();
process.on("message", (m: { type: string }) => {
  if (m.type === "mark") {
    cpuFrom = process.cpuUsage();
    eluFrom = performance.eventLoopUtilization();
    void (async () => {
      if (profiler) {
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
      }
      send({ type: "marked" });
    })();
  }
  if (m.type === "stats") {
    const cpu = process.cpuUsage(cpuFrom);
    const elu = performance.eventLoopUtilization(eluFrom).utilization;
    const bs = (globalThis as unknown as { __b?: number[] }).__b; if (bs) { const h: Record<number, number> = {}; for (const b of bs) h[b] = (h[b] ?? 0) + 1; console.error("batches", connections, JSON.stringify(h)); (globalThis as unknown as { __b: number[] }).__b = []; }
    void (async () => {
      if (profiler) {
        const { profile } = await profiler.post("Profiler.stop");
        mkdirSync("/tmp/benchprof", { recursive: true });
        writeFileSync(`/tmp/benchprof/${mode}-${connections}.cpuprofile`, JSON.stringify(profile));
      }
      send({ type: "stats", rssMb: process.memoryUsage().rss / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (cpu.user + cpu.system) / 1000, elu });
    })();
  }
});
