/**
 * Proves the fakes behave like Slack / DingTalk *for the real SDK clients*: every test drives
 * @slack/bolt, @slack/web-api (via bolt's re-export) or dingtalk-stream over real HTTP/WebSocket
 * on 127.0.0.1. Every server and client is closed in afterEach so vitest exits cleanly.
 */
import type { AddressInfo } from "node:net";
import { App, LogLevel, SocketModeReceiver, webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { TestDWClient } from "./dingtalk-client-for-tests.js";
import { startFakeDingTalk, TOPIC_CARD, TOPIC_ROBOT, type FakeDingTalk } from "./fake-dingtalk.js";
import {
  blockActionsBody,
  postToBolt,
  signSlackRequest,
  slashCommandBody,
  slashCommandPayload,
  startFakeSlack,
  viewSubmissionBody,
  viewSubmissionPayload,
  type FakeSlack,
} from "./fake-slack.js";

// ---- resource bookkeeping: everything started in a test is closed after it -------------------

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function fakeSlack(opts?: Parameters<typeof startFakeSlack>[0]): Promise<FakeSlack> {
  const fake = await startFakeSlack(opts);
  cleanups.push(() => fake.close());
  return fake;
}

async function fakeDingTalk(opts?: Parameters<typeof startFakeDingTalk>[0]): Promise<FakeDingTalk> {
  const fake = await startFakeDingTalk(opts);
  cleanups.push(() => fake.close());
  return fake;
}

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/** Retry config for clients that must survive exactly one 429 without extra back-off delay. */
const ONE_RETRY = { retries: 1, minTimeout: 0, maxTimeout: 0 };

/** A real HTTP-mode Bolt app on 127.0.0.1:<random>; returns it and its events URL. */
async function httpBolt(fake: FakeSlack, setup: (app: App) => void): Promise<{ app: App; eventsUrl: string }> {
  const app = new App({
    signingSecret: SECRET,
    token: "xoxb-test",
    // botId/botUserId given, so Bolt does not call auth.test for every request.
    botId: "BBOT",
    botUserId: "UBOT",
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  setup(app);
  const server = await app.start({ port: 0, host: "127.0.0.1" });
  cleanups.push(() => app.stop());
  const { port } = server.address() as AddressInfo;
  return { app, eventsUrl: `http://127.0.0.1:${port}/slack/events` };
}

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

// =============================================================================================
// Slack
// =============================================================================================

describe("fake Slack: signing helpers", () => {
  it("reproduces Slack's official signature test vector", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(signSlackRequest(SECRET, body, 1531420618)).toEqual({
      "X-Slack-Request-Timestamp": "1531420618",
      "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    });
  });
});

describe("fake Slack + HTTP-mode Bolt", () => {
  it("delivers a signed slash command; respond() lands in fake.responses", async () => {
    const fake = await fakeSlack();
    const { eventsUrl } = await httpBolt(fake, (app) =>
      app.command("/duban", async ({ command, ack, respond }) => {
        await ack();
        await respond({ response_type: "ephemeral", text: `got ${command.text}` });
      }),
    );
    const body = slashCommandBody({ command: "/duban", text: "hello world", response_url: fake.responseUrl("r1") });
    const reply = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe("");
    const response = await fake.waitForResponse((r) => r.id === "r1");
    expect(response.body).toEqual({ response_type: "ephemeral", text: "got hello world" });
    expect(response.contentType).toMatch(/^application\/json/);
  });

  it("returns ack(payload) as JSON, 401 on a forged or stale signature, 400 on a charset Content-Type", async () => {
    const fake = await fakeSlack();
    const { eventsUrl } = await httpBolt(fake, (app) =>
      app.command("/duban", async ({ ack }) => ack({ response_type: "ephemeral", text: "ok" })),
    );
    const body = slashCommandBody({ command: "/duban" });

    const good = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(good.status).toBe(200);
    expect(good.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(good.body)).toEqual({ response_type: "ephemeral", text: "ok" });

    expect((await postToBolt(eventsUrl, body, { secret: "wrong-secret" })).status).toBe(401);
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, signature: "v0=deadbeef" })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, timestamp: stale })).status).toBe(401);
    const charset = "application/x-www-form-urlencoded; charset=utf-8";
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, contentType: charset })).status).toBe(400);
  });

  it("opens a modal with a block_actions trigger_id; reusing the trigger gives trigger_exchanged", async () => {
    const fake = await fakeSlack();
    const triggerId = fake.issueTriggerId();
    const { app, eventsUrl } = await httpBolt(fake, (a) =>
      a.action("btn", async ({ ack, body, client }) => {
        await ack();
        if (body.type !== "block_actions") return;
        await client.views.open({
          trigger_id: body.trigger_id,
          view: { type: "modal", callback_id: "modal1", title: { type: "plain_text", text: "t" }, blocks: [] },
        });
      }),
    );
    const reply = await postToBolt(eventsUrl, blockActionsBody({ triggerId }), { secret: SECRET });
    expect(reply.status).toBe(200);

    const call = await fake.waitForCall("views.open");
    expect(call.token).toBe("xoxb-test");
    expect(call.args["trigger_id"]).toBe(triggerId);
    expect(call.args["view"]).toMatchObject({ type: "modal", callback_id: "modal1" });

    await expect(
      app.client.views.open({ trigger_id: triggerId, view: { type: "modal", title: { type: "plain_text", text: "t" }, blocks: [] } }),
    ).rejects.toMatchObject({ code: "slack_webapi_platform_error", data: { error: "trigger_exchanged" } });
  });

  it("answers a view_submission with validation errors in the HTTP body", async () => {
    const fake = await fakeSlack();
    const { eventsUrl } = await httpBolt(fake, (app) =>
      app.view("modal1", async ({ ack, view }) => {
        const email = view.state.values["email_block"]?.["email_input"]?.value ?? "";
        await ack(email.includes("@") ? undefined : { response_action: "errors", errors: { email_block: "bad email" } });
      }),
    );
    const body = viewSubmissionBody({
      values: { email_block: { email_input: { type: "plain_text_input", value: "nope" } } },
    });
    const reply = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ response_action: "errors", errors: { email_block: "bad email" } });
  });
});

