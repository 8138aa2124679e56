import { z } from "zod";

/**
 * The local chat's JSON API bodies. The page is ours, but the port is open to
 * anything on the machine, so every body is checked here: shape only. What a
 * value means (a period that is closed, an unknown indicator) is the core's call.
 */

const text = (max: number) => z.string().max(max);
const lang = z.enum(["zh", "en"]);

/** "local:<uuid>" made by the page; a re-send with the same key is a duplicate to the core. */
const eventKey = z.string().regex(/^local:[A-Za-z0-9-]{8,64}$/, 'expected "local:<uuid>"');

const userId = z.string().min(1).max(200);

export const roleSchema = z.enum(["liaison", "taskforce", "admin"]);
export type LocalRole = z.infer<typeof roleSchema>;

export const identityBodySchema = z.strictObject({
  role: roleSchema,
  unit: z.string().trim().min(1).max(100),
});

export const messageBodySchema = z.strictObject({
  userId,
  text: z.string().trim().min(1, "empty message").max(4000),
  eventKey: eventKey.optional(),
  lang: lang.optional(),
});

export const formOptsSchema = z.strictObject({
  period: text(20).optional(),
  unit: text(100).optional(),
  plan: text(100).optional(),
  mode: z.enum(["report", "correct"]).optional(),
});

export const formBodySchema = z.strictObject({
  userId,
  opts: formOptsSchema.optional(),
  lang: lang.optional(),
});

/** Mirrors ReportFormSubmission in handlers/types.ts; the `satisfies` below keeps them in step. */
export const submissionSchema = z.strictObject({
  mode: z.enum(["report", "correct"]),
  period: text(20).optional(),
  unit: text(100).optional(),
  plan: text(100).optional(),
  values: z.record(z.string().min(1).max(40), text(100)).refine((v) => Object.keys(v).length <= 200, "too many values"),
  progress: text(4000).optional(),
  problems: text(4000).optional(),
  nextSteps: text(4000).optional(),
  reason: text(1000).optional(),
});

export const submitBodySchema = z.strictObject({
  userId,
  form: submissionSchema,
  eventKey: eventKey.optional(),
  lang: lang.optional(),
});

/** Zod issues as the page (or a curl user) can read them: "form.values: expected record". */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}
