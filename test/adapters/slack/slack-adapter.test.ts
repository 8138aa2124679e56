/**
 * The Slack adapter driven over real HTTP and WebSocket: the real Bolt, our HttpServer, the fake
 * Slack (test/fakes/fake-slack.ts) and a small scripted Bot that records what it was given.
 * End-to-end tests with the real core live elsewhere; these pin the adapter's side of the contract.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Bot, Incoming, ReportForm, Reply } from "../../../handlers/types.js";
import { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from "../../../src/adapters/slack/slack-adapter.js";
import { startHttpServer } from "../../../src/http/http-server.js";
import {
  blockActionsBody,
  postToBolt,
  slashCommandBody,
  slashCommandPayload,
  startFakeSlack,
  viewSubmissionBody,
  viewSubmissionPayload,
  type FakeSlack,
} from "../../fakes/fake-slack.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

const form: ReportForm = {
  mode: "report",
  unit: { id: 7, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [
    { code: "T18-2", name: "新增工业机器人", unit: "台", kind: "count", last: "260台 (2026年9月)" },
    { code: "T3-1", name: "规上工业增加值增速", unit: "%", kind: "share" },
  ],
  narrative: {},
  labels: { title: "上报进展", submit: "提交", progress: "进展", problems: "问题", nextSteps: "下步计划", reason: "修改原因", period: "期间" },
};

const okReply: Reply = { status: "ok", title: "已收到 义乌市 2026年10月 的上报", lines: ["**新增工业机器人** 260台"] };

/** A scripted Bot: records every call, answers with what the test sets. */
class ScriptedBot implements Bot {
  readonly handled: Incoming[] = [];
  readonly formRequests: { who: Parameters<Bot["openForm"]>[0]; opts: Parameters<Bot["openForm"]>[1] }[] = [];
  reply: (i: Incoming) => Promise<Reply> | Reply = () => okReply;
  form: ReportForm | Reply = form;

  async handle(incoming: Incoming): Promise<Reply> {
    this.handled.push(incoming);
    return this.reply(incoming);
  }