describe("fake Slack Web API with the real WebClient", () => {
  it("rate-limits chat.postMessage per channel with 429 + Retry-After, which the client honours", async () => {
    const fake = await fakeSlack({
      rateLimits: { "chat.postMessage": { perSecond: 1, burst: 1, key: (a) => String(a["channel"]) } },
    });
    const client = new webApi.WebClient("xoxb-test", { slackApiUrl: fake.apiUrl, retryConfig: ONE_RETRY, logLevel: webApi.LogLevel.ERROR });
    const limited: number[] = [];
    client.on(webApi.WebClientEvent.RATE_LIMITED, (sec: number) => limited.push(sec));

    await client.chat.postMessage({ channel: "C1", text: "one" });
    await client.chat.postMessage({ channel: "C2", text: "other channel, own bucket" });
    const started = Date.now();
    const second = await client.chat.postMessage({ channel: "C1", text: "two" });
    expect(second.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(limited).toEqual([1]);
    expect(fake.calls.filter((c) => c.method === "chat.postMessage").map((c) => c.status)).toEqual([200, 200, 429, 200]);

    const strict = new webApi.WebClient("xoxb-test", {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: webApi.LogLevel.ERROR,
    });
    await expect(strict.chat.postMessage({ channel: "C1", text: "three" })).rejects.toMatchObject({
      code: "slack_webapi_rate_limited_error",
      retryAfter: 1,
    });
  });

  it("injects failures, records parsed args, and supports the files.uploadV2 sequence", async () => {
    const fake = await fakeSlack();
    const client = new webApi.WebClient("xoxb-test", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });

    fake.failNext("chat.postMessage", { body: { ok: false, error: "channel_not_found" } });
    await expect(client.chat.postMessage({ channel: "C404", text: "x" })).rejects.toMatchObject({
      code: "slack_webapi_platform_error",
      data: { error: "channel_not_found" },
    });
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*hi*" } }];
    const posted = await client.chat.postMessage({ channel: "C1", text: "hi", blocks });
    expect(fake.calls.at(-1)?.args["blocks"]).toEqual(blocks);
    const updated = await client.chat.update({ channel: "C1", ts: posted.ts ?? "", text: "edited" });
    expect(updated.ok).toBe(true);
    const dm = await client.conversations.open({ users: "U1" });
    expect(dm.channel?.id).toMatch(/^D/);

    const upload = await client.filesUploadV2({ channel_id: "C1", content: "a,b\n1,2\n", filename: "report.csv", title: "Report" });
    expect(upload.ok).toBe(true);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]?.bytes.toString()).toContain("a,b\n1,2\n");
    expect(fake.uploads[0]?.contentType).toMatch(/^multipart\/form-data/);
    const complete = await fake.waitForCall("files.completeUploadExternal");
    expect(complete.args["files"]).toEqual([{ id: fake.uploads[0]?.fileId, title: "Report" }]);
  });
});

