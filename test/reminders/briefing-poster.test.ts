/**
 * The briefing posters against the fake Slack and the fake DingTalk (plus its media upload,
 * ../fakes/fake-dingtalk-media.ts), over real HTTP with the real @slack/web-api client and fetch.
 * Real time: each throttle test waits the ~1 s the platform asks for, four in all.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DingTalkOpenApi } from "../../src/adapters/dingtalk/index.js";
import { legacyApiUrlFor } from "../../src/adapters/dingtalk/media-upload.js";
import { createDingTalkBriefingPoster, createSlackBriefingPoster, type Briefing } from "../../src/reminders/briefing-poster.js";
import { createSlackReminderClient } from "../../src/reminders/slack-sender.js";
import { installFakeDingTalkMedia, parseMultipart, type FakeDingTalkMedia } from "../fakes/fake-dingtalk-media.js";
import { startFakeDingTalk, type DingTalkCall, type FakeDingTalk } from "../fakes/fake-dingtalk.js";
import { startFakeSlack, type FakeSlack, type SlackCall } from "../fakes/fake-slack.js";

/** Random bytes behind the real magic numbers: every byte value, CRLFs and "--" included, must survive. */
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000)]);
const xlsx = Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), randomBytes(5000), Buffer.from("\r\n--\r\n")]);

const briefing: Briefing = {
  title: "2026年第三季度 督办通报",
  markdownLines: ["**前三名**：义乌市、柯桥区、慈溪市", "- 落后序时进度：3 个单位", "- 未报数据：`瑞安市`"],
  chart: { png, fileName: "2026Q3-排名.png" },
  workbook: { xlsx, fileName: "2026Q3-季度通报.xlsx" },
};

const silent = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => "error" as never, setName() {} };

describe("Slack briefing poster", () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
  });

  const poster = () => createSlackBriefingPoster({ client: createSlackReminderClient("xoxb-test", { slackApiUrl: fake.apiUrl, logger: silent }) });
  const callsSince = (n: number, method: string): SlackCall[] => fake.calls.slice(n).filter((c) => c.method === method);

  /** The bytes Slack received for each file, by the title we gave it (= its file name). */
  const uploadedByTitle = (since: number, uploadsSince: number): Map<string, Buffer> => {
    const complete = callsSince(since, "files.completeUploadExternal").filter((c) => c.status === 200).at(-1)!;
    const files = complete.args["files"] as { id: string; title: string }[];
    return new Map(
      files.map((f) => {
        const up = fake.uploads.slice(uploadsSince).find((u) => u.fileId === f.id)!;
        // The SDK POSTs the file as multipart/form-data (platforms.md §4): its one part is the file.
        const form = parseMultipart(up.bytes, up.contentType);
        expect(form?.files.size).toBe(1);
        return [f.title, [...form!.files.values()][0]!.bytes];
      }),
    );
  };

  it("posts the text, then uploads the PNG and the xlsx to the channel", async () => {
    const before = fake.calls.length;
    const uploadsBefore = fake.uploads.length;

    const outcome = await poster().post("CTASKFORCE", briefing);

    expect(outcome).toMatchObject({ ok: true });
    const [post, ...morePosts] = callsSince(before, "chat.postMessage");
    expect(morePosts).toHaveLength(0);
    expect(post!.args["channel"]).toBe("CTASKFORCE");
    expect(String(post!.args["text"])).toContain("2026年第三季度 督办通报");
    expect(JSON.stringify(post!.args["blocks"])).toContain("*前三名*：义乌市");

    const urls = callsSince(before, "files.getUploadURLExternal");
    expect(urls.map((c) => [c.args["filename"], Number(c.args["length"])]).sort()).toEqual(
      [
        ["2026Q3-季度通报.xlsx", xlsx.length],
        ["2026Q3-排名.png", png.length],
      ].sort(),
    );
    const [complete, ...moreCompletes] = callsSince(before, "files.completeUploadExternal");
    expect(moreCompletes).toHaveLength(0);
    expect(complete!.args["channel_id"]).toBe("CTASKFORCE");
    const received = uploadedByTitle(before, uploadsBefore);
    expect(received.get("2026Q3-排名.png")?.equals(png)).toBe(true);
    expect(received.get("2026Q3-季度通报.xlsx")?.equals(xlsx)).toBe(true);

    // refs: the message ts, then both file ids.
    const fileIds = (complete!.args["files"] as { id: string }[]).map((f) => f.id);
    expect(outcome.refs).toEqual([expect.stringMatching(/^\d+\.\d+$/), ...fileIds]);
  });

  it("posts a text-only briefing (the monthly digest) with one chat.postMessage and no files.* call", async () => {
    const before = fake.calls.length;
    const outcome = await poster().post("CTASKFORCE", { title: "2026年10月 月度监测", markdownLines: ["- 未报: 兰溪市"] });
    expect(outcome).toMatchObject({ ok: true });
    const calls = fake.calls.slice(before);
    expect(calls.map((c) => c.method)).toEqual(["chat.postMessage"]);
    expect(calls[0]!.status).toBe(200);
    // One ref: the message ts, and no file ids after it.
    expect(outcome.refs).toHaveLength(1);
    expect(JSON.stringify(calls[0]!.args["blocks"])).toContain("未报: 兰溪市");
  });

  it("waits out a 429 on chat.postMessage and on the upload, then completes", async () => {
    fake.failNext("chat.postMessage", { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } });
    fake.failNext("files.getUploadURLExternal", { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } });
    const before = fake.calls.length;
    const uploadsBefore = fake.uploads.length;

    const outcome = await poster().post("CTASKFORCE", briefing);

    expect(outcome.ok).toBe(true);
    const posts = callsSince(before, "chat.postMessage");
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    // The whole uploadV2 started over: a 429 first, then two fresh upload URLs and one completion.
    expect(callsSince(before, "files.getUploadURLExternal").map((c) => c.status)).toContain(429);
    expect(callsSince(before, "files.completeUploadExternal")).toHaveLength(1);
    const received = uploadedByTitle(before, uploadsBefore);
    expect(received.get("2026Q3-排名.png")?.equals(png)).toBe(true);
    expect(received.get("2026Q3-季度通报.xlsx")?.equals(xlsx)).toBe(true);
  });

  it("reports channel_not_found as permanent and uploads nothing", async () => {
    fake.failNext("chat.postMessage", { body: { ok: false, error: "channel_not_found" } });
    const before = fake.calls.length;

    const outcome = await poster().post("CGONE", briefing);

    expect(outcome).toEqual({ ok: false, permanent: true, error: "channel_not_found", step: "text", refs: [] });
    expect(callsSince(before, "chat.postMessage")).toHaveLength(1);
    expect(callsSince(before, "files.getUploadURLExternal")).toHaveLength(0);
  });
});

