import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../src/domain/plan/parse-plan.js";
import type { ParsedPlan, ParsePlanResult, PlanWorkItem } from "../../src/domain/plan/types.js";
import { ACCOUNTABLE, CLAUSES, GROUPS, INDICATORS, PLAN_FILES, TASK_TITLES, UNPLACED } from "../fixtures/plan-expected.js";

const HANS = readFileSync(PLAN_FILES.hans, "utf8");
const HANT = readFileSync(PLAN_FILES.hant, "utf8");

function planOf(r: ParsePlanResult): ParsedPlan {
  if (!r.ok) throw new Error(`expected a plan, got ${r.code}: ${r.detail}`);
  return r.plan;
}

function workItems(plan: ParsedPlan): PlanWorkItem[] {
  return plan.groups.flatMap((g) => g.tasks.flatMap((t) => t.workItems));
}

describe.each([
  ["zh-Hans", HANS, "hans"],
  ["zh-Hant", HANT, "hant"],
] as const)("the bundled plan (%s)", (_label, text, script) => {
  const plan = planOf(parsePlan(text));
  const items = workItems(plan);

  it("reads the frame: lost title, period, script, accountable bodies", () => {
    expect(plan.title).toBeNull();
    expect(plan.startYear).toBe(2021);
    expect(plan.endYear).toBe(2023);
    expect(plan.script).toBe(script);
    expect(plan.accountable).toEqual(ACCOUNTABLE);
  });

  it("reads the groups and tasks", () => {
    expect(plan.groups.map((g) => ({ code: g.code, ordinal: g.ordinal, title: g.title, kind: g.kind, tasks: g.tasks.map((t) => t.code) }))).toEqual(GROUPS);
    const tasks = plan.groups.flatMap((g) => g.tasks);
    for (const [code, title] of Object.entries(TASK_TITLES)) expect(tasks.find((t) => t.code === code)?.title).toBe(title);
    expect(tasks.filter((t) => !t.code.startsWith("保障")).map((t) => t.ordinal)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
  });

  it("finds all 43 responsibility clauses, in order", () => {
    expect(items.map((w) => w.ref)).toEqual(CLAUSES.map((c) => c.ref));
  });

  it.each(CLAUSES)("$ref: units in order, the first is the lead", (c) => {
    const task = plan.groups.flatMap((g) => g.tasks).find((t) => t.code === c.task);
    const item = task?.workItems.find((w) => w.ref === c.ref);
    expect(item, `${c.ref} under task ${c.task}`).toBeDefined();
    if (!item) return;
    expect(item.seq).toBe(Number(c.ref.split("#")[1]));
    expect(item.text.startsWith(c.textStart)).toBe(true);
    expect(item.text).not.toMatch(/责任单位/u);
    expect(item.clause.startsWith("责任单位:")).toBe(true);
    const listed = item.units.filter((u) => u.role !== "accountable");
    expect(listed.map((u) => u.unit)).toEqual(c.units);
    expect(listed.map((u) => u.role)).toEqual(c.units.map((_, i) => (i === 0 ? "lead" : "co")));
    expect(listed.map((u) => u.position)).toEqual(c.units.map((_, i) => i));
    // The global rule (下同) makes the counties and the zone accountable everywhere.
    const accountable = item.units.filter((u) => u.role === "accountable");
    expect(accountable.map((u) => u.unit)).toEqual(ACCOUNTABLE);
    expect(accountable.map((u) => u.position)).toEqual(ACCOUNTABLE.map((_, i) => c.units.length + i));
  });

  it("turns the first parenthesis' rule into notes, not units", () => {
    const first = items[0] as PlanWorkItem;
    expect(first.notes).toEqual(["列第一位的为牵头单位", "各县〔市、区〕政府、金华开发区管委会为责任主体", "下同"]);
    const names = first.units.map((u) => u.unit);
    expect(names.some((n) => /各县|列第一位|下同|责任主体/u.test(n))).toBe(false);
    expect(items.slice(1).every((w) => w.notes.length === 0)).toBe(true);
  });

  it("registers units with kinds and aliases", () => {
    const byName = new Map(plan.units.map((u) => [u.name, u]));
    const names = [...new Set(CLAUSES.flatMap((c) => c.units)), ...ACCOUNTABLE];
    expect(new Set(plan.units.map((u) => u.name))).toEqual(new Set(names));
    expect(byName.get("市级相关部门")?.kind).toBe("placeholder");
    expect(byName.get("金华开发区")?.kind).toBe("zone");
    expect(byName.get("金华开发区")?.aliases).toContain("金华开发区管委会");
    expect(byName.get("义乌市")?.kind).toBe("county");
    expect(byName.get("义乌市")?.aliases).toEqual(expect.arrayContaining(["义乌", "義烏市"]));
    expect(byName.get("市经信局")?.kind).toBe("department");
    expect(byName.get("市经信局")?.aliases).toEqual(expect.arrayContaining(["经信局", "市經信局"]));
    expect(byName.get("市委组织部")?.aliases).toContain("组织部");
  });

  it("finds exactly the expected indicators, in reading order", () => {
    expect(plan.indicators.map((i) => i.code)).toEqual(INDICATORS.map((i) => i.code));
  });

  it.each(INDICATORS)("$code $name: $target $unit ($kind)", (want) => {
    const got = plan.indicators.find((i) => i.code === want.code);
    expect(got).toBeDefined();
    if (!got) return;
    expect({
      code: got.code,
      workItemRef: got.workItemRef,
      name: got.name,
      kind: got.kind,
      unit: got.unit,
      target: got.target,
      targetMax: got.targetMax ?? null,
      comparator: got.comparator,
      headline: got.headline,
    }).toEqual(want);
    expect(got.deadline).toBe("2023-12-31");
    expect(got.shares).toEqual({});
    expect(got.source).toContain(String(got.target === 25000 ? "2.5万" : got.target === 33.33 ? "三分之一" : got.target));
  });

  it("merges 攻坚目标 duplicates into the task indicator, with the goal's wording as an alias", () => {
    const t15 = plan.indicators.find((i) => i.code === "T15-1");
    expect(t15?.aliases).toContain("培育品字标品牌企业");
    const t8 = plan.indicators.find((i) => i.code === "T8-3");
    expect(t8?.aliases).toContain("制造业高新技术企业数");
  });

  it("lists exactly the expected unplaced items, in reading order", () => {
    expect(plan.unplaced).toEqual(UNPLACED);
  });
});

describe("both scripts", () => {
  it("parse to the same plan (Traditional input is converted before matching)", () => {
    const hans = planOf(parsePlan(HANS));
    const hant = planOf(parsePlan(HANT));
    expect({ ...hant, script: "hans" }).toEqual(hans);
  });
});

describe("a revised version of the document", () => {
  // Numbers changed, a clause removed, a unit renamed, a clause added: the
  // parser must follow the text, not remember the bundled document.
  const revised = HANS.replace("每年新增工业机器人3000台", "每年新增工业机器人3500台")
    .replace("全力推进节能减碳技术改造,积极推荐符合条件的项目申报省级节能减碳技术改造项目储备库,滚动实施重点节能减碳技术改造项目。(责任单位:市经信局)", "")
    .replaceAll("市资规局", "市自然资源和规划局")
    .replace(
      "培育壮大信息工程服务机构,助推中小企业数字化改造。(责任单位:市经信局)",
      "(责任单位:市经信局)培育壮大信息工程服务机构,到2023年,新增信息工程服务机构12家。(责任单位:市经信局、义乌市政府)",
    );
  const plan = planOf(parsePlan(revised));

  it("follows changed numbers, removed and added clauses, renamed units", () => {
    expect(plan.indicators.find((i) => i.name === "新增工业机器人")?.target).toBe(3500);
    const t2 = plan.groups.flatMap((g) => g.tasks).find((t) => t.code === "2");
    expect(t2?.workItems.map((w) => w.ref)).toEqual(["T2#1"]);
    expect(plan.units.some((u) => u.name === "市自然资源和规划局")).toBe(true);
    expect(plan.units.some((u) => u.name === "市资规局")).toBe(false);
    const t18 = plan.groups.flatMap((g) => g.tasks).find((t) => t.code === "18");
    expect(t18?.workItems.map((w) => w.ref)).toEqual(["T18#1", "T18#2"]);
    const added = t18?.workItems[1];
    expect(added?.units.filter((u) => u.role !== "accountable").map((u) => [u.unit, u.role])).toEqual([
      ["市经信局", "lead"],
      ["义乌市", "co"],
    ]);
    // 义乌市 is listed explicitly, so it is not repeated as an accountable body.
    expect(added?.units.filter((u) => u.unit === "义乌市")).toHaveLength(1);
    expect(plan.indicators.find((i) => i.code === "T18-4")).toMatchObject({
      name: "新增信息工程服务机构",
      kind: "cumulative",
      target: 12,
      unit: "家",
      workItemRef: "T18#2",
    });
  });

  it("accepts full-width punctuation and CRLF line ends", () => {
    const fw = HANS.replace(/\n/gu, "\r\n").replace(/,/gu, "，").replace(/\(/gu, "（").replace(/\)/gu, "）").replace(/:/gu, "：");
    const a = planOf(parsePlan(fw));
    const b = planOf(parsePlan(HANS));
    expect(workItems(a).map((w) => w.units)).toEqual(workItems(b).map((w) => w.units));
    expect(a.indicators.map((i) => [i.code, i.name, i.target, i.unit, i.kind])).toEqual(
      b.indicators.map((i) => [i.code, i.name, i.target, i.unit, i.kind]),
    );
  });
});

/** A minimal plan whose only work item (T1#1) says `sentence`. */
function planWith(sentence: string): ParsedPlan {
  return planOf(
    parsePlan(
      [
        "某市制造业攻坚行动方案(2021—2023年)",
        "三、重点任务",
        "(一)抓落实。",
        `1. 抓项目。${sentence}(责任单位:市经信局)`,
        "四、组织保障",
        "(一)加强组织协调。抓好落实。(责任单位:市经信局)",
      ].join("\n"),
    ),
  );
}

describe("kinds of target, read from the words", () => {
  it.each([
    // A year's money total is a flow reported year to date, not a level.
    ["到2023年,全市规上工业产值突破7000亿元。", "annual_total", 7000, "亿元"],
    ["到2023年,全市技术交易总额突破100亿元。", "annual_total", 100, "亿元"],
    ["2022年,规上工业企业实现营业收入5000亿元。", "annual_total", 5000, "亿元"],
    ["力争到2023年,全市工业税收收入达到80亿元。", "annual_total", 80, "亿元"],
    ["到2023年完成工业投资500亿元。", "annual_total", 500, "亿元"],
    ["实施三年行动计划,到2023年规上工业产值突破7000亿元。", "annual_total", 7000, "亿元"],
    ["到2023年,规上工业用能总量控制在800万吨标准煤以内。", "annual_total", 800, "万吨标准煤"],
    // Summed over a span of years, or stated as new or cumulative: cumulative.
    ["三年招引落地项目100项以上,完成限上制造业投资1200亿元。", "cumulative", 1200, "亿元"],
    ["2021—2023年完成制造业投资1200亿元。", "cumulative", 1200, "亿元"],
    ["到2023年,三年完成制造业投资1200亿元。", "cumulative", 1200, "亿元"],
    ["累计完成技改投资600亿元。", "cumulative", 600, "亿元"],
    ["力争三年全市制造业贷款新增800亿元。", "cumulative", 800, "亿元"],
    ["到2023年,腾出用能30万吨标准煤。", "cumulative", 30, "万吨标准煤"],
    // Each year: per year.
    ["每年完成工业投资500亿元。", "per_year", 500, "亿元"],
    // Balances and counts of enterprises: levels.
    ["到2023年,制造业贷款余额突破5000亿元。", "stock", 5000, "亿元"],
    ["到2023年,规上工业企业突破6000家。", "stock", 6000, "家"],
    ["力争到2023年全市制造业高新技术企业有效数突破2200家。", "stock", 2200, "家"],
    ["实施科技企业三年攻坚行动计划,力争到2023年省科技型中小企业突破6000家。", "stock", 6000, "家"],
    ["聚焦重点行业,动态培育链主企业10家。", "stock", 10, "家"],
    ["到2023年,在役机器人总量突破2.5万台。", "stock", 25000, "台"],
    // Per 亩 and per head: a ratio that keeps its denominator.
    ["到2023年,规上工业亩均税收22万元。", "ratio", 22, "万元/亩"],
    ["到2023年,亩均增加值120万元。", "ratio", 120, "万元/亩"],
    ["到2023年,规上工业亩均税收22万元/亩。", "ratio", 22, "万元/亩"],
    ["到2023年,规上制造业全员劳动生产率22万元/人。", "ratio", 22, "万元/人"],
    ["到2023年,规上制造业全员劳动生产率25万元。", "ratio", 25, "万元/人"],
  ] as const)("GIVEN %s THEN %s %d %s", (sentence, kind, target, unit) => {
    // The amount under test is the sentence's last target.
    const ind = planWith(sentence).indicators.at(-1);
    expect(ind).toMatchObject({ kind, target, unit, targetMax: null });
  });

  it("GIVEN the same sentence in Traditional characters THEN the same kind and unit", () => {
    const hant = planOf(parsePlan(HANT)).indicators.map((i) => [i.code, i.kind, i.unit, i.target, i.targetMax]);
    const hans = planOf(parsePlan(HANS)).indicators.map((i) => [i.code, i.kind, i.unit, i.target, i.targetMax]);
    expect(hant).toEqual(hans);
    expect(hans).toContainEqual(["G4", "ratio", "万元/亩", 22, null]);
  });
});

describe("range targets", () => {
  it.each([
    ["建设1—2所高水平技师学院。", "1—2所"],
    ["建设1-2所高水平技师学院。", "1-2所"],
    ["建设1～2所高水平技师学院。", "1~2所"],
    ["建设1至2所高水平技师学院。", "1至2所"],
    ["建设一至两所高水平技师学院。", "一至两所"],
    ["建設一至兩所高水平技師學院。", "一至两所"],
  ])("GIVEN %s THEN target 1, targetMax 2, and the range is listed", (sentence, text) => {
    const plan = planWith(sentence);
    expect(plan.indicators).toHaveLength(1);
    expect(plan.indicators[0]).toMatchObject({ name: "建设高水平技师学院", target: 1, targetMax: 2, unit: "所", comparator: "gte" });
    expect(plan.unplaced.filter((u) => u.reason === "range_target")).toEqual([
      { kind: "number", where: "T1#1", text, reason: "range_target", detail: "1—2所" },
    ]);
  });

  it("GIVEN a plain target THEN no upper end and nothing listed", () => {
    const plan = planWith("建设2所高水平技师学院。");
    expect(plan.indicators[0]).toMatchObject({ target: 2, targetMax: null });
    expect(plan.unplaced.some((u) => u.reason === "range_target")).toBe(false);
  });
});

describe("rejected input", () => {
  const cases: Array<[string, string, string]> = [
    ["empty string", "", "empty"],
    ["whitespace only", " \n\t\u3000\r\n ", "empty"],
    ["NUL bytes", `二、攻坚目标\u0000\u0000${HANS.slice(0, 200)}`, "binary"],
    ["replacement characters", "\uFFFD".repeat(40) + HANS.slice(0, 300), "binary"],
    ["a news article", "金华新闻网讯 昨日,市经信局召开全市制造业工作会议,部署2021年重点工作。\n会议强调,要抓好落实,确保完成全年目标。\n(记者 张三)", "not_a_plan"],
    ["a CSV file", "unit,indicator,value\n市经信局,新增工业机器人,3000\n市科技局,高新技术企业,2200\n", "not_a_plan"],
    ["a Markdown README", "# Duban\n\nA chat bot.\n\n## Install\n\n1. npm install\n2. npm start\n\n(责任单位 is not here)\n", "not_a_plan"],
    ["a plan outline without responsibility clauses", "一、总体要求\n抓好落实。\n三、重点任务\n1. 抓清单编制。建立清单。\n", "not_a_plan"],
    ["truncated in the middle of task 9", HANS.slice(0, HANS.indexOf("以“产业大脑") + 20), "truncated"],
    ["truncated in the middle of a parenthesis", HANS.slice(0, HANS.indexOf("(责任单位:市科技局、市发改委)") + 8), "truncated"],
    ["truncated right after a clause of task 9", HANS.slice(0, HANS.indexOf("以“产业大脑")), "truncated"],
    ["truncated before the tasks", HANS.slice(0, HANS.indexOf("三、重点任务")), "truncated"],
  ];

  it.each(cases)("%s → %s", (_label, input, code) => {
    const r = parsePlan(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.detail.length).toBeGreaterThan(10);
    expect(r.detail).not.toMatch(/internal error/u);
  });

  it("random bytes decoded as latin1 → binary", () => {
    const rand = mulberry32(7);
    for (let n = 0; n < 20; n++) {
      const bytes = Buffer.from(Array.from({ length: 64 + n * 50 }, () => Math.floor(rand() * 256)));
      const r = parsePlan(bytes.toString("latin1"));
      expect(r).toMatchObject({ ok: false, code: "binary" });
    }
  });

  it("says where a truncated document stops", () => {
    const r = parsePlan(HANS.slice(0, HANS.indexOf("以“产业大脑") + 20));
    expect(r).toMatchObject({ ok: false, code: "truncated" });
    if (!r.ok) expect(r.detail).toContain("task 9");
  });

  it("does not throw on non-string input from untyped callers", () => {
    expect(parsePlan(undefined as unknown as string)).toMatchObject({ ok: false, code: "empty" });
  });
});

/** Small seeded PRNG (mulberry32) so fuzz failures reproduce. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("fuzz: never throws", () => {
  const INSERTS = ["(", ")", "(责任单位:", "、", ",", "。", "\n", "\u0000", "\uFFFD", "2023年", "100项以上", "三、重点任务\n", "(一)", "1. ", "万", "%", "〔", "〕", "“", "??", "臺", "𠀀"];

  function assertSane(input: string): void {
    let r: ParsePlanResult | undefined;
    expect(() => {
      r = parsePlan(input);
    }).not.toThrow();
    if (!r) return;
    if (!r.ok) {
      expect(r.detail).not.toMatch(/internal error/u);
      return;
    }
    for (const i of r.plan.indicators) {
      expect(Number.isFinite(i.target)).toBe(true);
      expect(i.deadline).toMatch(/^\d{4}-12-31$/u);
    }
  }

  it("random slices of the document", () => {
    const rand = mulberry32(42);
    for (let n = 0; n < 200; n++) {
      const a = Math.floor(rand() * HANS.length);
      const b = a + Math.floor(rand() * (HANS.length - a));
      assertSane(rand() < 0.5 ? HANS.slice(a, b) : HANS.slice(0, b));
    }
  });

  it("random insertions into the document (both scripts)", () => {
    const rand = mulberry32(1234);
    for (let n = 0; n < 120; n++) {
      let s = rand() < 0.5 ? HANS : HANT;
      const edits = 1 + Math.floor(rand() * 8);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * s.length);
        const what = INSERTS[Math.floor(rand() * INSERTS.length)] as string;
        s = s.slice(0, at) + what + s.slice(at);
      }
      assertSane(s);
    }
  });

  it("random short strings from a plan-ish alphabet", () => {
    const rand = mulberry32(99);
    const alphabet = "一二三、重点任务目标保障责任单位:()〔〕,。1234567890.%万亿元家项台年以上下同\n ";
    for (let n = 0; n < 200; n++) {
      const len = Math.floor(rand() * 120);
      let s = "";
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
      assertSane(s);
    }
  });
});