describe("fake Slack Web API edge cases", () => {
  it("expires issued trigger_ids, accepts JSON bodies, and serves users.info / postEphemeral", async () => {
    const fake = await fakeSlack({ triggerTtlMs: 30, users: { U7: { real_name: "王 七" } } });
    const client = new webApi.WebClient("xoxb-test", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    const trigger = fake.issueTriggerId();
    await new Promise((r) => setTimeout(r, 60));
    await expect(
      client.views.open({ trigger_id: trigger, view: { type: "modal", title: { type: "plain_text", text: "t" }, blocks: [] } }),
    ).rejects.toMatchObject({ data: { error: "trigger_expired" } });

    const user = await client.users.info({ user: "U7" });
    expect(user.user).toMatchObject({ id: "U7", real_name: "王 七", team_id: "T1" });
    expect((await client.chat.postEphemeral({ channel: "C1", user: "U7", text: "psst" })).message_ts).toBeDefined();

    // Hand-written JSON request, as production code might send with fetch.
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", Authorization: "Bearer xoxb-json" },
      body: JSON.stringify({ channel: "C1", blocks: [{ type: "divider" }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: "C1" });
    const call = await fake.waitForCall("chat.postMessage", (c) => c.token === "xoxb-json");
    expect(call.args["blocks"]).toEqual([{ type: "divider" }]);
    // Bot tokens cannot open Socket Mode connections.
    await expect(client.apps.connections.open()).rejects.toMatchObject({ data: { error: "not_allowed_token_type" } });
  });
});

describe("fake Slack Socket Mode with a real Bolt App", () => {
  async function socketBolt(fake: FakeSlack, setup: (app: App) => void, clientPingTimeout?: number): Promise<App> {
    const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } };
    // App does not forward clientPingTimeout, so build the receiver ourselves when it matters.
    const receiver =
      clientPingTimeout === undefined
        ? undefined
        : new SocketModeReceiver({ appToken: "xapp-1-test", clientPingTimeout, logLevel: LogLevel.ERROR, installerOptions: { clientOptions } });
    const app = new App({
      token: "xoxb-test",
      botId: "BBOT",
      botUserId: "UBOT",
      logLevel: LogLevel.ERROR,
      clientOptions,
      ...(receiver ? { receiver } : { socketMode: true, appToken: "xapp-1-test" }),
    });
    setup(app);
    await app.start();
    cleanups.push(() => app.stop());
    await fake.socket.waitForConnection();
    return app;
  }

  it("connects via apps.connections.open, acks slash_commands and interactive envelopes", async () => {
    const fake = await fakeSlack();
    await socketBolt(fake, (app) => {
      app.command("/echo", async ({ command, ack }) => ack({ text: `got ${command.text}` }));
      app.view("modal1", async ({ ack }) => ack({ response_action: "errors", errors: { email_block: "bad email" } }));
      app.command("/silent", async () => undefined); // never acks
    });
    const open = await fake.waitForCall("apps.connections.open");
    expect(open.token).toBe("xapp-1-test");

    const ack = await fake.socket.send({ type: "slash_commands", payload: { ...slashCommandPayload({ command: "/echo", text: "hi" }) } });
    expect(ack.payload).toEqual({ text: "got hi" });

    const viewAck = await fake.socket.send({ type: "interactive", payload: viewSubmissionPayload() });
    expect(viewAck.payload).toEqual({ response_action: "errors", errors: { email_block: "bad email" } });

    await expect(
      fake.socket.send({ type: "slash_commands", payload: { ...slashCommandPayload({ command: "/silent" }) } }, { ackTimeoutMs: 200 }),
    ).rejects.toThrow(/not acked within 200 ms/);
  });

  it("reconnects through apps.connections.open after a disconnect frame", async () => {
    const fake = await fakeSlack();
    await socketBolt(fake, (app) => app.command("/echo", async ({ ack }) => ack()), 300);
    fake.socket.disconnect("refresh_requested");
    await until(() => fake.calls.filter((c) => c.method === "apps.connections.open").length === 2);
    await fake.socket.waitForConnection();
    // A round trip proves the client side finished its handshake too (stopping the app while the
    // reconnect is still CONNECTING makes socket-mode 2.0.7 leak an unhandled rejection).
    const ack = await fake.socket.send({ type: "slash_commands", payload: { ...slashCommandPayload({ command: "/echo" }) } });
    expect(ack.payload).toEqual({}); // a bare ack() still carries payload {}
    expect(fake.socket.openConnections).toBe(1);
  });
});

