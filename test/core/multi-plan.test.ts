import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetExample } from "../../src/services/example-world.js";
import { botFixture, NOW, type BotFixture } from "../helpers/bot-fixture.js";
import { PROVIDERS } from "../helpers/databases.js";
import { cli } from "../helpers/run-cli.js";

/**
 * Several plans at once (issue 10 §2): the bundled plan extended into 2026 and the example plan
 * (示例), both in progress, with the same indicator names; 市经信局 leads work in both.
 */
describe.each(PROVIDERS)("two plans in progress on %s", (provider) => {
  let f: BotFixture;
  let example: { planId: number; code: string };
  beforeAll(async () => {
    f = await botFixture(provider);
    example = await resetExample(f.db.prisma, { now: NOW, actor: "test" });
    await f.bindAs("slack", "U_JXJ", "市经信局");
    await f.bindAs("slack", "U_YW", "义乌市");
    await f.bindAs("slack", "U_ADMIN", "市政府督查室", "admin");
    await f.bindAs("slack", "U_TF", "市政府督查室", "taskforce");
  });
  afterAll(async () => f?.close());

  it("GIVEN a name both plans use THEN nothing is stored and the reply asks for the plan, with an example naming it", async () => {
    const before = await f.db.prisma.reportRevision.count();
    const r = await f.say("U_JXJ", "上报 2026年11月 新增工业机器人 260台");
    expect(r.status).toBe("error");
    expect(r.lines.join()).toMatch(/在多个方案中都有/);
    expect(r.lines.join()).toContain("《示例》");
    expect(await f.db.prisma.reportRevision.count()).toBe(before);
  });

  it("GIVEN the plan named first THEN the figure goes to that plan only", async () => {
    const r = await f.say("U_JXJ", "上报 示例 2026年11月 新增工业机器人 3,000台");
    expect(r.status, r.lines.join()).toBe("ok");
    expect(r.lines.join()).toContain("《示例》");
    const reports = await f.db.prisma.report.findMany({ where: { period: 202611, unit: { name: "市经信局" } }, select: { planId: true } });
    expect(reports.map((x) => x.planId)).toEqual([example.planId]);
  });

  it("GIVEN the other plan named by its short name THEN the figure goes there", async () => {
    const r = await f.say("U_JXJ", "上报 制造业攻坚 2026年11月 组织实施省级千亿技术改造项目 40项");
    expect(r.status, r.lines.join()).toBe("ok");
    const reports = await f.db.prisma.report.findMany({ where: { period: 202611, unit: { name: "市经信局" } }, select: { planId: true } });
    expect(reports.map((x) => x.planId).sort()).toEqual([f.planId, example.planId].sort());
  });

  it("GIVEN a county only the example splits to THEN its figures need no plan name", async () => {
    const r = await f.say("U_YW", "上报 2026年11月 新增工业机器人 本月新增 20台");
    expect(r.status, r.lines.join()).toBe("ok");
    expect(r.lines.join()).toMatch(/本月新增 20台，加上1—10月累计 \d+台/);
  });

  it("GIVEN 查询 and 我的任务 THEN each plan has its section, and the counts add up across them", async () => {
    const s = await f.say("U_JXJ", "查询 2026年11月");
    const text = s.lines.join("\n");
    expect(text).toContain("《示例》");
    expect(text).toContain("《制造业攻坚》");
    // 16 indicators and the narrative in the bundled plan; 22 and the narrative in the example: 40.
    expect(s.title).toMatch(/已报 2\/40 项/);
    const t = await f.say("U_JXJ", "我的任务");
    expect(t.lines.filter((l) => l.startsWith("**《")).length).toBe(2);
  });

  it("GIVEN 设置 with two plans in progress THEN the admin is asked which, and 设置 示例 … changes that plan's schedule only", async () => {
    const ask = await f.say("U_ADMIN", "设置 截止日 6");
    expect(ask.status).toBe("error");
    expect(ask.lines.join()).toContain("《示例》");
    const ok = await f.say("U_ADMIN", "设置 示例 截止日 6");
    expect(ok.status, ok.lines.join()).toBe("info");
    const schedules = await f.db.prisma.schedule.findMany({ select: { planId: true, config: true } });
    expect(schedules.map((x) => [x.planId, JSON.parse(x.config).window.due.day])).toEqual([[example.planId, 6]]);
  });

  it("GIVEN 排名 with two plans in progress THEN the plan is asked for; named, its own ranking is explained", async () => {
    const ask = await f.say("U_TF", "排名 说明 义乌市 2026Q3");
    expect(ask.status).toBe("error");
    expect(ask.lines.join()).toContain("《示例》");
    const r = await f.say("U_TF", "排名 示例 说明 义乌市 2026Q3");
    expect(r.status, r.title).toBe("info");
    expect(r.title).toBe("义乌市 2026年第三季度排名计算说明");
    expect(r.lines.join("\n")).toContain("分解目标");
  });

  it("GIVEN the CLI without --plan THEN it lists the plans and stops; with --plan 示例 it works", async () => {
    const env = { DATABASE_URL: f.tdb.url };
    const bare = await cli(["report", "list", "--period", "2026-11"], env);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("有多个方案，请用 --plan 指明");
    expect(bare.stderr).toContain(example.code);
    const named = await cli(["report", "list", "--period", "2026-11", "--plan", "示例", "--json"], env);
    expect(named.code, named.stderr).toBe(0);
    expect(named.json<{ unit: string }[]>().map((x) => x.unit)).toEqual(expect.arrayContaining(["市经信局", "义乌市"]));
  });
});
