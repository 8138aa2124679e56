import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A route handler; returns false to pass the request on. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface HttpServer {
  server: Server;
  port: number;
  /** Adds routes later (the Slack receiver and the local chat page mount here). */
  use(route: Route): void;
  close(): Promise<void>;
}

/** One HTTP server on PORT for /healthz and whatever adapters mount. */
export async function startHttpServer(port: number, routes: Route[] = [], host = "0.0.0.0"): Promise<HttpServer> {
  const all = [...routes];
  const server = createServer(async (req, res) => {
    try {
      for (const route of all) if (await route(req, res)) return;
      sendJson(res, 404, { error: "not_found" });
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { error: "internal_error" });
      else res.end();
      server.emit("routeError", e);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    use: (route) => void all.push(route),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
