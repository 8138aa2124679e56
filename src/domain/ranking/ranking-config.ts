/**
 * How a ranking is scored: every rule of 督查 practice (docs/domain.md, "How
 * supervision is practised") with a default that follows it, configurable per
 * plan. Stored as JSON in a plan Setting; every field has a default, so `{}`
 * is the bundled regime. `ranking explain` states each rule with its values.
 *
 * Formulas (the full statement is in score.ts and progress.ts):
 *   ratio_i    = completion against 序时进度 (1 = on pace); growth rates: the gap
 *                in percentage points instead (actual − target)
 *   points_i   = ratio ≥ 1: 100 + min(result.bonus.max, result.bonus.perPoint × (ratio − 1) × 100)
 *                ratio < 1: 100 × ratio
 *                growth:    gap ≥ 0: 100 + min(bonus.max, bonus.perPoint × gap)
 *                           gap < 0: max(0, 100 − result.growth.pointsPerPoint × |gap|)
 *                no figure (未报) or a stale one: 0 (result.missingIndicator "zero")
 *   light      = green if ratio ≥ lights.green, amber if ratio ≥ lights.amber, else red
 *                growth: green if gap ≥ 0, amber if gap ≥ −result.growth.amberGap, else red
 *   result     = Σ w_i × points_i / Σ w_i
 *   conduct_m  = clamp(100 × (conduct.onTime × onTime_m + conduct.complete × complete_m)
 *                      − conduct.lateCorrectionPenalty × correctionsAfterDue_m, 0, 100)
 *   conduct    = mean of conduct_m over the window's owed months
 *   total      = weights.result × result + weights.conduct × conduct
 *
 * Decisions:
 * - Meeting 序时进度 is full marks (100): that is what "达到序时进度" means to an
 *   office. Over-performance earns nothing more unless the plan says so
 *   (result.bonus.perPoint > 0), and then at most result.bonus.max points, so
 *   one runaway indicator cannot carry a unit.
 * - A unit that owed a report and sent none is ranked (未报视为未完成): its
 *   missing indicators score 0 and its missing months 0. Only a unit that owed
 *   nothing in the window is left unranked.
 * - weights.result + weights.conduct = 1 and conduct.onTime + conduct.complete
 *   = 1 (within 1e-9): scores stay on 0–100 (without bonus) and read as weighted means.
 * - indicatorWeights (by indicator code) override the stored Indicator.weight;
 *   weight 0 shows the indicator (light, values) without scoring it.
 * - 通报约谈 (summon) applies to the kinds of unit the plan names (this plan:
 *   对考核排名靠后的县(市、区)), to its bottom `bottomN` ranked units (ties at the
 *   boundary all marked), only when at least `minRanked` units are ranked, and
 *   never to a unit on pace (达到序时进度) on every scored indicator.
 */
import { z } from "zod";

const fraction = (what: string) =>
  z
    .number({ message: `${what} must be a number` })
    .min(0, { message: `${what} must be between 0 and 1` })
    .max(1, { message: `${what} must be between 0 and 1` });

const SUM_TOLERANCE = 1e-9;

const lightsSchema = z
  .object({
    /** ratio (completion vs 序时进度) at or above which the light is green: 1 = 达到序时进度. */
    green: z.number().positive({ message: "lights.green must be above 0" }).max(10, { message: "lights.green must be at most 10" }).default(1),
    /** at or above which it is amber, near 序时进度 (below: red, far below). */
    amber: z.number().positive({ message: "lights.amber must be above 0" }).max(10, { message: "lights.amber must be at most 10" }).default(0.8),
  })
  .refine((l) => l.amber < l.green, {
    path: ["amber"],
    message: "lights.amber must be below lights.green (amber is the band between red and green)",
  });

const weightsSchema = z
  .object({
    result: fraction("weights.result").default(0.7),
    conduct: fraction("weights.conduct").default(0.3),
  })
  .refine((w) => Math.abs(w.result + w.conduct - 1) <= SUM_TOLERANCE, {
    path: ["conduct"],
    message: "weights.result + weights.conduct must add up to 1",
  });

