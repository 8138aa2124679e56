import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A minimal Slack for benchmarks: answers auth.test and chat.* with ok, and
 * records when each response_url (/respond/<n>) receives its answer, which is
 * the end of a request's end-to-end latency. Kept tiny so the sink costs little.
 */
export interface SlackSink {
  url: string;
  arrivals: Map<string, number>;
  /** Resolves when response_url /respond/<id> has been posted (or after timeoutMs). */
  waitFor(id: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackSink(): Promise<SlackSink> {
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      if (path.startsWith("/respond/")) {
        const id = path.slice("/respond/".length);
        arrivals.set(id, performance.now());
        waiters.get(id)?.();
        waiters.delete(id);
      }
      const body = path.endsWith("auth.test")
        ? { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1" }
        : { ok: true, ts: "1.1", channel: "C1" };
      const text = JSON.stringify(body);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    waitFor: (id, timeoutMs = 10_000) =>
      arrivals.has(id)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              waiters.delete(id);
              resolve();
            }, timeoutMs);
            waiters.set(id, () => {
              clearTimeout(timer);
              resolve();
            });
          }),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
