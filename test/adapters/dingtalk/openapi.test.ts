/** The OpenAPI client against the fake DingTalk over real HTTP: token cache, splitting, errors. */
import { afterEach, describe, expect, it } from "vitest";
import { DingTalkApiError, DingTalkOpenApi, withRetry } from "../../../src/adapters/dingtalk/openapi.js";
import { startFakeDingTalk, type FakeDingTalk, type FakeDingTalkOptions } from "../../fakes/fake-dingtalk.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function fakeAndClient(o: FakeDingTalkOptions = {}, now?: () => number): Promise<{ fake: FakeDingTalk; api: DingTalkOpenApi }> {
  const fake = await startFakeDingTalk(o);
  cleanups.push(() => fake.close());
  const api = new DingTalkOpenApi({ clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, baseUrl: fake.url, now });
  return { fake, api };
}

const md = { msgKey: "sampleMarkdown", msgParam: { title: "t", text: "**hi**" } };

describe("DingTalkOpenApi", () => {
  it("fetches the token once for several sends (single-flight when concurrent), again after expiry", async () => {
    let offset = 0;
    const { fake, api } = await fakeAndClient({}, () => Date.now() + offset);
    await Promise.all([api.sendGroup("cid1", md), api.sendGroup("cid2", md), api.batchSend(["u1"], md)]);
    await api.sendGroup("cid3", md);
    expect(fake.tokenRequests.oauth2).toBe(1);
    const sends = fake.calls.filter((c) => c.api.startsWith("POST /v1.0/robot/"));
    expect(sends).toHaveLength(4);
    expect(new Set(sends.map((c) => c.accessToken)).size).toBe(1);

    offset = 7200_000 - 4 * 60_000; // inside the 5-minute refresh margin
    await api.sendGroup("cid4", md);
    expect(fake.tokenRequests.oauth2).toBe(2);
  });

  it("refetches the token once when DingTalk rejects it before its expiry", async () => {
    const { fake, api } = await fakeAndClient();
    await api.sendGroup("cid1", md);
    fake.failNext("/v1.0/robot/groupMessages/send", { status: 400, body: { code: "InvalidAuthentication", message: "不合法的access_token" } });
    await api.sendGroup("cid1", md);
    expect(fake.tokenRequests.oauth2).toBe(2);
  });

  it("splits batchSend into calls of at most 20 userIds and merges the results", async () => {
    const { fake, api } = await fakeAndClient();
    const users = Array.from({ length: 45 }, (_, i) => `u${i}`);
    const r = await api.batchSend([...users, "u0"], md);
    const calls = fake.calls.filter((c) => c.api === "POST /v1.0/robot/oToMessages/batchSend");
    expect(calls.map((c) => (c.body as { userIds: string[] }).userIds.length)).toEqual([20, 20, 5]);
    expect(JSON.parse((calls[0]?.body as { msgParam: string }).msgParam)).toEqual(md.msgParam);
    expect(r.processQueryKeys).toHaveLength(3);
  });

  it("types errors: code, status, request id; QPS throttling is retryable after 1 s", async () => {
    const { fake, api } = await fakeAndClient();
    fake.failNext("/v1.0/robot/oToMessages/batchSend", {
      status: 403,
      body: { code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", message: "qps", requestid: "REQ" },
    });
    const users = Array.from({ length: 25 }, (_, i) => `u${i}`);
    const err = await api.batchSend(users, md).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DingTalkApiError);
    expect(err).toMatchObject({
      status: 403,
      code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
      requestId: "REQ",
      retryable: true,
      throttled: true,
      retryAfterMs: 1000,
      context: { sentUserIds: [], unsentUserIds: users },
    });

    const bad = await api.sendGroup("cid", { msgKey: "sampleMarkdown", msgParam: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(bad).toBeUndefined(); // {} is valid JSON: the fake accepts it

    fake.failNext("/v1.0/card/instances", { status: 400, body: { code: "param.cardNotExist", message: "卡片不存在" } });
    const notFound = await api.updateCard("nope", {}).catch((e: unknown) => e);
    expect(notFound).toMatchObject({ status: 400, code: "param.cardNotExist", retryable: false });
  });

  it("withRetry retries a retryable error once and gives up on the second", async () => {
    let n = 0;
    const fail = () => {
      n += 1;
      return Promise.reject(new DingTalkApiError("POST /x", 403, "Forbidden.AccessDenied.QpsLimitForApi", "qps", { retryAfterMs: 1000 }));
    };
    await expect(withRetry(fail, { delayMs: 5 })).rejects.toMatchObject({ code: "Forbidden.AccessDenied.QpsLimitForApi" });
    expect(n).toBe(2);
    n = 0;
    const permanent = () => {
      n += 1;
      return Promise.reject(new DingTalkApiError("POST /x", 400, "param.invalid", "bad"));
    };
    await expect(withRetry(permanent)).rejects.toMatchObject({ code: "param.invalid" });
    expect(n).toBe(1);
  });

  it("reports bad credentials on the token call", async () => {
    const fake = await startFakeDingTalk();
    cleanups.push(() => fake.close());
    const api = new DingTalkOpenApi({ clientId: fake.clientId, clientSecret: "nope", robotCode: fake.robotCode, baseUrl: fake.url });
    await expect(api.sendGroup("cid", md)).rejects.toMatchObject({ status: 400, code: "invalidClientIdOrSecret" });
  });

  it("surfaces an undeliverable card as an error", async () => {
    const { fake, api } = await fakeAndClient();
    const ok = await api.createAndDeliverCard({ cardTemplateId: "tpl", outTrackId: "o1", target: { kind: "direct", userId: "u1" }, cardParamMap: { a: "b" } });
    expect(ok.deliveries[0]).toMatchObject({ success: true, spaceId: "u1" });
    const dup = await api
      .createAndDeliverCard({ cardTemplateId: "tpl", outTrackId: "o1", target: { kind: "direct", userId: "u1" }, cardParamMap: {} })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: "param.cardAlreadyExist", status: 400 });
    expect(fake.cards.get("o1")?.cardData).toEqual({ cardParamMap: { a: "b" } });
  });
});
