/**
 * The unit registry: canonical names, kinds and aliases of the bodies named in
 * 责任单位 clauses, and matching of whatever an official types against them.
 */
import { toHalfWidth } from "./numbers.js";
import { toSimplified, toTraditional } from "./script.js";
import type { PlanUnit, UnitKind } from "./types.js";

const COUNTY_NAMES = ["婺城区", "金东区", "兰溪市", "东阳市", "义乌市", "永康市", "浦江县", "武义县", "磐安县"] as const;
const ZONE_NAME = "金华开发区";

/** Brackets that officials use interchangeably with () inside unit names. */
const BRACKETS: Record<string, string> = { "〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")" };

/** A parenthetical that annotates a unit rather than being part of its name: 市经信局(牵头). */
const NOTE_PAREN = /\(([^()]*(?:牵头|配合|负责|协助|参与|按职责|列第|责任)[^()]*)\)/gu;

export interface NormalisedUnitName {
  name: string;
  /** Notes stripped from the name (牵头, 配合, 等 …). */
  notes: string[];
}

/** Half-width, Simplified, () for 〔〕/【】, no whitespace, annotations split off. */
export function normaliseUnitName(raw: string): NormalisedUnitName {
  let s = toSimplified(toHalfWidth(raw));
  s = s.replace(/[〔〕【】[\]]/gu, (ch) => BRACKETS[ch] ?? ch).replace(/\s+/gu, "");
  const notes: string[] = [];
  s = s.replace(NOTE_PAREN, (_m, note: string) => {
    notes.push(note);
    return "";
  });
  // A trailing 等 ("市经信局等") says the list is open; it is not part of the name.
  if (s.length > 1 && s.endsWith("等")) {
    notes.push("等");
    s = s.slice(0, -1);
  }
  return { name: s.replace(/^[,、;:]+|[,、;:。]+$/gu, ""), notes };
}

/** 各县(市、区)政府, 各县市区: the collective name of all counties of the city. */
export function isCountyCollective(name: string): boolean {
  return /^各县(\(市、?区\)|市区)(人民)?政府?$/u.test(name) || /^各县\(市、?区\)$/u.test(name);
}

/** 市级相关部门, 各有关单位: stands for "whoever is relevant", not a real body. */
export function isPlaceholder(name: string): boolean {
  return /相关|有关|其他|其它/u.test(name) || (/^各/u.test(name) && /(部门|单位)$/u.test(name));
}

/** Strips 人民政府/政府/管委会 so 义乌市政府 and 金华开发区管委会 meet the county/zone name. */
function bodyName(name: string): string {
  return name.replace(/(人民政府|政府|管理委员会|管委会)$/u, "");
}

/** county short name: 义乌市 → 义乌, 婺城区 → 婺城, 浦江县 → 浦江. */
function countyShortName(name: string): string | null {
  const m = /^(.{2,})[市区县]$/u.exec(name);
  return m ? (m[1] as string) : null;
}

/** Kind of a (normalised) unit name. */
export function classifyUnit(name: string): UnitKind {
  if (isPlaceholder(name)) return "placeholder";
  const body = bodyName(name);
  if ((COUNTY_NAMES as readonly string[]).includes(body)) return "county";
  if (body === ZONE_NAME || /(开发区|新区|高新区|园区|试验区|集聚区)$/u.test(body)) return "zone";
  return "department";
}

function shortDepartmentName(name: string): string | null {
  // 市委组织部 → 组织部 (委组织部 would be nonsense); 市经信局 → 经信局.
  if (/^市委.{2,}/u.test(name)) return name.slice(2);
  if (/^市级/u.test(name)) return null;
  if (/^市.{2,}/u.test(name)) return name.slice(1);
  return null;
}

/** Other spellings of a canonical unit name: short forms, body-with-政府, Traditional forms. */
export function generateAliases(name: string, kind: UnitKind): string[] {
  const simplified: string[] = [];
  if (kind === "department") {
    const short = shortDepartmentName(name);
    if (short) simplified.push(short);
  } else if (kind === "county") {
    const short = countyShortName(name);
    if (short) simplified.push(short);
    simplified.push(`${name}政府`, `${name}人民政府`);
  } else if (kind === "zone") {
    const body = bodyName(name);
    if (body !== name) simplified.push(body);
    else simplified.push(`${name}管委会`);
  }
  const all = [...simplified];
  for (const s of [name, ...simplified]) all.push(toTraditional(s));
  return unique(all.filter((a) => a !== name && a !== ""));
}

function unique<T>(xs: T[]): T[] {
  return Array.from(new Set(xs));
}

/** Unit names repeat a lot (市经信局 is in 30 clauses); conversion is the costly part. */
const unitCache = new Map<string, PlanUnit>();
const UNIT_CACHE_LIMIT = 2000;

/** Builds a registry entry from a raw name as written in a clause. Returns a fresh object. */
export function makeUnit(raw: string): PlanUnit {
  let unit = unitCache.get(raw);
  if (!unit) {
    const { name } = normaliseUnitName(raw);
    const kind = classifyUnit(name);
    const canonical = kind === "county" || kind === "zone" ? canonicalBody(name) : name;
    unit = { name: canonical, kind, aliases: generateAliases(canonical, kind) };
    // Bounded so that a long-running process fed odd documents cannot grow it forever.
    if (unitCache.size >= UNIT_CACHE_LIMIT) unitCache.clear();
    unitCache.set(raw, unit);
  }
  return { ...unit, aliases: [...unit.aliases] };
}

/** 义乌市政府 → 义乌市; 金华开发区管委会 → 金华开发区 (the zone is named without 管委会). */
function canonicalBody(name: string): string {
  const body = bodyName(name);
  return body === ZONE_NAME || (COUNTY_NAMES as readonly string[]).includes(body) ? body : name;
}

/** The 9 counties and the development zone: the bodies accountable for delivery (责任主体). */
export const COUNTIES: readonly PlanUnit[] = Object.freeze([
  ...COUNTY_NAMES.map((name) => ({ name, kind: "county" as const, aliases: generateAliases(name, "county") })),
  { name: ZONE_NAME, kind: "zone" as const, aliases: generateAliases(ZONE_NAME, "zone") },
]);

/**
 * Finds the unit an official means: by canonical name or any alias, typed in
 * either script, with or without 政府/管委会, full-width or not.
 */
export function resolveUnit(name: string, units: readonly PlanUnit[]): PlanUnit | null {
  const wanted = normaliseUnitName(name).name;
  if (wanted === "") return null;
  const candidates = unique([wanted, bodyName(wanted)]);
  for (const c of candidates) {
    const exact = units.find((u) => u.name === c);
    if (exact) return exact;
  }
  for (const c of candidates) {
    const byAlias = units.find((u) => u.aliases.some((a) => a === c || toSimplified(a) === c));
    if (byAlias) return byAlias;
  }
  return null;
}
