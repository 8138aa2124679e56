import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { seedRankingWorld } from "../helpers/ranking-world.js";
import { cli } from "../helpers/run-cli.js";

describe.each(PROVIDERS)("ranking CLI on %s", (provider) => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), "duban-rank-cli-"));
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    const db = await tdb.open();
    await seedRankingWorld(db);
    await db.close();
    env = { DATABASE_URL: tdb.url };
  });
  afterAll(async () => tdb.drop());

  it("GIVEN compute THEN the ranking with ties, the unit that sent nothing ranked and summoned, in Chinese or as JSON; bad usage exits 2", async () => {
    const r = await cli(["ranking", "compute", "--quarter", "2022Q1", "--json"], env);
    expect(r.code).toBe(0);
    const ranking = r.json<{ ranked: { name: string; rank: number; total: number }[]; unranked: { name: string; unranked: string }[] }>();
    expect(ranking.ranked.map((u) => [u.name, u.rank, u.total])).toEqual([["东阳市", 1, 100], ["义乌市", 1, 100], ["永康市", 3, 88], ["兰溪市", 4, 0]]);
    expect(ranking.unranked.map((u) => [u.name, u.unranked])).toContainEqual(["磐安县", "not_owed"]);
    const zh = await cli(["ranking", "compute", "--quarter", "2022Q1"], env);
    expect(zh.stdout).toContain("2022年第一季度 县（市、区）排名");
    expect(zh.stdout).toContain("  4  兰溪市  0  通报约谈");
    expect(zh.stdout).toContain("  —  磐安县（本期无应报事项）");
    expect(zh.stdout).not.toMatch(/not_owed|county|summoned/u);
    expect((await cli(["ranking", "compute", "--lang", "en"], env)).code).toBe(2);
    expect((await cli(["ranking", "compute", "--quarter", "someday"], env)).code).toBe(2);
    expect((await cli(["ranking", "compute", "--quarter", "2022Q1", "--kind", "city"], env)).code).toBe(2);
  });

  it("GIVEN explain by alias THEN the computation; an unknown unit exits 1 with --json", async () => {
    const r = await cli(["ranking", "explain", "永康", "--quarter", "2022Q1", "--lang", "en"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Q1 2022: rank 3 of 4 counties");
    expect(r.stdout).toContain("Total = 90 × 70% + 83.33 × 30% = 88");
    const zh = await cli(["ranking", "explain", "永康", "--quarter", "2022Q1"], env);
    expect(zh.stdout).toContain("永康市 2022年第一季度排名计算说明");
    expect(zh.stdout).toContain("综合得分 = 90 × 70% + 83.33 × 30% = 88分");
    const j = await cli(["ranking", "explain", "義烏", "--quarter", "2022Q1", "--json"], env);
    expect(j.json<{ explanation: { name: string; rank: number } }>().explanation).toMatchObject({ name: "义乌市", rank: 1 });
    const bad = await cli(["ranking", "explain", "火星市", "--quarter", "2022Q1", "--json"], env);
    expect(bad.code).toBe(1);
    expect(bad.json<{ error: string }>().error).toBe("unknown_unit");
  });

  it("GIVEN post --dry-run, post, post again THEN nothing stored, then published once, then already published", async () => {
    const dry = await cli(["ranking", "post", "--quarter", "2022Q1", "--dry-run", "--json"], env);
    expect(dry.code).toBe(0);
    expect(dry.json<{ status: string; snapshotId: number | null }>()).toMatchObject({ status: "dry_run", snapshotId: null });
    const post = await cli(["ranking", "post", "--quarter", "2022Q1"], env);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain("未配置专班群");
    expect(post.stdout).toContain("永康市");
    const again = await cli(["ranking", "post", "--quarter", "2022Q1", "--json"], env);
    expect(again.json<{ status: string; wouldPost: { chartBytes: number } }>()).toMatchObject({ status: "already_published" });
  });

  it("GIVEN export --out THEN an .xlsx that reads back", async () => {
    const out = join(dir, "q1.xlsx");
    const r = await cli(["export", "--quarter", "2022Q1", "--out", out, "--json"], env);
    expect(r.code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.worksheets.map((s) => s.name)).toContain("排名");
    expect((await cli(["export", "--quarter", "2022Q1"], env)).code).toBe(2);
  });
  it("GIVEN --year THEN the annual assessment's window (年度考核); --year with --quarter, or a bad year, exits 2", async () => {
    const r = await cli(["ranking", "compute", "--year", "2022", "--json"], env);
    expect(r.code).toBe(0);
    const ranking = r.json<{ window: { label: string; scope: string; months: unknown[] }; ranked: { name: string }[] }>();
    expect(ranking.window).toMatchObject({ label: "2022", scope: "year" });
    expect(ranking.window.months).toHaveLength(12);
    expect(ranking.ranked.map((u) => u.name)).toContain("义乌市");
    const dry = await cli(["ranking", "post", "--year", "2022", "--dry-run", "--json"], env);
    expect(dry.code).toBe(0);
    expect(dry.json<{ status: string; window: string; wouldPost: { message: string[] } }>()).toMatchObject({
      status: "dry_run",
      window: "2022",
      wouldPost: { message: expect.arrayContaining(["2022年度 县（市、区）考核"]) },
    });
    expect((await cli(["ranking", "compute", "--year", "2022", "--quarter", "2022Q1"], env)).code).toBe(2);
    expect((await cli(["ranking", "compute", "--year", "22"], env)).code).toBe(2);
    const help = await cli(["ranking", "post", "--help", "--lang", "en"], env);
    expect(help.stdout).toContain("--year 2026 for the annual assessment");
  });

  it("GIVEN digest show and post THEN the month's digest; without a task-force group it is printed, not posted", async () => {
    const show = await cli(["digest", "show", "--period", "2022-03"], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("2022年3月 月度监测");
    expect(show.stdout).toContain("- 逾期：永康市（2022年4月20日报送）");
    const json = await cli(["digest", "show", "--period", "2022-03", "--json"], env);
    const d = json.json<{ due: string; sections: { kind: string; missing: { name: string }[] }[] }>();
    expect(d.due).toBe("2022-04-06");
    expect(d.sections.find((s) => s.kind === "county")!.missing.map((u) => u.name)).toEqual(["兰溪市"]);

    const dry = await cli(["digest", "post", "--period", "2022-03", "--dry-run", "--json"], env);
    expect(dry.code).toBe(0);
    expect(dry.json<{ status: string; targets: unknown[] }>()).toMatchObject({ status: "dry_run", targets: [] });
    const post = await cli(["digest", "post", "--period", "2022-03", "--lang", "en"], env);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain("No task-force group on a configured platform");
    expect(post.stdout).toContain("Monthly digest: Mar 2022");
    const outside = await cli(["digest", "post", "--period", "2026-11"], env);
    expect(outside.code).toBe(0);
    expect(outside.stdout).toContain("该月不在方案报送期内：不发送。");
    expect(outside.stdout).toContain("2026年11月不在报送期内，无需报送。");

    expect((await cli(["digest", "show"], env)).code).toBe(2);
    expect((await cli(["digest", "post", "--period", "2022Q1"], env)).code).toBe(2);
    const help = await cli(["--help"], env);
    expect(help.stdout).toContain("digest post");
  });
});
