import { fork, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runLoad } from "../lib/load.js";
import { startSlackSink } from "../lib/slack-sink.js";
import { round, summarise } from "../lib/stats.js";

/**
 * Issue #3's benchmark: signed /report submissions through the Bolt HTTP receiver
 * to a stored report and a posted answer, beside a bare Bolt app that only acks,
 * at 1 and 20 connections, in the same run. Figures are ratios; absolute numbers
 * drift between machines.
 */
const here = dirname(fileURLToPath(import.meta.url));
const SECRET = "bench-signing-secret-0123456789ab";

interface Ready {
  type: "ready";
  port: number;
  texts: { userId: string; text: string }[];
}

type Mode = "bare" | "answer" | "duban";
const LABEL: Record<Mode, string> = {
  bare: "bare Bolt (ack only)",
  answer: "bare Bolt + answer to response_url",
  duban: "Duban /report → stored + answered",
};

function startServer(mode: Mode, sinkUrl: string, connections: number) {
  const child = fork(join(here, "server.ts"), [mode, SECRET, sinkUrl, String(connections)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = new Promise<Ready>((resolve, reject) => {
    child.once("message", (m) => resolve(m as Ready));
    child.once("exit", (code) => reject(new Error(`${mode} server exited ${code}`)));
  });
  return { child, ready };
}

function stats(child: ChildProcess): Promise<{ rssMb: number; maxRssMb: number; cpuMs: number; elu: number }> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as { rssMb: number; maxRssMb: number; cpuMs: number; elu: number }));
    child.send({ type: "stats" });
  });
}

function mark(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("message", () => resolve());
    child.send({ type: "mark" });
  });
}

interface Running {
  mode: Mode;
  child: ChildProcess;
  sink: Awaited<ReturnType<typeof startSlackSink>>;
  url: string;
  texts: Ready["texts"];
}

interface Segment {
  answered: number;
  completed: number;
  errors: number;
  elapsedMs: number;
  ackMs: number[];
  e2eMs: number[];
  cpuMs: number;
  clientCpuMs: number;
  /** The server's event-loop utilisation: how busy its one JavaScript thread was. */
  elu: number;
  rssMb: number;
  maxRssMb: number;
}

