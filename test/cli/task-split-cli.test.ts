import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { PLAN_HANS } from "../helpers/paths.js";
import { cli } from "../helpers/run-cli.js";
import { messyWorkbook } from "./task-split-fixtures.js";

const CODE = "jinhua-manufacturing-2021-2023";

/** Latin words in Chinese text that are not codes, ids, units, flags or file names. */
function latinWords(text: string): string[] {
  return (text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !["xlsx", "duban", "plan", "import", "template", "apply", "accept", "sums", "tolerance", "tmp", "jinhua", "manufacturing", "out"].includes(w));
}

describe("duban plan template / plan import .xlsx: usage (no database needed)", () => {
  it("GIVEN --help THEN plan template is listed and plan import documents the workbook options", async () => {
    const all = await cli(["--help"]);
    expect(all.stdout).toContain("duban plan template");
    const help = await cli(["plan", "import", "--help", "--lang", "en"]);
    for (const flag of ["--tolerance", "--accept-sums", "--plan", ".xlsx"]) expect(help.stdout).toContain(flag);
    const zh = await cli(["plan", "template", "--help"]);
    expect(zh.stdout).toContain("--out");
    expect(zh.stdout).toContain("任务分解表");
  });

  it.each([
    [["plan", "template"], "--out"],
    [["plan", "template", "--out", "x.csv"], ".xlsx"],
    [["plan", "template", "--out", "x.xlsx", "--tolerance", "lots"], "--tolerance"],
  ])("GIVEN %j THEN exit 2", async (args, message) => {
    const r = await cli([...args, "--lang", "en"], { DATABASE_URL: "file:/nonexistent/never-opened.db" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe.each(PROVIDERS)("duban plan template / plan import .xlsx on %s", (provider) => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  // Files are named in Chinese and passed relative to the directory, so the output has no Latin path in it.
  const dir = mkdtempSync(join(tmpdir(), "duban-split-"));
  const run = (args: string[]) => cli(args, env, dir);
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    env = { DATABASE_URL: tdb.url };
    const seeded = await run(["plan", "import", PLAN_HANS, "--code", CODE, "--title", "金华市制造业攻坚行动方案"]);
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(async () => tdb.drop());

  it("GIVEN the plan THEN plan template writes the workbook, and importing it untouched changes nothing", async () => {
    const file = "任务分解表.xlsx";
    const t = await run(["plan", "template", "--out", file]);
    expect(t.code, t.stderr).toBe(0);
    expect(existsSync(join(dir, file))).toBe(true);
    expect(t.stdout).toContain("10 个县（市、区）列");
    expect(latinWords(t.stdout)).toEqual([]);
    const r = await run(["plan", "import", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("合计校验");
    expect(r.stdout).toContain("±5%");
    expect(r.stdout).toContain("与数据库中的方案一致");
    expect(r.stdout).toContain("表头在第 3—4 行");
  });

  it("GIVEN a misspelt county and a non-number THEN exit 1, the cells are named with a did-you-mean, and nothing is written", async () => {
    const file = "有错的表.xlsx";
    writeFileSync(join(dir, file), await messyWorkbook({ misspelt: true, nonNumber: true }));
    const r = await run(["plan", "import", file, "--apply", "--accept-sums"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("2021年分解 I5：表头「义鸟市」不是本方案的县（市、区）或开发区，是否指“义乌市”？");
    expect(r.stdout).toContain("2021年分解 M11（T18-2）：「待定」不是数字（单位：台）。");
    expect(r.stderr).toContain("未写入：表中有 2 处错误");
    expect(latinWords(r.stdout)).toEqual([]);
    const json = await run(["plan", "import", file, "--json", "--lang", "en"]);
    expect(json.code).toBe(1);
    const out = json.json<{ status: string; problems: { code: string; cell: string; message: string }[] }>();
    expect(out.status).toBe("invalid");
    expect(out.problems.find((p) => p.code === "unknown_county")).toMatchObject({ cell: "I5", message: expect.stringContaining('did you mean "义乌市"') });
    const shares = (await run(["indicator", "list", "--json"])).json<{ code: string; shares: Record<string, number> }[]>();
    expect(shares.every((i) => Object.keys(i.shares).length === 0)).toBe(true);
  });

  it("GIVEN a messy workbook THEN the diff and the tolerance are shown; --apply stops at a sum 10% off; --accept-sums writes; re-import is unchanged", async () => {
    const file = "各县填报.xlsx";
    writeFileSync(join(dir, file), await messyWorkbook());
    const dry = await run(["plan", "import", file]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("T2-1 整治提升高耗低效企业（第 10 行）：10 个县（市、区）合计 5500家，市级目标 5000家，高出 10%，超出 ±5%");
    expect(dry.stdout).toContain("~ 修改指标 G2：规上工业产值 7000亿元");
    expect(dry.stdout).toContain("责任单位：无 → 市经信局");
    expect(dry.stdout).toContain("义乌市 2000");
    expect(dry.stdout).toContain("--accept-sums");

    const stopped = await run(["plan", "import", file, "--apply"]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("未写入：1 个指标的合计超出 ±5%");

    const wider = await run(["plan", "import", file, "--tolerance", "15%", "--json"]);
    expect(wider.json<{ tolerance: number; offSums: string[] }>()).toMatchObject({ tolerance: 0.15, offSums: [] });

    const applied = await run(["plan", "import", file, "--apply", "--accept-sums"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("已写入。已按 --accept-sums 接受 1 个超出 ±5% 的合计");
    expect(latinWords(applied.stdout)).toEqual([]);
    const list = (await run(["indicator", "list", "--json"])).json<{ code: string; owner: string | null; shares: Record<string, number>; baseline: number | null }[]>();
    expect(list.find((i) => i.code === "G2")).toMatchObject({ owner: "市经信局", shares: expect.objectContaining({ 义乌市: 2000, 金华开发区: 300 }) });
    expect(list.find((i) => i.code === "G3")!.baseline).toBe(5200);
    const audit = (await run(["audit", "list", "--json"])).json<{ action: string; rawInput: string }[]>();
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: "plan.revise", rawInput: "各县填报.xlsx" })]));

    const again = await run(["plan", "import", file, "--apply", "--accept-sums", "--json"]);
    expect(again.json<{ status: string }>().status).toBe("unchanged");

    // The template now carries the split, and goes round unchanged.
    const round = "再导出.xlsx";
    expect((await run(["plan", "template", "--out", round])).code).toBe(0);
    const back = await run(["plan", "import", round, "--json"]);
    expect(back.json<{ status: string }>().status).toBe("unchanged");
  });

  it("GIVEN --lang en THEN the report is in English", async () => {
    const file = "各县填报二.xlsx";
    writeFileSync(join(dir, file), await messyWorkbook());
    const r = await run(["plan", "import", file, "--lang", "en"]);
    expect(r.stdout).toContain("Sum check: the counties' shares may differ from the city target by up to ±5%");
    expect(r.stdout).toContain("Same as the stored plan: nothing changed.");
  });

  it("GIVEN flags of one kind of file on another, or an old .xls THEN refused", async () => {
    expect((await run(["plan", "import", PLAN_HANS, "--tolerance", "5%"])).code).toBe(2);
    const file = "各县填报三.xlsx";
    writeFileSync(join(dir, file), await messyWorkbook());
    expect((await run(["plan", "import", file, "--code", "x"])).code).toBe(2);
    const xls = "old.xls";
    writeFileSync(join(dir, xls), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    const old = await run(["plan", "import", xls]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain("另存为 .xlsx");
  });

  it("GIVEN two plans THEN commands without --plan list them and exit 1; --plan picks one", async () => {
    const yaml = "第二个方案.yaml";
    expect((await run(["plan", "export", yaml])).code).toBe(0);
    const { readFileSync } = await import("node:fs");
    writeFileSync(join(dir, yaml), readFileSync(join(dir, yaml), "utf8").replace(`code: ${CODE}`, "code: second-plan").replace(/^ {2}title: .*$/m, "  title: 第二个方案"));
    expect((await run(["plan", "import", yaml])).code).toBe(0);
    const out = "第二个方案.xlsx";
    const ask = await run(["plan", "template", "--out", out]);
    expect(ask.code).toBe(1);
    expect(ask.stderr).toContain("请用 --plan 指明");
    expect(ask.stderr).toContain("second-plan  第二个方案");
    expect(ask.stderr).toContain(CODE);
    expect((await run(["plan", "show"])).code).toBe(1);
    expect((await run(["plan", "template", "--out", out, "--plan", "second-plan"])).code).toBe(0);
    // That workbook is for second-plan: importing it into the other plan is refused.
    const wrong = await run(["plan", "import", out, "--plan", CODE]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("这份表是为方案 second-plan 生成的");
    const right = await run(["plan", "import", out, "--json"]);
    expect(right.json<{ plan: { code: string }; status: string }>()).toMatchObject({ plan: { code: "second-plan" }, status: "unchanged" });
  });
});
