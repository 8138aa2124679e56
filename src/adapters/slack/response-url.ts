/**
 * Answers through a response_url (platforms.md §1): one JSON POST on a kept-alive connection.
 *
 * Why not Bolt's `respond`: it posts with a general-purpose HTTP client (axios with
 * follow-redirects) that cost ~0.6 ms of CPU per answer here, a tenth of a whole chat report.
 * This is the same request, minus redirects (Slack's response_urls do not redirect) and
 * proxy detection (Bolt disables that too). Like Bolt's, it throws on a non-2xx answer.
 */
import http from "node:http";
import https from "node:https";

export type RespondTo = (responseUrl: string, message: Record<string, unknown>) => Promise<void>;

const TIMEOUT_MS = 10_000;

export function createResponder(opts: { timeoutMs?: number } = {}): RespondTo & { close(): void } {
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  // A handful of sockets per host is plenty: answers are small and Slack answers them fast.
  // The timeout is the sockets' (set once when a socket is made), not each request's: a
  // per-request timer is re-armed on every answer, and shows in a profile.
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: 32, timeout: timeoutMs }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: 32, timeout: timeoutMs }),
  };
  const respond = (responseUrl: string, message: Record<string, unknown>): Promise<void> => {
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch {
      return Promise.reject(new Error(`response_url is not a URL: ${responseUrl.slice(0, 80)}`));
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return Promise.reject(new Error(`response_url must be http(s): ${url.protocol}`));
    const body = JSON.stringify(message);
    const lib = url.protocol === "https:" ? https : http;
    return new Promise<void>((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method: "POST",
          agent: agents[url.protocol as "http:" | "https:"],
          headers: { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`response_url answered HTTP ${status}: ${Buffer.concat(chunks).toString("utf8").slice(0, 200)}`));
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`response_url did not answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  };
  return Object.assign(respond, {
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  });
}
