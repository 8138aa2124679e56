/**
 * The Slack sender against the fake Slack with its realistic chat.postMessage limit (1/s per
 * channel, bursts of 3; 429 + Retry-After beyond). Real time, so the paces are chosen to keep the
 * file to a few seconds; spacing is asserted on the fake's own timestamps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply } from "../../handlers/types.js";
import { minimumFanOutMs } from "../../src/reminders/pacer.js";
import { classifySlackError, createSlackReminderClient, createSlackSender } from "../../src/reminders/slack-sender.js";
import { realisticSlackRateLimits, startFakeSlack, type FakeSlack, type SlackCall } from "../fakes/fake-slack.js";

const reminder: Reply = {
  status: "info",
  title: "【督办】2026年10月 月报即将截止",
  lines: ["贵单位 2026年10月 的月报尚未报齐,截止时间 **11月10日(周二)**。"],
  actions: [{ id: "open_report_form", label: "填报", value: "2026-10" }],
};

/** Quiet SDK logger: the 429s below are on purpose. */
const silent = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => "error" as never, setName() {} };

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack({ rateLimits: realisticSlackRateLimits });
});
afterAll(async () => {
  await fake.close();
});

const client = () => createSlackReminderClient("xoxb-test", { slackApiUrl: fake.apiUrl, logger: silent });
const postsSince = (n: number): SlackCall[] => fake.calls.slice(n).filter((c) => c.method === "chat.postMessage");

describe("Slack reminder sender", () => {
  it("delivers 60 DMs with the 填报 button, no 429, within the global pace", async () => {
    const global = { limit: 30, windowMs: 1000 };
    const sender = createSlackSender({ client: client(), pace: { global } });
    const users = Array.from({ length: 60 }, (_, i) => `U${String(i).padStart(3, "0")}`);
    const before = fake.calls.length;

    const outcomes = await sender.sendDirect(users, reminder);

    expect([...outcomes.keys()]).toEqual(users);
    expect([...outcomes.values()].every((o) => o.ok && o.ref)).toBe(true);
    const posts = postsSince(before);
    expect(posts).toHaveLength(60);
    expect(posts.every((c) => c.status === 200)).toBe(true);
    expect(new Set(posts.map((c) => c.args["channel"]))).toEqual(new Set(users));
    const blocks = JSON.stringify(posts[0]!.args["blocks"]);
    expect(blocks).toContain('"action_id":"open_report_form"');
    expect(blocks).toContain("填报");
    // Spacing as the server saw it: any 31 posts span at least a second. The pacer counts a window
    // from each response, so this holds on the server's clock despite arrival jitter.
    const at = posts.map((c) => c.at).sort((a, b) => a - b);
    for (let i = 0; i + global.limit < at.length; i++) expect(at[i + global.limit]! - at[i]!).toBeGreaterThanOrEqual(1000);
    // And not slower than needed: 60 at 30/s is 1 s of waiting, plus round trips.
    const minimum = minimumFanOutMs("slack", 60, { global });
    expect(minimum).toBe(1000);
    expect(at.at(-1)! - at[0]!).toBeLessThan(minimum + 1500);
  });

  it("paces repeated posts to one channel at 1 per second", async () => {
    const sender = createSlackSender({ client: client() });
    const before = fake.calls.length;
    const outcomes = await Promise.all([1, 2, 3].map((i) => sender.sendGroup("CTASKFORCE", { ...reminder, title: `escalation ${i}`, actions: [] })));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const at = postsSince(before).map((c) => c.at);
    expect(postsSince(before).every((c) => c.status === 200)).toBe(true);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1000);
  });

  it("answers a 429 by waiting its Retry-After, then retrying", async () => {
    const sender = createSlackSender({ client: client() });
    fake.failNext("chat.postMessage", { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } });
    const before = fake.calls.length;

    const outcomes = await sender.sendDirect(["UA", "UB", "UC"], reminder);

    expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
    const posts = postsSince(before);
    expect(posts.map((c) => c.status).sort()).toEqual([200, 200, 200, 429]);
    const throttled = posts.find((c) => c.status === 429)!;
    const retried = posts.filter((c) => c.status === 200 && c.args["channel"] === throttled.args["channel"]);
    expect(retried).toHaveLength(1);
    expect(retried[0]!.at - throttled.at).toBeGreaterThanOrEqual(990);
  });

  it("records a permanent error for one user and still reaches the others; retries a 5xx", async () => {
    const sender = createSlackSender({ client: client(), pace: { maxInFlight: 1, retry: { baseMs: 20 } } });
    fake.failNext("chat.postMessage", { body: { ok: false, error: "user_not_found" } });
    fake.failNext("chat.postMessage", { status: 503, body: "upstream down" });
    const before = fake.calls.length;

    const outcomes = await sender.sendDirect(["UGONE", "UFLAKY", "UOK"], reminder);

    expect(outcomes.get("UGONE")).toEqual({ ok: false, permanent: true, error: "user_not_found" });
    expect(outcomes.get("UFLAKY")?.ok).toBe(true);
    expect(outcomes.get("UOK")?.ok).toBe(true);
    // UGONE once (not retried), UFLAKY twice (503, then 200), UOK once.
    expect(postsSince(before).map((c) => `${String(c.args["channel"])}:${c.status}`)).toEqual(["UGONE:200", "UFLAKY:503", "UFLAKY:200", "UOK:200"]);
  });

  it("adds the 填报 button from the form when the reply has none", async () => {
    const sender = createSlackSender({ client: client() });
    const before = fake.calls.length;
    const form = async () => ({ plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" }, period: { key: "2026-10", label: "2026年10月" } }) as never;
    await sender.sendDirect(["UFORM"], { ...reminder, actions: undefined }, form);
    const blocks = JSON.stringify(postsSince(before)[0]!.args["blocks"]);
    expect(blocks).toContain('"value":"2026-10"');
  });
});

describe("classifySlackError", () => {
  it("tells permanent from transient", () => {
    const platform = (error: string) => Object.assign(new Error(error), { code: "slack_webapi_platform_error", data: { ok: false, error } });
    expect(classifySlackError(platform("channel_not_found")).retryable).toBe(false);
    expect(classifySlackError(platform("account_inactive")).retryable).toBe(false);
    expect(classifySlackError(platform("internal_error")).retryable).toBe(true);
    expect(classifySlackError(Object.assign(new Error("x"), { code: "slack_webapi_rate_limited_error", retryAfter: 3 }))).toMatchObject({ throttled: true, retryAfterMs: 3000 });
    expect(classifySlackError(Object.assign(new Error("x"), { code: "slack_webapi_http_error", statusCode: 502 })).retryable).toBe(true);
    expect(classifySlackError(Object.assign(new Error("x"), { code: "slack_webapi_http_error", statusCode: 404 })).retryable).toBe(false);
    expect(classifySlackError(new Error("Retry header did not contain a valid timeout (url: x)")).retryable).toBe(true);
    expect(classifySlackError(new TypeError("bug")).retryable).toBe(false);
  });
});
