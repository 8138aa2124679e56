import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Bot, Incoming, LocalDirectory, Reply, ReportForm } from "../../../handlers/types.js";
import { createChatRoute } from "../../../src/adapters/local/chat-route.js";
import { startHttpServer, type HttpServer } from "../../../src/http/http-server.js";

const FORM: ReportForm = {
  mode: "report",
  unit: { id: 7, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [{ code: "T18-2", name: "新增工业机器人", unit: "台", kind: "cumulative", last: "260台 (2026年9月)" }],
  narrative: {},
  labels: { title: "月度上报", submit: "提交", progress: "进展", problems: "问题", nextSteps: "计划", reason: "原因", period: "期间" },
};

/** A Bot and a LocalDirectory that record what they were asked and answer from a script. */
function fakes() {
  const calls = { handle: [] as Incoming[], openForm: [] as unknown[], ensureIdentity: [] as unknown[] };
  const bot: Bot = {
    async handle(incoming) {
      calls.handle.push(incoming);
      const reply: Reply = incoming.form
        ? { status: "ok", title: "已收到 义乌市 2026年10月 的上报", lines: [], notices: [{ to: { kind: "taskforce" }, text: "义乌市 已上报" }] }
        : { status: "info", title: `echo: ${incoming.text}`, lines: ["- **帮助**"] };
      return reply;
    },
    async openForm(who, opts) {
      calls.openForm.push({ who, opts });
      return FORM;
    },
  };
  const directory: LocalDirectory = {
    async units() {
      return [
        { name: "市经信局", kind: "department" },
        { name: "义乌市", kind: "county" },
      ];
    },
    async ensureIdentity(role, unit) {
      calls.ensureIdentity.push({ role, unit });
      return `local-${role}-${unit}`;
    },
  };
  return { bot, directory, calls };
}

describe("local chat JSON API over HTTP", () => {
  let http: HttpServer;
  let f: ReturnType<typeof fakes>;
  let base: string;
  let enabled = true;

  beforeAll(async () => {
    http = await startHttpServer(0, [], "127.0.0.1");
    base = `http://127.0.0.1:${http.port}`;
    // Mounted once; each test gets fresh fakes through these indirections.
    http.use(
      createChatRoute({
        bot: { handle: (i) => f.bot.handle(i), openForm: (w, o) => f.bot.openForm(w, o) },
        directory: { units: () => f.directory.units(), ensureIdentity: (r, u) => f.directory.ensureIdentity(r, u) },
        enabled: () => enabled,
      }),
    );
  });
  beforeEach(() => {
    f = fakes();
    enabled = true;
  });
  afterAll(() => http.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(`${base}/chat/api/${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("GIVEN / THEN a redirect to /chat, which serves the page with its files", async () => {
    const root = await fetch(`${base}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/chat");
    const page = await fetch(`${base}/chat`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<html lang="zh-CN">');
    for (const file of ["chat.js", "chat.css"]) {
      expect(html).toContain(`/chat/${file}`);
      expect((await fetch(`${base}/chat/${file}`)).status).toBe(200);
    }
  });

  it("GIVEN GET /chat/api/units THEN the directory's units", async () => {
    const res = await fetch(`${base}/chat/api/units`);
    expect(await res.json()).toEqual({ units: [{ name: "市经信局", kind: "department" }, { name: "义乌市", kind: "county" }] });
  });

  it("GIVEN an identity THEN ensureIdentity is called and its user id returned", async () => {
    const res = await post("identity", { role: "liaison", unit: "义乌市" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: "local-liaison-义乌市" });
    expect(f.calls.ensureIdentity).toEqual([{ role: "liaison", unit: "义乌市" }]);
  });

  it("GIVEN a message THEN one local Incoming with the page's event key, and the Reply as JSON", async () => {
    const res = await post("message", { userId: "u1", text: "帮助", eventKey: "local:0b0e5f7c-8f0e-4a51-9d2e-3f3a2f1c7d11", lang: "en" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "info", title: "echo: 帮助", lines: ["- **帮助**"] });
    expect(f.calls.handle).toHaveLength(1);
    expect(f.calls.handle[0]).toMatchObject({
      platform: "local",
      tenant: "",
      userId: "u1",
      text: "帮助",
      eventKey: "local:0b0e5f7c-8f0e-4a51-9d2e-3f3a2f1c7d11",
      lang: "en",
      conversation: { type: "direct" },
    });
    expect(f.calls.handle[0]!.receivedAt).toBeInstanceOf(Date);
  });

  it("GIVEN a message without an event key THEN a fresh local: key each time", async () => {
    await post("message", { userId: "u1", text: "查询" });
    await post("message", { userId: "u1", text: "查询" });
    const [a, b] = f.calls.handle.map((i) => i.eventKey);
    expect(a).toMatch(/^local:[0-9a-f-]{36}$/);
    expect(b).not.toBe(a);
  });

  it("GIVEN a form request THEN Bot.openForm with the options, and the form", async () => {
    const res = await post("form", { userId: "u1", opts: { period: "2026-10", mode: "correct" } });
    expect(await res.json()).toEqual(FORM);
    expect(f.calls.openForm).toEqual([{ who: { platform: "local", tenant: "", userId: "u1", lang: "zh" }, opts: { period: "2026-10", mode: "correct" } }]);
  });

  it("GIVEN a submitted form THEN an Incoming carrying the submission, and the Reply with its notices", async () => {
    const form = { mode: "report", period: "2026-10", unit: "义乌市", values: { "T18-2": "260台" }, progress: "完成" };
    const res = await post("submit", { userId: "u1", form, eventKey: "local:11111111-2222-4333-8444-555555555555" });
    expect(await res.json()).toMatchObject({ status: "ok", notices: [{ to: { kind: "taskforce" } }] });
    expect(f.calls.handle[0]).toMatchObject({ platform: "local", form, eventKey: "local:11111111-2222-4333-8444-555555555555" });
    expect(f.calls.handle[0]!.text).toBeUndefined();
  });

  it.each<[string, string, unknown, string]>([
    ["identity with an unknown role", "identity", { role: "king", unit: "义乌市" }, "role"],
    ["identity without a unit", "identity", { role: "liaison" }, "unit"],
    ["a message without a user", "message", { text: "帮助" }, "userId"],
    ["an empty message", "message", { userId: "u1", text: "   " }, "text"],
    ["a message with a foreign event key", "message", { userId: "u1", text: "帮助", eventKey: "slack:x" }, "eventKey"],
    ["a message with an extra field", "message", { userId: "u1", text: "帮助", admin: true }, "(body)"],
    ["a submission whose values are not strings", "submit", { userId: "u1", form: { mode: "report", values: { "T18-2": 260 } } }, "form.values.T18-2"],
    ["a submission in an unknown mode", "submit", { userId: "u1", form: { mode: "delete", values: {} } }, "form.mode"],
    ["form options of the wrong type", "form", { userId: "u1", opts: { mode: 3 } }, "opts.mode"],
    ["an array", "message", [1, 2], "(body)"],
  ])("GIVEN %s THEN 400 naming the field, and the bot is not called", async (_name, path, body, field) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; issues: { path: string }[] };
    expect(json.error).toBe("bad_request");
    expect(json.issues.map((i) => i.path)).toContain(field);
    expect(f.calls.handle).toEqual([]);
    expect(f.calls.ensureIdentity).toEqual([]);
  });

  it("GIVEN a body that is not JSON THEN 400", async () => {
    const res = await post("message", "{not json");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "bad_request", message: "body is not valid JSON" });
  });

  it("GIVEN text/plain (what a cross-site form can send without asking) THEN 415", async () => {
    const res = await post("message", { userId: "u1", text: "帮助" }, { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(f.calls.handle).toEqual([]);
  });

  it("GIVEN a body over 64 KiB THEN 413 and the server still answers afterwards", async () => {
    const res = await post("message", { userId: "u1", text: "x".repeat(70_000) });
    expect(res.status).toBe(413);
    expect((await fetch(`${base}/chat/api/units`)).status).toBe(200);
  });

  it("GIVEN the wrong method THEN 405; an unknown API path THEN 404", async () => {
    expect((await fetch(`${base}/chat/api/message`)).status).toBe(405);
    expect((await post("nope", {})).status).toBe(404);
  });

  it("GIVEN the local chat stopped THEN its routes answer 404", async () => {
    enabled = false;
    expect((await fetch(`${base}/chat/api/units`)).status).toBe(404);
    expect((await fetch(`${base}/chat`)).status).toBe(404);
  });
});

