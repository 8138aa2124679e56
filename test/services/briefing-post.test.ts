/**
 * The quarterly briefing and the annual assessment posted end to end: postBriefing and the briefing tick, with posters built
 * from a config pointing at the fake Slack and the fake DingTalk (+ its media upload), the delivery
 * ledger and the snapshots on both databases, on the hand-made 2022Q1 county world.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkingCalendar } from "../../src/domain/calendar/working-calendar.js";
import { DEFAULT_SCHEDULE } from "../../src/domain/schedule/schedule-config.js";
import { deliveriesFor } from "../../src/persistence/delivery-repository.js";
import { type BriefingPosters } from "../../src/reminders/build-briefing-posters.js";
import { briefingInstant, runBriefingTick } from "../../src/scheduler/briefing-scheduler.js";
import { postBriefing } from "../../src/services/post-briefing.js";
import { parseMultipart, type FakeDingTalkMedia } from "../fakes/fake-dingtalk-media.js";
import { type FakeDingTalk } from "../fakes/fake-dingtalk.js";
import { type FakeSlack } from "../fakes/fake-slack.js";
import { PROVIDERS } from "../helpers/databases.js";
import { GROUP, startGroupPostRig, TF_DING, TF_SLACK, type GroupPostRig } from "../helpers/group-posts.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TZ = "Asia/Shanghai";

async function readsBack(xlsx: Buffer): Promise<string[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx as unknown as ArrayBuffer);
  return book.worksheets.map((s) => s.name);
}

describe.each(PROVIDERS)("briefing post on %s", (provider) => {
  let slack: FakeSlack;
  let ding: FakeDingTalk;
  let media: FakeDingTalkMedia;
  let posters: BriefingPosters;
  let rig: GroupPostRig;
  const world = () => rig.world();
  const mark = () => rig.mark();

  /** What both platforms received since the marks. */
  function received(mark: { slack: number; ding: number; uploads: number; media: number }) {
    const calls = slack.calls.slice(mark.slack);
    const files = slack.uploads.slice(mark.uploads).map((u) => [...parseMultipart(u.bytes, u.contentType)!.files.values()][0]!.bytes);
    return {
      slackPosts: calls.filter((c) => c.method === "chat.postMessage" && c.status === 200),
      slackCompletes: calls.filter((c) => c.method === "files.completeUploadExternal" && c.status === 200),
      slackFiles: files,
      dingMessages: ding.calls.slice(mark.ding).filter((c) => c.api === GROUP && c.status === 200).map((c) => c.body as { msgKey: string; openConversationId: string; msgParam: string }),
      dingUploads: media.uploads.slice(mark.media),
    };
  }

  beforeAll(async () => {
    rig = await startGroupPostRig(provider);
    ({ slack, ding, media, posters } = rig);
  });
  afterAll(() => rig?.close());

  it("GIVEN both platforms THEN text, PNG and xlsx reach both groups; posting again posts nothing and keeps one snapshot", async () => {
    const { db, world: w } = await world();
    const before = mark();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:1" };

    const r = await postBriefing(deps, "2022Q1", "county", { tz: TZ });

    expect(r.status).toBe("posted");
    expect(r.targets.map((t) => [t.platform, t.group, t.status])).toEqual([
      ["slack", TF_SLACK, "sent"],
      ["dingtalk", TF_DING, "sent"],
    ]);
    const got = received(before);
    // Slack: one message with the headline, one uploadV2 of the chart and the workbook.
    expect(got.slackPosts).toHaveLength(1);
    expect(got.slackPosts[0]!.args["channel"]).toBe(TF_SLACK);
    expect(String(got.slackPosts[0]!.args["text"])).toContain("2022年第一季度");
    expect(JSON.stringify(got.slackPosts[0]!.args["blocks"])).toContain("永康市");
    expect(got.slackCompletes).toHaveLength(1);
    expect(got.slackCompletes[0]!.args["channel_id"]).toBe(TF_SLACK);
    const png = got.slackFiles.find((b) => b.subarray(0, 8).equals(PNG_SIGNATURE));
    const xlsx = got.slackFiles.find((b) => b.subarray(0, 2).toString("latin1") === "PK");
    expect(png?.equals(r.briefing.chart.png)).toBe(true);
    expect(xlsx?.equals(r.briefing.workbook)).toBe(true);
    expect(await readsBack(xlsx!)).toContain("排名");
    // DingTalk: both files uploaded as media, then markdown, image and file to the group.
    expect(got.dingUploads.map((u) => [u.type, u.fileName])).toEqual([
      ["image", "2022Q1-县市区排名.png"],
      ["file", "2022Q1-县市区通报.xlsx"],
    ]);
    expect(got.dingUploads[0]!.bytes.equals(r.briefing.chart.png)).toBe(true);
    expect(got.dingUploads[1]!.bytes.equals(r.briefing.workbook)).toBe(true);
    expect(got.dingMessages.map((m) => m.msgKey)).toEqual(["sampleMarkdown", "sampleImageMsg", "sampleFile"]);
    expect(got.dingMessages.every((m) => m.openConversationId === TF_DING)).toBe(true);
    expect(JSON.parse(got.dingMessages[0]!.msgParam).text).toContain("永康市");

    // The ledger: one sent row per group; the snapshot is published.
    const ledger = await deliveriesFor(db.prisma, w.planId);
    expect(ledger.map((d) => [d.period, d.step, d.unitId, d.platform, d.recipient, d.status])).toEqual([
      [202203, "briefing:2022Q1:county", null, "slack", `group:${TF_SLACK}`, "sent"],
      [202203, "briefing:2022Q1:county", null, "dingtalk", `group:${TF_DING}`, "sent"],
    ]);
    expect(r.publishedAt).not.toBeNull();

    // Again: nothing posted, the same single published snapshot.
    const second = mark();
    const again = await postBriefing(deps, "2022Q1", "county", { tz: TZ });
    expect(again.status).toBe("already_published");
    expect(again.snapshotId).toBe(r.snapshotId);
    expect(again.publishedAt).toBe(r.publishedAt);
    const none = received(second);
    expect([none.slackPosts.length, none.slackCompletes.length, none.dingMessages.length, none.dingUploads.length]).toEqual([0, 0, 0, 0]);
    expect(await db.prisma.rankingSnapshot.count({ where: { planId: w.planId, period: "2022Q1", kind: "county" } })).toBe(1);
    expect(await deliveriesFor(db.prisma, w.planId)).toHaveLength(2);
  });

  it("GIVEN a failed post on one platform THEN the snapshot stays a draft, the other is not posted again, and --retry completes it", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:2" };
    ding.failNext("/v1.0/robot/groupMessages/send", { status: 400, body: { code: "invalidParameter.openConversationId", message: "群不存在", requestid: "R" } });

    const first = await postBriefing(deps, "2022Q1", "county", { tz: TZ });
    expect(first.status).toBe("incomplete");
    expect(first.targets.map((t) => t.status)).toEqual(["sent", "failed"]);
    expect(first.publishedAt).toBeNull();

    const m = mark();
    const plain = await postBriefing(deps, "2022Q1", "county", { tz: TZ });
    expect(plain.targets.map((t) => t.status)).toEqual(["already_sent", "previously_failed"]);
    expect(received(m).slackPosts).toHaveLength(0);
    expect(received(m).dingMessages).toHaveLength(0);

    const retried = await postBriefing(deps, "2022Q1", "county", { tz: TZ, retry: true });
    expect(retried.status).toBe("posted");
    expect(retried.targets.map((t) => t.status)).toEqual(["already_sent", "sent"]);
    const got = received(m);
    expect(got.slackPosts).toHaveLength(0);
    expect(got.dingMessages.map((x) => x.msgKey)).toEqual(["sampleMarkdown", "sampleImageMsg", "sampleFile"]);
    expect((await deliveriesFor(db.prisma, w.planId)).map((d) => d.status)).toEqual(["sent", "sent"]);
  });

  it("GIVEN the quarterly tick THEN nothing before the working day after the due date, one post at 09:00, nothing on the next tick", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:3", timeZone: TZ };
    // March 2022 is due on 5 April, in the Qingming holiday (3–5 April): moved to Wednesday 6 April;
    // one working day later is Thursday 7 April, at sendAt 09:00 Shanghai.
    const instant = briefingInstant({ year: 2022, quarter: 1 }, DEFAULT_SCHEDULE, createWorkingCalendar(), TZ);
    expect(instant.toISOString()).toBe("2022-04-07T01:00:00.000Z");

    const m = mark();
    const early = await runBriefingTick(deps, new Date("2022-04-07T00:59:00Z"));
    expect(early.results).toEqual([]);
    expect(await deliveriesFor(db.prisma, w.planId)).toHaveLength(0);

    const due = await runBriefingTick(deps, instant);
    expect(due.quarter).toBe("2022Q1");
    // No department reported, but they owed: they are ranked (未报视为未完成) and named, so both briefings go out.
    expect(due.results.map((x) => [x.kind, x.outcome, x.result?.status ?? x.reason])).toEqual([
      ["department", "posted", "posted"],
      ["county", "posted", "posted"],
    ]);
    const got = received(m);
    expect(got.slackPosts).toHaveLength(2);
    expect(got.slackCompletes).toHaveLength(2);
    expect(got.dingMessages).toHaveLength(6);
    expect(got.dingUploads).toHaveLength(4);
    expect(String(got.slackPosts[0]!.args["text"])).toContain("2022年第一季度 牵头部门通报");
    expect(JSON.stringify(got.slackPosts[0]!.args["blocks"])).toContain("未报视为未完成");

    const next = mark();
    const later = await runBriefingTick(deps, new Date(instant.getTime() + 60_000));
    expect(later.results.map((x) => [x.kind, x.outcome])).toEqual([
      ["department", "skipped"],
      ["county", "skipped"],
    ]);
    const none = received(next);
    expect([none.slackPosts.length, none.dingMessages.length, none.dingUploads.length]).toEqual([0, 0, 0]);
    expect((await deliveriesFor(db.prisma, w.planId)).map((d) => [d.step, d.status])).toEqual([
      ["briefing:2022Q1:department", "sent"],
      ["briefing:2022Q1:department", "sent"],
      ["briefing:2022Q1:county", "sent"],
      ["briefing:2022Q1:county", "sent"],
    ]);
    const snap = await db.prisma.rankingSnapshot.findMany({ where: { planId: w.planId }, orderBy: { id: "asc" } });
    expect(snap.map((s) => [s.period, s.kind, s.publishedAt !== null])).toEqual([
      ["2022Q1", "department", true],
      ["2022Q1", "county", true],
    ]);
  });
  it("GIVEN the year 2022 THEN the annual assessment (年度考核) with chart and workbook reaches both groups once", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:4" };
    const before = mark();

    const r = await postBriefing(deps, "2022", "county", { tz: TZ });

    expect(r.status).toBe("posted");
    expect(r.window).toBe("2022");
    expect(r.briefing.ranking.window.scope).toBe("year");
    expect(r.briefing.title).toBe("2022年度 县（市、区）考核");
    expect(r.briefing.data.title).toMatch(/2022年度县（市、区）考核$/u);
    // Same scoring over the twelve months: as of December 2022, T2-1 is judged against 720 × 24/36 = 480,
    // on the 1—3月累计 300 (reported within the year); conduct counts Jan–Mar (reported) and nine missing months.
    const yw = r.briefing.ranking.ranked.find((u) => u.name === "义乌市")!;
    expect(yw.indicators.find((i) => i.code === "T2-1")).toMatchObject({ actual: 300, expected: 480 });
    expect(yw.conduct!.months.filter((m) => m.status === "missing")).toHaveLength(9);
    const got = received(before);
    expect(String(got.slackPosts[0]!.args["text"])).toContain("2022年度 县（市、区）考核");
    expect(got.slackCompletes).toHaveLength(1);
    expect(got.dingUploads.map((u) => [u.type, u.fileName])).toEqual([
      ["image", "2022-县市区排名.png"],
      ["file", "2022-县市区年度考核.xlsx"],
    ]);
    expect(await readsBack(got.dingUploads[1]!.bytes)).toContain("排名");
    expect(got.dingMessages.map((m) => m.msgKey)).toEqual(["sampleMarkdown", "sampleImageMsg", "sampleFile"]);
    expect((await deliveriesFor(db.prisma, w.planId)).map((d) => [d.period, d.step, d.status])).toEqual([
      [202212, "briefing:2022:county", "sent"],
      [202212, "briefing:2022:county", "sent"],
    ]);

    const second = mark();
    const again = await postBriefing(deps, "2022", "county", { tz: TZ });
    expect(again.status).toBe("already_published");
    const none = received(second);
    expect([none.slackPosts.length, none.dingMessages.length, none.dingUploads.length]).toEqual([0, 0, 0]);
  });

  it("GIVEN the tick after December's due date THEN the fourth quarter's briefing, then the annual assessment, once", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:5", timeZone: TZ };
    // December 2022 is due Thursday 5 January 2023; one working day later, Friday 6 January at 09:00.
    const instant = briefingInstant({ year: 2022, quarter: 4 }, DEFAULT_SCHEDULE, createWorkingCalendar(), TZ);
    expect(instant.toISOString()).toBe("2023-01-06T01:00:00.000Z");

    const early = await runBriefingTick(deps, new Date(instant.getTime() - 60_000));
    expect(early.results).toEqual([]);

    const m = mark();
    const due = await runBriefingTick(deps, instant);
    expect(due.quarter).toBe("2022Q4");
    expect(due.results.map((x) => [x.window, x.kind, x.outcome, x.result?.status ?? x.reason])).toEqual([
      ["2022Q4", "department", "posted", "posted"],
      ["2022Q4", "county", "posted", "posted"],
      ["2022", "department", "posted", "posted"],
      ["2022", "county", "posted", "posted"],
    ]);
    const got = received(m);
    expect(got.slackPosts.map((p) => String(p.args["text"]).split("\n")[0])).toEqual([
      expect.stringContaining("2022年第四季度 牵头部门通报"),
      expect.stringContaining("2022年第四季度 县（市、区）通报"),
      expect.stringContaining("2022年度 牵头部门考核"),
      expect.stringContaining("2022年度 县（市、区）考核"),
    ]);
    expect(got.dingMessages).toHaveLength(12);

    const next = mark();
    const later = await runBriefingTick(deps, new Date(instant.getTime() + 60_000));
    expect(later.results.map((x) => [x.window, x.kind, x.outcome])).toEqual([
      ["2022Q4", "department", "skipped"],
      ["2022Q4", "county", "skipped"],
      ["2022", "department", "skipped"],
      ["2022", "county", "skipped"],
    ]);
    expect(received(next).slackPosts).toHaveLength(0);
    const snaps = await db.prisma.rankingSnapshot.findMany({ where: { planId: w.planId }, orderBy: [{ period: "asc" }, { kind: "asc" }] });
    expect(snaps.map((s) => [s.period, s.kind, s.publishedAt !== null])).toEqual([
      ["2022", "county", true],
      ["2022", "department", true],
      ["2022Q4", "county", true],
      ["2022Q4", "department", true],
    ]);
  });
});
