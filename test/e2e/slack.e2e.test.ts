/**
 * Slack end to end: the whole app (startApp: real core, real database, real Bolt) against the
 * fake Slack on 127.0.0.1, on both databases. Requests are signed and sent as Slack sends them;
 * what the user got back is read from the fake (response_url, Web API calls), what was kept from
 * the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  postToBolt,
  slashCommandBody,
  slashCommandPayload,
  startFakeSlack,
  viewSubmissionBody,
  type FakeSlack,
  type PostToBoltOptions,
  type RecordedResponse,
} from "../fakes/fake-slack.js";
import { currentValues, startAppFixture, tally, type AppFixture } from "../helpers/app-fixture.js";
import { PROVIDERS } from "../helpers/databases.js";

const SECRET = "e2e-0f3c8a1b2d4e6f708192a3b4c5d6e7f8";
const UNIT = "市经信局";

interface SlackReply {
  response_type?: string;
  text: string;
  blocks: { type: string; text?: { text: string } }[];
}

const bodyOf = (r: RecordedResponse): SlackReply => r.body as SlackReply;
/** Everything the user sees: the fallback text carries the title, lines and example. */
const shown = (r: RecordedResponse): string => bodyOf(r).text;
/** The example is rendered as its own code block. */
const exampleBlock = (r: RecordedResponse): string | undefined =>
  bodyOf(r).blocks.find((b) => b.type === "section" && b.text?.text.startsWith("```"))?.text?.text;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe.each(PROVIDERS)("Slack over HTTP, end to end on %s", (provider) => {
  let fake: FakeSlack;
  let f: AppFixture;
  let eventsUrl: string;
  let seq = 0;

  beforeAll(async () => {
    fake = await startFakeSlack();
    f = await startAppFixture(provider, { slack: { mode: "http", botToken: "xoxb-e2e", signingSecret: SECRET, apiUrl: fake.apiUrl } });
    eventsUrl = `${f.baseUrl}/slack/events`;
    await f.bind("slack", "U_JXJ", UNIT);
    await f.bind("slack", "U_JXJ2", "经信局"); // by alias
  });
  afterAll(async () => {
    await f?.close();
    await fake?.close();
  });

  /** Sends a signed slash command; `reply()` waits for the answer at its own response_url. */
  async function slash(user: string, command: "/report" | "/duban", text: string, o: Partial<PostToBoltOptions> & { triggerId?: string } = {}) {
    const id = `r${++seq}`;
    const body = slashCommandBody({ command, text, user_id: user, trigger_id: o.triggerId ?? fake.issueTriggerId(), response_url: fake.responseUrl(id) });
    const ack = await postToBolt(eventsUrl, body, { secret: SECRET, ...o });
    return { id, body, ack, reply: () => fake.waitForResponse((r) => r.id === id, 5000) };
  }

  it("GIVEN a liaison THEN `/report <text>` is acked with 200, stored, audited, and answered at the response_url", async () => {
    const sent = await slash("U_JXJ", "/report", "新增工业机器人 260台 在役机器人总量 2.1万台 进展:完成技改项目备案 问题:用地紧张");
    expect(sent.ack.status).toBe(200);
    expect(sent.ack.body).toBe("");
    expect(sent.ack.ms).toBeLessThan(3000);

    const reply = await sent.reply();
    expect(bodyOf(reply).response_type).toBe("ephemeral");
    expect(shown(reply)).toContain(`已收到 ${UNIT} 2026年10月 的上报`);
    expect(shown(reply)).toContain("新增工业机器人");

    expect(await currentValues(f, UNIT, 202610)).toEqual({ "T18-2": 260, "T18-3": 21000 });
    const report = await f.db.report.findFirstOrThrow({ where: { period: 202610 }, include: { unit: true, revisions: true } });
    expect(report).toMatchObject({ revision: 1, unit: { name: UNIT } });
    expect(report.revisions).toHaveLength(1);
    expect(report.revisions[0]).toMatchObject({ platform: "slack", progress: "完成技改项目备案", problems: "用地紧张" });
    expect(report.revisions[0]!.rawInput).toContain("新增工业机器人 260台");
    const audit = await f.db.auditLog.findFirstOrThrow({ where: { action: "report.submit", result: "ok" } });
    expect(audit).toMatchObject({ actor: "slack:T1:U_JXJ", platform: "slack", subject: `${UNIT}/202610` });
    expect(audit.rawInput).toContain("260台");
  });

  it("GIVEN that report THEN `/duban 查询` answers with what the unit has and has not reported", async () => {
    const before = await tally(f);
    const sent = await slash("U_JXJ2", "/duban", "查询");
    expect(sent.ack.status).toBe(200);
    const reply = await sent.reply();
    // Two figures and the narrative of the unit's 16 indicators and its progress.
    expect(shown(reply)).toMatch(/已报 3\/17/);
    expect(shown(reply)).toContain(UNIT);
    expect(await tally(f)).toEqual(before);
  });

  it("GIVEN `/report` with no text THEN views.open gets the modal prefilled with the unit's indicators and this period's values", async () => {
    const triggerId = fake.issueTriggerId();
    const sent = await slash("U_JXJ", "/report", "", { triggerId });
    expect(sent.ack.status).toBe(200);
    const open = await fake.waitForCall("views.open", (c) => c.args["trigger_id"] === triggerId);
    expect(open.token).toBe("xoxb-e2e");
    const view = open.args["view"] as { callback_id: string; private_metadata: string; blocks: { block_id?: string; element?: { initial_value?: string } }[] };
    expect(view.callback_id).toBe("duban_report");
    expect(JSON.parse(view.private_metadata)).toEqual({ mode: "report", period: "2026-10", unit: UNIT, plan: "jinhua-manufacturing-2021-2023" });
    const input = (code: string) => view.blocks.find((b) => b.block_id === `ind:${code}`);
    expect(input("T18-1")).toBeDefined();
    expect(input("T18-1")?.element?.initial_value).toBeUndefined();
    expect(input("T18-2")?.element?.initial_value).toBe("260台");
    expect(input("T18-3")?.element?.initial_value).toBe("2.1万台");
    expect(view.blocks.find((b) => b.block_id === "progress")?.element?.initial_value).toBe("完成技改项目备案");
  });

  const metadata = JSON.stringify({ mode: "report", period: "2026-10", unit: UNIT });
  const input = (value: string | null) => ({ value: { type: "plain_text_input", value } });

  it("GIVEN a modal submission with a bad value THEN the HTTP body carries response_action errors on that field's block, and nothing is stored", async () => {
    const before = await tally(f);
    const body = viewSubmissionBody({
      callbackId: "duban_report",
      privateMetadata: metadata,
      userId: "U_JXJ",
      viewId: "V_BAD",
      values: { "ind:T18-1": input("40项"), "ind:T18-2": input("12亿元"), "ind:T18-3": input(null), progress: input(null) },
    });
    const ack = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    const answer = JSON.parse(ack.body) as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe("errors");
    expect(Object.keys(answer.errors)).toEqual(["ind:T18-2"]);
    expect(answer.errors["ind:T18-2"]).toContain("台");
    await sleep(100);
    expect(await tally(f)).toEqual(before);
    expect(await currentValues(f, UNIT, 202610)).toEqual({ "T18-2": 260, "T18-3": 21000 });
    expect(fake.calls.some((c) => c.method === "chat.postMessage" && c.args["channel"] === "U_JXJ")).toBe(false);
  });

  it("GIVEN a valid modal submission THEN the modal closes, the values are stored as a new revision, and the answer is DMed", async () => {
    const body = viewSubmissionBody({
      callbackId: "duban_report",
      privateMetadata: metadata,
      userId: "U_JXJ",
      viewId: "V_OK",
      values: { "ind:T18-1": input("40项"), "ind:T18-2": input("260台"), "ind:T18-3": input(null), progress: input("两个项目开工") },
    });
    const ack = await postToBolt(eventsUrl, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.body).toBe("");
    const dm = await fake.waitForCall("chat.postMessage", (c) => c.args["channel"] === "U_JXJ");
    expect(dm.args["text"]).toContain(`已更新 ${UNIT} 2026年10月 的上报`);

    expect(await currentValues(f, UNIT, 202610)).toEqual({ "T18-1": 40, "T18-2": 260, "T18-3": 21000 });
    const revs = await f.db.reportRevision.findMany({ where: { report: { period: 202610 } }, orderBy: { revision: "asc" } });
    expect(revs.map((r) => r.revision)).toEqual([1, 2]);
    expect(revs[1]).toMatchObject({ platform: "slack", progress: "两个项目开工", problems: "用地紧张" });
    expect(revs[1]!.rawInput).toMatch(/^\[form\]/);
    expect(await f.db.auditLog.count({ where: { action: "report.submit", result: "ok" } })).toBe(2);
  });

  it("GIVEN a forged signature or a timestamp 6 minutes old THEN 401, and nothing reaches the core", async () => {
    const before = await tally(f);
    const inbound = await f.db.inboundEvent.count();
    const id = `forged${++seq}`;
    const body = slashCommandBody({ command: "/report", text: "新增工业机器人 999台", user_id: "U_JXJ", response_url: fake.responseUrl(id) });
    expect((await postToBolt(eventsUrl, body, { secret: "not-the-secret" })).status).toBe(401);
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, signature: "v0=deadbeef" })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, timestamp: sixMinutesAgo })).status).toBe(401);
    const submission = viewSubmissionBody({ callbackId: "duban_report", privateMetadata: metadata, userId: "U_JXJ", values: { "ind:T18-1": input("99项") } });
    expect((await postToBolt(eventsUrl, submission, { secret: "not-the-secret" })).status).toBe(401);
    await sleep(200);
    expect(await tally(f)).toEqual(before);
    expect(await f.db.inboundEvent.count()).toBe(inbound);
    expect(fake.responses.some((r) => r.id === id)).toBe(false);
  });

  it("GIVEN the same slash command retried (same trigger_id, X-Slack-Retry-Num: 1) THEN one revision, and the retry gets the stored answer", async () => {
    const before = await tally(f);
    const id = `retry${++seq}`;
    const body = slashCommandBody({ command: "/report", text: "2026-08 新增工业机器人 150台", user_id: "U_JXJ", trigger_id: fake.issueTriggerId(), response_url: fake.responseUrl(id) });
    expect((await postToBolt(eventsUrl, body, { secret: SECRET })).status).toBe(200);
    await fake.waitForResponse((r) => r.id === id);
    expect((await postToBolt(eventsUrl, body, { secret: SECRET, retryNum: 1, retryReason: "http_timeout" })).status).toBe(200);
    await until(() => fake.responses.filter((r) => r.id === id).length === 2);
    const [first, second] = fake.responses.filter((r) => r.id === id);
    expect(shown(second!)).toBe(shown(first!));
    expect(shown(first!)).toContain(`已收到 ${UNIT} 2026年8月 的上报`);
    const after = await tally(f);
    expect(after).toEqual({ ...before, reports: before.reports + 1, revisions: before.revisions + 1, values: before.values + 1, audited: before.audited + 1 });
    const report = await f.db.report.findFirstOrThrow({ where: { period: 202608 }, include: { revisions: true } });
    expect(report.revisions).toHaveLength(1);
  });

  it("GIVEN an unbound user THEN the reply names their user id and says to ask the admin; nothing is stored", async () => {
    const before = await tally(f);
    const sent = await slash("U_NOBODY", "/report", "新增工业机器人 260台");
    const reply = await sent.reply();
    expect(shown(reply)).toContain("U_NOBODY");
    expect(shown(reply)).toContain("管理员");
    expect(await tally(f)).toEqual(before);
  });

  it.each([
    ["an unknown indicator (did you mean)", "/report", "新增工业机械人 260台", ["新增工业机械人", "是不是", "新增工业机器人"]],
    ["a wrong unit", "/report", "新增工业机器人 260亿元", ["新增工业机器人", "台", "亿元"]],
    ["a missing value", "/report", "新增工业机器人", ["新增工业机器人", "没有填数值"]],
    ["a period in the future", "/report", "2027年1月 新增工业机器人 10台", ["2027年1月", "还没到"]],
    ["a stock total that goes down", "/report", "2026年11月 在役机器人总量 1.5万台", ["在役机器人总量", "21,000台", "修改"]],
    ["a correction without a reason", "/duban", "修改 新增工业机器人 270台", ["原因"]],
  ] as const)("GIVEN %s THEN one reply names the problem with an example from the unit's indicators, and nothing is stored", async (_label, command, text, mentions) => {
    const before = await tally(f);
    const rejected = await f.db.auditLog.count({ where: { result: "rejected" } });
    const sent = await slash("U_JXJ", command, text);
    expect(sent.ack.status).toBe(200);
    const reply = await sent.reply();
    expect(shown(reply)).toContain("没有保存：有 1 处问题");
    for (const m of mentions) expect(shown(reply)).toContain(m);
    const example = exampleBlock(reply);
    expect(example).toMatch(/^```(上报|修改) /);
    // Built from what this unit owes (the indicators of the work items it leads).
    const owed = await f.db.indicator.findMany({ where: { workItem: { units: { some: { role: "lead", unit: { name: UNIT } } } } } });
    expect(owed.some((i) => example!.includes(i.name))).toBe(true);
    // Exactly one answer at this response_url.
    await sleep(50);
    expect(fake.responses.filter((r) => r.id === sent.id)).toHaveLength(1);
    expect(await tally(f)).toEqual(before);
    expect(await f.db.auditLog.count({ where: { result: "rejected" } })).toBe(rejected + 1);
  });

  it("GIVEN 10 concurrent /report from two liaisons of one unit THEN all are kept as consecutive revisions of one report", async () => {
    const before = await tally(f);
    const sends = Array.from({ length: 10 }, (_, i) =>
      // November, before its due date: a resubmission may change the figure without a reason.
      slash(i % 2 ? "U_JXJ2" : "U_JXJ", "/report", `2026-11 新增工业机器人 ${1000 + i}台 进展:第${i}次`),
    );
    const sent = await Promise.all(sends);
    expect(sent.map((s) => s.ack.status)).toEqual(Array(10).fill(200));
    const replies = await Promise.all(sent.map((s) => s.reply()));
    for (const r of replies) expect(shown(r)).toMatch(new RegExp(`(已收到|已更新) ${UNIT} 2026年11月 的上报`));

    const report = await f.db.report.findFirstOrThrow({
      where: { period: 202611 },
      include: { revisions: { orderBy: { revision: "asc" } }, values: { orderBy: { revision: "asc" } } },
    });
    expect(report.revision).toBe(10);
    expect(report.revisions.map((r) => r.revision)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Every submission is in exactly one revision: none lost, none doubled.
    expect(report.revisions.map((r) => r.progress).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `第${i}次`).sort());
    expect(report.values.map((v) => v.value).sort()).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i).sort());
    expect(report.values.filter((v) => v.current)).toHaveLength(1);
    const current = report.values.find((v) => v.current)!;
    const lastRev = report.revisions[9]!;
    expect(lastRev.rawInput).toContain(`${current.value}台`);
    const identities = await f.db.chatIdentity.findMany({ where: { id: { in: report.revisions.map((r) => r.identityId ?? -1) } } });
    expect(identities.map((i) => i.userId).sort()).toEqual(["U_JXJ", "U_JXJ2"]);
    expect(await tally(f)).toEqual({ reports: before.reports + 1, revisions: before.revisions + 10, values: before.values + 10, audited: before.audited + 10 });
  });
});

describe.each(PROVIDERS)("Slack in Socket Mode, end to end on %s", (provider) => {
  let fake: FakeSlack;
  let f: AppFixture;

  beforeAll(async () => {
    fake = await startFakeSlack();
    f = await startAppFixture(provider, { slack: { mode: "socket", botToken: "xoxb-e2e", appToken: "xapp-1-e2e", apiUrl: fake.apiUrl } });
    await fake.socket.waitForConnection();
    await f.bind("slack", "U_JXJ", UNIT);
  });
  afterAll(async () => {
    await f?.close();
    await fake?.close();
  });

  it("GIVEN a slash command pushed as an envelope THEN it is acked at once, stored, and answered at the response_url", async () => {
    expect((await fake.waitForCall("apps.connections.open")).token).toBe("xapp-1-e2e");
    const payload = slashCommandPayload({ command: "/report", text: "新增工业机器人 260台", user_id: "U_JXJ", response_url: fake.responseUrl("sock1") });
    const ack = await fake.socket.send({ type: "slash_commands", payload: { ...payload } });
    expect(ack.payload).toEqual({});
    expect(ack.ms).toBeLessThan(3000);
    const reply = await fake.waitForResponse((r) => r.id === "sock1", 5000);
    expect(shown(reply)).toContain(`已收到 ${UNIT} 2026年10月 的上报`);
    expect(await currentValues(f, UNIT, 202610)).toEqual({ "T18-2": 260 });
    expect(await f.db.reportRevision.count()).toBe(1);
    expect(await f.db.auditLog.findFirst({ where: { action: "report.submit", result: "ok" } })).toMatchObject({ actor: "slack:T1:U_JXJ", platform: "slack" });
    // Pushed again (Slack's redelivery of an un-acked envelope repeats the payload): still one revision.
    await fake.socket.send({ type: "slash_commands", payload: { ...payload } });
    await until(() => fake.responses.filter((r) => r.id === "sock1").length === 2);
    expect(await f.db.reportRevision.count()).toBe(1);
  });
});
