import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { planDataToDocument, type PlanData } from "../../src/domain/plan/plan-document.js";
import type { Database } from "../../src/persistence/database.js";
import { loadPlanData } from "../../src/persistence/plan-repository.js";
import { extendPlan } from "../../src/services/extend-plan.js";
import { importPlan, keepWhatTheTextLeavesOut } from "../../src/services/import-plan.js";
import { codeFromFileName, readPlanSource } from "../../src/services/read-plan-source.js";
import { BUNDLED_PLAN, seedBundledPlan } from "../../src/services/seed-bundled-plan.js";
import { changeLine } from "../../src/i18n/plan-words.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { PLAN_HANS, PLAN_HANT } from "../helpers/paths.js";

const HANS = readFileSync(PLAN_HANS, "utf8");
const CODE = "jinhua-manufacturing-2021-2023";

function source(text: string | Uint8Array, name = "jinhua-manufacturing-2021-2023.zh-Hans.txt") {
  const r = readPlanSource(typeof text === "string" ? Buffer.from(text) : text, name);
  if (!r.ok) throw new Error(`unexpected rejection: ${r.code} ${r.detail}`);
  return r;
}

/** The bundled document, revised the way a city revises a plan mid-way. */
function revisedDocument(): string {
  const revised = HANS
    // a target changes
    .replace("每年新增工业机器人3000台", "每年新增工业机器人3500台")
    // a clause is dropped
    .replace(/参照“标准地”出让基本要求[^)]*\(责任单位:市资规局、市发改委、市经信局\)/, "")
    // a target is dropped
    .replace("到2023年,新增省级国际产业合作园2个。", "")
    // a co-responsible unit is added
    .replace("履约监管等实施动态跟踪管理和服务。(责任单位:市经信局、市发改委、市资规局)", "履约监管等实施动态跟踪管理和服务。(责任单位:市经信局、市发改委、市资规局、市商务局)");
  // the edits must all have hit, or the test proves nothing
  expect(revised).not.toContain("工业机器人3000台");
  expect(revised).not.toContain("参照“标准地”");
  expect(revised).not.toContain("国际产业合作园2个");
  expect(revised).toContain("管理和服务。(责任单位:市经信局、市发改委、市资规局、市商务局)");
  return revised;
}

async function counts(db: Database) {
  const p = db.prisma;
  return {
    plans: await p.plan.count(),
    tasks: await p.task.count(),
    workItems: await p.workItem.count(),
    indicators: await p.indicator.count(),
    units: await p.unit.count(),
    audit: await p.auditLog.count(),
  };
}