const resultSchema = z.object({
  /** Over-performance: points per percentage point beyond 序时进度 (growth: beyond the target), at most `max`. Default none. */
  bonus: z
    .object({
      perPoint: z.number().min(0, { message: "result.bonus.perPoint must be between 0 and 10" }).max(10, { message: "result.bonus.perPoint must be between 0 and 10" }).default(0),
      max: z.number().min(0, { message: "result.bonus.max must be between 0 and 100" }).max(100, { message: "result.bonus.max must be between 0 and 100" }).default(20),
    })
    .prefault({}),
  /** An owed indicator without a (recent) figure: scores 0 ("zero", 未报视为未完成) or is left out of the mean ("exclude"). */
  missingIndicator: z.enum(["zero", "exclude"]).default("zero"),
  /**
   * Level targets: "linear" expects a straight line from the baseline entered
   * in the plan (the base-year level; without one, the first level reported in
   * the plan) to the target at the deadline; "target" judges the latest level
   * against the full target (no 序时).
   */
  stockExpectation: z.preprocess((v) => (v === "linear_from_first" ? "linear" : v), z.enum(["linear", "target"])).default("linear"),
  /**
   * How recent a level, a rate or a year-to-date figure must be: null = within
   * the scoring window (本期); n = reported within n months of the as-of month.
   * An older figure is not used (the indicator counts as not reported).
   */
  maxAgeMonths: z
    .number()
    .int({ message: "result.maxAgeMonths must be a whole number" })
    .min(1, { message: "result.maxAgeMonths must be between 1 and 36" })
    .max(36, { message: "result.maxAgeMonths must be between 1 and 36" })
    .nullable()
    .default(null),
  /** Growth rates (年均增速13%) are judged by the gap in percentage points, not by a ratio of rates. */
  growth: z
    .object({
      /** Points lost per percentage point below the target. */
      pointsPerPoint: z.number().min(0, { message: "result.growth.pointsPerPoint must be between 0 and 100" }).max(100, { message: "result.growth.pointsPerPoint must be between 0 and 100" }).default(10),
      /** Amber within this many points below the target; red beyond. */
      amberGap: z.number().min(0, { message: "result.growth.amberGap must be between 0 and 100" }).max(100, { message: "result.growth.amberGap must be between 0 and 100" }).default(2),
    })
    .prefault({}),
  /** Reductions (能耗下降10.4%): "pro_rata" judges against the share due by now (序时); "target" against the full target. */
  reduction: z.enum(["pro_rata", "target"]).default("pro_rata"),
});

const conductSchema = z
  .object({
    /** Share of a month's conduct points for submitting by the due instant. */
    onTime: fraction("conduct.onTime").default(0.5),
    /** Share for reporting every owed item (the indicators and the narrative). */
    complete: fraction("conduct.complete").default(0.5),
    /** "all_or_nothing": complete only when every owed item is reported; "proportional": reported / owed. */
    completeness: z.enum(["all_or_nothing", "proportional"]).default("all_or_nothing"),
    /** Points off a month's conduct for each correction made after that month's due date. */
    lateCorrectionPenalty: z.number().min(0, { message: "conduct.lateCorrectionPenalty must be between 0 and 100" }).max(100, { message: "conduct.lateCorrectionPenalty must be between 0 and 100" }).default(10),
  })
  .refine((c) => Math.abs(c.onTime + c.complete - 1) <= SUM_TOLERANCE, {
    path: ["complete"],
    message: "conduct.onTime + conduct.complete must add up to 1",
  });

export const SUMMON_KINDS = ["department", "county"] as const;

const summonSchema = z.object({
  /** The rankings whose bottom is summoned (通报约谈): this plan names 县(市、区); departments are ranked and named, not summoned. */
  kinds: z.array(z.enum(SUMMON_KINDS)).default(["county"]),
  /** The bottom N ranked units are named as 排名靠后 (ties at the boundary all named). 0 = none. */
  bottomN: z.number().int({ message: "summon.bottomN must be a whole number" }).min(0, { message: "summon.bottomN must be between 0 and 50" }).max(50, { message: "summon.bottomN must be between 0 and 50" }).default(3),
  /** Nobody is summoned when fewer units than this are ranked. */
  minRanked: z.number().int({ message: "summon.minRanked must be a whole number" }).min(1, { message: "summon.minRanked must be between 1 and 500" }).max(500, { message: "summon.minRanked must be between 1 and 500" }).default(5),
});

/** Stored configs of earlier builds: a top-level bottomN moved into summon; minData and result.cap are gone (dropped on read). */
function upgrade(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const o = { ...(input as Record<string, unknown>) };
  if ("bottomN" in o) {
    const summon = o.summon && typeof o.summon === "object" ? (o.summon as Record<string, unknown>) : {};
    if (!("bottomN" in summon)) o.summon = { ...summon, bottomN: o.bottomN };
    delete o.bottomN;
  }
  return o;
}

const configObject = z.object({
  lights: lightsSchema.prefault({}),
  weights: weightsSchema.prefault({}),
  result: resultSchema.prefault({}),
  indicatorWeights: z.record(z.string().min(1), z.number().min(0, { message: "indicator weights must be 0 or more" })).default({}),
  conduct: conductSchema.prefault({}),
  summon: summonSchema.prefault({}),
  /** Scores are rounded to this many decimals before they are combined and ranked (what officials see is what ranks). */
  scoreDecimals: z.number().int().min(0, { message: "scoreDecimals must be between 0 and 6" }).max(6, { message: "scoreDecimals must be between 0 and 6" }).default(2),
});

export const rankingConfigSchema = z.preprocess(upgrade, configObject);

export type RankingConfig = z.output<typeof configObject>;
export type RankingConfigInput = z.input<typeof configObject> & { bottomN?: number };

export const DEFAULT_RANKING_CONFIG: RankingConfig = configObject.parse({});

export interface RankingConfigIssue {
  /** "lights.amber" */
  path: string;
  message: string;
}

/** Validates stored or CLI-supplied JSON; missing fields take the defaults. */
export function parseRankingConfig(
  input: unknown,
): { ok: true; config: RankingConfig } | { ok: false; issues: RankingConfigIssue[] } {
  const r = rankingConfigSchema.safeParse(input);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) };
}

/** A config from a partial input (tests, defaults with a tweak). */
export function rankingConfig(input: RankingConfigInput = {}): RankingConfig {
  return rankingConfigSchema.parse(input) as RankingConfig;
}
