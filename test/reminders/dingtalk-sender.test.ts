/**
 * The DingTalk sender against the fake DingTalk with its real limit on (20 QPS per API, sliding
 * one-second window, HTTP 403 QpsLimitForAppkeyAndApi beyond). Real time; one ~1 s wait (the 403).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply, ReportForm } from "../../handlers/types.js";
import { DingTalkOpenApi } from "../../src/adapters/dingtalk/index.js";
import { createDingTalkSender, reminderCardDelivery } from "../../src/reminders/dingtalk-sender.js";
import type { ReminderSender } from "../../src/reminders/sender.js";
import { startFakeDingTalk, type DingTalkCall, type FakeDingTalk } from "../fakes/fake-dingtalk.js";

const BATCH = "POST /v1.0/robot/oToMessages/batchSend";
const CARD = "POST /v1.0/card/instances/createAndDeliver";

const reminder: Reply = {
  status: "info",
  title: "【督办】2026年10月 月报即将截止",
  lines: ["贵单位 2026年10月 的月报尚未报齐,截止时间 **11月10日(周二)**。"],
  actions: [{ id: "open_report_form", label: "填报", value: "2026-10" }],
};

const form: ReportForm = {
  mode: "report",
  unit: { id: 1, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [{ code: "ind1", name: "新增工业机器人", unit: "台", kind: "count", last: "260台 (2026年9月)" }],
  narrative: {},
  labels: { title: "月报填报", submit: "提交", progress: "进展", problems: "问题", nextSteps: "下步", reason: "原因", period: "期间" },
};

let fake: FakeDingTalk;
let openapi: DingTalkOpenApi;
/** One sender for the app, as in production: DingTalk's 20 QPS is per app, and the pacer per sender. */
let sender: ReminderSender;
beforeAll(async () => {
  fake = await startFakeDingTalk({ qpsLimit: 20 });
  openapi = new DingTalkOpenApi({ clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, baseUrl: fake.url });
  await openapi.accessToken();
  sender = createDingTalkSender({ openapi, robotCode: fake.robotCode });
});
afterAll(async () => {
  await fake.close();
});