  async openForm(who: Parameters<Bot["openForm"]>[0], opts?: Parameters<Bot["openForm"]>[1]): Promise<ReportForm | Reply> {
    this.formRequests.push({ who, opts });
    return this.form;
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

// SLACK_TEST_LOG=warn (or debug) shows what Bolt and the adapter log while debugging a test.
const silent = pino({ level: process.env["SLACK_TEST_LOG"] ?? "silent" });

interface Rig {
  fake: FakeSlack;
  bot: ScriptedBot;
  adapter: SlackAdapter;
  eventsUrl: string;
}

async function httpRig(extra: Partial<SlackAdapterOptions> = {}): Promise<Rig> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const http = await startHttpServer(0, [], "127.0.0.1");
  cleanups.push(() => http.close());
  const bot = new ScriptedBot();
  const adapter = createSlackAdapter({
    config: { mode: "http", botToken: "xoxb-test", signingSecret: SECRET, apiUrl: fake.apiUrl },
    bot,
    logger: silent,
    http,
    retryConfig: { retries: 0 },
    ...extra,
  });
  await adapter.start();
  cleanups.push(() => adapter.stop());
  return { fake, bot, adapter, eventsUrl: `http://127.0.0.1:${http.port}/slack/events` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}

const reportMetadata = JSON.stringify({ mode: "report", period: "2026-10", unit: "义乌市", plan: "jinhua-manufacturing-2021-2023" });
const modalValues = (robots: string | null) => ({
  "ind:T18-2": { value: { type: "plain_text_input", value: robots } },
  "ind:T3-1": { value: { type: "plain_text_input", value: null } },
  progress: { value: { type: "plain_text_input", value: "进展顺利" } },
});

describe("Slack adapter over HTTP (mounted on our HttpServer)", () => {
  it("/report <text>: acks at once, hands the Bot '上报 …', answers at response_url in Block Kit", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    const triggerId = fake.issueTriggerId();
    const body = slashCommandBody({ command: "/report", text: "新增工业机器人 260台", trigger_id: triggerId, response_url: fake.responseUrl("r1") });

    const ack = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.body).toBe("");

    const response = await fake.waitForResponse((r) => r.id === "r1");
    expect(bot.handled).toHaveLength(1);
    expect(bot.handled[0]).toMatchObject({
      platform: "slack",
      tenant: "T1",
      userId: "U1",
      userName: "u",
      text: "上报 新增工业机器人 260台",
      eventKey: `slack:trigger:${triggerId}`,
      conversation: { id: "C1", type: "group" },
    });
    expect(bot.handled[0]?.receivedAt).toBeInstanceOf(Date);
    expect(response.body).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("已收到"),
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: ":white_check_mark: *已收到 义乌市 2026年10月 的上报*" } },
        { type: "section", text: { type: "mrkdwn", text: "*新增工业机器人* 260台" } },
      ],
    });
    // Bolt was given its identity at start: one auth.test in all, none per request.
    expect(fake.calls.filter((c) => c.method === "auth.test")).toHaveLength(1);
  });

  it("/duban passes text as is, and an empty /duban asks for help", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    await postToBolt(eventsUrl, slashCommandBody({ command: "/duban", text: "查询 &lt;10月&gt;", response_url: fake.responseUrl("a") }), { secret: SECRET });
    await postToBolt(eventsUrl, slashCommandBody({ command: "/duban", text: "  ", response_url: fake.responseUrl("b") }), { secret: SECRET });
    await fake.waitForResponse((r) => r.id === "b");
    await fake.waitForResponse((r) => r.id === "a");
    expect(bot.handled.map((i) => i.text).sort()).toEqual(["查询 <10月>", "帮助"].sort());
  });

  it("/report with no text opens the prefilled modal with the trigger_id", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    const triggerId = fake.issueTriggerId();
    const ack = await postToBolt(eventsUrl, slashCommandBody({ command: "/report", text: "", trigger_id: triggerId }), { secret: SECRET });
    expect(ack.status).toBe(200);

    const open = await fake.waitForCall("views.open");
    expect(open.status).toBe(200);
    expect(open.token).toBe("xoxb-test");
    expect(open.args["trigger_id"]).toBe(triggerId);
    expect(open.args["view"]).toMatchObject({
      type: "modal",
      callback_id: "duban_report",
      private_metadata: reportMetadata,
      blocks: expect.arrayContaining([expect.objectContaining({ block_id: "ind:T18-2", type: "input" })]),
    });
    expect(bot.formRequests).toEqual([{ who: { platform: "slack", tenant: "T1", userId: "U1" }, opts: { mode: "report" } }]);
    expect(bot.handled).toHaveLength(0);
  });

  it("/report with no text from an unbound user answers with the Bot's reply instead of a modal", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    bot.form = { status: "denied", title: "你还没有登记", lines: ["请把用户 ID `U1` 发给管理员"] };
    await postToBolt(eventsUrl, slashCommandBody({ command: "/report", response_url: fake.responseUrl("u") }), { secret: SECRET });
    const response = await fake.waitForResponse((r) => r.id === "u");
    expect(response.body).toMatchObject({ blocks: [{ text: { text: ":no_entry: *你还没有登记*" } }, {}] });
    expect(fake.calls.some((c) => c.method === "views.open")).toBe(false);
  });

  it("an expired trigger_id: the user is told to retry instead of silence", async () => {
    const { fake, eventsUrl } = await httpRig();
    fake.failNext("views.open", { body: { ok: false, error: "trigger_expired" } });
    await postToBolt(eventsUrl, slashCommandBody({ command: "/report", response_url: fake.responseUrl("late") }), { secret: SECRET });
    const response = await fake.waitForResponse((r) => r.id === "late");
    expect(response.body).toMatchObject({ blocks: [{ text: { text: expect.stringContaining("表单没能打开") } }] });
  });

  it("a modal submission with field errors gets them back in the HTTP ack, on ind:<code>", async () => {
    const { bot, eventsUrl, fake } = await httpRig();
    bot.reply = () => ({ status: "error", title: "有 1 处错误", lines: [], fieldErrors: { "T18-2": "缺少数值单位，例如 260台" } });
    const body = viewSubmissionBody({ callbackId: "duban_report", privateMetadata: reportMetadata, values: modalValues("260") });

    const ack = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.body)).toEqual({ response_action: "errors", errors: { "ind:T18-2": "缺少数值单位，例如 260台" } });
    expect(bot.handled[0]).toMatchObject({
      platform: "slack",
      tenant: "T1",
      userId: "U1",
      eventKey: "slack:view:V1:1.a",
      form: { mode: "report", period: "2026-10", unit: "义乌市", values: { "T18-2": "260" }, progress: "进展顺利" },
    });
    expect(bot.handled[0]?.text).toBeUndefined();
    expect(fake.calls.some((c) => c.method === "chat.postMessage")).toBe(false);
  });

  it("a valid modal submission closes the modal and DMs the reply to the user", async () => {
    const { fake, eventsUrl } = await httpRig();
    const body = viewSubmissionBody({ callbackId: "duban_report", privateMetadata: reportMetadata, values: modalValues("260台"), userId: "U9" });
    const ack = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.body).toBe("");
    const dm = await fake.waitForCall("chat.postMessage");
    expect(dm.status).toBe(200);
    expect(dm.args).toMatchObject({ channel: "U9", text: expect.stringContaining("已收到"), blocks: expect.any(Array) });
  });

  it("a Bot slower than the submission deadline: the modal closes in time and the answer comes by DM", async () => {
    const { fake, bot, eventsUrl } = await httpRig({ submitDeadlineMs: 200 });
    bot.reply = async () => {
      await sleep(600);
      return okReply;
    };
    const body = viewSubmissionBody({ callbackId: "duban_report", privateMetadata: reportMetadata, values: modalValues("260台") });
    const ack = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(550);
    const dm = await fake.waitForCall("chat.postMessage");
    expect(dm.args["channel"]).toBe("U1");
  });

  it("the 填报 button opens the same modal for the button's period", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    const triggerId = fake.issueTriggerId();
    const body = blockActionsBody({ actionId: "open_report_form", value: "2026-09", triggerId });
    expect((await postToBolt(eventsUrl, body, { secret: SECRET })).status).toBe(200);
    const open = await fake.waitForCall("views.open");
    expect(open.args["trigger_id"]).toBe(triggerId);
    expect(open.args["view"]).toMatchObject({ callback_id: "duban_report" });
    expect(bot.formRequests[0]?.opts).toEqual({ mode: "report", period: "2026-09" });
  });

  it("a Reply carrying a form opens it as a modal", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    bot.reply = () => ({ status: "info", title: "请填写", lines: [], form: { ...form, mode: "correct" } });
    const triggerId = fake.issueTriggerId();
    await postToBolt(eventsUrl, slashCommandBody({ command: "/duban", text: "修改", trigger_id: triggerId }), { secret: SECRET });
    const open = await fake.waitForCall("views.open");
    expect(open.args["view"]).toMatchObject({ blocks: expect.arrayContaining([expect.objectContaining({ block_id: "reason" })]) });
  });

  it("forged signatures and stale timestamps get 401 and never reach the Bot", async () => {
    const { bot, eventsUrl } = await httpRig();
    const body = slashCommandBody({ command: "/report", text: "新增工业机器人 260台" });
    expect((await postToBolt(eventsUrl, body, { secret: "not-the-secret" })).status).toBe(401);
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, signature: "v0=deadbeef" })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, timestamp: sixMinutesAgo })).status).toBe(401);
    const submission = viewSubmissionBody({ callbackId: "duban_report", privateMetadata: reportMetadata, values: modalValues("1台") });
    expect((await postToBolt(eventsUrl, submission, { secret: "not-the-secret" })).status).toBe(401);
    await sleep(100);
    expect(bot.handled).toHaveLength(0);
    expect(bot.formRequests).toHaveLength(0);
  });

  it("a retried delivery (X-Slack-Retry-Num: 1) carries the same eventKey", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    const body = slashCommandBody({ command: "/report", text: "新增工业机器人 260台", response_url: fake.responseUrl("retry") });
    expect((await postToBolt(eventsUrl, body, { secret: SECRET })).status).toBe(200);
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, retryNum: 1, retryReason: "http_timeout" })).status).toBe(200);
    await until(() => bot.handled.length === 2);
    expect(bot.handled[1]?.eventKey).toBe(bot.handled[0]?.eventKey);
    expect(bot.handled[0]?.eventKey).toMatch(/^slack:trigger:/);
  });

  it("acks before a slow Bot finishes (ack-first), then answers when it does", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    let finishedAt = 0;
    bot.reply = async () => {
      await sleep(1500);
      finishedAt = Date.now();
      return okReply;
    };
    const body = slashCommandBody({ command: "/report", text: "新增工业机器人 260台", response_url: fake.responseUrl("slow") });
    const started = Date.now();
    const ack = await postToBolt(eventsUrl, body, { secret: SECRET });
    const ackedAt = Date.now();
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(500);
    const response = await fake.waitForResponse((r) => r.id === "slow");
    expect(finishedAt).toBeGreaterThan(ackedAt);
    expect(response.at - started).toBeGreaterThanOrEqual(1500);
  });

  it("when the Bot throws, the user still hears something", async () => {
    const { fake, bot, eventsUrl } = await httpRig();
    bot.reply = () => {
      throw new Error("database is down");
    };
    await postToBolt(eventsUrl, slashCommandBody({ command: "/duban", text: "查询", response_url: fake.responseUrl("boom") }), { secret: SECRET });
    const response = await fake.waitForResponse((r) => r.id === "boom");
    expect(response.body).toMatchObject({ response_type: "ephemeral", blocks: [{ text: { text: expect.stringMatching(/^:x: \*出错了/) } }] });
  });

  it("leaves other paths to other routes, and postDirect / postToChannel post rendered replies", async () => {
    const { fake, adapter, eventsUrl } = await httpRig();
    expect((await fetch(eventsUrl.replace("/slack/events", "/elsewhere"), { method: "POST" })).status).toBe(404);
    expect((await fetch(eventsUrl)).status).toBe(404);
    await adapter.postDirect("U5", okReply);
    await adapter.postToChannel("C7", { ...okReply, actions: [{ id: "open_report_form", label: "填报", value: "2026-10" }] });
    const posts = fake.calls.filter((c) => c.method === "chat.postMessage");
    expect(posts.map((c) => c.args["channel"])).toEqual(["U5", "C7"]);
    expect(posts[1]?.args["blocks"]).toEqual(expect.arrayContaining([expect.objectContaining({ type: "actions" })]));
  });

  it("fails start() loudly on a bad bot token (auth.test runs once, at start)", async () => {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    const http = await startHttpServer(0, [], "127.0.0.1");
    cleanups.push(() => http.close());
    fake.failNext("auth.test", { body: { ok: false, error: "invalid_auth" } });
    const adapter = createSlackAdapter({
      config: { mode: "http", botToken: "xoxb-bad", signingSecret: SECRET, apiUrl: fake.apiUrl },
      bot: new ScriptedBot(),
      logger: silent,
      http,
      retryConfig: { retries: 0 },
    });
    await expect(adapter.start()).rejects.toMatchObject({ data: { error: "invalid_auth" } });
    // Not mounted: the request falls through to the server's 404.
    const reply = await postToBolt(`http://127.0.0.1:${http.port}/slack/events`, slashCommandBody(), { secret: SECRET });
    expect(reply.status).toBe(404);
  });

  it("stops receiving after stop()", async () => {
    const { adapter, bot, eventsUrl } = await httpRig();
    await adapter.stop();
    const reply = await postToBolt(eventsUrl, slashCommandBody({ command: "/duban", text: "查询" }), { secret: SECRET });
    expect(reply.status).toBe(404);
    expect(bot.handled).toHaveLength(0);
  });
});

