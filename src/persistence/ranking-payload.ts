import { z } from "zod";
import { INDICATOR_KINDS } from "../domain/plan/types.js";
import { rankingConfigSchema } from "../domain/ranking/ranking-config.js";
import type { Ranking } from "../domain/ranking/score.js";
import { periodSchema } from "../domain/report/types.js";

/**
 * RankingSnapshot.payload: a computed Ranking as JSON, under a version tag.
 * Validated on every read: a published briefing is evidence (who was summoned
 * and why), so a payload edited by hand or written by an older build must fail
 * loudly rather than render as something it is not.
 *
 * The schema is annotated with the domain type, so a change to Ranking that
 * this file does not follow fails the type check.
 */

const num = z.number();
const nullableNum = num.nullable();
const light = z.enum(["green", "amber", "red", "none"]);

const figure = z.object({ period: periodSchema, value: num, months: z.number().int().positive().optional() });

const inputs = z.discriminatedUnion("rule", [
  z.object({ rule: z.literal("sum_since_plan_start"), from: periodSchema, to: periodSchema, months: z.array(figure), sum: num, elapsedMonths: num, totalMonths: num }),
  z.object({ rule: z.literal("sum_year_to_date"), year: num, months: z.array(figure), sum: num, elapsedMonths: num, totalMonths: z.literal(12) }),
  z.object({ rule: z.literal("stock_linear"), baseline: figure, latest: figure, deadline: periodSchema, elapsedMonths: num, totalMonths: num, expectedLevel: num }),
  z.object({ rule: z.literal("stock_target"), latest: figure }),
  z.object({ rule: z.literal("latest_value"), latest: figure }),
  z.object({ rule: z.literal("none"), reason: z.enum(["no_data", "stale", "not_started"]), latest: figure.optional() }),
]);

const indicatorScore = z.object({
  indicatorId: num,
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  kind: z.enum(INDICATOR_KINDS),
  comparator: z.enum(["gte", "lte"]),
  target: num,
  targetSource: z.enum(["city", "share"]),
  headline: z.boolean(),
  status: z.enum(["assessed", "no_data", "stale", "not_started"]),
  actual: nullableNum,
  completion: nullableNum,
  expectedShare: nullableNum,
  expected: nullableNum,
  ratio: nullableNum,
  inputs,
  formula: z.string(),
  light,
  weight: num,
  counted: z.boolean(),
  cappedRatio: nullableNum,
  points: nullableNum,
  contribution: nullableNum,
});

const conductMonth = z.object({
  period: periodSchema,
  status: z.enum(["on_time", "late", "missing", "not_owed"]),
  dueAt: z.string().nullable(),
  firstSubmittedAt: z.string().nullable(),
  owed: num,
  reported: num,
  correctionsAfterDue: num,
  onTime: z.union([z.literal(0), z.literal(1)]),
  completeness: num,
  penalty: num,
  score: nullableNum,
});

const unitScore = z.object({
  unitId: num,
  name: z.string(),
  rank: nullableNum,
  bottom: z.boolean(),
  unranked: z.enum(["no_indicators", "no_data", "insufficient_data"]).nullable(),
  indicators: z.array(indicatorScore),
  assessed: num,
  lights: z.object({ green: num, amber: num, red: num, none: num }),
  result: z.object({ score: num, weightSum: num, formula: z.string() }).nullable(),
  conduct: z.object({ score: num, months: z.array(conductMonth), formula: z.string() }).nullable(),
  weightsUsed: z.object({ result: num, conduct: num }),
  total: nullableNum,
  totalFormula: z.string(),
});

export const rankingSchema: z.ZodType<Ranking> = z.object({
  kind: z.enum(["department", "county"]),
  window: z.object({ label: z.string(), scope: z.enum(["quarter", "year", "month"]), months: z.array(periodSchema) }),
  asOf: periodSchema,
  plan: z.object({ start: periodSchema, end: periodSchema }),
  config: rankingConfigSchema,
  ranked: z.array(unitScore),
  unranked: z.array(unitScore),
});

export const SNAPSHOT_PAYLOAD_VERSION = 1;

const payloadSchema = z.object({ version: z.literal(SNAPSHOT_PAYLOAD_VERSION), ranking: rankingSchema });

export function encodeSnapshotPayload(ranking: Ranking): string {
  return JSON.stringify({ version: SNAPSHOT_PAYLOAD_VERSION, ranking });
}

/** Throws with the failing paths when the stored payload is not a ranking this build can read. */
export function decodeSnapshotPayload(json: string, where: string): Ranking {
  const parsed = payloadSchema.safeParse(JSON.parse(json));
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`ranking snapshot ${where} is unreadable: ${issues}`);
  }
  return parsed.data.ranking;
}
