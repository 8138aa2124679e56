/**
 * The DingTalk adapter end to end: the real dingtalk-stream client (through our DWClient
 * subclass) against the fake DingTalk over real HTTP and WebSocket on 127.0.0.1, with a
 * recording Bot. Everything started in a test is closed after it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Reply } from "../../../handlers/types.js";
import { createDingTalkAdapter, type DingTalkAdapter, type DingTalkAdapterOptions } from "../../../src/adapters/dingtalk/adapter.js";
import { indicatorField } from "../../../src/adapters/dingtalk/report-card.js";
import { StreamConnectError } from "../../../src/adapters/dingtalk/stream-client.js";
import { startFakeDingTalk, TOPIC_CARD, TOPIC_ROBOT, type FakeDingTalk, type FakeDingTalkOptions } from "../../fakes/fake-dingtalk.js";
import { okReply, RecordingBot, reportForm, silentLogger, until } from "./fixtures.js";

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Setup {
  fake: FakeDingTalk;
  bot: RecordingBot;
  adapter: DingTalkAdapter;
}

async function setup(
  o: { fake?: FakeDingTalkOptions; answer?: ConstructorParameters<typeof RecordingBot>[0] } & Partial<DingTalkAdapterOptions> = {},
): Promise<Setup> {
  const fake = await startFakeDingTalk(o.fake);
  cleanups.push(() => fake.close());
  const bot = new RecordingBot(o.answer);
  const adapter = createDingTalkAdapter({
    config: { clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, apiUrl: fake.url },
    bot,
    logger: silentLogger,
    stream: { reconnect: { minDelayMs: 10, maxDelayMs: 50 }, disconnectGraceMs: 20, ...o.stream },
    ...(o.cardTemplateId ? { cardTemplateId: o.cardTemplateId } : {}),
    ...(o.cardAnswerBudgetMs ? { cardAnswerBudgetMs: o.cardAnswerBudgetMs } : {}),
  });
  await adapter.start();
  cleanups.push(() => adapter.stop());
  await fake.waitForConnection();
  return { fake, bot, adapter };
}

const msgParam = (body: unknown): Record<string, string> => JSON.parse((body as { msgParam: string }).msgParam) as Record<string, string>;

describe("DingTalk adapter: robot messages", () => {
  it("1:1 text: acks first, gives the Bot the right Incoming, replies to the sessionWebhook in markdown", async () => {
    const { fake, bot } = await setup();
    expect(fake.registrations[0]?.subscriptions).toEqual([
      { type: "CALLBACK", topic: TOPIC_ROBOT },
      { type: "CALLBACK", topic: TOPIC_CARD },
    ]);

    const ack = await fake.pushBotMessage({ conversationType: "1", conversationId: "cidDirect==", msgId: "msg-1", text: { content: "查询 " } });
    expect(ack.data).toEqual({ response: null });

    const call = await fake.waitForCall("POST /robot/sendBySession");
    expect(bot.seen).toHaveLength(1);
    expect(bot.seen[0]).toMatchObject({
      platform: "dingtalk",
      tenant: "dingfakecorp",
      userId: "manager1234",
      userName: "用户",
      text: "查询",
      eventKey: "dingtalk:msg:msg-1",
      conversation: { id: "cidDirect==", type: "direct" },
    });
    expect(bot.seen[0]?.receivedAt).toBeInstanceOf(Date);
    expect(call.response).toEqual({ errcode: 0, errmsg: "ok" });
    expect(call.body).toEqual({
      msgtype: "markdown",
      markdown: { title: okReply.title, text: `#### ✅ ${okReply.title}\n\n- 工业企业数 **120家**\n- 投资额 **35000万元**` },
    });
    expect(fake.calls.some((c) => c.api.includes("/v1.0/robot/"))).toBe(false);
  });

  it("group @ message: leading space and @督办 are stripped; the reply @s the sender", async () => {
    const { fake, bot } = await setup();
    await fake.pushBotMessage({ text: { content: " @督办\u2005上报 工业企业数 120家" }, senderId: "$:LWCP_v1:$x", senderCorpId: "dingcorpA" });
    const call = await fake.waitForCall("POST /robot/sendBySession");
    expect(bot.seen[0]).toMatchObject({ text: "上报 工业企业数 120家", tenant: "dingcorpA", conversation: { id: "cidFakeGroup==", type: "group" } });
    expect(call.body).toMatchObject({ msgtype: "markdown", at: { atUserIds: ["manager1234"] } });
    expect((call.body as { markdown: { text: string } }).markdown.text).toMatch(/^@manager1234\n\n#### ✅/);
  });

  it("falls back to senderId when there is no staffId, and to chatbotCorpId for the tenant", async () => {
    const { fake, bot } = await setup();
    await fake.pushBotMessage({ conversationType: "1", senderStaffId: undefined, senderCorpId: undefined as unknown as string });
    await fake.waitForCall("POST /robot/sendBySession");
    expect(bot.seen[0]).toMatchObject({ userId: "$:LWCP_v1:$sender", tenant: "dingfakecorp" });
  });

  it("expired sessionWebhook: 1:1 reply goes through batchSend, group reply through groupMessages/send", async () => {
    const { fake } = await setup();
    const expired = Date.now() - 1;
    await fake.pushBotMessage({ conversationType: "1", sessionWebhookExpiredTime: expired });
    const direct = await fake.waitForCall("POST /v1.0/robot/oToMessages/batchSend");
    expect(direct.status).toBe(200);
    expect(direct.body).toMatchObject({ robotCode: fake.robotCode, userIds: ["manager1234"], msgKey: "sampleMarkdown" });
    expect(msgParam(direct.body)).toEqual({ title: okReply.title, text: expect.stringContaining("#### ✅") });

    await fake.pushBotMessage({ conversationType: "2", conversationId: "cidGroup42==", sessionWebhookExpiredTime: expired });
    const group = await fake.waitForCall("POST /v1.0/robot/groupMessages/send");
    expect(group.status).toBe(200);
    expect(group.body).toMatchObject({ openConversationId: "cidGroup42==", msgKey: "sampleMarkdown" });
    expect(msgParam(group.body)["text"]).not.toContain("@manager1234"); // the OpenAPI cannot @

    expect(fake.calls.some((c) => c.api === "POST /robot/sendBySession")).toBe(false);
    expect(fake.tokenRequests.oauth2).toBe(1); // one token for both sends
  });

  it("a redelivered msgId reaches the Bot with the same eventKey", async () => {
    const { fake, bot } = await setup();
    const first = fake.botMessage({ msgId: "msg-dup", conversationType: "1" });
    await fake.pushBotMessage(first);
    await fake.pushBotMessage({ ...first, sessionWebhook: undefined as unknown as string });
    await until(() => bot.seen.length === 2);
    expect(bot.seen.map((i) => i.eventKey)).toEqual(["dingtalk:msg:msg-dup", "dingtalk:msg:msg-dup"]);
  });

  it("acks before the Bot answers, so a slow Bot causes no redelivery", async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { fake, bot } = await setup({ fake: { redelivery: { afterMs: 50, maxDeliveries: 3 } }, answer: () => gate.then(() => okReply) });
    const ack = await fake.pushBotMessage({}, { messageId: "mid-slow" });
    expect(ack.deliveries).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.deliveries("mid-slow")).toBe(1);
    release();
    await fake.waitForCall("POST /robot/sendBySession");
    expect(bot.seen).toHaveLength(1);
  });

  it("a payload that fails validation is acked and dropped, the Bot is not called", async () => {
    const { fake, bot } = await setup();
    const ack = await fake.pushBotMessage({ conversationType: "9" as "1" });
    expect(ack.data).toEqual({ response: null });
    await new Promise((r) => setTimeout(r, 50));
    expect(bot.seen).toHaveLength(0);
  });
});

describe("DingTalk adapter: report card", () => {
  const formReply: Reply = { status: "info", title: "请填写", lines: [], form: reportForm() };

  it("delivers the card via createAndDeliver with the form in cardParamMap", async () => {
    const { fake } = await setup({ cardTemplateId: "tpl-duban.schema", answer: () => formReply });
    await fake.pushBotMessage({ conversationType: "1" });
    const call = await fake.waitForCall("POST /v1.0/card/instances/createAndDeliver");
    expect(call.status).toBe(200);
    const body = call.body as { outTrackId: string; cardData: { cardParamMap: Record<string, string> } };
    expect(body).toMatchObject({
      cardTemplateId: "tpl-duban.schema",
      callbackType: "STREAM",
      openSpaceId: "dtv1.card//IM_ROBOT.manager1234",
      imRobotOpenDeliverModel: { spaceType: "IM_ROBOT" },
    });
    expect(body.outTrackId).toMatch(/^duban-/);
    const map = body.cardData.cardParamMap;
    expect(Object.values(map).every((v) => typeof v === "string")).toBe(true);
    expect(map).toMatchObject({ title: "义乌市 2026年10月 上报", subtitle: "义乌市 · 2026年10月", form_btn_text: "提交", form_status: "normal" });
    const fields = (JSON.parse(map["form"] ?? "") as { fields: { name: string; label?: string; hidden?: boolean; defaultValue?: string }[] }).fields;
    expect(fields.filter((f) => !f.hidden).map((f) => f.label)).toEqual(["工业企业数（家）", "投资额（万元）", "进展", "问题", "计划"]);
    expect(fields.find((f) => f.name === indicatorField("IND.02"))?.defaultValue).toBe("35000");
    expect(fake.cards.get(body.outTrackId)?.callbackType).toBe("STREAM");
    expect(fake.calls.some((c) => c.api === "POST /robot/sendBySession")).toBe(false);
  });

  it("in a group, the card goes to the group with the sender as only recipient", async () => {
    const { fake } = await setup({ cardTemplateId: "tpl", answer: () => formReply });
    await fake.pushBotMessage({ conversationId: "cidG==" });
    const call = await fake.waitForCall("POST /v1.0/card/instances/createAndDeliver");
    expect(call.body).toMatchObject({
      openSpaceId: "dtv1.card//IM_GROUP.cidG==",
      imGroupOpenDeliverModel: { robotCode: fake.robotCode, recipients: ["manager1234"] },
    });
  });

  it("without a card template, a form reply is markdown listing the indicators and the command", async () => {
    const { fake } = await setup({ answer: () => formReply });
    await fake.pushBotMessage({ conversationType: "1" });
    const call = await fake.waitForCall("POST /robot/sendBySession");
    const text = (call.body as { markdown: { text: string } }).markdown.text;
    expect(text).toContain("- **工业企业数**（家） 上次：260家 (2026年9月)");
    expect(text).toContain("上报 2026-10 工业企业数 <数值>家 投资额 35000");
    expect(fake.calls.some((c) => c.api.includes("createAndDeliver"))).toBe(false);
  });

  it("card callback: the Bot gets the submission, the card is answered within 2 s with cardData", async () => {
    const { fake, bot } = await setup({
      cardTemplateId: "tpl",
      answer: (i) => (i.form ? okReply : formReply),
    });
    await fake.pushBotMessage({ conversationType: "1" });
    const created = await fake.waitForCall("POST /v1.0/card/instances/createAndDeliver");
    const { outTrackId, cardData } = created.body as { outTrackId: string; cardData: { cardParamMap: Record<string, string> } };
    const currentForm = JSON.parse(cardData.cardParamMap["form"] ?? "") as unknown;
    const params = {
      form: { [indicatorField("IND-01")]: " 120家 ", [indicatorField("IND.02")]: "3.5亿元", progress: "推进顺利", problems: "" },
      current_form: currentForm,
    };

    const ack = await fake.pushCardCallback({ outTrackId, params, actionIds: ["form"] });
    expect(ack.ms).toBeLessThan(2000);
    const cardIncoming = bot.seen[1];
    expect(cardIncoming).toMatchObject({
      platform: "dingtalk",
      tenant: "dingfakecorp",
      userId: "manager1234",
      form: { mode: "report", period: "2026-10", unit: "义乌市", values: { "IND-01": "120家", "IND.02": "3.5亿元" }, progress: "推进顺利" },
    });
    expect(cardIncoming?.form).not.toHaveProperty("problems");
    expect(cardIncoming?.eventKey).toMatch(new RegExp(`^dingtalk:card:${outTrackId}:[0-9a-f]{40}$`));

    const response = (ack.data as { response: { cardData: { cardParamMap: Record<string, string> }; cardUpdateOptions: unknown } }).response;
    expect(response.cardUpdateOptions).toEqual({ updateCardDataByKey: true, updatePrivateDataByKey: true });
    expect(response.cardData.cardParamMap).toMatchObject({ status: "ok", form_status: "disabled", form_btn_text: "已提交" });
    expect(response.cardData.cardParamMap["status_text"]).toContain(okReply.title);
    // Answered in the callback, never through the update API.
    expect(fake.calls.some((c) => c.api === "PUT /v1.0/card/instances")).toBe(false);

    // The same params again (a double tap) → the same eventKey.
    await fake.pushCardCallback({ outTrackId, params, actionIds: ["form"] });
    expect(bot.seen[2]?.eventKey).toBe(cardIncoming?.eventKey);
  });

  it("card callback with field errors: errors beside the fields, input kept, form still open", async () => {
    const { fake } = await setup({
      cardTemplateId: "tpl",
      answer: () => ({ status: "error", title: "有 1 处需要修改", lines: [], fieldErrors: { "IND-01": "缺少单位", period: "期间已关闭" } }),
    });
    const fields = [
      { name: indicatorField("IND-01"), label: "工业企业数（家）", type: "TEXT" },
      { name: "_period", type: "TEXT", hidden: true, defaultValue: "2026-10" },
    ];
    const ack = await fake.pushCardCallback({ outTrackId: "t-err", params: { form: { [indicatorField("IND-01")]: "120" }, current_form: { fields } } });
    const map = (ack.data as { response: { cardData: { cardParamMap: Record<string, string> } } }).response.cardData.cardParamMap;
    expect(map).toMatchObject({ status: "error", form_status: "normal" });
    expect(map).not.toHaveProperty("form_btn_text");
    expect(map["status_text"]).toContain("期间已关闭");
    const shown = (JSON.parse(map["form"] ?? "") as { fields: { label?: string; defaultValue?: string }[] }).fields[0];
    expect(shown).toMatchObject({ label: "工业企业数（家） ⚠ 缺少单位", defaultValue: "120" });
  });

  it("a Bot slower than the budget: 'processing' within 2 s, then the result through the card-update API", async () => {
    const { fake, adapter } = await setup({
      cardTemplateId: "tpl",
      cardAnswerBudgetMs: 100,
      answer: () => new Promise<Reply>((r) => setTimeout(() => r(okReply), 300)),
    });
    const sent = await adapter.sendDirect(["manager1234"], formReply);
    const outTrackId = "outTrackIds" in sent ? sent.outTrackIds[0] ?? "" : "";
    expect(fake.cards.has(outTrackId)).toBe(true);

    const ack = await fake.pushCardCallback({ outTrackId, params: { form: { progress: "x" } } });
    expect(ack.ms).toBeLessThan(2000);
    expect((ack.data as { response: { cardData: { cardParamMap: Record<string, string> } } }).response.cardData.cardParamMap).toMatchObject({
      form_status: "disabled",
      status_text: "正在处理，请稍候…",
    });
    const update = await fake.waitForCall("PUT /v1.0/card/instances");
    expect(update.status).toBe(200);
    expect(update.body).toMatchObject({ outTrackId, cardData: { cardParamMap: { status: "ok", form_btn_text: "已提交" } } });
  });
});

describe("DingTalk adapter: connection", () => {
  it("start() rejects with the gateway's code on bad credentials, and does not retry", async () => {
    const fake = await startFakeDingTalk();
    cleanups.push(() => fake.close());
    const adapter = createDingTalkAdapter({
      config: { clientId: fake.clientId, clientSecret: "wrong", apiUrl: fake.url },
      bot: new RecordingBot(),
      logger: silentLogger,
    });
    cleanups.push(() => adapter.stop());
    const err = await adapter.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StreamConnectError);
    expect(err).toMatchObject({ status: 400, code: "invalidClientIdOrSecret", permanent: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.calls.filter((c) => c.api === "POST /v1.0/gateway/connections/open")).toHaveLength(1);
  });

  it("reconnects once through the gateway after a SYSTEM disconnect, and keeps receiving", async () => {
    const { fake, bot } = await setup();
    fake.sendDisconnect(5_000); // the real server closes 10 s later; we move after the grace
    await until(() => fake.registrations.length === 2 && fake.openConnections >= 1);
    await fake.pushBotMessage({ conversationType: "1", msgId: "after-reconnect" });
    await until(() => bot.seen.length === 1);
    expect(bot.seen[0]?.eventKey).toBe("dingtalk:msg:after-reconnect");
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.registrations).toHaveLength(2); // one reconnect, no storm
  });

  it("connects, reconnects and stops through our logger, never the console (the SDK's own prints)", async () => {
    const printed: unknown[][] = [];
    const spies = (["log", "info", "warn", "error"] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args)));
    try {
      const { fake, adapter } = await setup();
      fake.sendDisconnect(5_000);
      await until(() => fake.registrations.length === 2 && fake.openConnections >= 1);
      await adapter.stop();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(printed).toEqual([]);
  });

  it("sendDirect to 45 users: 3 batchSend calls of 20, 20 and 5", async () => {
    const { fake, adapter } = await setup();
    const users = Array.from({ length: 45 }, (_, i) => `user${i}`);
    const result = await adapter.sendDirect(users, okReply);
    const calls = fake.calls.filter((c) => c.api === "POST /v1.0/robot/oToMessages/batchSend");
    expect(calls.map((c) => (c.body as { userIds: string[] }).userIds.length)).toEqual([20, 20, 5]);
    expect(calls.flatMap((c) => (c.body as { userIds: string[] }).userIds)).toEqual(users);
    expect(result).toMatchObject({ processQueryKeys: [expect.any(String), expect.any(String), expect.any(String)] });
  });

  it("a reply throttled with HTTP 403 QpsLimit is retried once, after 1 s", async () => {
    const { fake, adapter } = await setup();
    fake.failNext("/v1.0/robot/groupMessages/send", {
      status: 403,
      body: { code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", message: "应用调用该接口的并发量超过限制", requestid: "R1" },
    });
    await adapter.sendGroup("cidG==", okReply);
    const calls = fake.calls.filter((c) => c.api === "POST /v1.0/robot/groupMessages/send");
    expect(calls.map((c) => c.status)).toEqual([403, 200]);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });
});