describe.each(PROVIDERS)("plan import on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it("GIVEN an empty database WHEN the Simplified document is imported THEN the whole plan is stored", async () => {
    const outcome = await importPlan(db.prisma, source(HANS), { apply: false, actor: "test" });
    expect(outcome.status).toBe("created");
    const c = await counts(db);
    expect(c).toMatchObject({ plans: 1, tasks: 25, workItems: 43 });
    expect(c.indicators).toBe(outcome.data.indicators.length);
    expect(c.indicators).toBeGreaterThanOrEqual(45);

    // Every work item has exactly one lead, and every county and the zone as accountable body.
    const items = await db.prisma.workItem.findMany({ include: { units: { include: { unit: true } } } });
    for (const item of items) {
      expect(item.units.filter((u) => u.role === "lead")).toHaveLength(1);
      expect(item.units.filter((u) => u.role === "accountable").map((u) => u.unit.name).sort()).toEqual(
        ["婺城区", "金东区", "兰溪市", "东阳市", "义乌市", "永康市", "浦江县", "武义县", "磐安县", "金华开发区"].sort(),
      );
    }
    const t13 = await db.prisma.workItem.findFirst({
      where: { ref: "T13#1" },
      include: { units: { include: { unit: true }, orderBy: { position: "asc" } } },
    });
    expect(t13!.units.filter((u) => u.role !== "accountable").map((u) => [u.unit.name, u.role])).toEqual([
      ["市金融办", "lead"],
      ["市经信局", "co"],
    ]);
    // Aliases in both scripts resolve to one unit.
    const alias = await db.prisma.unitAlias.findUnique({ where: { alias: "經信局" }, include: { unit: true } });
    expect(alias?.unit.name).toBe("市经信局");
    const audit = await db.prisma.auditLog.findMany({ where: { action: "plan.create" } });
    expect(audit).toHaveLength(1);
  });

  it("GIVEN the plan is stored WHEN the same document is imported again THEN nothing changes", async () => {
    const before = await counts(db);
    const updatedAt = (await db.prisma.plan.findUnique({ where: { code: CODE } }))!.updatedAt;
    const outcome = await importPlan(db.prisma, source(HANS), { apply: true, actor: "test" });
    expect(outcome.status).toBe("unchanged");
    expect(outcome.changes).toEqual([]);
    expect(await counts(db)).toEqual(before);
    expect((await db.prisma.plan.findUnique({ where: { code: CODE } }))!.updatedAt).toEqual(updatedAt);
  });

  it("GIVEN the plan is stored WHEN the Traditional document is imported THEN it is recognised as the same plan", async () => {
    const hant = readPlanSource(readFileSync(PLAN_HANT), "jinhua-manufacturing-2021-2023.zh-Hant.txt");
    expect(hant.ok).toBe(true);
    if (!hant.ok) return;
    const outcome = await importPlan(db.prisma, hant, { apply: false, actor: "test" });
    expect(outcome.changes).toEqual([]);
    expect(outcome.status).toBe("unchanged");
  });

  it("GIVEN stored reports WHEN a revised document is imported THEN it shows the differences, and writes them only with apply", async () => {
    const plan = (await db.prisma.plan.findUnique({ where: { code: CODE } }))!;
    const robots = (await db.prisma.indicator.findFirst({ where: { planId: plan.id, name: { contains: "工业机器人" }, kind: "per_year" } }))!;
    const parks = (await db.prisma.indicator.findFirst({ where: { planId: plan.id, name: { contains: "国际产业合作园" } } }))!;
    expect(robots.target).toBe(3000);
    expect(parks).toBeTruthy();
    const unit = (await db.prisma.unit.findUnique({ where: { name: "市经信局" } }))!;
    // A report already stored against both indicators.
    const report = await db.prisma.report.create({
      data: {
        planId: plan.id,
        unitId: unit.id,
        period: 202610,
        revisions: { create: { revision: 1, platform: "cli", rawInput: "上报 工业机器人 260台 合作园 1个" } },
        values: {
          create: [
            { revision: 1, indicatorId: robots.id, unitId: unit.id, period: 202610, value: 260, raw: "260台" },
            { revision: 1, indicatorId: parks.id, unitId: unit.id, period: 202610, value: 1, raw: "1个" },
          ],
        },
      },
    });

    const before = await counts(db);
    const pending = await importPlan(db.prisma, source(revisedDocument()), { apply: false, actor: "test" });
    expect(pending.status).toBe("pending");
    const summary = pending.changes.map((c) => `${c.op} ${c.entity} ${c.key}`);
    expect(summary).toContain(`changed indicator ${robots.code}`);
    expect(summary).toContain(`removed indicator ${parks.code}`);
    expect(summary).toContain("removed workItem T3#4");
    expect(summary).toContain("changed workItem T14#1");
    const robotChange = pending.changes.find((c) => c.key === robots.code)!;
    expect(robotChange.fields).toContainEqual({ field: "target", from: 3000, to: 3500 });
    // Nothing was written.
    expect(await counts(db)).toEqual(before);
    expect((await db.prisma.indicator.findUnique({ where: { id: robots.id } }))!.target).toBe(3000);

    const applied = await importPlan(db.prisma, source(revisedDocument()), { apply: true, actor: "test" });
    expect(applied.status).toBe("applied");
    expect(applied.changes).toEqual(pending.changes);
    expect((await db.prisma.indicator.findUnique({ where: { id: robots.id } }))!.target).toBe(3500);
    const retired = (await db.prisma.indicator.findUnique({ where: { id: parks.id } }))!;
    expect(retired.retiredAt).not.toBeNull();
    // The report and its values are still attached to the same indicators.
    const values = await db.prisma.indicatorValue.findMany({ where: { reportId: report.id }, orderBy: { indicatorId: "asc" } });
    expect(values.map((v) => v.indicatorId).sort()).toEqual([robots.id, parks.id].sort());
    expect(await db.prisma.workItem.findFirst({ where: { ref: "T3#4" } })).toBeNull();
    const t14 = await db.prisma.workItem.findFirst({ where: { ref: "T14#1" }, include: { units: { include: { unit: true } } } });
    expect(t14!.units.some((u) => u.unit.name === "市商务局" && u.role === "co")).toBe(true);

    // Importing the revision again is a no-op; importing the original shows the way back.
    expect((await importPlan(db.prisma, source(revisedDocument()), { apply: false, actor: "test" })).status).toBe("unchanged");
    const back = await importPlan(db.prisma, source(HANS), { apply: true, actor: "test" });
    expect(back.status).toBe("applied");
    expect((await db.prisma.indicator.findUnique({ where: { id: parks.id } }))!.retiredAt).toBeNull();
  });

  it("GIVEN the stored plan WHEN exported to YAML and imported THEN nothing changes (round trip)", async () => {
    const data = (await loadPlanData(db.prisma, CODE))!;
    const yaml = toYaml(planDataToDocument(data));
    const outcome = await importPlan(db.prisma, source(yaml, "plan.yaml"), { apply: false, actor: "test" });
    expect(outcome.changes).toEqual([]);
    expect(outcome.status).toBe("unchanged");
  });

  it("GIVEN an exported YAML edited by an admin THEN a fixed target, a county split and a rename are applied", async () => {
    const data = (await loadPlanData(db.prisma, CODE))!;
    const doc = parseYaml(toYaml(planDataToDocument(data))) as ReturnType<typeof planDataToDocument>;
    const robots = doc.indicators.find((i) => i.name.includes("工业机器人") && i.kind === "per_year")!;
    robots.target = 3200;
    robots.shares = { 义乌: 800, 东阳市: 400 }; // an alias is accepted and stored under the canonical name
    const stock = doc.indicators.find((i) => i.kind === "stock" && i.name.includes("机器人"))!;
    stock.name = "在役工业机器人总量";
    const outcome = await importPlan(db.prisma, source(toYaml(doc), "edited.yaml"), { apply: true, actor: "test" });
    expect(outcome.status).toBe("applied");
    expect(outcome.changes.map((c) => c.key).sort()).toEqual([robots.code, stock.code].sort());
    const row = await db.prisma.indicator.findFirst({
      where: { code: robots.code },
      include: { shares: { include: { unit: true } } },
    });
    expect(row!.target).toBe(3200);
    expect(Object.fromEntries(row!.shares.map((s) => [s.unit.name, s.target]))).toEqual({ 义乌市: 800, 东阳市: 400 });
    expect((await db.prisma.indicator.findFirst({ where: { code: stock.code } }))!.name).toBe("在役工业机器人总量");
  });
});

