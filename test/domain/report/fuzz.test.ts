/**
 * Property tests: whatever arrives in a chat message, the parser answers.
 * A seeded PRNG keeps every run identical (a failure names its seed and input).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../../src/domain/plan/parse-plan.js";
import { toTraditional } from "../../../src/domain/plan/script.js";
import { exampleCorrection, exampleReport } from "../../../src/domain/report/example.js";
import { MAX_PROBLEMS, parseCommand, parseCommandUnguarded } from "../../../src/domain/report/parse-command.js";
import type { IndicatorRef, ParseResult } from "../../../src/domain/report/types.js";
import { PLAN_HANS } from "../../helpers/paths.js";

function planIndicators(): IndicatorRef[] {
  const r = parsePlan(readFileSync(PLAN_HANS, "utf8"));
  if (!r.ok) throw new Error(r.code);
  return r.plan.indicators.map((i, n) => ({ id: n + 1, code: i.code, name: i.name, aliases: i.aliases, kind: i.kind, unit: i.unit }));
}
const indicators = planIndicators();
const ids = new Set(indicators.map((i) => i.id));
const ctx = { indicators, now: new Date("2026-11-03T02:00:00Z"), timeZone: "Asia/Shanghai", openPeriod: { year: 2026, month: 10 } };

/** mulberry32: small, fast, good enough to spread test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof prng>;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

/** Pieces that matter to the grammar, so random strings hit its corners. */
const ATOMS = [
  "上报", "上報", "修改", "更正", "查询", "查詢", "我的任务", "帮助", "绑定", "解绑", "report", "correct", "status", "tasks", "help", "bind", "unbind", "?",
  "进展:", "進展：", "问题：", "计划:", "原因:", "reason:", "progress:", "next:", "@督办", "/duban", "/report", "<@U1|x>", "slack:", "dingtalk:",
  "2026-10", "2026.10", "2026/1", "2026年10月", "10月", "十月", "十三月", "上月", "本月", "last month", "2026-13", "2099-01",
  "T18-2", "t18-2", "G5", "T99-9", "新增工业机器人", "新增工業機器人", "在役机器人总量", "机器人", "落地率", "完成限上制造业投资", "招引落地10亿元以上制造业项目",
  "260", "２６０", "1,200", "3.5", "-5", "1.2.3", "1e5", "NaN", "三千", "两万", "百分之", "点", "台", "臺", "家", "亿元", "万元", "亿美元", "%", "％", "万", "亿",
  "万吨标准煤", "万元/人", " ", "　", "，", ",", "、", "；", ";", "\n", "：", ":", "=", "＝", "(", "（", ")", "）", "〔", "]", "\u200b", "\u0000", "\ud800", "\udfff",
  "😀", "👨‍👩‍👧", "İ", "ß", "\u0301", "\t", "\r\n", "\\", "$&", "(?:", ".*", "[", "^",
];

function randomText(r: Rand, maxAtoms: number): string {
  let s = "";
  const n = int(r, maxAtoms + 1);
  for (let i = 0; i < n; i++) {
    const roll = r();
    if (roll < 0.7) s += pick(r, ATOMS);
    else if (roll < 0.85) s += String.fromCharCode(0x4e00 + int(r, 0x5000)); // any CJK
    else s += String.fromCharCode(int(r, 0x10000)); // any BMP unit, lone surrogates included
  }
  return s;
}

function randomUnicode(r: Rand, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) {
    const cp = int(r, 0x110000);
    s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return s;
}

const VALID = [
  "上报 2026年10月 新增工业机器人 260台 在役机器人总量 2.5万台 进展:按计划推进 问题:无 计划:继续",
  "上報 新增工業機器人２６０臺，落地率：５５％ 進展：順利",
  "修改 9月 完成限上制造业投资 35000万元 原因:录入错误",
  "report last month T18-2 260 T12-3 3.5亿元 progress: fine",
  "查询 上月", "我的任务 2026-09", "帮助 上报", "绑定 slack:U123 市经信局 联络员", "解绑 U123",
  exampleReport(indicators.slice(0, 2), ctx.openPeriod),
  exampleCorrection(indicators.slice(5, 6), ctx.openPeriod, { lang: "en" }),
];

