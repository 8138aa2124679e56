import { z } from "zod";
import { INDICATOR_KINDS, REPORTING_BASES } from "../domain/plan/types.js";
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
  z.object({ rule: z.literal("sum_months"), scope: z.enum(["plan", "year"]), from: periodSchema, to: periodSchema, months: z.array(figure), sum: num, elapsedMonths: num, totalMonths: num }),
  z.object({ rule: z.literal("ytd_year"), latest: figure, elapsedMonths: num, totalMonths: z.literal(12) }),
  z.object({ rule: z.literal("ytd_plan"), from: periodSchema, years: z.array(figure), sum: num, elapsedMonths: num, totalMonths: num }),
  z.object({
    rule: z.literal("stock_linear"),
    baseline: figure,
    baselineSource: z.enum(["plan", "first_report"]),
    latest: figure,
    deadline: periodSchema,
    elapsedMonths: num,
    totalMonths: num,
    expectedLevel: num,
  }),
  z.object({ rule: z.literal("stock_target"), latest: figure }),
  z.object({ rule: z.literal("latest_value"), latest: figure }),
  z.object({ rule: z.literal("growth_gap"), latest: figure, gap: num }),
  z.object({ rule: z.literal("reduction_pro_rata"), latest: figure, from: periodSchema, deadline: periodSchema, elapsedMonths: num, totalMonths: num }),
  z.object({ rule: z.literal("none"), reason: z.enum(["no_data", "stale", "not_started"]), latest: figure.optional() }),
]);

const indicatorScore = z.object({
  indicatorId: num,
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  kind: z.enum(INDICATOR_KINDS),
  basis: z.enum(REPORTING_BASES),
  comparator: z.enum(["gte", "lte"]),
  target: num,
  targetSource: z.enum(["city", "share"]),
  targetMax: nullableNum,
  headline: z.boolean(),
  status: z.enum(["assessed", "no_data", "stale", "not_started"]),
  actual: nullableNum,
  completion: nullableNum,
  expectedShare: nullableNum,
  expected: nullableNum,
  ratio: nullableNum,
  gap: nullableNum,
  met: z.boolean(),
  inputs,
  formula: z.string(),
  light,
  weight: num,
  counted: z.boolean(),
  bonus: nullableNum,
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
  missingNarrative: z.boolean(),
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
  summoned: z.boolean(),
  allMet: z.boolean(),
  unranked: z.enum(["not_owed", "no_indicators", "no_data"]).nullable(),
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
  timeZone: z.string(),
  config: rankingConfigSchema,
  summon: z.object({
    applies: z.boolean(),
    reason: z.enum(["kind_not_named", "too_few_ranked", "none_at_bottom"]).nullable(),
    bottomN: num,
    minRanked: num,
  }),
  ranked: z.array(unitScore),
  unranked: z.array(unitScore),
});

/**
 * 2: figures in the indicator's reporting basis, scored by the rules of
 * ranking-config.ts (full marks at 序时进度, 未报视为未完成, growth by the gap,
 * 通报约谈 by summon). 1: every flow a sum of monthly increments, full marks at
 * a cap, units without data listed apart; read and upgraded (upgradeV1), never
 * rescored: a published briefing says what it said.
 */
export const SNAPSHOT_PAYLOAD_VERSION = 2;

const payloadSchema = z.object({ version: z.literal(SNAPSHOT_PAYLOAD_VERSION), ranking: rankingSchema });

export function encodeSnapshotPayload(ranking: Ranking): string {
  return JSON.stringify({ version: SNAPSHOT_PAYLOAD_VERSION, ranking });
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * A version 1 payload in version 2's shape, with what it said unchanged: flows
 * were sums of monthly increments (basis "month"), stock baselines the first
 * report, the bottom marks were the summons, units without data were unranked
 * ("no_data"). Fields version 1 did not have take the value that reads the same.
 */
function upgradeV1(ranking: unknown): unknown {
  const r = obj(ranking);
  const config = obj(r.config);
  const bottomN = typeof config.bottomN === "number" ? config.bottomN : 3;
  const inputsV2 = (inp: Json): Json => {
    switch (inp.rule) {
      case "sum_since_plan_start":
        return { ...inp, rule: "sum_months", scope: "plan" };
      case "sum_year_to_date":
        return { rule: "sum_months", scope: "year", from: { year: inp.year, month: 1 }, to: obj(list(inp.months).at(-1)).period ?? { year: inp.year, month: 12 }, months: inp.months, sum: inp.sum, elapsedMonths: inp.elapsedMonths, totalMonths: inp.totalMonths };
      case "stock_linear":
        return { ...inp, baselineSource: "first_report" };
      default:
        return inp;
    }
  };
  const unit = (u: Json, ranked: boolean): Json => {
    const indicators = list(u.indicators).map((x) => {
      const i = obj(x);
      const basis = i.kind === "stock" ? "level" : i.kind === "cumulative" || i.kind === "per_year" || i.kind === "annual_total" ? "month" : "rate";
      const { cappedRatio: _capped, ...rest } = i;
      return { ...rest, basis, targetMax: null, gap: null, met: typeof i.ratio === "number" && i.ratio >= 1, bonus: null, inputs: inputsV2(obj(i.inputs)) };
    });
    const months = list(obj(u.conduct).months).map((m) => ({ ...obj(m), missingNarrative: false }));
    return {
      ...u,
      summoned: ranked && u.bottom === true,
      allMet: false,
      unranked: u.unranked === null || u.unranked === undefined ? null : u.unranked === "no_indicators" ? "no_indicators" : "no_data",
      indicators,
      conduct: u.conduct ? { ...obj(u.conduct), months } : null,
    };
  };
  return {
    ...r,
    timeZone: "Asia/Shanghai",
    summon: { applies: bottomN > 0, reason: bottomN > 0 ? null : "kind_not_named", bottomN, minRanked: 1 },
    ranked: list(r.ranked).map((u) => unit(obj(u), true)),
    unranked: list(r.unranked).map((u) => unit(obj(u), false)),
  };
}

/** Throws with the failing paths when the stored payload is not a ranking this build can read. */
export function decodeSnapshotPayload(json: string, where: string): Ranking {
  const raw = obj(JSON.parse(json));
  const input = raw.version === 1 ? { version: SNAPSHOT_PAYLOAD_VERSION, ranking: upgradeV1(raw.ranking) } : raw;
  const parsed = payloadSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`ranking snapshot ${where} is unreadable: ${issues}`);
  }
  return parsed.data.ranking;
}
