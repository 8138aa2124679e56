import { z } from "zod";
import { allowedBases, INDICATOR_KINDS, REPORTING_BASES, UNIT_KINDS, type ParsedPlan, type ReportingBasis } from "./types.js";

/**
 * The plan as an editable YAML document (`duban plan export` / `plan import x.yaml`).
 * An admin fixes a target, splits it across counties (shares) or renames an
 * indicator here. Strict objects: a misspelt field is an error that names its
 * path, never a silently ignored key.
 */

const nonEmpty = z.string().trim().min(1, "must not be empty");
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2023-12");

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const planDocumentSchema = z.strictObject({
  duban: z.literal(1, { error: 'must be 1 (the document format version): write "duban: 1"' }),
  plan: z.strictObject({
    code: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes only, e.g. jinhua-manufacturing-2021-2023"),
    title: nonEmpty,
    /** Short name to tell plans apart in chat (示例, 制造业攻坚); optional. */
    shortName: z.string().trim().max(20, "at most 20 characters").optional(),
    startYear: z.number().int().min(2000).max(2100),
    endYear: z.number().int().min(2000).max(2100),
    /** The months the plan is chased and scored in; default January of startYear to December of endYear. */
    reportingFrom: month.optional(),
    reportingTo: month.optional(),
    /** IANA time zone of deadlines and briefings; default Asia/Shanghai. */
    timeZone: z.string().refine(isTimeZone, "must be an IANA time zone such as Asia/Shanghai").optional(),
  }),
  accountable: z.array(nonEmpty).default([]),
  units: z.array(
    z.strictObject({
      name: nonEmpty,
      kind: z.enum(UNIT_KINDS),
      aliases: z.array(nonEmpty).default([]),
    }),
  ),
  groups: z.array(
    z.strictObject({
      code: nonEmpty,
      title: nonEmpty,
      kind: z.enum(["key_tasks", "measures"]),
      tasks: z.array(
        z.strictObject({
          code: nonEmpty,
          title: z.string(),
          workItems: z.array(
            z.strictObject({
              ref: nonEmpty,
              text: z.string(),
              clause: z.string().default(""),
              lead: nonEmpty,
              co: z.array(nonEmpty).default([]),
              notes: z.array(z.string()).default([]),
            }),
          ),
        }),
      ),
    }),
  ),
  indicators: z.array(
    z.strictObject({
      code: nonEmpty,
      name: nonEmpty,
      kind: z.enum(INDICATOR_KINDS),
      /** How it is reported (当月 month, 1–N月累计 ytd, 期末存量 level, 比率 rate); default by kind. */
      basis: z.enum(REPORTING_BASES).optional(),
      unit: nonEmpty,
      target: z.number({ error: "must be a number" }).finite(),
      /** Upper end of a range target (1—2所). */
      targetMax: z.number().finite().nullable().default(null),
      /** Level targets: the base-year level, and its year. */
      baseline: z.number().finite().nullable().default(null),
      baselineYear: z.number().int().min(2000).max(2100).nullable().default(null),
      /** The unit answering for a target no work item carries (攻坚目标). */
      owner: z.string().trim().min(1).nullable().default(null),
      comparator: z.enum(["gte", "lte"]).default("gte"),
      deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2023-12-31"),
      workItem: z.string().nullable().default(null),
      headline: z.boolean().default(false),
      weight: z.number().positive().default(1),
      aliases: z.array(nonEmpty).default([]),
      source: z.string().default(""),
      shares: z.record(z.string(), z.number().finite().nonnegative()).default({}),
      /** Counties' base-year levels, for level targets. */
      shareBaselines: z.record(z.string(), z.number().finite()).default({}),
    }),
  ),
});

export type PlanDocument = z.infer<typeof planDocumentSchema>;
export type PlanDocumentInput = z.input<typeof planDocumentSchema>;

/** The importable shape of a plan: a parsed document, or a YAML document, both end here. */
export interface PlanData {
  code: string;
  title: string;
  /** "" when none. */
  shortName: string;
  startYear: number;
  endYear: number;
  /** The reporting span, "2021-01" … "2023-12" (inclusive). */
  reportingFrom: string;
  reportingTo: string;
  timeZone: string;
  accountable: string[];
  units: PlanDocument["units"];
  groups: PlanDocument["groups"];
  /** `basis` absent: the default for the kind on a new indicator, the stored one on an existing one. */
  indicators: (Omit<PlanDocument["indicators"][number], "basis"> & { basis?: ReportingBasis })[];
}

export const DEFAULT_PLAN_TIME_ZONE = "Asia/Shanghai";

/** The default reporting span of a plan's years. */
export function defaultSpan(startYear: number, endYear: number): { reportingFrom: string; reportingTo: string } {
  return { reportingFrom: `${startYear}-01`, reportingTo: `${endYear}-12` };
}