describe("bad input is rejected with a reason, and nothing is read as a plan", () => {
  const cases: [string, Uint8Array | string, string, string][] = [
    ["an empty file", "", "plan.txt", "empty"],
    ["whitespace only", "  \n\t\n", "plan.txt", "empty"],
    ["binary garbage", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe]), "plan.txt", "binary"],
    ["text with NUL bytes", Buffer.from("三、重点任务\u0000\u0001\u0002"), "plan.txt", "binary"],
    ["a truncated document", HANS.slice(0, HANS.indexOf("9. 高水平构建创新生态圈") + 40), "plan.txt", "truncated"],
    ["a document cut inside a parenthesis", HANS.slice(0, HANS.indexOf("(责任单位:市科技局、市发改委)") + 8), "plan.txt", "truncated"],
    ["a document in another layout", "# README\n\nThis project does things.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", "README.md", "not_a_plan"],
    ["a CSV", "单位,指标,数值\n市经信局,工业机器人,3000\n", "data.csv", "not_a_plan"],
    ["YAML with a syntax error", "duban: 1\nplan: [unclosed\n", "plan.yaml", "yaml_syntax"],
  ];
  it.each(cases)("GIVEN %s THEN it is rejected", (_label, input, name, code) => {
    const r = readPlanSource(typeof input === "string" ? Buffer.from(input) : input, name);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.detail.length).toBeGreaterThan(5);
    }
  });

  it("GIVEN a YAML export with a misspelt field THEN the problem names the field's path", async () => {
    const r = readPlanSource(Buffer.from(HANS), "x.zh-Hans.txt");
    if (!r.ok) throw new Error("bundled plan rejected");
    const doc = planDataToDocument(r.data) as unknown as { indicators: Record<string, unknown>[] };
    doc.indicators[2]!.tagret = 5;
    const bad = readPlanSource(Buffer.from(toYaml(doc)), "plan.yaml");
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.code).toBe("yaml_schema");
      expect(bad.detail).toContain("indicators.2");
      expect(bad.detail).toContain("tagret");
    }
  });

  it("GIVEN a YAML whose work item names a unit not in the list THEN it is rejected with the path", () => {
    const r = readPlanSource(Buffer.from(HANS), "x.zh-Hans.txt");
    if (!r.ok) throw new Error("bundled plan rejected");
    const doc = planDataToDocument(r.data);
    doc.groups[0]!.tasks[0]!.workItems[0]!.lead = "市不存在局";
    const bad = readPlanSource(Buffer.from(toYaml(doc)), "plan.yaml");
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.code).toBe("yaml_references");
      expect(bad.detail).toContain("groups.0.tasks.0.workItems.0.lead");
    }
  });

  it("GIVEN a YAML with a non-numeric target THEN the path and the expectation are named", () => {
    const r = readPlanSource(Buffer.from(HANS), "x.zh-Hans.txt");
    if (!r.ok) throw new Error("bundled plan rejected");
    const doc = planDataToDocument(r.data) as unknown as { indicators: Record<string, unknown>[] };
    doc.indicators[0]!.target = "三千";
    const bad = readPlanSource(Buffer.from(toYaml(doc)), "plan.yaml");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.detail).toMatch(/indicators\.0\.target: must be a number/);
  });
});

