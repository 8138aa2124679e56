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
    execArgv: ["--import", "tsx", ...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/benchprof"] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = new Promise<Ready>((resolve, reject) => {
    child.once("message", (m) => resolve(m as Ready));
    child.once("exit", (code) => reject(new Error(`${mode} server exited ${code}`)));
  });
  return { child, ready };
}

function stats(child: ChildProcess): Promise<{ rssMb: number; maxRssMb: number; cpuMs: number }> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as { rssMb: number; maxRssMb: number; cpuMs: number }));
    child.send({ type: "stats" });
  });
}

function mark(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("message", () => resolve());
    child.send({ type: "mark" });
  });
}

export async function slackReportBench(opts: { durationMs: number; warmupMs: number }) {
  const rows: Record<string, unknown>[] = [];
  for (const connections of [1, 20]) {
    for (const mode of ["bare", "answer", "duban"] as const) {
      const sink = await startSlackSink();
      const { child, ready } = startServer(mode, sink.url, connections);
      const { port, texts } = await ready;
      const body = (id: string, conn: number) =>
        new URLSearchParams({
          token: "x",
          team_id: "T1",
          team_domain: "bench",
          channel_id: "C1",
          channel_name: "bench",
          user_id: texts[conn % texts.length]!.userId,
          user_name: "liaison",
          command: "/report",
          text: texts[conn % texts.length]!.text,
          api_app_id: "A1",
          is_enterprise_install: "false",
          response_url: `${sink.url}/respond/${id}`,
          trigger_id: `trig-${id}`,
        }).toString();
      const url = `http://127.0.0.1:${port}/slack/events`;
      // Duban: each connection is a liaison who waits for the bot's answer before the
      // next submission; bare Bolt has no answer, so its connections wait for the ack.
      const answers = mode !== "bare";
      const waitForAnswer = answers ? (id: string) => sink.waitFor(id) : undefined;
      await runLoad({ url, secret: SECRET, connections, durationMs: opts.warmupMs, body: (id, c) => body(`w${id}`, c), waitForAnswer: waitForAnswer && ((id) => sink.waitFor(`w${id}`)) });
      await new Promise((r) => setTimeout(r, 300)); // let warm-up answers drain
      sink.arrivals.clear();
      await mark(child);
      const load = await runLoad({ url, secret: SECRET, connections, durationMs: opts.durationMs, body, waitForAnswer });
      await new Promise((r) => setTimeout(r, 500)); // answers posted after the last ack
      const e2e: number[] = [];
      let answered = 0;
      for (const [id, t0] of load.sentAt) {
        const t1 = sink.arrivals.get(id);
        if (t1 !== undefined) {
          e2e.push(t1 - t0);
          answered++;
        }
      }
      const s = await stats(child);
      child.kill(process.env.BENCH_PROF ? "SIGINT" : "SIGKILL");
      await sink.close();
      const ack = summarise(load.ackMs);
      const end = summarise(e2e);
      rows.push({
        server: LABEL[mode],
        connections,
        // Duban: answered submissions per second (stored and answered); bare: acks per second.
        "req/s": round((answers ? answered : load.completed) / (load.elapsedMs / 1000), 0),
        "ack p50 ms": round(ack.p50, 2),
        "ack p99 ms": round(ack.p99, 2),
        "e2e p50 ms": answers ? round(end.p50, 2) : "-",
        "e2e p99 ms": answers ? round(end.p99, 2) : "-",
        answered: answers ? `${answered}/${load.completed}` : "-",
        errors: load.errors,
        // Server CPU per measured request (answered for Duban): the cost that bounds throughput
        // when the machine's cores, not the event loop, are the limit.
        "CPU ms/req": round(s.cpuMs / Math.max(1, answers ? answered : load.completed), 3),
        "RSS MB": round(s.rssMb, 0),
        "peak RSS MB": round(s.maxRssMb, 0),
      });
    }
  }
  const get = (mode: Mode, c: number) => rows.find((r) => r.server === LABEL[mode] && r.connections === c)!;
  const ratios = [1, 20].map((c) => {
    const bare = get("bare", c);
    const answer = get("answer", c);
    const duban = get("duban", c);
    return {
      connections: c,
      "throughput vs bare": round(Number(duban["req/s"]) / Number(bare["req/s"]), 2),
      // Context: against a Bolt app that also answers at response_url (the answer's own cost).
      "throughput vs bare+answer": round(Number(duban["req/s"]) / Number(answer["req/s"]), 2),
      "ack p99 vs bare": round(Number(duban["ack p99 ms"]) / Number(bare["ack p99 ms"]), 2),
      "CPU/req vs bare": round(Number(duban["CPU ms/req"]) / Number(bare["CPU ms/req"]), 2),
      "RSS vs bare": round(Number(duban["RSS MB"]) / Number(bare["RSS MB"]), 2),
    };
  });
  return { rows, ratios };
}
