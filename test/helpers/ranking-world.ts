import type { Database } from "../../src/persistence/database.js";
import { findPlan } from "../../src/persistence/plan-repository.js";
import { saveRankingConfig } from "../../src/persistence/ranking-repository.js";
import { submitRevision } from "../../src/persistence/report-repository.js";
import { resolveUnit } from "../../src/persistence/unit-repository.js";
import { rankingConfig } from "../../src/domain/ranking/ranking-config.js";
import { seedBundledPlan } from "../../src/services/seed-bundled-plan.js";

/**
 * A small county ranking on the bundled plan (span 2021-01 … 2023-12, 36 months),
 * 2022Q1 (as of 2022-03: 15 months elapsed), default rules but summon.bottomN 1
 * and summon.minRanked 3 (four counties are ranked). Shares set via Prisma (the
 * bundled plan has none):
 *   T2-1 cumulative, reported 1—N月累计 (basis ytd): 义乌 720, 东阳 720, 永康 720, 兰溪 720
 *        expected by March = 720 × 15/36 = 300
 *   G1 ratio (basis rate): 义乌 2.3, 东阳 2.3, 永康 2.3
 * Reports (Jan–Mar 2022), submitted on the 2nd of the next month at 10:00 (on time):
 *   义乌, 东阳: T2-1 100 more each month (1—1月 100, 1—2月 200, 1—3月 300: ratio 1, green,
 *     full marks 100), G1 2.3 (ratio 1, 100) → result 100, conduct 100 → total 100 (a tie: both rank 1)
 *   永康: T2-1 80 more each month (1—3月 240: ratio 0.8, amber, 80 pts), G1 2.3 (100) → result 90;
 *     March first submitted on 2022-04-20 (late: 50) → conduct mean(100, 100, 50) = 83.33
 *     → total 0.7×90 + 0.3×83.33 = 88, rank 3
 *   兰溪: a share, no report (未报视为未完成): T2-1 0 → result 0, conduct 0 → total 0, rank 4, the
 *     bottom 1, summoned (通报约谈);
 *   the other counties (the plan's 责任主体 without a share): owed nothing → unranked "not_owed".
 * The lead departments owe their work items' indicators on the city target and the narrative; none reports.
 */
export interface RankingWorld {
  planId: number;
  ids: Record<"T2-1" | "G1", number>;
  units: Record<"义乌市" | "东阳市" | "永康市" | "兰溪市", number>;
}

const cst = (iso: string) => new Date(`${iso}+08:00`);

export async function seedRankingWorld(db: Database): Promise<RankingWorld> {
  const p = db.prisma;
  await seedBundledPlan(p);
  const plan = (await findPlan(p))!;
  const ind = async (code: string) => (await p.indicator.findUniqueOrThrow({ where: { planId_code: { planId: plan.id, code } } })).id;
  const ids = { "T2-1": await ind("T2-1"), G1: await ind("G1") };
  const unit = async (name: string) => (await resolveUnit(p, name))!.id;
  const units = { 义乌市: await unit("义乌市"), 东阳市: await unit("东阳市"), 永康市: await unit("永康市"), 兰溪市: await unit("兰溪市") };
  for (const u of Object.values(units)) await p.indicatorShare.create({ data: { indicatorId: ids["T2-1"], unitId: u, target: 720 } });
  for (const u of [units.义乌市, units.东阳市, units.永康市]) await p.indicatorShare.create({ data: { indicatorId: ids.G1, unitId: u, target: 2.3 } });
  await saveRankingConfig(p, plan.id, rankingConfig({ summon: { bottomN: 1, minRanked: 3 } }));

  const monthly: Array<[number, number]> = [
    [units.义乌市, 100],
    [units.东阳市, 100],
    [units.永康市, 80],
  ];
  for (const [unitId, t21] of monthly) {
    for (const month of [1, 2, 3]) {
      const late = unitId === units.永康市 && month === 3;
      // T2-1 is reported year to date: the month's increment times the months so far.
      await report(db, plan.id, unitId, 202200 + month, [[ids["T2-1"], t21 * month], [ids.G1, 2.3]], cst(late ? "2022-04-20T10:00:00" : `2022-0${month + 1}-02T10:00:00`));
    }
  }
  return { planId: plan.id, ids, units };
}

/** One first submission through the repository, dated `at` (submitRevision stamps "now"). Values in each indicator's basis. */
export async function report(db: Database, planId: number, unitId: number, period: number, values: Array<[number, number]>, at: Date, narrative: { progress?: string } = {}): Promise<void> {
  const r = await submitRevision(db.prisma, {
    planId,
    unitId,
    period,
    mode: "report",
    identityId: null,
    platform: "cli",
    rawInput: "test",
    reason: null,
    narrative,
    values: values.map(([indicatorId, value]) => ({ indicatorId, value, raw: String(value) })),
  });
  await db.prisma.report.update({ where: { id: r.reportId }, data: { firstAt: at } });
  await db.prisma.reportRevision.updateMany({ where: { reportId: r.reportId, revision: r.revision }, data: { createdAt: at } });
}

/** A correction made now (after every due date of 2022), or dated `at`. */
export async function correct(db: Database, planId: number, unitId: number, period: number, values: Array<[number, number]>, opts: { reason?: string; at?: Date } = {}): Promise<void> {
  const r = await submitRevision(db.prisma, {
    planId,
    unitId,
    period,
    mode: "correct",
    identityId: null,
    platform: "cli",
    rawInput: "test correction",
    reason: opts.reason ?? "笔误",
    narrative: {},
    values: values.map(([indicatorId, value]) => ({ indicatorId, value, raw: String(value) })),
  });
  if (opts.at) await db.prisma.reportRevision.updateMany({ where: { reportId: r.reportId, revision: r.revision }, data: { createdAt: opts.at } });
}
