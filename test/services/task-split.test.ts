import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unitObligation } from "../../src/domain/obligations/obligations.js";
import type { Database } from "../../src/persistence/database.js";
import { loadPlanFacts } from "../../src/persistence/plan-facts.js";
import { loadPlanData } from "../../src/persistence/plan-repository.js";
import { choosePlan, importTaskSplit, writeTaskSplitTemplate, type TaskSplitImportOutcome } from "../../src/services/import-task-split.js";
import { BUNDLED_PLAN, seedBundledPlan } from "../../src/services/seed-bundled-plan.js";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { EXPECTED, messyWorkbook } from "../cli/task-split-fixtures.js";

const CODE = BUNDLED_PLAN.code;
const COUNTIES = ["婺城区", "金东区", "兰溪市", "东阳市", "义乌市", "永康市", "浦江县", "武义县", "磐安县", "金华开发区"];

function done(o: TaskSplitImportOutcome) {
  if (!o.ok) throw new Error(`import failed: ${o.problem}`);
  return o;
}

async function template(db: Database): Promise<Buffer> {
  const t = await writeTaskSplitTemplate(db.prisma);
  if (!t.ok) throw new Error(t.problem);
  return t.bytes;
}

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return book;
}

describe.each(PROVIDERS)("任务分解表 on %s", (provider) => {
  let tdb: TestDatabase;
  let db: Database;
  const opts = { actor: "test", sourceName: "任务分解表.xlsx" };
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    db = await tdb.open();
    await seedBundledPlan(db.prisma);
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it("GIVEN the bundled plan THEN the template has the title, the notes, a two-row header with the county block merged, one row per target, validation and frozen panes", async () => {
    const book = await load(await template(db));
    expect(book.keywords).toBe(`duban-plan:${CODE}`);
    const ws = book.getWorksheet("任务分解表")!;
    expect(ws.getCell("A1").value).toBe(`${BUNDLED_PLAN.title}任务分解表`);
    expect(String(ws.getCell("A2").value)).toContain("填表说明");
    expect(String(ws.getCell("A2").value)).toContain("±5%");
    expect(ws.model.merges).toEqual(expect.arrayContaining(["A1:U1", "A2:U2", "A3:A4", "J3:S3", "T3:T4"]));
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((c) => ws.getCell(3, c).value)).toEqual(["序号", "指标编号", "指标名称", "单位", "类型", "市级目标", "牵头/责任单位", "基期值", "基期年份"]);
    expect(ws.getCell("J3").value).toBe("各县（市、区）分解目标");
    expect(COUNTIES.map((_, i) => ws.getCell(4, 10 + i).value)).toEqual(COUNTIES);
    expect(ws.views[0]).toMatchObject({ state: "frozen", xSplit: 3, ySplit: 4 });
    // Every indicator of the plan has a row, found by its code in column B.
    const stored = (await loadPlanData(db.prisma, CODE))!;
    const codes: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 4 && typeof row.getCell(2).value === "string" && !ws.getCell(n, 2).isMerged) codes.push(row.getCell(2).value as string);
    });
    expect(codes).toEqual(expect.arrayContaining(stored.indicators.map((i) => i.code)));
    expect(codes).toHaveLength(stored.indicators.length);
    // A headline target takes an owner from a list; a work item's target shows its lead.
    const rowOf = (code: string) => ws.getRows(5, ws.rowCount - 4)!.find((r) => r.getCell(2).value === code)!;
    expect(rowOf("G2").getCell(7).dataValidation).toMatchObject({ type: "list" });
    expect(rowOf("T18-2").getCell(7).value).toBe("市经信局");
    expect(rowOf("M3-1").getCell(6).value).toBe("1—2");
    expect(book.getWorksheet("县级基期值")!.getCell("G3").value).toBe("各县（市、区）基期值");
  });

  it("GIVEN the untouched template THEN importing it changes nothing", async () => {
    const o = done(await importTaskSplit(db.prisma, await template(db), { ...opts, apply: true }));
    expect(o.status).toBe("unchanged");
    expect(o.problems.filter((p) => p.severity !== "notice")).toEqual([]);
    expect(o.layout).toMatchObject({ sheet: "任务分解表", headerRows: [3, 4], counties: expect.any(Array) });
    expect(o.layout.counties).toHaveLength(10);
  });

  it("GIVEN a workbook with a misspelt county and a non-number THEN it is invalid, names the cells, and writes nothing even with apply", async () => {
    const o = done(await importTaskSplit(db.prisma, await messyWorkbook({ misspelt: true, nonNumber: true }), { ...opts, apply: true, acceptSums: true }));
    expect(o.status).toBe("invalid");
    const errors = o.problems.filter((p) => p.severity === "error");
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "unknown_county", sheet: "2021年分解", cell: "I5", data: { header: "义鸟市", suggestions: ["义乌市"] } }),
        expect.objectContaining({ code: "not_a_number", cell: "M11", indicator: "T18-2", data: expect.objectContaining({ text: "待定" }) }),
      ]),
    );
    expect(errors).toHaveLength(2);
    const stored = (await loadPlanData(db.prisma, CODE))!;
    expect(stored.indicators.every((i) => Object.keys(i.shares).length === 0)).toBe(true);
  });

  it("GIVEN a messy workbook THEN the diff is shown, a sum 10% off stops the write until accepted, then it is written, audited and re-import is unchanged", async () => {
    const bytes = await messyWorkbook();
    const dry = done(await importTaskSplit(db.prisma, bytes, { ...opts, apply: false }));
    expect(dry.status).toBe("pending");
    expect(dry.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(dry.layout).toMatchObject({ sheet: "2021年分解", headerRows: [4, 5], rows: 6, baselineSheet: { sheet: "县级基期值", counties: 2, rows: 1 } });
    expect(dry.offSums.map((s) => [s.indicator, s.sum, s.deviation])).toEqual([["T2-1", 5500, 0.1]]);
    expect(dry.sums.map((s) => s.indicator).sort()).toEqual(["G2", "G3", "T18-2", "T2-1"]);
    expect(dry.changes.map((c) => c.key)).toEqual(expect.arrayContaining(["G2", "G3", "G9", "T2-1", "T18-2", "T18-3"]));
    const g2 = dry.changes.find((c) => c.key === "G2")!;
    expect(g2.fields!.map((f) => f.field).sort()).toEqual(["owner", "shares"]);
    expect(dry.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: "matched_by_name", indicator: "T18-3" })]));
    expect((await loadPlanData(db.prisma, CODE))!.indicators.find((i) => i.code === "G2")!.shares).toEqual({});

    const refused = done(await importTaskSplit(db.prisma, bytes, { ...opts, apply: true }));
    expect(refused.status).toBe("sums_unaccepted");
    expect((await loadPlanData(db.prisma, CODE))!.indicators.find((i) => i.code === "G2")!.owner).toBeNull();

    const auditBefore = await db.prisma.auditLog.count({ where: { action: "plan.revise" } });
    const applied = done(await importTaskSplit(db.prisma, bytes, { ...opts, apply: true, acceptSums: true }));
    expect(applied.status).toBe("applied");
    const stored = (await loadPlanData(db.prisma, CODE))!;
    const get = (code: string) => stored.indicators.find((i) => i.code === code)!;
    expect(get("G2")).toMatchObject({ owner: "市经信局", shares: EXPECTED.G2 });
    expect(get("G3")).toMatchObject({ owner: "市经信局", baseline: 5200, baselineYear: 2020, shares: EXPECTED.G3, shareBaselines: EXPECTED.G3_BASELINES });
    expect(get("T2-1").shares).toEqual(EXPECTED.T2_1);
    expect(get("T18-2").shares).toEqual(EXPECTED.T18_2);
    expect(get("T18-3")).toMatchObject({ baseline: 18000, baselineYear: 2020, shares: {} });
    expect(get("G9").shares).toEqual(EXPECTED.G9);
    const audit = await db.prisma.auditLog.findMany({ where: { action: "plan.revise" }, orderBy: { id: "desc" } });
    expect(audit).toHaveLength(auditBefore + 1);
    expect(audit[0]).toMatchObject({ actor: "test", subject: CODE, rawInput: "任务分解表.xlsx" });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ format: "xlsx", tolerance: 0.05, sumsAccepted: [expect.objectContaining({ indicator: "T2-1", sum: 5500 })] });

    expect(done(await importTaskSplit(db.prisma, bytes, { ...opts, apply: true, acceptSums: true })).status).toBe("unchanged");
    // A wider tolerance takes the 10 % in its stride.
    expect(done(await importTaskSplit(db.prisma, bytes, { ...opts, apply: false, tolerance: 0.15 })).offSums).toEqual([]);
  });

  it("GIVEN the split applied THEN a fresh template is prefilled with it and round-trips unchanged", async () => {
    const bytes = await template(db);
    const ws = (await load(bytes)).getWorksheet("任务分解表")!;
    const g2 = ws.getRows(5, ws.rowCount - 4)!.find((r) => r.getCell(2).value === "G2")!;
    expect(g2.getCell(7).value).toBe("市经信局");
    expect(COUNTIES.map((_, i) => g2.getCell(10 + i).value)).toEqual(COUNTIES.map((c) => EXPECTED.G2[c as keyof typeof EXPECTED.G2]));
    expect(g2.getCell(20).value).toMatchObject({ result: 7000 });
    const o = done(await importTaskSplit(db.prisma, bytes, { ...opts, apply: false }));
    expect(o.status).toBe("unchanged");
    expect(o.problems.filter((p) => p.severity === "error")).toEqual([]);
  });

  it("GIVEN the split applied THEN counties owe their shares: 义乌市 owes G2 on its share of 2000", async () => {
    const plan = (await db.prisma.plan.findUnique({ where: { code: CODE } }))!;
    const yiwu = (await db.prisma.unit.findUnique({ where: { name: "义乌市" } }))!;
    const facts = (await loadPlanFacts(db.prisma, plan.id))!;
    const owed = unitObligation(facts, yiwu.id, { year: 2022, month: 6 }).indicators;
    expect(owed.find((i) => i.code === "G2")).toMatchObject({ target: 2000, targetSource: "share", cityTarget: 7000 });
    expect(owed.find((i) => i.code === "G3")).toMatchObject({ target: 1500, baseline: 1450 });
  });

  it("GIVEN the template filled in a spreadsheet program THEN import shows the diff, --apply writes it, and re-import is unchanged", async () => {
    const book = await load(await template(db));
    const ws = book.getWorksheet("任务分解表")!;
    const rowOf = (code: string) => ws.getRows(5, ws.rowCount - 4)!.find((r) => r.getCell(2).value === code)!;
    // G1: an owner by its short name; T18-1 split by hand, as text, with a formula and a blank.
    rowOf("G1").getCell(7).value = "科技局";
    const t181 = rowOf("T18-1");
    const shares: ExcelJS.CellValue[] = ["50", "40", "30项", "60", { formula: "60*2", result: 120 }, 70, "40", "30", "20", null];
    shares.forEach((v, i) => (t181.getCell(10 + i).value = v));
    const filled = Buffer.from(await book.xlsx.writeBuffer());

    const dry = done(await importTaskSplit(db.prisma, filled, { ...opts, apply: false }));
    expect(dry.status).toBe("pending");
    expect(dry.changes.map((c) => [c.key, c.fields!.map((f) => f.field)])).toEqual([
      ["G1", ["owner"]],
      ["T18-1", ["shares"]],
    ]);
    expect(dry.sums.find((s) => s.indicator === "T18-1")).toMatchObject({ sum: 460, within: false });

    expect(done(await importTaskSplit(db.prisma, filled, { ...opts, apply: true, acceptSums: true })).status).toBe("applied");
    const stored = (await loadPlanData(db.prisma, CODE))!;
    expect(stored.indicators.find((i) => i.code === "G1")!.owner).toBe("市科技局");
    expect(stored.indicators.find((i) => i.code === "T18-1")!.shares).toEqual({ 婺城区: 50, 金东区: 40, 兰溪市: 30, 东阳市: 60, 义乌市: 120, 永康市: 70, 浦江县: 40, 武义县: 30, 磐安县: 20 });
    expect(done(await importTaskSplit(db.prisma, filled, { ...opts, apply: false })).status).toBe("unchanged");
  });

  it("GIVEN a second plan THEN a workbook names its own plan, and naming another is refused", async () => {
    const data = (await loadPlanData(db.prisma, CODE))!;
    const { savePlan } = await import("../../src/persistence/plan-repository.js");
    await savePlan(db.prisma, { ...data, code: "second-plan", title: "第二个方案" }, { sourceHash: "x", sourceName: "x" });
    expect(await writeTaskSplitTemplate(db.prisma)).toMatchObject({ ok: false, problem: "several_plans", plans: [{ code: CODE }, { code: "second-plan" }] });
    const mine = await template2(db, CODE);
    // The workbook says which plan it is for: no --plan needed.
    expect(done(await importTaskSplit(db.prisma, mine, { ...opts, apply: false })).plan.code).toBe(CODE);
    expect(await importTaskSplit(db.prisma, mine, { ...opts, apply: false, plan: "second-plan" })).toMatchObject({ ok: false, problem: "other_plan", workbookPlan: CODE });
    // Named by title, in either script; with two plans in progress and none named: ask.
    expect(await choosePlan(db.prisma, { named: "第二個方案" })).toEqual({ ok: true, code: "second-plan" });
    expect(await choosePlan(db.prisma, { now: new Date("2022-06-15T00:00:00Z") })).toMatchObject({ ok: false, problem: "several_plans" });
    // A workbook that names no plan, with several stored: ask.
    expect(await importTaskSplit(db.prisma, await messyWorkbook(), { ...opts, apply: false })).toMatchObject({ ok: false, problem: "several_plans" });
    expect(await importTaskSplit(db.prisma, await messyWorkbook(), { ...opts, apply: false, plan: "nope" })).toMatchObject({ ok: false, problem: "unknown_plan" });
  });

  it("GIVEN bytes that are no workbook THEN a coded refusal", async () => {
    expect(await importTaskSplit(db.prisma, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]), { ...opts, apply: false })).toMatchObject({ ok: false, problem: "legacy_xls" });
    expect(await importTaskSplit(db.prisma, Buffer.from("PK\x03\x04 broken"), { ...opts, apply: false })).toMatchObject({ ok: false, problem: "unreadable" });
  });
});

async function template2(db: Database, plan: string): Promise<Buffer> {
  const t = await writeTaskSplitTemplate(db.prisma, { plan });
  if (!t.ok) throw new Error(t.problem);
  return t.bytes;
}