/** The plan file as `duban plan import <file>` reads it: no code, no title given. */
function fileSource(file: string) {
  const r = readPlanSource(readFileSync(file), file);
  if (!r.ok) throw new Error(`unexpected rejection: ${r.code} ${r.detail}`);
  return r;
}

type PlanDoc = ReturnType<typeof planDataToDocument>;

async function exported(db: Database): Promise<PlanDoc> {
  return parseYaml(toYaml(planDataToDocument((await loadPlanData(db.prisma, CODE))!))) as PlanDoc;
}

function yamlSource(doc: PlanDoc) {
  return source(toYaml(doc), "plan.yaml");
}

describe("the code of a plan file", () => {
  it.each([
    ["jinhua-manufacturing-2021-2023.zh-Hans.txt"],
    ["jinhua-manufacturing-2021-2023.zh-Hant.txt"],
    [PLAN_HANT],
    ["plans/Jinhua-Manufacturing-2021-2023.zh-hant.TXT"],
  ])("GIVEN %s THEN it is the bundled plan's code", (file) => {
    expect(codeFromFileName(file)).toBe(BUNDLED_PLAN.code);
  });
});

describe.each(PROVIDERS)("re-importing a text document onto a plan admins have set up, on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    const seeded = await seedBundledPlan(db.prisma);
    if (!seeded.seeded) throw new Error("the bundled plan was not seeded");
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it.each([
    ["Traditional", PLAN_HANT],
    ["Simplified", PLAN_HANS],
  ])("GIVEN the seeded plan WHEN the %s file is imported THEN nothing changes, not even the title", async (_label, file) => {
    const src = fileSource(file);
    expect(src.statesTitle).toBe(false);
    const outcome = await importPlan(db.prisma, src, { apply: true, actor: "test" });
    expect(outcome.changes).toEqual([]);
    expect(outcome.status).toBe("unchanged");
    expect((await loadPlanData(db.prisma, CODE))!.title).toBe(BUNDLED_PLAN.title);
  });

  it("GIVEN a plan extended by plan extend WHEN either file is imported THEN the extension stays", async () => {
    const plan = (await db.prisma.plan.findUnique({ where: { code: CODE } }))!;
    const ext = await extendPlan(db.prisma, plan.id, { year: 2026, month: 12 }, { actor: "test", platform: "cli" });
    expect(ext.ok).toBe(true);
    for (const file of [PLAN_HANT, PLAN_HANS]) {
      const outcome = await importPlan(db.prisma, fileSource(file), { apply: true, actor: "test" });
      expect(outcome.changes).toEqual([]);
      expect(outcome.data.reportingTo).toBe("2026-12");
    }
    expect((await loadPlanData(db.prisma, CODE))!).toMatchObject({ reportingFrom: "2021-01", reportingTo: "2026-12" });
  });

  it("GIVEN shares, owners, baselines, weight, basis, span, short name and time zone set by YAML WHEN either file is imported THEN it is still a no-op", async () => {
    const doc = await exported(db);
    doc.plan.shortName = "制造业攻坚";
    doc.plan.timeZone = "Asia/Urumqi";
    doc.plan.reportingFrom = "2021-03";
    doc.plan.reportingTo = "2027-06";
    // An owner the document never names: the unit must survive a text re-import.
    doc.units.push({ name: "市统计局", kind: "department", aliases: ["统计局"] });
    const output = doc.indicators.find((i) => i.code === "G2")!;
    output.owner = "市统计局";
    output.shares = { 义乌市: 1500, 东阳市: 800 };
    const hightech = doc.indicators.find((i) => i.code === "T8-3")!;
    Object.assign(hightech, { baseline: 1500, baselineYear: 2020, shareBaselines: { 义乌市: 300 }, shares: { 义乌市: 450 }, weight: 2 });
    const robots = doc.indicators.find((i) => i.code === "T18-2")!;
    robots.basis = "month";
    const set = await importPlan(db.prisma, yamlSource(doc), { apply: true, actor: "test" });
    expect(set.status).toBe("applied");
    const before = (await loadPlanData(db.prisma, CODE))!;
    expect(before).toMatchObject({ shortName: "制造业攻坚", timeZone: "Asia/Urumqi", reportingFrom: "2021-03", reportingTo: "2027-06" });
    expect(before.indicators.find((i) => i.code === "G2")).toMatchObject({ owner: "市统计局", shares: { 义乌市: 1500, 东阳市: 800 } });
    expect(before.indicators.find((i) => i.code === "T8-3")).toMatchObject({ baseline: 1500, baselineYear: 2020, shareBaselines: { 义乌市: 300 }, weight: 2 });
    expect(before.indicators.find((i) => i.code === "T18-2")!.basis).toBe("month");

    for (const file of [PLAN_HANT, PLAN_HANS]) {
      const outcome = await importPlan(db.prisma, fileSource(file), { apply: true, actor: "test" });
      expect(outcome.changes).toEqual([]);
      expect(outcome.status).toBe("unchanged");
    }
    expect(await loadPlanData(db.prisma, CODE)).toEqual(before);
  });

  it("GIVEN those settings WHEN a YAML changes them THEN the changes are shown, and written only with apply", async () => {
    const doc = await exported(db);
    doc.plan.reportingTo = "2027-12";
    const output = doc.indicators.find((i) => i.code === "G2")!;
    output.owner = "市经信局";
    output.shares = { 义乌市: 1600 };
    const hightech = doc.indicators.find((i) => i.code === "T8-3")!;
    hightech.baseline = 1600;
    const pending = await importPlan(db.prisma, yamlSource(doc), { apply: false, actor: "test" });
    expect(pending.status).toBe("pending");
    const fields = (key: string) => pending.changes.find((c) => c.key === key)?.fields ?? [];
    expect(fields(CODE)).toEqual([{ field: "reportingTo", from: "2027-06", to: "2027-12" }]);
    expect(fields("G2")).toEqual([
      { field: "owner", from: "市统计局", to: "市经信局" },
      { field: "shares", from: { 义乌市: 1500, 东阳市: 800 }, to: { 义乌市: 1600 } },
    ]);
    expect(fields("T8-3")).toEqual([{ field: "baseline", from: 1500, to: 1600 }]);
    expect(changeLine(pending.changes.find((c) => c.key === "G2")!, "zh").split("\n").slice(1)).toEqual([
      "    责任单位：市统计局 → 市经信局",
      "    分解到县（市、区）：东阳市 800，义乌市 1500 → 义乌市 1600",
    ]);
    expect((await loadPlanData(db.prisma, CODE))!.reportingTo).toBe("2027-06");
  });

  it("GIVEN a title given on the command line THEN it is stated, and the change is shown", async () => {
    const src = readPlanSource(readFileSync(PLAN_HANT), PLAN_HANT, { title: "金华市制造业攻坚行动方案" });
    if (!src.ok) throw new Error(src.detail);
    expect(src.statesTitle).toBe(true);
    const outcome = await importPlan(db.prisma, src, { apply: false, actor: "test" });
    expect(outcome.changes).toEqual([
      { op: "changed", entity: "plan", key: CODE, label: "金华市制造业攻坚行动方案", fields: [{ field: "title", from: BUNDLED_PLAN.title, to: "金华市制造业攻坚行动方案" }] },
    ]);
  });

  it("GIVEN a plan stored by the old importer (产值 as a stock level) WHEN the text is imported THEN the kind and its reporting basis change together", async () => {
    const doc = await exported(db);
    const output = doc.indicators.find((i) => i.code === "G2")!;
    output.kind = "stock";
    output.basis = "level";
    expect((await importPlan(db.prisma, yamlSource(doc), { apply: true, actor: "test" })).status).toBe("applied");
    const outcome = await importPlan(db.prisma, fileSource(PLAN_HANS), { apply: true, actor: "test" });
    expect(outcome.status).toBe("applied");
    expect(outcome.changes).toEqual([
      {
        op: "changed",
        entity: "indicator",
        key: "G2",
        label: "规上工业产值 7000亿元",
        fields: [
          { field: "kind", from: "stock", to: "annual_total" },
          { field: "basis", from: "level", to: "ytd" },
        ],
      },
    ]);
    // As the CLI prints it to an office.
    expect(outcome.changes.map((c) => changeLine(c, "zh"))).toEqual([
      ["~ 修改指标 G2：规上工业产值 7000亿元", "    类型：存量 → 年度总量", "    报送口径：期末存量 → 1月至当月累计"].join("\n"),
    ]);
    const after = (await loadPlanData(db.prisma, CODE))!.indicators.find((i) => i.code === "G2")!;
    expect(after).toMatchObject({ kind: "annual_total", basis: "ytd", owner: "市统计局" });
  });
});

