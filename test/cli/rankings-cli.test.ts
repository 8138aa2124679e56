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

  it("GIVEN compute --json THEN the ranking with ties and units apart; bad usage exits 2", async () => {
    const r = await cli(["ranking", "compute", "--quarter", "2022Q1", "--json"], env);
    expect(r.code).toBe(0);
    const ranking = r.json<{ ranked: { name: string; rank: number; total: number }[]; unranked: { name: string }[] }>();
    expect(ranking.ranked.map((u) => [u.name, u.rank, u.total])).toEqual([["东阳市", 1, 88.33], ["义乌市", 1, 88.33], ["永康市", 3, 77.5]]);
    expect(ranking.unranked.map((u) => u.name)).toContain("兰溪市");
    expect((await cli(["ranking", "compute", "--lang", "en"], env)).code).toBe(2);
    expect((await cli(["ranking", "compute", "--quarter", "someday"], env)).code).toBe(2);
    expect((await cli(["ranking", "compute", "--quarter", "2022Q1", "--kind", "city"], env)).code).toBe(2);
  });

  it("GIVEN explain by alias THEN the computation; an unknown unit exits 1 with --json", async () => {
    const r = await cli(["ranking", "explain", "永康", "--quarter", "2022Q1", "--lang", "en"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Rank 3 of 3 counties (summoned)");
    expect(r.stdout).toContain("Total: 0.7×75 + 0.3×83.33 = 77.5");
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
});
