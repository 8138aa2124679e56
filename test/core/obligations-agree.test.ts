import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply } from "../../handlers/types.js";
import { periodKey, type Period } from "../../src/domain/report/types.js";
import { ladderFor } from "../../src/domain/schedule/reminder-ladder.js";
import { applySetting, DEFAULT_SCHEDULE } from "../../src/domain/schedule/schedule-config.js";
import { createWorkingCalendar } from "../../src/domain/calendar/working-calendar.js";
import type { Database } from "../../src/persistence/database.js";
import { bind } from "../../src/persistence/binding-repository.js";
import { submitRevision } from "../../src/persistence/report-repository.js";
import { saveSchedule } from "../../src/persistence/schedule-repository.js";
import { resolveUnit } from "../../src/persistence/unit-repository.js";
import type { ReminderSender } from "../../src/reminders/sender.js";
import { runReminders } from "../../src/reminders/run-reminders.js";
import { createBot } from "../../src/services/bot.js";
import { systemClock } from "../../src/services/clock.js";
import { importPlan } from "../../src/services/import-plan.js";
import { prepareDigest } from "../../src/services/monthly-digest.js";
import { computeWindow } from "../../src/services/rankings.js";
import { readPlanSource } from "../../src/services/read-plan-source.js";
import { createStore } from "../../src/services/store.js";
import { monthWindow } from "../../src/domain/ranking/periods.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";

/**
 * Issue 10 §1: one answer to "who owes what, for which month". A small plan (March–August 2025)
 * walked month by month from before it starts to after it ends: 查询, the reminders' escalation,
 * the monthly digest and the ranking must name the same units as owing, the same as missing
 * or incomplete, and after the plan nothing is owed, chased or counted anywhere.
 */
const TZ = "Asia/Shanghai";

const PLAN = {
  duban: 1,
  plan: { code: "walk", title: "走查方案", shortName: "走查", startYear: 2025, endYear: 2025, reportingFrom: "2025-03", reportingTo: "2025-08", timeZone: TZ },
  accountable: ["义乌市", "东阳市", "磐安县"],
  units: [
    { name: "市经信局", kind: "department" },
    { name: "市科技局", kind: "department" },
    { name: "市发改委", kind: "department" },
    { name: "义乌市", kind: "county" },
    { name: "东阳市", kind: "county" },
    { name: "磐安县", kind: "county" },
    { name: "市级相关部门", kind: "placeholder" },
  ],
  groups: [
    {
      code: "一",
      title: "任务",
      kind: "key_tasks",
      tasks: [
        {
          code: "1",
          title: "机器人",
          workItems: [
            { ref: "T1#1", text: "新增工业机器人", lead: "市经信局", co: ["市发改委"] },
            { ref: "T1#2", text: "推进科技创新（无量化指标）", lead: "市科技局" },
            { ref: "T1#3", text: "各部门配合", lead: "市级相关部门" },
          ],
        },
      ],
    },
  ],
  indicators: [
    { code: "I1", name: "新增工业机器人", kind: "per_year", unit: "台", target: 1200, deadline: "2025-12-31", workItem: "T1#1", shares: { 义乌市: 500, 东阳市: 400 } },
    { code: "H1", name: "研发投入强度", kind: "ratio", unit: "%", target: 2.5, deadline: "2025-12-31", workItem: null, owner: "市发改委", headline: true },
  ],
};

/** Units that owe, per month; and what each sent (period → unit → what). */
const SENT: Record<number, Record<string, { values?: number; progress?: boolean; late?: boolean }>> = {
  202503: { 市经信局: { values: 100, progress: true }, 市科技局: { progress: true }, 市发改委: { values: 2.1 }, 义乌市: { values: 40 }, 东阳市: { values: 30 } },
  202504: { 市经信局: { values: 200 }, 市发改委: { values: 2.2, late: true }, 义乌市: { values: 90 } },
  202505: { 市经信局: { values: 300, progress: true }, 市科技局: { progress: true, late: true }, 东阳市: { values: 100 } },
  202506: {},
  202507: { 市经信局: { values: 700, progress: true }, 市科技局: { progress: true }, 市发改委: { values: 2.4 }, 义乌市: { values: 260 }, 东阳市: { values: 200 } },
  202508: { 义乌市: { values: 300 } },
};
const OWING = ["东阳市", "义乌市", "市发改委", "市科技局", "市经信局"];