describe("what a text document leaves out (pure)", () => {
  const text = readPlanSource(readFileSync(PLAN_HANS), PLAN_HANS);
  if (!text.ok) throw new Error("bundled plan rejected");
  const stored: PlanData = { ...text.data, title: BUNDLED_PLAN.title };

  it.each([
    ["an untouched span follows the document's years", { reportingFrom: "2021-01", reportingTo: "2023-12" }, { reportingFrom: "2022-01", reportingTo: "2024-12" }],
    ["an extended end stays, an untouched start follows", { reportingFrom: "2021-01", reportingTo: "2026-12" }, { reportingFrom: "2022-01", reportingTo: "2026-12" }],
    ["a moved start stays", { reportingFrom: "2021-04", reportingTo: "2023-12" }, { reportingFrom: "2021-04", reportingTo: "2024-12" }],
  ])("GIVEN the document's years become 2022—2024 THEN %s", (_label, span, want) => {
    const revised: PlanData = { ...text.data, startYear: 2022, endYear: 2024, reportingFrom: "2022-01", reportingTo: "2024-12" };
    expect(keepWhatTheTextLeavesOut({ ...stored, ...span }, revised, { statesTitle: false })).toMatchObject(want);
  });

  it("GIVEN a renumbered indicator THEN its settings follow it by name, not by position", () => {
    const withShares: PlanData = {
      ...stored,
      indicators: stored.indicators.map((i) => (i.code === "T18-2" ? { ...i, shares: { 义乌市: 800 }, weight: 3 } : i)),
    };
    // A new target inserted before T18-2 shifts the position-based codes.
    const shifted: PlanData = {
      ...text.data,
      indicators: text.data.indicators.map((i) =>
        i.code === "T18-2" ? { ...i, code: "T18-3" } : i.code === "T18-3" ? { ...i, code: "T18-4" } : i,
      ),
    };
    const merged = keepWhatTheTextLeavesOut(withShares, shifted, { statesTitle: false });
    expect(merged.indicators.find((i) => i.name === "新增工业机器人")).toMatchObject({ code: "T18-2", shares: { 义乌市: 800 }, weight: 3 });
    expect(merged.indicators.find((i) => i.name === "在役机器人总量")).toMatchObject({ code: "T18-3", shares: {}, weight: 1 });
    expect(merged.title).toBe(BUNDLED_PLAN.title);
  });
});

