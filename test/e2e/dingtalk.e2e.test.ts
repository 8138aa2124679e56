/**
 * DingTalk end to end: the whole app (startApp: real core, real database, the real dingtalk-stream
 * client) against the fake DingTalk gateway, stream WebSocket, OpenAPI and sessionWebhooks on
 * 127.0.0.1, on both databases. What the user got back is read from the fake, what was kept from
 * the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportForm } from "../../handlers/types.js";
import { indicatorField } from "../../src/adapters/dingtalk/report-card.js";
import { startFakeDingTalk, type DingTalkCall, type FakeDingTalk, type RobotMessage } from "../fakes/fake-dingtalk.js";
import { currentValues, startAppFixture, tally, type AppFixture } from "../helpers/app-fixture.js";
import { PROVIDERS } from "../helpers/databases.js";

const UNIT = "市经信局";
const STAFF = "jxj001";
const TEMPLATE = "tpl-duban-e2e.schema";

interface SessionReply {
  msgtype: string;
  markdown: { title: string; text: string };
  at?: { atUserIds: string[] };
}

type CardMap = Record<string, string>;
interface CardAnswer {
  response: { cardData: { cardParamMap: CardMap } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

const sessionOf = (m: RobotMessage): string => new URL(m.sessionWebhook).searchParams.get("session") ?? "";

describe.each(PROVIDERS)("DingTalk over Stream, end to end on %s", (provider) => {
  let fake: FakeDingTalk;
  let f: AppFixture;

  beforeAll(async () => {
    fake = await startFakeDingTalk();
    f = await startAppFixture(provider, {
      dingtalk: { clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, apiUrl: fake.url, cardTemplateId: TEMPLATE },
    });
    await fake.waitForConnection();
    await f.bind("dingtalk", STAFF, UNIT);
  });
  afterAll(async () => {
    await f?.close();
    await fake?.close();
  });

  /** Pushes a robot message; `reply()` waits for the answer on that message's own sessionWebhook. */
  async function say(o: Partial<RobotMessage>) {
    const message = fake.botMessage(o);
    const ack = await fake.pushBotMessage(message);
    const replies = () => fake.calls.filter((c) => c.api === "POST /robot/sendBySession" && c.query["session"] === sessionOf(message));
    const reply = async (): Promise<SessionReply> => {
      const call: DingTalkCall = await fake.waitForCall("POST /robot/sendBySession", (c) => c.query["session"] === sessionOf(message), 5000);
      expect(call.response).toEqual({ errcode: 0, errmsg: "ok" });
      return call.body as SessionReply;
    };
    return { message, ack, reply, replies };
  }

  it("GIVEN a liaison's 1:1 text report THEN it is acked, stored, audited, and answered in markdown on the sessionWebhook", async () => {
    const sent = await say({ conversationType: "1", conversationId: "cidDirect==", senderStaffId: STAFF, msgId: "msg-direct-1", text: { content: "上报 新增工业机器人 260台 进展:完成技改项目备案" } });
    expect(sent.ack.data).toEqual({ response: null });
    const reply = await sent.reply();
    expect(reply.msgtype).toBe("markdown");
    expect(reply.at).toBeUndefined();
    expect(reply.markdown.title).toBe(`已收到 ${UNIT} 2026年10月 的上报`);
    expect(reply.markdown.text).toMatch(new RegExp(`^#### ✅ 已收到 ${UNIT} 2026年10月 的上报`));
    expect(reply.markdown.text).toContain("新增工业机器人");

    expect(await currentValues(f, UNIT, 202610)).toEqual({ "T18-2": 260 });
    const rev = await f.db.reportRevision.findFirstOrThrow({ include: { identity: true } });
    expect(rev).toMatchObject({ revision: 1, platform: "dingtalk", progress: "完成技改项目备案", identity: { userId: STAFF, tenant: "dingfakecorp" } });
    const audit = await f.db.auditLog.findFirstOrThrow({ where: { action: "report.submit", result: "ok" } });
    expect(audit).toMatchObject({ actor: `dingtalk:dingfakecorp:${STAFF}`, platform: "dingtalk", subject: `${UNIT}/202610` });
    expect(audit.rawInput).toContain("260台");
    // Answered on the sessionWebhook, so the OpenAPI was not needed.
    expect(fake.calls.some((c) => c.api.startsWith("POST /v1.0/robot/"))).toBe(false);
  });

  it("GIVEN a group message with a leading space and @督办 THEN it is stored and the reply @s the sender", async () => {
    const sent = await say({ conversationType: "2", senderStaffId: STAFF, msgId: "msg-group-1", text: { content: " @督办\u2005上报 在役机器人总量 2.1万台" } });
    expect(sent.ack.data).toEqual({ response: null });
    const reply = await sent.reply();
    expect(reply.at).toEqual({ atUserIds: [STAFF] });
    expect(reply.markdown.text).toMatch(new RegExp(`^@${STAFF}\\n\\n#### ✅ 已更新 ${UNIT} 2026年10月 的上报`));

    expect(await currentValues(f, UNIT, 202610)).toEqual({ "T18-2": 260, "T18-3": 21000 });
    const rev = await f.db.reportRevision.findFirstOrThrow({ where: { revision: 2 } });
    expect(rev.platform).toBe("dingtalk");
    expect(rev.rawInput).toBe("上报 在役机器人总量 2.1万台");
  });

  it("GIVEN the same msgId delivered again THEN one revision, and the redelivery gets the stored answer", async () => {
    const before = await tally(f);
    const sent = await say({ conversationType: "1", senderStaffId: STAFF, msgId: "msg-redelivered", text: { content: "上报 2026-09 新增工业机器人 150台" } });
    const first = await sent.reply();
    expect(first.markdown.title).toBe(`已收到 ${UNIT} 2026年9月 的上报`);
    await fake.pushBotMessage(sent.message); // DingTalk redelivers the very same payload
    await until(() => sent.replies().length === 2);
    expect(sent.replies()[1]!.body).toEqual(sent.replies()[0]!.body);
    expect(await tally(f)).toEqual({ reports: before.reports + 1, revisions: before.revisions + 1, values: before.values + 1, audited: before.audited + 1 });
    expect(await f.db.reportRevision.count({ where: { report: { period: 202609 } } })).toBe(1);
  });

  it("GIVEN an unbound user THEN the reply gives their staff id to pass to the admin; nothing is stored", async () => {
    const before = await tally(f);
    const sent = await say({ conversationType: "1", senderStaffId: "stranger42", msgId: "msg-unbound", text: { content: "上报 新增工业机器人 260台" } });
    const reply = await sent.reply();
    expect(reply.markdown.text).toContain("⛔");
    expect(reply.markdown.text).toContain("stranger42");
    expect(reply.markdown.text).toContain("管理员");
    expect(await tally(f)).toEqual(before);
  });

  describe("the report card", () => {
    let outTrackId = "";
    let currentForm: unknown;

    it("GIVEN the unit's form THEN the card is delivered by createAndDeliver with one input per indicator, prefilled", async () => {
      // The core answers no text command with a form, so the card is sent the way reminders will send it.
      const form = (await f.app.bot.openForm({ platform: "dingtalk", tenant: "dingfakecorp", userId: STAFF })) as ReportForm;
      expect(form.indicators.map((i) => i.code)).toEqual(expect.arrayContaining(["T18-1", "T18-2", "T18-3"]));
      // This period is already reported, so the form is a correction (it asks for a reason).
      expect(form.mode).toBe("correct");
      outTrackId = await f.app.dingtalk!.deliverReportCard({ kind: "direct", userId: STAFF }, form);

      const call = await fake.waitForCall("POST /v1.0/card/instances/createAndDeliver", (c) => (c.body as { outTrackId?: string }).outTrackId === outTrackId);
      expect(call.status).toBe(200);
      const body = call.body as { cardTemplateId: string; openSpaceId: string; callbackType: string; cardData: { cardParamMap: CardMap } };
      expect(body).toMatchObject({ cardTemplateId: TEMPLATE, openSpaceId: `dtv1.card//IM_ROBOT.${STAFF}`, callbackType: "STREAM" });
      const map = body.cardData.cardParamMap;
      expect(map["subtitle"]).toBe(`${UNIT} · 2026年10月`);
      currentForm = JSON.parse(map["form"] ?? "");
      const fields = (currentForm as { fields: { name: string; defaultValue?: string; hidden?: boolean }[] }).fields;
      const field = (code: string) => fields.find((x) => x.name === indicatorField(code));
      expect(fields.filter((x) => x.name.startsWith("ind_"))).toHaveLength(form.indicators.length);
      expect(field("T18-1")?.defaultValue).toBeUndefined();
      expect(field("T18-2")?.defaultValue).toBe("260台");
      expect(field("T18-3")?.defaultValue).toBe("2.1万台");
      expect(fields.find((x) => x.name === "_unit")).toMatchObject({ hidden: true, defaultValue: UNIT });
      expect(fields.find((x) => x.name === "reason")).toMatchObject({ required: true });
    });

    it("GIVEN a card submission with a bad value THEN the card shows the error beside the field within 2 s; nothing is stored", async () => {
      const before = await tally(f);
      const ack = await fake.pushCardCallback({
        outTrackId,
        userId: STAFF,
        actionIds: ["form"],
        params: { form: { [indicatorField("T18-1")]: "40亿元", progress: "两个项目开工", reason: "补报" }, current_form: currentForm },
      });
      expect(ack.ms).toBeLessThan(2000);
      const map = (ack.data as CardAnswer).response.cardData.cardParamMap;
      expect(map, map["status_text"]).toMatchObject({ status: "error", form_status: "normal" });
      expect(map["status_text"]).toContain("没有保存：有 1 处问题");
      const shown = (JSON.parse(map["form"] ?? "") as { fields: { name: string; label?: string; defaultValue?: string }[] }).fields;
      expect(shown.find((x) => x.name === indicatorField("T18-1"))).toMatchObject({ label: expect.stringContaining("⚠"), defaultValue: "40亿元" });
      expect(await tally(f)).toEqual(before);
    });

    it("GIVEN a valid card submission THEN it is stored and the card is answered within 2 s; a double tap stores nothing more", async () => {
      const before = await tally(f);
      const params = { form: { [indicatorField("T18-1")]: "40项", progress: "两个项目开工", reason: "补报技改项目" }, current_form: currentForm };
      const ack = await fake.pushCardCallback({ outTrackId, userId: STAFF, actionIds: ["form"], params });
      expect(ack.ms).toBeLessThan(2000);
      const map = (ack.data as CardAnswer).response.cardData.cardParamMap;
      expect(map, map["status_text"]).toMatchObject({ status: "ok", form_status: "disabled", form_btn_text: "已提交" });
      expect(map["status_text"]).toContain(`已修改 ${UNIT} 2026年10月 的数据（第 3 版）`);

      expect(await currentValues(f, UNIT, 202610)).toEqual({ "T18-1": 40, "T18-2": 260, "T18-3": 21000 });
      const rev = await f.db.reportRevision.findFirstOrThrow({ where: { report: { period: 202610 } }, orderBy: { revision: "desc" } });
      expect(rev).toMatchObject({ revision: 3, platform: "dingtalk", progress: "两个项目开工", reason: "补报技改项目" });
      expect(rev.rawInput).toMatch(/^\[form\]/);
      expect(await tally(f)).toEqual({ ...before, revisions: before.revisions + 1, values: before.values + 3, audited: before.audited + 1 });
      const audit = await f.db.auditLog.findFirstOrThrow({ where: { action: "report.correct", result: "ok" } });
      expect(audit).toMatchObject({ actor: `dingtalk:dingfakecorp:${STAFF}`, platform: "dingtalk", subject: `${UNIT}/202610` });

      const again = await fake.pushCardCallback({ outTrackId, userId: STAFF, actionIds: ["form"], params });
      expect(again.ms).toBeLessThan(2000);
      expect((again.data as CardAnswer).response.cardData.cardParamMap).toMatchObject({ status: "ok", form_status: "disabled" });
      expect(await f.db.reportRevision.count({ where: { report: { period: 202610 } } })).toBe(3);
      // Answered in the callback itself, never through the card-update API.
      expect(fake.calls.some((c) => c.api === "PUT /v1.0/card/instances")).toBe(false);
    });
  });
});