function mutate(r: Rand, s: string): string {
  const chars = Array.from(s);
  const ops = 1 + int(r, 4);
  for (let k = 0; k < ops; k++) {
    const at = int(r, chars.length + 1);
    switch (int(r, 6)) {
      case 0: chars.splice(at, 1 + int(r, 4)); break; // delete
      case 1: chars.splice(at, 0, ...Array.from(randomText(r, 2))); break; // insert
      case 2: chars.splice(at, 0, ...chars.slice(at, at + int(r, 8))); break; // duplicate
      case 3: if (chars[at]) chars[at] = String.fromCharCode(chars[at]!.charCodeAt(0) + 0xfee0); break; // to full width (or nonsense)
      case 4: chars.splice(at, 0, pick(r, ATOMS)); break;
      default: chars.reverse(); break;
    }
  }
  return chars.join("");
}

function checkInvariants(input: string, result: ParseResult): void {
  if (result.ok) {
    const c = result.command;
    if (c.type === "report" || c.type === "correct") {
      const hasNarrative = Object.values(c.narrative).some((x) => typeof x === "string" && x.length > 0);
      expect(c.values.length > 0 || hasNarrative, input).toBe(true);
      for (const v of c.values) {
        expect(Number.isFinite(v.value), input).toBe(true);
        expect(ids.has(v.indicatorId), input).toBe(true);
      }
      expect(new Set(c.values.map((v) => v.indicatorId)).size, input).toBe(c.values.length);
      if (c.type === "correct") expect(c.reason.length, input).toBeGreaterThan(0);
    }
    if ("period" in c) {
      expect(c.period.month >= 1 && c.period.month <= 12, input).toBe(true);
      expect(c.period.year * 100 + c.period.month <= 202611, input).toBe(true);
    }
    expect(c.type, input).not.toBe("unknown");
  } else {
    expect(result.problems.length, input).toBeGreaterThanOrEqual(1);
    expect(result.problems.length, input).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
  }
}

/** Runs the unguarded parser: an exception fails the test with the input that caused it. */
function run(input: string): ParseResult {
  let result: ParseResult | undefined;
  expect(() => {
    result = parseCommandUnguarded(input, ctx);
  }, JSON.stringify(input).slice(0, 300)).not.toThrow();
  checkInvariants(input, result as ParseResult);
  return result as ParseResult;
}

describe("parseCommand never throws and always answers", () => {
  it("random strings of grammar atoms, CJK and arbitrary UTF-16 units", () => {
    const r = prng(20261103);
    for (let i = 0; i < 1000; i++) run(randomText(r, 12));
  });

  it("random mutations of valid commands", () => {
    const r = prng(42);
    for (let i = 0; i < 1000; i++) run(mutate(r, pick(r, VALID)));
  });

  it("random Unicode (astral planes, surrogates, controls)", () => {
    const r = prng(7);
    for (let i = 0; i < 300; i++) run(randomUnicode(r, int(r, 60)));
    for (let i = 0; i < 100; i++) run(`上报 ${randomUnicode(r, int(r, 40))}`);
  });

  it("very long input, up to 10 KB, stays fast", () => {
    const r = prng(99);
    const inputs = [
      `上报 ${"新增工业机器人 260台 ".repeat(700)}`.slice(0, 10_240),
      `上报 ${Array.from({ length: 600 }, () => pick(r, ATOMS)).join("")}`.slice(0, 10_240),
      randomText(r, 3000).slice(0, 10_240),
      `上报 进展:${"很".repeat(10_000)}`,
      `上报 ${"1".repeat(10_000)}`,
      `修改 ${"机器人".repeat(3000)}`,
      toTraditional(`上报 ${"在役机器人总量 2.5万台，".repeat(500)}`).slice(0, 10_240),
    ];
    for (const input of inputs) {
      const t0 = performance.now();
      run(input);
      expect(performance.now() - t0, input.slice(0, 40)).toBeLessThan(1000);
    }
  });

  it("is deterministic, and the guarded parser returns the same (the safety net is never used)", () => {
    const r = prng(5);
    for (let i = 0; i < 200; i++) {
      const input = i % 2 ? randomText(r, 10) : mutate(r, pick(r, VALID));
      expect(parseCommand(input, ctx)).toEqual(parseCommandUnguarded(input, ctx));
    }
  });

  it("valid commands, Traditional-converted, still parse", () => {
    for (const text of VALID) {
      expect(run(toTraditional(text)).ok, toTraditional(text)).toBe(true);
    }
  });
});
