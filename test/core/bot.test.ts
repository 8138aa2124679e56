import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botFixture, type BotFixture } from "../helpers/bot-fixture.js";
import { PROVIDERS } from "../helpers/databases.js";

describe.each(PROVIDERS)("the core bot on %s", (provider) => {
  let f: BotFixture;
  const reports = () => f.db.prisma.report.count();
  const revisions = () => f.db.prisma.reportRevision.count();

  beforeAll(async () => {
    f = await botFixture(provider);
    await f.bindAs("slack", "U_JXJ", "市经信局");
    await f.bindAs("slack", "U_JXJ2", "经信局");
    await f.bindAs("slack", "U_ADMIN", "市制高办", "admin");
  });
  afterAll(async () => f.close());

  it("GIVEN an unbound user THEN reporting is refused with the user id to give the admin, and help still works", async () => {
    const r = await f.say("U_NOBODY", "上报 新增工业机器人 260台");
    expect(r.status).toBe("denied");
    expect(r.lines.join()).toContain("Slack U_NOBODY（工作区 T1）");
    expect((await f.say("U_NOBODY", "帮助")).status).toBe("info");
    expect(await reports()).toBe(0);
  });

  it("GIVEN a liaison THEN a text report with units, full-width digits, Traditional words and narrative is stored", async () => {
    const r = await f.say("U_JXJ", "上報 2026年10月 新增工业机器人 ２６０台，在役機器人總量 2.1万台 进展：完成技改项目备案 问题:用地紧张 计划:加快审批");
    expect(r.status, r.lines.join("\n")).toBe("ok");
    expect(r.title).toContain("市经信局");
    expect(r.title).toContain("2026年10月");
    const values = await f.db.prisma.indicatorValue.findMany({ where: { current: true }, include: { indicator: true } });
    expect(Object.fromEntries(values.map((v) => [v.indicator.code, v.value]))).toEqual({ "T18-2": 260, "T18-3": 21000 });
    const rev = await f.db.prisma.reportRevision.findFirst();
    expect(rev).toMatchObject({ progress: "完成技改项目备案", problems: "用地紧张", nextSteps: "加快审批", platform: "slack" });
    const audit = await f.db.prisma.auditLog.findFirst({ where: { action: "report.submit", result: "ok" } });
    expect(audit?.rawInput).toContain("２６０台");
    expect(audit?.actor).toBe("slack:T1:U_JXJ");
  });

  it.each([
    ["unknown indicator", "上报 新增工业机械人 260台", "unknown_indicator", "新增工业机器人"],
    ["wrong unit", "上报 新增工业机器人 260亿元", "wrong_unit", "台"],
    ["missing value", "上报 新增工业机器人", "missing_value", "新增工业机器人"],
    ["period in the future", "上报 2027年1月 新增工业机器人 10台", "period_in_future", "2027"],
    ["cumulative goes down", "上报 2026年11月 在役机器人总量 1.5万台", "below", "在役机器人总量"],
    ["missing reason", "修改 新增工业机器人 270台", "missing_reason", "原因"],
  ])("GIVEN %s THEN one reply names it, shows an example from the user's own indicators, and stores nothing", async (_l, text, _code, mention) => {
    const before = [await reports(), await revisions()];
    const r = await f.say("U_JXJ", text);
    expect(r.status).toBe("error");
    expect(r.lines.join("\n")).toContain(mention);
    expect(r.example).toMatch(/上报|修改/);
    // The example is built from indicators this unit (市经信局) owes.
    const owed = await f.db.prisma.indicator.findMany({ where: { workItem: { units: { some: { role: "lead", unit: { name: "市经信局" } } } } } });
    expect(owed.some((i) => r.example!.includes(i.name))).toBe(true);
    expect(r.example).not.toContain("招引落地亿元以上项目"); // led by 市投资促进中心, not ours
    expect([await reports(), await revisions()]).toEqual(before);
  });

  it("GIVEN several problems in one message THEN all are named in one reply", async () => {
    const r = await f.say("U_JXJ", "上报 新增工业机器人 abc 在役机器人总量 3亿元 不存在的指标 5台");
    expect(r.status).toBe("error");
    expect(r.lines.length).toBeGreaterThanOrEqual(3);
  });

  it("GIVEN a correction with a reason THEN a new revision keeps the history", async () => {
    const r = await f.say("U_JXJ", "修改 2026-10 新增工业机器人 270台 原因:统计口径调整");
    expect(r.status, r.lines.join("\n")).toBe("ok");
    expect(r.lines.join()).toContain("250台".replace("250", "260")); // "(原 260台)"
    const revs = await f.db.prisma.reportRevision.findMany({ orderBy: { revision: "asc" } });
    expect(revs.map((x) => x.revision)).toEqual([1, 2]);
    expect(revs[1]!.reason).toBe("统计口径调整");
    const all = await f.db.prisma.indicatorValue.findMany({ where: { indicator: { code: "T18-2" } }, orderBy: { revision: "asc" } });
    expect(all.map((v) => [v.revision, v.value, v.current])).toEqual([
      [1, 260, false],
      [2, 270, true],
    ]);
    // The stock figure not mentioned is carried into revision 2.
    expect(await f.db.prisma.indicatorValue.count({ where: { current: true } })).toBe(2);
  });

  it("GIVEN a total that really fell THEN 上报 is refused but 修改 with a reason records it", async () => {
    const refused = await f.say("U_JXJ", "上报 2026年11月 在役机器人总量 1.9万台");
    expect(refused.status).toBe("error");
    // November is the current month: reportable, not in the future.
    // A year-to-date total that would fall is refused too; 本月新增 is added to October's total, and the reply says so.
    const fell = await f.say("U_JXJ", "上报 2026年11月 新增工业机器人 10台");
    expect(fell.status).toBe("error");
    expect(fell.lines.join()).toMatch(/2026年10月已累计 270台/);
    // The reply's example is the message that records it as this month's own figure; sending it works.
    expect(fell.example).toBe("上报 2026年11月 新增工业机器人 本月新增 10台");
    const first = await f.say("U_JXJ", fell.example!);
    expect(first.status, first.lines.join()).toBe("ok");
    expect(first.lines.join()).toContain("新增工业机器人：**280台**（本月新增 10台，加上1—10月累计 270台，记为1—11月累计）");
    const ok = await f.say("U_JXJ", "修改 2026年11月 在役机器人总量 1.9万台 原因:部分设备报废");
    expect(ok.status, ok.lines.join()).toBe("ok");
  });

  it("GIVEN the same delivery twice (a retry) THEN it is handled once and the second answer is the stored one", async () => {
    const before = await revisions();
    const a = await f.say("U_JXJ", "上报 组织实施省级千亿技术改造项目 40项", { eventKey: "slack:trigger:abc" });
    const b = await f.say("U_JXJ", "上报 组织实施省级千亿技术改造项目 40项", { eventKey: "slack:trigger:abc" });
    expect(a.status).toBe("ok");
    expect(b).toMatchObject({ status: "ok", title: a.title, duplicate: true });
    expect(await revisions()).toBe(before + 1);
  });

  it("GIVEN two liaisons of one unit reporting at the same moment THEN both are recorded as consecutive revisions", async () => {
    const before = await revisions();
    const [a, b] = await Promise.all([
      f.say("U_JXJ", "上报 2026-09 新增工业机器人 100台"),
      f.say("U_JXJ2", "上报 2026-09 在役机器人总量 2万台"),
    ]);
    expect([a.status, b.status]).toEqual(["ok", "ok"]);
    const report = await f.db.prisma.report.findFirst({ where: { period: 202609 }, include: { revisions: true, values: { where: { current: true } } } });
    expect(report!.revisions.map((r) => r.revision).sort()).toEqual([1, 2]);
    expect(report!.values).toHaveLength(2);
    expect(await revisions()).toBe(before + 2);
  });

  it("GIVEN a closed period THEN reports for it are refused", async () => {
    await f.db.prisma.reportingPeriod.create({
      data: { planId: f.planId, period: 202608, opensAt: new Date(), dueAt: new Date(), status: "closed" },
    });
    const r = await f.say("U_JXJ", "上报 2026年8月 新增工业机器人 5台");
    expect(r.status).toBe("error");
    expect(r.lines.join()).toContain("已关闭");
  });

  it("GIVEN a form submission THEN values with units are converted and stored; bad fields come back as field errors", async () => {
    const form = await f.bot.openForm({ platform: "slack", tenant: "T1", userId: "U_JXJ" }, { period: "2026-10" });
    expect("indicators" in form && form.indicators.map((i) => i.code)).toEqual(expect.arrayContaining(["T18-1", "T18-2", "T18-3"]));
    if (!("indicators" in form)) return;
    expect(form.indicators.find((i) => i.code === "T18-2")?.value).toBe("270台");
    const bad = await f.bot.handle({
      platform: "slack", tenant: "T1", userId: "U_JXJ", receivedAt: new Date(),
      form: { mode: "report", period: "2026-10", values: { "T18-2": "12亿元", "T18-3": "" } },
    });
    expect(bad.status).toBe("error");
    expect(Object.keys(bad.fieldErrors ?? {})).toEqual(["T18-2"]);
    const ok = await f.bot.handle({
      platform: "slack", tenant: "T1", userId: "U_JXJ", receivedAt: new Date(),
      form: { mode: "correct", period: "2026-10", values: { "T18-3": "2.2万" }, reason: "补录" },
    });
    expect(ok.status, ok.lines.join()).toBe("ok");
    const v = await f.db.prisma.indicatorValue.findFirst({ where: { current: true, period: 202610, indicator: { code: "T18-3" } } });
    expect(v?.value).toBe(22000);
  });

  it("GIVEN status and tasks THEN the unit sees what it has and has not reported, and what it owes", async () => {
    const s = await f.say("U_JXJ", "查询 2026年10月");
    expect(s.status).toBe("info");
    // 16 indicators and the month's narrative: three figures and the narrative are in.
    expect(s.title).toMatch(/已报 4\/17/);
    const t = await f.say("U_JXJ", "我的任务");
    expect(t.lines.join("\n")).toContain("T18-2");
    expect(t.lines.join("\n")).toContain("上次");
  });

  it("GIVEN 设置 THEN admins see and change the reminder schedule; bad values are named; liaisons are refused", async () => {
    expect((await f.say("U_JXJ", "设置 截止日 6")).status).toBe("denied");
    const show = await f.say("U_ADMIN", "设置");
    expect(show.status).toBe("info");
    expect(show.lines.join("\n")).toContain("每月 5 日");
    expect(show.lines.filter((l) => l.startsWith("- "))).toHaveLength(10);
    const bad = await f.say("U_ADMIN", "設置 截止日 31");
    expect(bad.status).toBe("error");
    expect(bad.lines.join()).toMatch(/1 到 28/);
    expect(bad.example).toContain("设置 截止日");
    const ok = await f.say("U_ADMIN", "设置 截止日 第5个工作日");
    expect(ok.status, ok.lines.join()).toBe("info");
    expect(ok.lines.join("\n")).toContain("第 5 个工作日");
    const audit = await f.db.prisma.auditLog.findMany({ where: { action: "schedule.set" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.result)).toEqual(["rejected", "ok"]);
    const stored = await f.db.prisma.schedule.findFirst();
    expect(JSON.parse(stored!.config).window.due).toEqual({ kind: "nth_workday", n: 5 });
  });

  it("GIVEN an admin THEN bind works in chat; a liaison is refused", async () => {
    const denied = await f.say("U_JXJ", "绑定 U_NEW 义乌市 联络员");
    expect(denied.status).toBe("denied");
    const ok = await f.say("U_ADMIN", "绑定 U_NEW 義烏 联络员");
    expect(ok.status, ok.title).toBe("ok");
    const r = await f.say("U_NEW", "查询");
    expect(r.title).toContain("义乌市");
    expect(await f.db.prisma.auditLog.count({ where: { action: "bind", result: "ok" } })).toBe(1);
  });
});