describe("local chat route, from another machine", () => {
  /** A request as it would arrive from the LAN; no socket needed to see the answer. */
  function fromLan(url: string) {
    const sent: { status?: number; body?: string } = {};
    const req = { url, method: "GET", headers: {}, socket: { remoteAddress: "192.0.2.10" } } as unknown as IncomingMessage;
    const res = {
      headersSent: false,
      setHeader() {},
      writeHead(status: number) {
        sent.status = status;
      },
      end(body?: string) {
        sent.body = body;
      },
    } as unknown as ServerResponse;
    return { req, res, sent };
  }

  it("GIVEN a non-loopback client THEN 403, since anyone on the page can act as an admin", async () => {
    const { bot, directory, calls } = fakes();
    const { req, res, sent } = fromLan("/chat/api/units");
    expect(await createChatRoute({ bot, directory })(req, res)).toBe(true);
    expect(sent.status).toBe(403);
    expect(JSON.parse(sent.body!)).toMatchObject({ error: "forbidden" });
    expect(calls.ensureIdentity).toEqual([]);
  });

  it("GIVEN allowRemote THEN it answers", async () => {
    const { bot, directory } = fakes();
    const { req, res, sent } = fromLan("/chat/api/units");
    await createChatRoute({ bot, directory, allowRemote: true })(req, res);
    expect(sent.status).toBe(200);
  });

  it("GIVEN a path that is not ours THEN it passes, whoever asks", async () => {
    const { bot, directory } = fakes();
    const { req, res, sent } = fromLan("/healthz");
    expect(await createChatRoute({ bot, directory })(req, res)).toBe(false);
    expect(sent.status).toBeUndefined();
  });
});