describe.each(PROVIDERS)("a reporting basis under stored figures, on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    await seedBundledPlan(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it("GIVEN figures stored year to date THEN a YAML that makes the indicator monthly is shown but refused, and nothing is written", async () => {
    const plan = (await db.prisma.plan.findUniqueOrThrow({ where: { code: CODE } }))!;
    const t182 = await db.prisma.indicator.findFirstOrThrow({ where: { planId: plan.id, code: "T18-2" } });
    const unit = await db.prisma.unit.findUniqueOrThrow({ where: { name: "市经信局" } });
    const { submitRevision } = await import("../../src/persistence/report-repository.js");
    await submitRevision(db.prisma, { planId: plan.id, unitId: unit.id, period: 202203, mode: "report", identityId: null, platform: "cli", rawInput: "t", reason: null, narrative: {}, values: [{ indicatorId: t182.id, value: 600, raw: "600台" }] });
    const data = (await loadPlanData(db.prisma, CODE))!;
    const yaml = toYaml(planDataToDocument({ ...data, indicators: data.indicators.map((i) => (i.code === "T18-2" ? { ...i, basis: "month" as const } : i)) }));
    const preview = await importPlan(db.prisma, source(yaml, "plan.yaml"), { apply: false, actor: "test" });
    expect(preview.status).toBe("pending");
    expect(preview.conflicts).toEqual([{ code: "T18-2", name: expect.stringContaining("新增工业机器人"), from: "ytd", to: "month", values: 1 }]);
    const applied = await importPlan(db.prisma, source(yaml, "plan.yaml"), { apply: true, actor: "test" });
    expect(applied.status).toBe("refused");
    expect((await db.prisma.indicator.findFirstOrThrow({ where: { id: t182.id } })).basis).toBe("ytd");
  });
});