// =============================================================================================
// DingTalk
// =============================================================================================

describe("fake DingTalk stream with the real dingtalk-stream DWClient", () => {
  function dwClient(fake: FakeDingTalk): TestDWClient {
    const client = new TestDWClient({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      gatewayUrl: fake.gatewayUrl,
      getTokenUrl: fake.getTokenUrl,
      autoReconnect: false,
    });
    cleanups.push(() => client.disconnect());
    return client;
  }

  it("receives a bot message, replies through the sessionWebhook and acks", async () => {
    const fake = await fakeDingTalk();
    const client = dwClient(fake);
    client.registerCallbackListener(TOPIC_ROBOT, (msg) => {
      const data = JSON.parse(msg.data) as { sessionWebhook: string; senderStaffId: string; text: { content: string } };
      void (async () => {
        const token = await client.getAccessToken();
        await fetch(data.sessionWebhook, {
          method: "POST",
          headers: { "Content-Type": "application/json", "x-acs-dingtalk-access-token": token },
          body: JSON.stringify({ msgtype: "text", text: { content: `收到:${data.text.content.trim()}` }, at: { atUserIds: [data.senderStaffId] } }),
        });
        client.socketCallBackResponse(msg.headers.messageId, null);
      })();
    });
    await client.connect();
    await fake.waitForConnection();
    expect(fake.registrations[0]?.subscriptions).toContainEqual({ type: "CALLBACK", topic: TOPIC_ROBOT });

    const ack = await fake.pushBotMessage({ text: { content: " 进度" } });
    expect(ack.data).toEqual({ response: null });
    expect(ack.frame).toMatchObject({ code: 200, message: "OK" });
    const reply = await fake.waitForCall("POST /robot/sendBySession");
    expect(reply.response).toEqual({ errcode: 0, errmsg: "ok" });
    expect(reply.body).toMatchObject({ msgtype: "text", text: { content: "收到:进度" }, at: { atUserIds: ["manager1234"] } });
    expect(fake.tokenRequests.gettoken).toBe(1);
  });

  it("acks a card callback within the 2 s deadline; an un-acked one rejects", async () => {
    const fake = await fakeDingTalk();
    const client = dwClient(fake);
    const cardResponse = {
      cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
      cardData: { cardParamMap: { status: "agree" } },
    };
    client.registerCallbackListener(TOPIC_CARD, (msg) => {
      const data = JSON.parse(msg.data) as { outTrackId: string };
      if (data.outTrackId === "track-1") client.socketCallBackResponse(msg.headers.messageId, cardResponse);
    });
    await client.connect();
    await fake.waitForConnection();

    const ack = await fake.pushCardCallback({ outTrackId: "track-1", params: { action: "agree" } });
    expect(ack.data).toEqual({ response: cardResponse });
    expect(ack.ms).toBeLessThan(2000);
    await expect(fake.pushCardCallback({ outTrackId: "ignored" }, { ackTimeoutMs: 150 })).rejects.toThrow(/not acked/);
  });

  it("echoes SYSTEM pings, auto-acks EVENTs, refuses topics the client did not subscribe to", async () => {
    const fake = await fakeDingTalk();
    const client = dwClient(fake); // no callback listeners: only EVENT "*"
    await client.connect();
    await fake.waitForConnection();

    const pong = await fake.ping();
    expect(pong.data).toMatchObject({ opaque: expect.any(String) });
    const evt = await fake.pushEvent("chat_update_title", { title: "x" });
    expect(evt.data).toEqual({ status: "SUCCESS" });
    await expect(fake.pushBotMessage()).rejects.toThrow(/no open stream connection subscribed/);
  });

  it("redelivers an un-acked callback with the same messageId when configured", async () => {
    const fake = await fakeDingTalk({ redelivery: { afterMs: 100, maxDeliveries: 3 } });
    const client = dwClient(fake);
    const seen: string[] = [];
    client.registerCallbackListener(TOPIC_ROBOT, (msg) => {
      seen.push(msg.headers.messageId);
      if (seen.length === 2) client.socketCallBackResponse(msg.headers.messageId, null);
    });
    await client.connect();
    await fake.waitForConnection();

    const ack = await fake.pushBotMessage({}, { messageId: "mid-1" });
    expect(ack.deliveries).toBe(2);
    expect(seen).toEqual(["mid-1", "mid-1"]);
    await new Promise((r) => setTimeout(r, 250)); // no third delivery after the ack
    expect(fake.deliveries("mid-1")).toBe(2);
  });

  it("sends a SYSTEM disconnect frame, then closes the socket", async () => {
    const fake = await fakeDingTalk();
    const client = dwClient(fake);
    await client.connect();
    await fake.waitForConnection();
    fake.sendDisconnect(50);
    await until(() => !client.connected && fake.openConnections === 0);
    expect(fake.registrations).toHaveLength(1); // autoReconnect:false, so no new gateway call
  });

  it("rejects a gateway call with a wrong secret", async () => {
    const fake = await fakeDingTalk();
    const client = new TestDWClient({
      clientId: fake.clientId,
      clientSecret: "wrong",
      gatewayUrl: fake.gatewayUrl,
      getTokenUrl: fake.getTokenUrl,
    });
    await expect(client.getEndpoint()).rejects.toThrow(/gateway HTTP 400/);
    expect(fake.registrations).toHaveLength(0);
  });
});