describe("Slack adapter in Socket Mode", () => {
  async function socketRig(): Promise<Rig> {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    const bot = new ScriptedBot();
    const adapter = createSlackAdapter({
      config: { mode: "socket", botToken: "xoxb-test", appToken: "xapp-1-test", apiUrl: fake.apiUrl },
      bot,
      logger: silent,
      retryConfig: { retries: 0 },
    });
    await adapter.start();
    cleanups.push(() => adapter.stop());
    await fake.socket.waitForConnection();
    return { fake, bot, adapter, eventsUrl: "" };
  }

  it("acks a pushed slash command and answers at response_url", async () => {
    const { fake, bot } = await socketRig();
    expect((await fake.waitForCall("apps.connections.open")).token).toBe("xapp-1-test");
    const payload = slashCommandPayload({ command: "/report", text: "新增工业机器人 260台", response_url: fake.responseUrl("s1") });
    const ack = await fake.socket.send({ type: "slash_commands", payload: { ...payload } });
    expect(ack.payload).toEqual({});
    const response = await fake.waitForResponse((r) => r.id === "s1");
    expect(response.body).toMatchObject({ response_type: "ephemeral" });
    expect(bot.handled[0]).toMatchObject({ text: "上报 新增工业机器人 260台", tenant: "T1", eventKey: `slack:trigger:${payload.trigger_id}` });
  });

  it("sends field errors as the envelope's ack payload", async () => {
    const { fake, bot } = await socketRig();
    bot.reply = () => ({ status: "error", title: "错误", lines: [], fieldErrors: { "T18-2": "缺少单位" } });
    const payload = viewSubmissionPayload({ callbackId: "duban_report", privateMetadata: reportMetadata, values: modalValues("260") });
    const ack = await fake.socket.send({ type: "interactive", payload });
    expect(ack.payload).toEqual({ response_action: "errors", errors: { "ind:T18-2": "缺少单位" } });
  });
});