describe("DingTalk briefing poster", () => {
  const GROUP = "POST /v1.0/robot/groupMessages/send";
  const UPLOAD = "POST /media/upload";
  const CID = "cidTaskForce==";

  let fake: FakeDingTalk;
  let media: FakeDingTalkMedia;
  let openapi: DingTalkOpenApi;
  beforeAll(async () => {
    fake = await startFakeDingTalk({ qpsLimit: 20 });
    media = installFakeDingTalkMedia(fake);
    openapi = new DingTalkOpenApi({ clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, baseUrl: fake.url });
  });
  afterAll(async () => {
    await fake.close();
  });

  const poster = () => createDingTalkBriefingPoster({ openapi });
  const callsSince = (n: number, api: string): DingTalkCall[] => fake.calls.slice(n).filter((c) => c.api === api);
  const sent = (c: DingTalkCall) => {
    const b = c.body as { msgKey: string; msgParam: string; openConversationId: string };
    return { msgKey: b.msgKey, param: JSON.parse(b.msgParam) as Record<string, string>, to: b.openConversationId };
  };

  it("uploads both files as media, then sends markdown, image and file to the group", async () => {
    const before = fake.calls.length;
    const uploadsBefore = media.uploads.length;

    const outcome = await poster().post(CID, briefing);

    expect(outcome.ok).toBe(true);
    // Multipart received with the right bytes, type and file name, on the legacy path with the app's token.
    const [chart, workbook, ...more] = media.uploads.slice(uploadsBefore);
    expect(more).toHaveLength(0);
    expect(chart).toMatchObject({ type: "image", fileName: "2026Q3-排名.png", contentType: "image/png" });
    expect(chart!.bytes.equals(png)).toBe(true);
    expect(workbook).toMatchObject({ type: "file", fileName: "2026Q3-季度通报.xlsx" });
    expect(workbook!.bytes.equals(xlsx)).toBe(true);
    const uploads = callsSince(before, UPLOAD);
    expect(uploads.every((c) => c.status === 200 && fake.tokenValid(c.query["access_token"]))).toBe(true);

    const messages = callsSince(before, GROUP).map(sent);
    expect(messages.map((m) => m.msgKey)).toEqual(["sampleMarkdown", "sampleImageMsg", "sampleFile"]);
    expect(messages.every((m) => m.to === CID)).toBe(true);
    expect(messages[0]!.param["title"]).toBe("2026年第三季度 督办通报");
    expect(messages[0]!.param["text"]).toContain("**前三名**：义乌市");
    expect(messages[1]!.param).toEqual({ photoURL: chart!.mediaId });
    expect(messages[2]!.param).toEqual({ mediaId: workbook!.mediaId, fileName: "2026Q3-季度通报.xlsx", fileType: "xlsx" });
    expect(outcome.refs).toEqual(callsSince(before, GROUP).map((c) => (c.response as { processQueryKey: string }).processQueryKey));
  });

  it("sends a text-only briefing (the monthly digest) as one markdown message, uploading nothing", async () => {
    const before = fake.calls.length;
    const uploadsBefore = media.uploads.length;
    const outcome = await poster().post(CID, { title: "2026年10月 月度监测", markdownLines: ["- 未报: 兰溪市"] });
    expect(outcome.ok).toBe(true);
    expect(media.uploads.length).toBe(uploadsBefore);
    expect(callsSince(before, UPLOAD)).toHaveLength(0);
    const messages = callsSince(before, GROUP).map(sent);
    expect(messages.map((m) => [m.msgKey, m.to])).toEqual([["sampleMarkdown", CID]]);
    expect(messages[0]!.param["text"]).toContain("- 未报: 兰溪市");
  });

  it("retries a 403 QpsLimit on groupMessages/send and a throttle errcode on the upload after ~1 s", async () => {
    fake.failNext("/media/upload", { status: 200, body: { errcode: 90018, errmsg: "当前应用调用该接口的并发量超过限制" } });
    fake.failNext("/v1.0/robot/groupMessages/send", {
      status: 403,
      body: { code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", message: "应用调用该接口的并发量超过限制", requestid: "R1" },
    });
    const before = fake.calls.length;

    const outcome = await poster().post(CID, briefing);

    expect(outcome.ok).toBe(true);
    const uploads = callsSince(before, UPLOAD);
    expect(uploads).toHaveLength(3);
    expect(uploads[1]!.at - uploads[0]!.at).toBeGreaterThanOrEqual(950);
    const group = callsSince(before, GROUP);
    expect(group.map((c) => c.status)).toEqual([403, 200, 200, 200]);
    expect(group[1]!.at - group[0]!.at).toBeGreaterThanOrEqual(950);
    expect(group.slice(1).map((c) => sent(c).msgKey)).toEqual(["sampleMarkdown", "sampleImageMsg", "sampleFile"]);
  });

  it("reports a refused upload as permanent and posts nothing to the group", async () => {
    fake.failNext("/media/upload", { status: 200, body: { errcode: 40004, errmsg: "不合法的媒体文件类型" } });
    const before = fake.calls.length;

    const outcome = await poster().post(CID, briefing);

    expect(outcome).toEqual({ ok: false, permanent: true, error: "200 errcode 40004", step: "upload-chart", refs: [] });
    expect(callsSince(before, UPLOAD)).toHaveLength(1);
    expect(callsSince(before, GROUP)).toHaveLength(0);
  });

  it("refuses a file type DingTalk does not take before calling it", async () => {
    const before = fake.calls.length;
    const outcome = await poster().post(CID, { ...briefing, workbook: { xlsx, fileName: "2026Q3.csv" } });
    expect(outcome).toMatchObject({ ok: false, permanent: true, step: "upload-workbook", error: "invalidMedia" });
    expect(callsSince(before, UPLOAD)).toHaveLength(1); // the chart only
    expect(callsSince(before, GROUP)).toHaveLength(0);
  });

  it("reports a group message DingTalk rejects as permanent", async () => {
    fake.failNext("/v1.0/robot/groupMessages/send", { status: 400, body: { code: "invalidParameter.openConversationId", message: "群不存在", requestid: "R2" } });
    const outcome = await poster().post("cidGone==", briefing);
    expect(outcome).toEqual({ ok: false, permanent: true, error: "400 invalidParameter.openConversationId", step: "text", refs: [] });
  });
});

describe("legacyApiUrlFor (DINGTALK_API_URL → the oapi host)", () => {
  it.each([
    [undefined, "https://oapi.dingtalk.com"],
    ["https://api.dingtalk.com", "https://oapi.dingtalk.com"],
    ["https://api.dingtalk.io/", "https://oapi.dingtalk.io"],
    ["http://127.0.0.1:4567/", "http://127.0.0.1:4567"],
    ["https://dingtalk-proxy.example.gov.cn/base", "https://dingtalk-proxy.example.gov.cn/base"],
  ])("GIVEN %s THEN %s", (apiUrl, expected) => {
    expect(legacyApiUrlFor(apiUrl)).toBe(expected);
  });
});
