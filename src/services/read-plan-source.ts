import { createHash } from "node:crypto";
import { basename } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { parsePlan } from "../domain/plan/parse-plan.js";
import {
  checkPlanData,
  planDataFromDocument,
  planDataFromParsed,
  planDocumentSchema,
  type DocumentProblem,
  type PlanData,
} from "../domain/plan/plan-document.js";
import type { ParsedPlan, PlanParseErrorCode, Unplaced } from "../domain/plan/types.js";

/**
 * Turns the bytes of a plan file (a plan document in either script, or a YAML
 * export) into the importable shape, or a coded rejection. Nothing is written here.
 */

export type SourceErrorCode = PlanParseErrorCode | "yaml_syntax" | "yaml_schema" | "yaml_references";

export type PlanSourceResult =
  | {
      ok: true;
      format: "text" | "yaml";
      data: PlanData;
      /** Only for text documents: what the parser could not place. */
      unplaced: Unplaced[];
      /**
       * Text documents: false when the title line is lost and no title was given,
       * so `data.title` is only a stand-in and a re-import keeps the stored title.
       * Absent: the title is stated.
       */
      statesTitle?: boolean;
      parsed?: ParsedPlan;
      sourceHash: string;
      sourceName: string;
    }
  | { ok: false; code: SourceErrorCode; detail: string; problems?: DocumentProblem[] };

export interface ReadOptions {
  /** Plan code for text documents; default: from the file name. */
  code?: string;
  /** Title for text documents whose title line is lost. */
  title?: string;
}

export function readPlanSource(bytes: Uint8Array, fileName: string, opts: ReadOptions = {}): PlanSourceResult {
  const sourceName = basename(fileName);
  const sourceHash = createHash("sha256").update(bytes).digest("hex");
  if (bytes.length === 0 || /^\s*$/.test(Buffer.from(bytes).toString("utf8"))) {
    return { ok: false, code: "empty", detail: "the file is empty" };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return { ok: false, code: "binary", detail: "the file is not UTF-8 text" };
  }
  // eslint-disable-next-line no-control-regex -- detecting control bytes is the point
  if (/[\u0000-\u0008\u000E-\u001F]/.test(text)) {
    return { ok: false, code: "binary", detail: "the file contains control bytes: it is not a text document" };
  }

  if (/\.ya?ml$/i.test(fileName) || /^\s*duban\s*:/m.test(text.slice(0, 200))) {
    return readYaml(text, sourceHash, sourceName);
  }

  const result = parsePlan(text);
  if (!result.ok) return { ok: false, code: result.code, detail: result.detail };
  const code = opts.code ?? codeFromFileName(fileName);
  const data = planDataFromParsed(result.plan, code, opts.title ?? code);
  if (opts.title) data.title = opts.title;
  const statesTitle = Boolean(opts.title) || result.plan.title !== null;
  return { ok: true, format: "text", data, unplaced: result.plan.unplaced, statesTitle, parsed: result.plan, sourceHash, sourceName };
}

function readYaml(text: string, sourceHash: string, sourceName: string): PlanSourceResult {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const at = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : "";
    return { ok: false, code: "yaml_syntax", detail: `YAML syntax error${at}: ${(e as Error).message.split("\n")[0]}` };
  }
  const parsed = planDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      path: i.path.join(".") || "(document)",
      message: i.code === "unrecognized_keys" ? `unknown field(s): ${i.keys.join(", ")}` : i.message,
    }));
    return { ok: false, code: "yaml_schema", detail: problems.map((p) => `${p.path}: ${p.message}`).join("; "), problems };
  }
  const data = planDataFromDocument(parsed.data);
  const problems = checkPlanData(data);
  if (problems.length) {
    return { ok: false, code: "yaml_references", detail: problems.map((p) => `${p.path}: ${p.message}`).join("; "), problems };
  }
  return { ok: true, format: "yaml", data: canonicalShares(data), unplaced: [], sourceHash, sourceName };
}

/** Shares may be keyed by alias (义乌); store them under the canonical name (义乌市). */
function canonicalShares(data: PlanData): PlanData {
  const canonical = new Map<string, string>();
  for (const u of data.units) {
    canonical.set(u.name, u.name);
    for (const a of u.aliases) canonical.set(a, u.name);
  }
  return {
    ...data,
    indicators: data.indicators.map((i) => ({
      ...i,
      shares: Object.fromEntries(Object.entries(i.shares).map(([k, v]) => [canonical.get(k) ?? k, v])),
    })),
  };
}

/** "jinhua-manufacturing-2021-2023.zh-Hant.txt" → "jinhua-manufacturing-2021-2023". */
export function codeFromFileName(fileName: string): string {
  const stem = basename(fileName)
    .replace(/\.[^.]+$/, "")
    .replace(/\.zh-(Hans|Hant)$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return stem || "plan";
}
