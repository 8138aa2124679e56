import { createHmac } from "node:crypto";
import { Agent, request } from "node:http";

/**
 * A closed-loop load generator: `connections` keep-alive connections, each
 * sending its next request as soon as the previous one is answered, for
 * `durationMs`. Every request is signed like Slack signs it, with a unique
 * trigger_id and response_url so the system under test never sees a duplicate.
 */
export interface LoadResult {
  completed: number;
  errors: number;
  statusCounts: Record<number, number>;
  elapsedMs: number;
  /** send → HTTP response (the ack). */
  ackMs: number[];
  /** request id → send time, for end-to-end latency against the sink's arrivals. */
  sentAt: Map<string, number>;
}

export interface LoadOptions {
  url: string;
  secret: string;
  connections: number;
  durationMs: number;
  /** Builds the form body for request `id` sent on connection `conn`. */
  body: (id: string, conn: number) => string;
  /**
   * When set, a connection sends its next request only once this resolves for the
   * previous one (the answer was posted): a liaison waits for the bot's answer.
   */
  waitForAnswer?: (id: string) => Promise<void>;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const target = new URL(o.url);
  const result: LoadResult = { completed: 0, errors: 0, statusCounts: {}, elapsedMs: 0, ackMs: [], sentAt: new Map() };
  const start = performance.now();
  const deadline = start + o.durationMs;
  let seq = 0;

  const one = (conn: number) =>
    new Promise<string>((resolve) => {
      const id = `${conn}-${seq++}`;
      const body = o.body(id, conn);
      const ts = Math.floor(Date.now() / 1000);
      const sig = `v0=${createHmac("sha256", o.secret).update(`v0:${ts}:${body}`).digest("hex")}`;
      const t0 = performance.now();
      result.sentAt.set(id, t0);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
            "x-slack-request-timestamp": String(ts),
            "x-slack-signature": sig,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            result.ackMs.push(performance.now() - t0);
            result.statusCounts[res.statusCode ?? 0] = (result.statusCounts[res.statusCode ?? 0] ?? 0) + 1;
            if (res.statusCode === 200) result.completed++;
            else result.errors++;
            resolve(id);
          });
        },
      );
      req.on("error", () => {
        result.errors++;
        resolve(id);
      });
      req.end(body);
    });

  await Promise.all(
    Array.from({ length: o.connections }, async (_, conn) => {
      while (performance.now() < deadline) {
        const id = await one(conn);
        if (o.waitForAnswer) await o.waitForAnswer(id);
      }
    }),
  );
  result.elapsedMs = performance.now() - start;
  agent.destroy();
  return result;
}