describe.each(PROVIDERS)("one answer to who owes what, on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  let planId: number;
  const calendar = createWorkingCalendar();
  const schedule = applySetting(DEFAULT_SCHEDULE, "专班群", "slack C_TF");

  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    const source = readPlanSource(Buffer.from(stringify(PLAN)), "walk.yaml");
    if (!source.ok) throw new Error(source.detail);
    await importPlan(db.prisma, source, { apply: true, actor: "test" });
    planId = (await db.prisma.plan.findUniqueOrThrow({ where: { code: "walk" } })).id;
    if (!schedule.ok) throw new Error("schedule");
    await saveSchedule(db.prisma, planId, schedule.config, "test");
    const i1 = await db.prisma.indicator.findFirstOrThrow({ where: { planId, code: "I1" } });
    const h1 = await db.prisma.indicator.findFirstOrThrow({ where: { planId, code: "H1" } });
    for (const [key, units] of Object.entries(SENT)) {
      const period = Number(key);
      const due = ladderFor({ year: 2025, month: period % 100 }, schedule.config, calendar, TZ).find((s) => s.step === "due_day")!.at;
      for (const [name, what] of Object.entries(units)) {
        const unit = (await resolveUnit(db.prisma, name))!;
        const indicator = name === "市发改委" ? h1 : i1;
        await submitRevision(db.prisma, {
          planId,
          unitId: unit.id,
          period,
          mode: "report",
          identityId: null,
          platform: "cli",
          rawInput: "test",
          reason: null,
          narrative: what.progress ? { progress: "推进中" } : {},
          values: what.values === undefined ? [] : [{ indicatorId: indicator.id, value: what.values, raw: String(what.values) }],
          at: new Date(due.getTime() + (what.late ? 3 : -2) * 86_400_000),
        });
      }
    }
    for (const name of [...OWING, "磐安县"]) {
      const unit = (await resolveUnit(db.prisma, name))!;
      await bind(db.prisma, { platform: "slack", tenant: "T1", userId: `U_${name}` }, unit.id, "liaison", "test");
    }
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  /** What each view says about month `p`. */
  async function views(p: Period) {
    // 查询 as each liaison, a day after the month's escalations start (all reports are in by then).
    const escalation = ladderFor(p, schedule.ok ? schedule.config : DEFAULT_SCHEDULE, calendar, TZ).find((s) => s.step === "escalation_1")!;
    const at = escalation.at;
    const bot = createBot({ db: db.prisma, store: createStore(db.prisma, { now: () => at }), clock: systemClock(TZ, () => at) });
    const status: Record<string, string> = {};
    const tasks: Record<string, string> = {};
    for (const name of [...OWING, "磐安县"]) {
      const r = await bot.handle({ platform: "slack", tenant: "T1", userId: `U_${name}`, text: `查询 ${p.year}年${p.month}月`, receivedAt: at });
      status[name] = r.title;
      const t = await bot.handle({ platform: "slack", tenant: "T1", userId: `U_${name}`, text: `我的任务 ${p.year}年${p.month}月`, receivedAt: at });
      tasks[name] = t.lines.join("\n");
    }
    // The reminders at the first escalation: what the task force is told.
    const posted: Reply[] = [];
    const sender: ReminderSender = {
      platform: "slack",
      sendDirect: async (ids) => new Map(ids.map((id) => [id, { ok: true as const }])),
      sendGroup: async (_group, reply) => (posted.push(reply), { ok: true }),
    };
    await runReminders({ db: db.prisma, planId, timeZone: TZ, senders: { slack: sender }, instanceId: "test", now: () => at }, { at, ignoreLastRun: true });
    const escalated = posted.find((r) => r.title.includes(`${p.year}年${p.month}月 月报逾期`));
    const digest = await prepareDigest(db.prisma, planId, p, { lang: "zh" });
    const owedInRanking: string[] = [];
    for (const kind of ["department", "county"] as const) {
      const { ranking } = await computeWindow(db.prisma, planId, monthWindow(p), kind);
      for (const u of [...ranking.ranked, ...ranking.unranked]) {
        if ((u.conduct?.months ?? []).some((m) => m.owed > 0)) owedInRanking.push(u.name);
      }
    }
    return { status, tasks, escalated, digest, owedInRanking: owedInRanking.sort() };
  }

  const months: Period[] = [];
  for (let m = 1; m <= 10; m++) months.push({ year: 2025, month: m });

  it.each(months.map((p) => [`${p.year}-${String(p.month).padStart(2, "0")}`, p] as const))("GIVEN %s THEN 查询, the escalation, the digest and the ranking agree", async (_label, p) => {
    const within = periodKey(p) >= 202503 && periodKey(p) <= 202508;
    const v = await views(p);
    const sent = SENT[periodKey(p)] ?? {};
    if (!within) {
      // Outside the plan: nobody owes, nothing is chased, the digest and ranking count nobody.
      for (const title of Object.values(v.status)) expect(title).toMatch(/无需报送/);
      // 我的任务 says why: the plan has not started, or it ended on its date.
      for (const name of OWING) expect(v.tasks[name]).toMatch(periodKey(p) < 202503 ? /自2025年3月起报送/ : /已于2025年8月结束/);
      expect(v.escalated).toBeUndefined();
      expect(v.digest.owed).toBe(0);
      expect(v.owedInRanking).toEqual([]);
      return;
    }
    // Who owes: the lead (with its indicator and its narrative), the lead without indicators
    // (narrative only), the owner of the headline target, the counties with shares; not the
    // placeholder, not the county without a share, not the co-responsible unit.
    expect(v.status["磐安县"]).toMatch(/无需报送/);
    for (const name of OWING) expect(v.status[name]).toMatch(/已报 \d+\/\d+ 项/);
    // 我的任务 lists the same owed indicators (and the narrative for the leads).
    expect(v.tasks["市经信局"]).toContain("需报指标（1 个）");
    expect(v.tasks["市经信局"]).toContain("另需每月报送工作进展");
    expect(v.tasks["市科技局"]).toContain("每月报送工作进展即可");
    expect(v.tasks["义乌市"]).toContain("分解目标 500台");
    expect(v.digest.owed).toBe(OWING.length);
    expect(v.owedInRanking).toEqual([...OWING].sort());
    // Who is missing or incomplete, as 查询 counts it.
    const owedOf: Record<string, number> = { 市经信局: 2, 市科技局: 1, 市发改委: 1, 义乌市: 1, 东阳市: 1 };
    const reportedOf = (name: string) => {
      const s = sent[name];
      if (!s) return 0;
      return (s.values !== undefined ? 1 : 0) + (name === "市经信局" || name === "市科技局" ? (s.progress ? 1 : 0) : 0);
    };
    const short = OWING.filter((n) => reportedOf(n) < owedOf[n]!).sort();
    for (const name of OWING) expect(v.status[name]).toContain(`已报 ${reportedOf(name)}/${owedOf[name]} 项`);
    if (short.length === 0) {
      expect(v.escalated).toBeUndefined();
    } else {
      expect(v.escalated, `escalation for ${periodKey(p)}`).toBeDefined();
      const text = `${v.escalated!.title}\n${v.escalated!.lines.join("\n")}`;
      expect(text).toContain(`应报 ${OWING.length} 个单位`);
      const named = [...text.matchAll(/- ([^：\n]+)：(?:未报送|缺 )/gu)].map((m) => m[1]!).sort();
      expect(named).toEqual(short);
    }
    const digestShort = v.digest.sections.flatMap((s) => [...s.missing.map((u) => u.name), ...s.incomplete.map((u) => u.name)]).sort();
    expect([...new Set(digestShort)]).toEqual(short);
  });
});