const callsSince = (n: number, api: string): DingTalkCall[] => fake.calls.slice(n).filter((c) => c.api === api);
const userIdsOf = (c: DingTalkCall): string[] => (c.body as { userIds: string[] }).userIds;
const users = (n: number, prefix = "staff") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("DingTalk reminder sender", () => {
  it("sends 45 users in 3 batchSend calls of ≤ 20", async () => {
    const ids = users(45);
    const before = fake.calls.length;

    const outcomes = await sender.sendDirect(ids, reminder);

    expect([...outcomes.keys()]).toEqual(ids);
    expect([...outcomes.values()].every((o) => o.ok && o.ref?.startsWith("pqk-"))).toBe(true);
    const calls = callsSince(before, BATCH);
    expect(calls.map((c) => userIdsOf(c).length).sort((a, b) => a - b)).toEqual([5, 20, 20]);
    const body = calls[0]!.body as { msgKey: string; msgParam: string };
    expect(body.msgKey).toBe("sampleMarkdown");
    expect(JSON.parse(body.msgParam).text).toContain("填报");
  });

  it("keeps 500 users (25 calls) under 20 QPS: no 403, any 21 calls span a second", async () => {
    const before = fake.calls.length;
    const outcomes = await sender.sendDirect(users(500, "many"), reminder);
    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    const calls = callsSince(before, BATCH);
    expect(calls).toHaveLength(25);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    const at = calls.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 0; i + 20 < at.length; i++) expect(at[i + 20]! - at[i]!).toBeGreaterThanOrEqual(1000);
  });

  it("answers a 403 QPS throttle by waiting ~1 s and retrying", async () => {
    fake.failNext("/v1.0/robot/oToMessages/batchSend", {
      status: 403,
      body: { code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", message: "应用调用该接口的并发量超过限制", requestid: "R1" },
    });
    const before = fake.calls.length;

    const outcomes = await sender.sendDirect(["a1", "a2"], reminder);

    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    const calls = callsSince(before, BATCH);
    expect(calls.map((c) => c.status)).toEqual([403, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(990);
  });

  it("retries flow-controlled users only, and fails an invalid staff id for that user only", async () => {
    const sender = createDingTalkSender({ openapi, pace: { flowControl: { waitMs: 20 } } });
    fake.failNext("/v1.0/robot/oToMessages/batchSend", {
      status: 200,
      body: { processQueryKey: "pqk-first", invalidStaffIdList: ["ghost"], flowControlledStaffIdList: ["busy"] },
    });
    const before = fake.calls.length;

    const outcomes = await sender.sendDirect(["fine", "busy", "ghost"], reminder);

    expect(outcomes.get("fine")).toEqual({ ok: true, ref: "pqk-first" });
    expect(outcomes.get("ghost")).toEqual({ ok: false, permanent: true, error: "invalidStaffId" });
    expect(outcomes.get("busy")?.ok).toBe(true);
    expect(callsSince(before, BATCH).map(userIdsOf)).toEqual([["fine", "busy", "ghost"], ["busy"]]);
  });

  it("records a permanent 4xx for the batch's users without retrying; 5xx is retried", async () => {
    const sender = createDingTalkSender({ openapi, pace: { retry: { baseMs: 20 } } });
    fake.failNext("/v1.0/robot/oToMessages/batchSend", { status: 400, body: { code: "invalidParameter.robotCode", message: "robotCode 无效" } });
    const before = fake.calls.length;
    const bad = await sender.sendDirect(["x1"], reminder);
    expect(bad.get("x1")).toEqual({ ok: false, permanent: true, error: "400 invalidParameter.robotCode" });
    expect(callsSince(before, BATCH)).toHaveLength(1);

    fake.failNext("/v1.0/robot/oToMessages/batchSend", { status: 500 });
    const ok = await sender.sendDirect(["x2"], reminder);
    expect(ok.get("x2")?.ok).toBe(true);
    expect(callsSince(before, BATCH).map((c) => c.status)).toEqual([400, 500, 200]);
  });

  it("posts to the task-force group", async () => {
    const before = fake.calls.length;
    const outcome = await sender.sendGroup("cidTaskForce==", { status: "info", title: "【督办】逾期未报", lines: ["- 义乌市", "- 东阳市"] });
    expect(outcome.ok).toBe(true);
    const [call] = callsSince(before, "POST /v1.0/robot/groupMessages/send");
    expect(call?.body).toMatchObject({ openConversationId: "cidTaskForce==", msgKey: "sampleMarkdown", robotCode: fake.robotCode });
  });

  it("delivers the interactive card per user when a form and a template exist; others get markdown", async () => {
    const deliverCard = reminderCardDelivery(openapi, { cardTemplateId: "duban.schema" });
    const sender = createDingTalkSender({ openapi, deliverCard });
    // card1/card2 have a form; nocard has none; broken's card is refused (template gone) → markdown.
    fake.failNext("/v1.0/card/instances/createAndDeliver", { status: 400, body: { code: "param.templateNotExist", message: "模板不存在" } });
    const formFor = async (u: string) => (u === "nocard" ? undefined : form);
    const before = fake.calls.length;

    const outcomes = await sender.sendDirect(["broken", "card1", "card2", "nocard"], reminder, formFor);

    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    const card1 = outcomes.get("card1");
    const outTrackId = card1?.ok ? card1.ref : undefined;
    expect(outTrackId).toMatch(/^duban-/);
    const cards = callsSince(before, CARD);
    expect(cards.map((c) => c.status)).toEqual([400, 200, 200]);
    expect(cards.filter((c) => c.status === 200).map((c) => (c.body as { openSpaceId: string }).openSpaceId).sort()).toEqual([
      "dtv1.card//IM_ROBOT.card1",
      "dtv1.card//IM_ROBOT.card2",
    ]);
    const stored = fake.cards.get(outTrackId!)!;
    const params = (stored.cardData as { cardParamMap: Record<string, string> }).cardParamMap;
    expect(params["title"]).toBe(reminder.title);
    expect(params["status_text"]).toContain("尚未报齐");
    expect(params["status_text"]).not.toContain("上报");
    expect(callsSince(before, BATCH).flatMap(userIdsOf).sort()).toEqual(["broken", "nocard"]);
  });

  it("refuses a robotCode that differs from the OpenAPI client's", () => {
    expect(() => createDingTalkSender({ openapi, robotCode: "other" })).toThrow(/robotCode/);
  });
});
