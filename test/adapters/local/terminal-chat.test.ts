import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import type { Bot, Incoming, LocalDirectory, ReportForm } from "../../../handlers/types.js";
import { createLocalChat } from "../../../src/adapters/local/local-chat.js";
import { createTerminalChat, pickUnit } from "../../../src/adapters/local/terminal-chat.js";
import type { HttpServer, Route } from "../../../src/http/http-server.js";

const FORM: ReportForm = {
  mode: "report",
  unit: { id: 7, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [{ code: "T18-2", name: "新增工业机器人", unit: "台", kind: "cumulative", last: "260台 (2026年9月)" }],
  narrative: {},
  labels: { title: "月度上报", submit: "提交", progress: "进展", problems: "问题", nextSteps: "计划", reason: "原因", period: "期间" },
};

function fakes() {
  const handled: Incoming[] = [];
  const identities: string[] = [];
  const bot: Bot = {
    async handle(incoming) {
      handled.push(incoming);
      if (incoming.text === "boom") throw new Error("database is locked");
      return {
        status: "ok",
        title: `收到：**${incoming.text}**`,
        lines: ["- 第一行"],
        notices: [{ to: { kind: "taskforce" }, text: "义乌市 已上报" }],
      };
    },
    openForm: async () => FORM,
  };
  const directory: LocalDirectory = {
    units: async () => [
      { name: "市经信局", kind: "department" },
      { name: "义乌市", kind: "county" },
      { name: "义乌市经济开发区", kind: "zone" },
      { name: "东阳市", kind: "county" },
    ],
    ensureIdentity: async (role, unit) => {
      identities.push(`${role}@${unit}`);
      return `local-${identities.length}`;
    },
  };
  return { bot, directory, handled, identities };
}

/** A terminal on two PassThrough streams: type a line, wait for what it prints. */
function harness(opts: { onQuit?: () => void } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = "";
  output.on("data", (d: Buffer) => (screen += d.toString()));
  const f = fakes();
  const chat = createTerminalChat({ bot: f.bot, directory: f.directory, input, output, webUrl: "http://127.0.0.1:1234/chat", onQuit: opts.onQuit ?? (() => {}) });
  let mark = 0;
  /** Types a line and returns what was printed in answer. */
  const type = async (line: string, expectToSee: string | RegExp) => {
    mark = screen.length;
    input.write(`${line}\n`);
    await vi.waitFor(
      () => {
        const seen = screen.slice(mark);
        if (typeof expectToSee === "string" ? !seen.includes(expectToSee) : !expectToSee.test(seen)) throw new Error(`not yet: ${seen}`);
      },
      { timeout: 2000, interval: 5 },
    );
    return screen.slice(mark);
  };
  return { chat, input, f, type, screen: () => screen };
}

describe("terminal chat", () => {
  it("GIVEN a liaison picked by role number and part of a unit name THEN lines go to the bot and replies, forms and notices are printed", async () => {
    const h = harness();
    h.chat.start();
    expect(h.screen()).toContain("http://127.0.0.1:1234/chat");
    expect(h.screen()).toContain("1) 联络员");

    const units = await h.type("1", "哪个单位");
    expect(units).toMatch(/1 市经信局\s+2 义乌市/);

    // "义乌" is part of two names: asked to say more; the exact name then picks one.
    expect(await h.type("义乌", "有几个单位符合")).toContain("义乌市、义乌市经济开发区");
    const who = await h.type("义乌市", "你现在是");
    expect(who).toContain("你现在是 义乌市 的联络员（用户 local-1）");
    expect(h.f.identities).toEqual(["liaison@义乌市"]);

    const answer = await h.type("帮助", "专班群");
    expect(answer).toContain("✓ 收到：帮助\n  • 第一行\n→ 专班群：义乌市 已上报");
    expect(h.f.handled[0]).toMatchObject({ platform: "local", tenant: "", userId: "local-1", text: "帮助", lang: "zh" });
    expect(h.f.handled[0]!.eventKey).toMatch(/^local:/);

    const form = await h.type("填报", "例如");
    expect(form).toContain("  1. 新增工业机器人（台）  上次：260台 (2026年9月)");
    expect(form).toContain("    上报 新增工业机器人 260台");
    expect(h.f.handled).toHaveLength(1);
  });

  it("GIVEN /who THEN a new identity; GIVEN a bot failure THEN it says so and goes on; GIVEN /quit THEN onQuit", async () => {
    const onQuit = vi.fn();
    const h = harness({ onQuit });
    h.chat.start();
    await h.type("联络员", "哪个单位");
    await h.type("2", "你现在是 义乌市");
    await h.type("/who", "你是谁");
    expect(await h.type("国王", "请输入 1、2、3")).toBeTruthy();
    await h.type("admin", "哪个单位");
    expect(await h.type("99", "没有叫“99”的单位")).toBeTruthy();
    await h.type("东阳", "你现在是 东阳市 的管理员");
    expect(h.f.identities).toEqual(["liaison@义乌市", "admin@东阳市"]);
    expect(await h.type("boom", "出错了")).toContain("database is locked");
    await h.type("查询", "收到：查询");
    expect(h.f.handled.at(-1)).toMatchObject({ userId: "local-2", text: "查询" });
    h.input.write("/quit\n");
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
  });

  it("GIVEN the input ends (Ctrl+D, a closed pipe) THEN the lines typed are answered, then onQuit", async () => {
    const onQuit = vi.fn();
    const h = harness({ onQuit });
    h.chat.start();
    h.input.end("3\n4\n帮助\n");
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
    expect(h.f.handled.map((i) => [i.userId, i.text])).toEqual([["local-1", "帮助"]]);
    expect(h.f.identities).toEqual(["admin@东阳市"]);
  });
});

describe("pickUnit", () => {
  const units = ["市经信局", "义乌市", "义乌市经济开发区"];
  it.each([
    ["2", { kind: "one", name: "义乌市" }],
    ["２", { kind: "one", name: "义乌市" }],
    ["经信", { kind: "one", name: "市经信局" }],
    ["經信局", { kind: "one", name: "市经信局" }],
    ["義烏", { kind: "several", names: ["义乌市", "义乌市经济开发区"] }],
    ["义乌", { kind: "several", names: ["义乌市", "义乌市经济开发区"] }],
    ["0", { kind: "none" }],
    ["杭州", { kind: "none" }],
  ])("GIVEN %s THEN %j", (input, expected) => {
    expect(pickUnit(input, units)).toEqual(expected);
  });
});

describe("createLocalChat", () => {
  function fakeHttp() {
    const routes: Route[] = [];
    const http = { port: 4321, use: (r: Route) => void routes.push(r) } as unknown as HttpServer;
    return { http, routes };
  }
  const logger = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });

  it("GIVEN stdin is not a terminal (CI, systemd) THEN the page is mounted, the address logged, and nothing read", () => {
    const { http, routes } = fakeHttp();
    const log = logger();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const chat = createLocalChat({ ...fakes(), http, logger: log, stdin, stdout });
    expect(chat.url).toBe("http://127.0.0.1:4321/chat");
    chat.start();
    chat.start();
    expect(routes).toHaveLength(1);
    expect(log.info).toHaveBeenCalledWith({ url: chat.url }, expect.stringContaining("not a terminal"));
    expect(stdout.read()).toBeNull();
    expect(stdin.listenerCount("data")).toBe(0);
    chat.stop();
  });

  it("GIVEN a terminal THEN the REPL starts on it", async () => {
    const { http } = fakeHttp();
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let screen = "";
    stdout.on("data", (d: Buffer) => (screen += d.toString()));
    const chat = createLocalChat({ ...fakes(), http, logger: logger(), stdin, stdout, onQuit: () => {} });
    chat.start();
    await vi.waitFor(() => expect(screen).toContain("你是谁"));
    expect(screen).toContain(chat.url);
    chat.stop();
  });
});
