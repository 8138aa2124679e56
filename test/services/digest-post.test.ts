/**
 * The monthly digest posted end to end: postDigest and the digest tick, with posters built from a
 * config pointing at the fake Slack and the fake DingTalk, the delivery ledger on both databases,
 * on the hand-made ranking world (reports for January–March 2022).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkingCalendar } from "../../src/domain/calendar/working-calendar.js";
import { DEFAULT_SCHEDULE } from "../../src/domain/schedule/schedule-config.js";
import { deliveriesFor, markUncertain } from "../../src/persistence/delivery-repository.js";
import { type BriefingPosters } from "../../src/reminders/build-briefing-posters.js";
import { digestInstant, runDigestTick } from "../../src/scheduler/briefing-scheduler.js";
import { claimGroupPost } from "../../src/services/post-briefing.js";
import { digestKeys, postDigest } from "../../src/services/post-digest.js";
import { type FakeDingTalkMedia } from "../fakes/fake-dingtalk-media.js";
import { type FakeDingTalk } from "../fakes/fake-dingtalk.js";
import { type FakeSlack } from "../fakes/fake-slack.js";
import { PROVIDERS } from "../helpers/databases.js";
import { GROUP, startGroupPostRig, TF_DING, TF_SLACK, type GroupPostRig } from "../helpers/group-posts.js";

const TZ = "Asia/Shanghai";

describe.each(PROVIDERS)("digest post on %s", (provider) => {
  let slack: FakeSlack;
  let ding: FakeDingTalk;
  let media: FakeDingTalkMedia;
  let posters: BriefingPosters;
  let rig: GroupPostRig;
  const world = () => rig.world();
  const mark = () => rig.mark();

  function received(m: ReturnType<typeof mark>) {
    const calls = slack.calls.slice(m.slack);
    return {
      slackPosts: calls.filter((c) => c.method === "chat.postMessage" && c.status === 200),
      slackFileCalls: calls.filter((c) => c.method.startsWith("files.")),
      slackUploads: slack.uploads.length - m.uploads,
      dingMessages: ding.calls.slice(m.ding).filter((c) => c.api === GROUP && c.status === 200).map((c) => c.body as { msgKey: string; openConversationId: string; msgParam: string }),
      dingUploads: media.uploads.length - m.media,
    };
  }

  beforeAll(async () => {
    rig = await startGroupPostRig(provider);
    ({ slack, ding, media, posters } = rig);
  });
  afterAll(() => rig?.close());

  it("GIVEN both platforms THEN one text message per group, no files; posting again posts nothing", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:1" };
    const before = mark();

    const r = await postDigest(deps, "2022-03", { tz: TZ });

    expect(r.status).toBe("posted");
    expect(r.targets.map((t) => [t.platform, t.group, t.status])).toEqual([
      ["slack", TF_SLACK, "sent"],
      ["dingtalk", TF_DING, "sent"],
    ]);
    const got = received(before);
    expect(got.slackPosts).toHaveLength(1);
    expect(got.slackPosts[0]!.args["channel"]).toBe(TF_SLACK);
    expect(String(got.slackPosts[0]!.args["text"])).toContain("2022年3月 月度监测");
    const blocks = JSON.stringify(got.slackPosts[0]!.args["blocks"]);
    expect(blocks).toContain("永康市（2022年4月20日报送）");
    expect(blocks).toContain("未报：兰溪市");
    // Text only: no upload on either platform.
    expect([got.slackFileCalls.length, got.slackUploads, got.dingUploads]).toEqual([0, 0, 0]);
    expect(got.dingMessages.map((m) => [m.msgKey, m.openConversationId])).toEqual([["sampleMarkdown", TF_DING]]);
    const md = JSON.parse(got.dingMessages[0]!.msgParam) as { title: string; text: string };
    expect(md.title).toContain("2022年3月 月度监测");
    expect(md.text).toContain("🟡永康市 240家（序时300家，80.0%）");

    expect((await deliveriesFor(db.prisma, w.planId)).map((d) => [d.period, d.step, d.unitId, d.platform, d.recipient, d.status])).toEqual([
      [202203, "digest", null, "slack", `group:${TF_SLACK}`, "sent"],
      [202203, "digest", null, "dingtalk", `group:${TF_DING}`, "sent"],
    ]);

    const second = mark();
    const again = await postDigest(deps, "2022-03", { tz: TZ });
    expect(again.status).toBe("posted");
    expect(again.targets.map((t) => t.status)).toEqual(["already_sent", "already_sent"]);
    const none = received(second);
    expect([none.slackPosts.length, none.dingMessages.length]).toEqual([0, 0]);
    expect(await deliveriesFor(db.prisma, w.planId)).toHaveLength(2);

    // Another month is another digest.
    const feb = await postDigest(deps, "2022-02", { tz: TZ });
    expect(feb.targets.map((t) => t.status)).toEqual(["sent", "sent"]);
    expect(await deliveriesFor(db.prisma, w.planId)).toHaveLength(4);
  });

  it("GIVEN a dry run, or a month nobody owed THEN nothing is claimed or posted", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:2" };
    const m = mark();
    const dry = await postDigest(deps, "2022-03", { tz: TZ, dryRun: true });
    expect(dry.status).toBe("dry_run");
    expect(dry.targets.map((t) => t.status)).toEqual(["would_post", "would_post"]);
    // The plan runs 2021–2023: in 2030 no unit owes anything.
    const outside = await postDigest(deps, "2030-01", { tz: TZ });
    expect(outside.status).toBe("nothing_owed");
    expect(received(m).slackPosts).toHaveLength(0);
    expect(received(m).dingMessages).toHaveLength(0);
    expect(await deliveriesFor(db.prisma, w.planId)).toHaveLength(0);
  });

  it("GIVEN a failed post on one platform THEN it is not posted again on its own, and --retry posts it there only", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:3" };
    ding.failNext("/v1.0/robot/groupMessages/send", { status: 400, body: { code: "invalidParameter.openConversationId", message: "群不存在", requestid: "R" } });

    const first = await postDigest(deps, "2022-03", { tz: TZ });
    expect(first.status).toBe("incomplete");
    expect(first.targets.map((t) => t.status)).toEqual(["sent", "failed"]);
    expect(first.targets[1]!.error).toContain("text:");

    const m = mark();
    const plain = await postDigest(deps, "2022-03", { tz: TZ });
    expect(plain.targets.map((t) => t.status)).toEqual(["already_sent", "previously_failed"]);
    expect(received(m).dingMessages).toHaveLength(0);

    const retried = await postDigest(deps, "2022-03", { tz: TZ, retry: true });
    expect(retried.status).toBe("posted");
    expect(retried.targets.map((t) => t.status)).toEqual(["already_sent", "sent"]);
    const got = received(m);
    expect(got.slackPosts).toHaveLength(0);
    expect(got.dingMessages.map((x) => x.msgKey)).toEqual(["sampleMarkdown"]);
    expect((await deliveriesFor(db.prisma, w.planId)).map((d) => [d.status, d.attempts])).toEqual([
      ["sent", 1],
      ["sent", 2],
    ]);
  });

  it("GIVEN a process that died after claiming THEN the row ends uncertain, the tick and a plain post leave it, --retry posts it", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:4", timeZone: TZ };
    const instant = digestInstant({ year: 2022, month: 2 }, DEFAULT_SCHEDULE, createWorkingCalendar(), TZ);
    // What a process that crashed mid-post leaves: its Slack claim ("sending"), nothing after it.
    const [slackKey] = digestKeys(w.planId, { year: 2022, month: 2 }, { slack: TF_SLACK, dingtalk: TF_DING });
    expect(await claimGroupPost(db.prisma, slackKey!, "dead:1", new Date(instant.getTime() - 10 * 60_000), false)).toBe("mine");
    // The reminder tick's sweep, past the lease.
    expect(await markUncertain(db.prisma, w.planId, instant)).toBe(1);

    const m = mark();
    const tick = await runDigestTick(deps, instant);
    // DingTalk had no row: the tick posts there; Slack's uncertain row is left for an admin.
    expect(tick.outcome).toBe("posted");
    expect(tick.result!.targets.map((t) => [t.platform, t.status])).toEqual([
      ["slack", "previously_failed"],
      ["dingtalk", "sent"],
    ]);
    expect(received(m).slackPosts).toHaveLength(0);
    expect(received(m).dingMessages).toHaveLength(1);
    const later = await runDigestTick(deps, new Date(instant.getTime() + 60_000));
    expect([later.outcome, later.reason]).toEqual(["skipped", "ledger: slack uncertain, dingtalk sent"]);
    expect(received(m).slackPosts).toHaveLength(0);

    const retried = await postDigest(deps, { year: 2022, month: 2 }, { tz: TZ, retry: true });
    expect(retried.targets.map((t) => t.status)).toEqual(["sent", "already_sent"]);
    expect(received(m).slackPosts).toHaveLength(1);
  });

  it("GIVEN the digest tick THEN nothing before the working day after the due date, one post at 09:00, nothing on the next tick", async () => {
    const { db, world: w } = await world();
    const deps = { db: db.prisma, planId: w.planId, posters, instanceId: "test:5", timeZone: TZ };
    // February 2022 is due on Saturday 5 March: moved to Monday 7 March; one working day later is
    // Tuesday 8 March, at sendAt 09:00 Shanghai.
    const instant = digestInstant({ year: 2022, month: 2 }, DEFAULT_SCHEDULE, createWorkingCalendar(), TZ);
    expect(instant.toISOString()).toBe("2022-03-08T01:00:00.000Z");

    const m = mark();
    // The due day itself (reports are on time until its end), and a minute before the instant.
    for (const at of ["2022-03-07T02:00:00Z", "2022-03-08T00:59:00Z"]) {
      const early = await runDigestTick(deps, new Date(at));
      expect([early.period, early.outcome]).toEqual([null, null]);
    }
    expect(await deliveriesFor(db.prisma, w.planId)).toHaveLength(0);

    const due = await runDigestTick(deps, instant);
    expect([due.period, due.outcome, due.result?.status]).toEqual(["2022-02", "posted", "posted"]);
    const got = received(m);
    expect(got.slackPosts).toHaveLength(1);
    expect(String(got.slackPosts[0]!.args["text"])).toContain("2022年2月 月度监测");
    expect(got.dingMessages).toHaveLength(1);

    const next = mark();
    const later = await runDigestTick(deps, new Date(instant.getTime() + 60_000));
    expect([later.period, later.outcome, later.reason]).toEqual(["2022-02", "skipped", "ledger: slack sent, dingtalk sent"]);
    // A week later the digest is no longer due at all.
    const stale = await runDigestTick(deps, new Date(instant.getTime() + 8 * 24 * 3_600_000));
    expect(stale.period).toBeNull();
    const none = received(next);
    expect([none.slackPosts.length, none.dingMessages.length]).toEqual([0, 0]);
    expect((await deliveriesFor(db.prisma, w.planId)).map((d) => [d.period, d.step, d.status])).toEqual([
      [202202, "digest", "sent"],
      [202202, "digest", "sent"],
    ]);
  });
});