/** From the text parser's result to the importable shape. */
export function planDataFromParsed(parsed: ParsedPlan, code: string, fallbackTitle: string): PlanData {
  return {
    code,
    title: parsed.title ?? fallbackTitle,
    shortName: "",
    startYear: parsed.startYear,
    endYear: parsed.endYear,
    ...defaultSpan(parsed.startYear, parsed.endYear),
    timeZone: DEFAULT_PLAN_TIME_ZONE,
    accountable: parsed.accountable,
    units: parsed.units.map((u) => ({ name: u.name, kind: u.kind, aliases: u.aliases })),
    groups: parsed.groups.map((g) => ({
      code: g.code,
      title: g.title,
      kind: g.kind,
      tasks: g.tasks.map((t) => ({
        code: t.code,
        title: t.title,
        workItems: t.workItems.map((w) => ({
          ref: w.ref,
          text: w.text,
          clause: w.clause,
          lead: w.units.find((u) => u.role === "lead")?.unit ?? "",
          co: w.units
            .filter((u) => u.role === "co")
            .sort((a, b) => a.position - b.position)
            .map((u) => u.unit),
          notes: w.notes,
        })),
      })),
    })),
    indicators: parsed.indicators.map((i) => ({
      code: i.code,
      name: i.name,
      kind: i.kind,
      unit: i.unit,
      target: i.target,
      targetMax: i.targetMax ?? null,
      baseline: null,
      baselineYear: null,
      owner: null,
      comparator: i.comparator,
      deadline: i.deadline,
      workItem: i.workItemRef,
      headline: i.headline,
      weight: 1,
      aliases: i.aliases,
      source: i.source,
      shares: i.shares,
      shareBaselines: {},
    })),
  };
}

export function planDataToDocument(data: PlanData): PlanDocumentInput {
  return {
    duban: 1,
    plan: {
      code: data.code,
      title: data.title,
      ...(data.shortName ? { shortName: data.shortName } : {}),
      startYear: data.startYear,
      endYear: data.endYear,
      reportingFrom: data.reportingFrom,
      reportingTo: data.reportingTo,
      timeZone: data.timeZone,
    },
    accountable: data.accountable,
    units: data.units,
    groups: data.groups,
    indicators: data.indicators,
  };
}

export function planDataFromDocument(doc: PlanDocument): PlanData {
  const p = doc.plan;
  const span = defaultSpan(p.startYear, p.endYear);
  return {
    code: p.code,
    title: p.title,
    shortName: p.shortName ?? "",
    startYear: p.startYear,
    endYear: p.endYear,
    reportingFrom: p.reportingFrom ?? span.reportingFrom,
    reportingTo: p.reportingTo ?? span.reportingTo,
    timeZone: p.timeZone ?? DEFAULT_PLAN_TIME_ZONE,
    accountable: doc.accountable,
    units: doc.units,
    groups: doc.groups,
    indicators: doc.indicators.map(({ basis, ...i }) => (basis ? { ...i, basis } : i)),
  };
}

export interface DocumentProblem {
  path: string;
  message: string;
}

/**
 * Cross-reference checks zod cannot express: every unit named exists, every
 * indicator's work item exists, codes are unique, shares go to counties.
 */
export function checkPlanData(data: PlanData): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const unitNames = new Set<string>();
  const unitKinds = new Map<string, string>();
  for (const u of data.units) {
    unitNames.add(u.name);
    unitKinds.set(u.name, u.kind);
    for (const a of u.aliases) unitKinds.set(a, u.kind);
  }
  const knownUnit = (name: string) => unitNames.has(name);
  const refs = new Set<string>();
  const taskCodes = new Set<string>();
  data.groups.forEach((g, gi) =>
    g.tasks.forEach((t, ti) => {
      if (taskCodes.has(t.code)) problems.push({ path: `groups.${gi}.tasks.${ti}.code`, message: `duplicate task code "${t.code}"` });
      taskCodes.add(t.code);
      t.workItems.forEach((w, wi) => {
        const at = `groups.${gi}.tasks.${ti}.workItems.${wi}`;
        if (refs.has(w.ref)) problems.push({ path: `${at}.ref`, message: `duplicate work item ref "${w.ref}"` });
        refs.add(w.ref);
        if (!knownUnit(w.lead)) problems.push({ path: `${at}.lead`, message: `unknown unit "${w.lead}" (not in units)` });
        w.co.forEach((c, ci) => {
          if (!knownUnit(c)) problems.push({ path: `${at}.co.${ci}`, message: `unknown unit "${c}" (not in units)` });
        });
      });
    }),
  );
  data.accountable.forEach((a, i) => {
    if (!knownUnit(a)) problems.push({ path: `accountable.${i}`, message: `unknown unit "${a}" (not in units)` });
  });
  const codes = new Set<string>();
  data.indicators.forEach((ind, i) => {
    if (codes.has(ind.code)) problems.push({ path: `indicators.${i}.code`, message: `duplicate indicator code "${ind.code}"` });
    codes.add(ind.code);
    if (ind.workItem !== null && !refs.has(ind.workItem)) {
      problems.push({ path: `indicators.${i}.workItem`, message: `no work item "${ind.workItem}"` });
    }
    for (const [field, map] of [["shares", ind.shares], ["shareBaselines", ind.shareBaselines]] as const) {
      for (const county of Object.keys(map)) {
        const kind = unitKinds.get(county);
        if (kind !== "county" && kind !== "zone") {
          problems.push({
            path: `indicators.${i}.${field}.${county}`,
            message: kind ? `"${county}" is not a county or the zone` : `unknown unit "${county}"`,
          });
        }
      }
    }
    if (ind.owner !== null && !unitKinds.has(ind.owner)) {
      problems.push({ path: `indicators.${i}.owner`, message: `unknown unit "${ind.owner}" (not in units)` });
    }
    if (ind.basis && !allowedBases(ind.kind).includes(ind.basis)) {
      problems.push({ path: `indicators.${i}.basis`, message: `a ${ind.kind} indicator is reported as ${allowedBases(ind.kind).join(" or ")}, not ${ind.basis}` });
    }
    if (ind.targetMax !== null && ind.targetMax < ind.target) {
      problems.push({ path: `indicators.${i}.targetMax`, message: `must not be below target (${ind.target})` });
    }
  });
  if (data.reportingFrom > data.reportingTo) {
    problems.push({ path: "plan.reportingTo", message: `must not be before reportingFrom (${data.reportingFrom})` });
  }
  return problems;
}