describe("fake DingTalk OpenAPI", () => {
  async function token(fake: FakeDingTalk): Promise<string> {
    const res = await fetch(`${fake.url}/v1.0/oauth2/accessToken`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ appKey: fake.clientId, appSecret: fake.clientSecret }),
    });
    const body = (await res.json()) as { accessToken: string; expireIn: number };
    return body.accessToken;
  }

  function api(fake: FakeDingTalk, accessToken: string | undefined, method: string, path: string, body: unknown): Promise<Response> {
    return fetch(`${fake.url}${path}`, {
      method,
      headers: { "Content-Type": "application/json", ...(accessToken ? { "x-acs-dingtalk-access-token": accessToken } : {}) },
      body: JSON.stringify(body),
    });
  }

  const batch = (fake: FakeDingTalk, n: number) => ({
    robotCode: fake.robotCode,
    userIds: Array.from({ length: n }, (_, i) => `user${i}`),
    msgKey: "sampleMarkdown",
    msgParam: JSON.stringify({ title: "t", text: "**hi**" }),
  });

  it("issues a stable token, checks it, and limits batchSend to 20 userIds", async () => {
    const fake = await fakeDingTalk({ tokenExpireInSec: 60 });
    const t1 = await token(fake);
    expect(await token(fake)).toBe(t1);
    expect(fake.tokenRequests.oauth2).toBe(2);

    const noToken = await api(fake, undefined, "POST", "/v1.0/robot/oToMessages/batchSend", batch(fake, 1));
    expect(noToken.status).toBe(400);
    expect(await noToken.json()).toMatchObject({ code: "InvalidAuthentication" });

    const ok = await api(fake, t1, "POST", "/v1.0/robot/oToMessages/batchSend", batch(fake, 20));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ processQueryKey: expect.any(String), invalidStaffIdList: [] });

    const tooMany = await api(fake, t1, "POST", "/v1.0/robot/oToMessages/batchSend", batch(fake, 21));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ code: expect.any(String), message: expect.any(String), requestid: expect.any(String) });
  });

  it("answers HTTP 403 QpsLimitForAppkeyAndApi beyond 20 QPS per API", async () => {
    const fake = await fakeDingTalk();
    const t = await token(fake);
    const body = { robotCode: fake.robotCode, openConversationId: "cid1", msgKey: "sampleText", msgParam: '{"content":"hi"}' };
    const statuses = await Promise.all(
      Array.from({ length: 25 }, () => api(fake, t, "POST", "/v1.0/robot/groupMessages/send", body).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 403)).toHaveLength(5);
    const limited = fake.calls.find((c) => c.status === 403);
    expect(limited?.response).toMatchObject({ code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi" });
    // Another API has its own budget.
    expect((await api(fake, t, "POST", "/v1.0/robot/oToMessages/batchSend", batch(fake, 1))).status).toBe(200);
  });

  it("creates, updates cards and honours failNext and sessionWebhook expiry", async () => {
    const fake = await fakeDingTalk();
    const t = await token(fake);
    const card = {
      cardTemplateId: "tpl.schema",
      outTrackId: "track-9",
      callbackType: "STREAM",
      cardData: { cardParamMap: { title: "t" } },
      openSpaceId: "dtv1.card//IM_GROUP.cid1",
      imGroupOpenSpaceModel: { supportForward: true },
      imGroupOpenDeliverModel: { robotCode: fake.robotCode },
    };
    const created = await api(fake, t, "POST", "/v1.0/card/instances/createAndDeliver", card);
    expect(await created.json()).toMatchObject({ success: true, result: { outTrackId: "track-9", deliverResults: [{ spaceId: "cid1", success: true }] } });
    const dup = await api(fake, t, "POST", "/v1.0/card/instances/createAndDeliver", card);
    expect(await dup.json()).toMatchObject({ code: "param.cardAlreadyExist" });
    const upd = await api(fake, t, "PUT", "/v1.0/card/instances", { outTrackId: "track-9", cardData: { cardParamMap: { status: "done" } } });
    expect(upd.status).toBe(200);
    expect(fake.cards.get("track-9")?.updates).toHaveLength(1);

    fake.failNext("/v1.0/card/instances", { status: 500, body: { code: "system.busy", message: "busy" } });
    expect((await api(fake, t, "PUT", "/v1.0/card/instances", { outTrackId: "track-9", cardData: {} })).status).toBe(500);

    const expired = fake.botMessage({ sessionWebhookExpiredTime: Date.now() - 1 });
    const late = await fetch(expired.sessionWebhook, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ msgtype: "text", text: { content: "x" } }),
    });
    const lateBody = (await late.json()) as { errcode: number };
    expect(lateBody.errcode).not.toBe(0);
  });
});