/** One measured segment of one server: `prefix` keeps every trigger_id unique across segments. */
async function measure(r: Running, connections: number, durationMs: number, prefix: string): Promise<Segment> {
  const answers = r.mode !== "bare";
  const body = (id: string, conn: number) =>
    new URLSearchParams({
      token: "x",
      team_id: "T1",
      team_domain: "bench",
      channel_id: "C1",
      channel_name: "bench",
      user_id: r.texts[conn % r.texts.length]!.userId,
      user_name: "liaison",
      command: "/report",
      text: r.texts[conn % r.texts.length]!.text,
      api_app_id: "A1",
      is_enterprise_install: "false",
      response_url: `${r.sink.url}/respond/${prefix}${id}`,
      trigger_id: `trig-${prefix}${id}`,
    }).toString();
  // Duban: each connection is a liaison who waits for the bot's answer before the
  // next submission; bare Bolt has no answer, so its connections wait for the ack.
  const waitForAnswer = answers ? (id: string) => r.sink.waitFor(`${prefix}${id}`) : undefined;
  r.sink.arrivals.clear();
  await mark(r.child);
  const clientCpu = process.cpuUsage();
  const load = await runLoad({ url: r.url, secret: SECRET, connections, durationMs, body, waitForAnswer });
  const client = process.cpuUsage(clientCpu);
  await new Promise((res) => setTimeout(res, 300)); // answers posted after the last ack
  const s = await stats(r.child);
  const e2eMs: number[] = [];
  for (const [id, t0] of load.sentAt) {
    const t1 = r.sink.arrivals.get(`${prefix}${id}`);
    if (t1 !== undefined) e2eMs.push(t1 - t0);
  }
  return {
    answered: e2eMs.length,
    completed: load.completed,
    errors: load.errors,
    elapsedMs: load.elapsedMs,
    ackMs: load.ackMs,
    e2eMs,
    cpuMs: s.cpuMs,
    elu: s.elu,
    clientCpuMs: (client.user + client.system) / 1000,
    rssMb: s.rssMb,
    maxRssMb: s.maxRssMb,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The three servers run side by side and are measured in alternating segments (round 1:
 * bare, answer, Duban; round 2 in another order; …), so that drift in this shared
 * machine's speed over a minute falls on all three alike. Each round gives a ratio; the
 * table shows the median and the lowest.
 */
export async function slackReportBench(opts: { durationMs: number; warmupMs: number; rounds?: number }) {
  const rounds = opts.rounds ?? 4;
  const modes = ["bare", "answer", "duban"] as const;
  const rows: Record<string, unknown>[] = [];
  const ratios: Record<string, unknown>[] = [];
  for (const connections of [1, 20]) {
    const running: Running[] = [];
    for (const mode of modes) {
      const sink = await startSlackSink();
      const { child, ready } = startServer(mode, sink.url, connections);
      const { port, texts } = await ready;
      const r: Running = { mode, child, sink, url: `http://127.0.0.1:${port}/slack/events`, texts };
      running.push(r);
      await measure(r, connections, opts.warmupMs, "w-");
    }
    const segments = new Map<Mode, Segment[]>(modes.map((m) => [m, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no server always runs first or last in a round.
      const order = modes.map((_, i) => running[(i + round) % running.length]!);
      for (const r of order) segments.get(r.mode)!.push(await measure(r, connections, opts.durationMs / rounds, `r${round}-`));
    }
    for (const r of running) {
      r.child.kill("SIGKILL");
      await r.sink.close();
    }
    const rate = (m: Mode, seg: Segment) => (m === "bare" ? seg.completed : seg.answered) / (seg.elapsedMs / 1000);
    for (const mode of modes) {
      const segs = segments.get(mode)!;
      const answers = mode !== "bare";
      const ack = summarise(segs.flatMap((x) => x.ackMs));
      const end = summarise(segs.flatMap((x) => x.e2eMs));
      const sum = (f: (x: Segment) => number) => segs.reduce((a, x) => a + f(x), 0);
      const served = answers ? sum((x) => x.answered) : sum((x) => x.completed);
      rows.push({
        server: LABEL[mode],
        connections,
        // Duban: answered submissions per second (stored and answered); bare: acks per second.
        "req/s": round(served / (sum((x) => x.elapsedMs) / 1000), 0),
        "ack p50 ms": round(ack.p50, 2),
        "ack p99 ms": round(ack.p99, 2),
        "e2e p50 ms": answers ? round(end.p50, 2) : "-",
        "e2e p99 ms": answers ? round(end.p99, 2) : "-",
        answered: answers ? `${sum((x) => x.answered)}/${sum((x) => x.completed)}` : "-",
        errors: sum((x) => x.errors),
        // Server CPU per measured request (answered for Duban): the cost that bounds throughput
        // when the machine's cores, not the event loop, are the limit.
        "CPU ms/req": round(sum((x) => x.cpuMs) / Math.max(1, served), 3),
        // The load generator and response_url sink share this 2-core machine with the server.
        // How busy the server's event loop was: near 1, its one thread is the limit.
        "loop busy": round(sum((x) => x.elu * x.elapsedMs) / sum((x) => x.elapsedMs), 2),
        "client CPU ms/req": round(sum((x) => x.clientCpuMs) / Math.max(1, sum((x) => x.completed)), 3),
        "RSS MB": round(segs[segs.length - 1]!.rssMb, 0),
        "peak RSS MB": round(Math.max(...segs.map((x) => x.maxRssMb)), 0),
      });
    }
    const per = (m: Mode) => segments.get(m)!.map((x) => rate(m, x));
    const vsBare = per("duban").map((d, i) => d / per("bare")[i]!);
    const vsAnswer = per("duban").map((d, i) => d / per("answer")[i]!);
    const get = (mode: Mode) => rows.find((r) => r.server === LABEL[mode] && r.connections === connections)!;
    ratios.push({
      connections,
      "throughput vs bare (median of rounds)": round(median(vsBare), 2),
      "lowest round": round(Math.min(...vsBare), 2),
      rounds: vsBare.map((x) => round(x, 2)).join(" "),
      // Context: against a Bolt app that also answers at response_url (the answer's own cost).
      "vs bare+answer (median)": round(median(vsAnswer), 2),
      "ack p99 vs bare": round(Number(get("duban")["ack p99 ms"]) / Number(get("bare")["ack p99 ms"]), 2),
      "CPU/req vs bare": round(Number(get("duban")["CPU ms/req"]) / Number(get("bare")["CPU ms/req"]), 2),
      "RSS vs bare": round(Number(get("duban")["RSS MB"]) / Number(get("bare")["RSS MB"]), 2),
    });
  }
  return { rows, ratios };
}
