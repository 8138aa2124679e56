import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResponder } from "../../../src/adapters/slack/response-url.js";

describe("posting to a response_url", () => {
  let server: Server;
  let base = "";
  const received: { path: string; type: string | undefined; body: unknown }[] = [];
  const sockets = new Set<number>();
  const responder = createResponder();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        sockets.add(req.socket.remotePort!);
        received.push({ path: req.url!, type: req.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        if (req.url === "/expired") {
          res.writeHead(404).end("expired_url");
          return;
        }
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    responder.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("GIVEN two answers THEN each arrives as UTF-8 JSON, over one kept-alive connection", async () => {
    await responder(`${base}/a`, { response_type: "ephemeral", text: "已收到 ✅" });
    await responder(`${base}/b`, { text: "second" });
    expect(received.slice(0, 2)).toEqual([
      { path: "/a", type: "application/json; charset=utf-8", body: { response_type: "ephemeral", text: "已收到 ✅" } },
      { path: "/b", type: "application/json; charset=utf-8", body: { text: "second" } },
    ]);
    expect(sockets.size).toBe(1);
  });

  it("GIVEN a non-2xx answer THEN it throws with the status and body", async () => {
    await expect(responder(`${base}/expired`, { text: "x" })).rejects.toThrow(/HTTP 404: expired_url/);
  });

  it("GIVEN a response_url that never answers THEN it gives up after the timeout", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const short = createResponder({ timeoutMs: 200 });
    try {
      await expect(short(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/x`, { text: "x" })).rejects.toThrow(/did not answer within 200 ms/);
    } finally {
      short.close();
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("GIVEN a URL that is not http(s) THEN it throws without sending", async () => {
    const before = received.length;
    await expect(responder("file:///etc/passwd", { text: "x" })).rejects.toThrow(/http\(s\)/);
    await expect(responder("not a url", { text: "x" })).rejects.toThrow(/not a URL/);
    expect(received.length).toBe(before);
  });
});
