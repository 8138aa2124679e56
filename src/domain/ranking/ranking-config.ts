/**
 * How a ranking is scored: light thresholds, the cap, weights, conduct rules,
 * bottom N, the minimum data rule. Stored as JSON in a plan Setting; every
 * field has a default, so `{}` is the bundled regime.
 *
 * Formulas (the full statement is in score.ts):
 *   light      = green if ratio ≥ lights.green, amber if ratio ≥ lights.amber, else red
 *   points_i   = 100 × min(ratio_i, result.cap) / result.cap
 *   result     = Σ w_i × points_i / Σ w_i
 *   conduct_m  = clamp(100 × (conduct.onTime × onTime_m + conduct.complete × complete_m)
 *                      − conduct.lateCorrectionPenalty × correctionsAfterDue_m, 0, 100)
 *   conduct    = mean of conduct_m over the window's months
 *   total      = weights.result × result + weights.conduct × conduct
 *
 * Decisions:
 * - Ratios are fractions (1 = 100% of 序时进度), not percentages: thresholds
 *   0.8/1.0, cap 1.2.
 * - The cap must be ≥ the green threshold, else a green indicator could earn
 *   less than the cap allows amber ones to (and full marks would be unreachable
 *   only for some lights).
 * - weights.result + weights.conduct = 1 and conduct.onTime + conduct.complete
 *   = 1 (within 1e-9): scores stay on 0–100 and the explanation reads as a
 *   weighted mean.
 * - indicatorWeights (by indicator code) override the stored Indicator.weight;
 *   weight 0 shows the indicator (light, values) without scoring it.
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
    /** ratio (completion vs 序时进度) at or above which the light is green. */
    green: z.number().positive({ message: "lights.green must be above 0" }).max(10, { message: "lights.green must be at most 10" }).default(1),
    /** at or above which it is amber (below: red). */
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
  /** Ratios above the cap earn no more (one runaway indicator cannot carry a unit); full marks at the cap. */
  cap: z.number().min(1, { message: "result.cap must be at least 1 (100% of 序时进度)" }).max(5, { message: "result.cap must be at most 5" }).default(1.2),
  /** An owed indicator without data: scores 0 ("zero") or is left out of the mean ("exclude"). */
  missingIndicator: z.enum(["zero", "exclude"]).default("zero"),
  /**
   * Stock (level) targets: "linear_from_first" expects a straight line from the
   * first level reported in the plan to the target at the plan's end;
   * "target" judges the latest level against the full target (no 序时).
   */
  stockExpectation: z.enum(["linear_from_first", "target"]).default("linear_from_first"),
  /** Levels and rates older than this many months (as-of month included) are stale: treated as no data. */
  maxAgeMonths: z.number().int({ message: "result.maxAgeMonths must be a whole number" }).min(1, { message: "result.maxAgeMonths must be between 1 and 36" }).max(36, { message: "result.maxAgeMonths must be between 1 and 36" }).default(12),
});

const conductSchema = z
  .object({
    /** Share of a month's conduct points for submitting by the due instant. */
    onTime: fraction("conduct.onTime").default(0.5),
    /** Share for reporting every owed indicator. */
    complete: fraction("conduct.complete").default(0.5),
    /** "all_or_nothing": complete only when every owed indicator is reported; "proportional": reported / owed. */
    completeness: z.enum(["all_or_nothing", "proportional"]).default("all_or_nothing"),
    /** Points off a month's conduct for each correction made after that month's due date. */
    lateCorrectionPenalty: z.number().min(0, { message: "conduct.lateCorrectionPenalty must be between 0 and 100" }).max(100, { message: "conduct.lateCorrectionPenalty must be between 0 and 100" }).default(10),
  })
  .refine((c) => Math.abs(c.onTime + c.complete - 1) <= SUM_TOLERANCE, {
    path: ["complete"],
    message: "conduct.onTime + conduct.complete must add up to 1",
  });

const minDataSchema = z.object({
  /** A unit is ranked only with at least this many indicators assessed (with data)… */
  indicators: z.number().int({ message: "minData.indicators must be a whole number" }).min(1, { message: "minData.indicators must be at least 1: a unit without any data is never ranked" }).default(1),
  /** …and at least this share of its indicators assessed. */
  share: fraction("minData.share").default(0),
});

export const rankingConfigSchema = z
  .object({
    lights: lightsSchema.prefault({}),
    weights: weightsSchema.prefault({}),
    result: resultSchema.prefault({}),
    indicatorWeights: z.record(z.string().min(1), z.number().min(0, { message: "indicator weights must be 0 or more" })).default({}),
    conduct: conductSchema.prefault({}),
    /** The bottom N ranked units are marked for 通报约谈 (ties at the boundary are all marked). 0 = none. */
    bottomN: z.number().int({ message: "bottomN must be a whole number" }).min(0, { message: "bottomN must be between 0 and 50" }).max(50, { message: "bottomN must be between 0 and 50" }).default(3),
    minData: minDataSchema.prefault({}),
    /** Scores are rounded to this many decimals before they are combined and ranked (what officials see is what ranks). */
    scoreDecimals: z.number().int().min(0, { message: "scoreDecimals must be between 0 and 6" }).max(6, { message: "scoreDecimals must be between 0 and 6" }).default(2),
  })
  .superRefine((c, ctx) => {
    if (c.result.cap < c.lights.green) {
      ctx.addIssue({
        code: "custom",
        path: ["result", "cap"],
        message: `result.cap (${c.result.cap}) must be at least lights.green (${c.lights.green}): a green indicator must be able to earn more than an amber one`,
      });
    }
  });

export type RankingConfig = z.output<typeof rankingConfigSchema>;
export type RankingConfigInput = z.input<typeof rankingConfigSchema>;

export const DEFAULT_RANKING_CONFIG: RankingConfig = rankingConfigSchema.parse({});

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
