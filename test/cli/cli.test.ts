import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../helpers/databases.js";
import { PLAN_HANS, PLAN_HANT, ROOT } from "../helpers/paths.js";
import { cli } from "../helpers/run-cli.js";

describe("CLI usage (no database needed)", () => {
  it("GIVEN no arguments or --help THEN it lists every command and exits 0", async () => {
    for (const args of [[], ["--help"], ["help"]]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      for (const c of ["plan import", "plan export", "plan show", "unit list", "indicator list", "bind", "unbind", "config check"]) {
        expect(r.stdout).toContain(`duban ${c}`);
      }
    }
  });

  it("GIVEN --lang en or LANG=en THEN help is in English, otherwise Chinese", async () => {
    expect((await cli(["--help", "--lang", "en"])).stdout).toContain("Commands:");
    expect((await cli(["--help"], { LANG: "en_US.UTF-8" })).stdout).toContain("Commands:");
    expect((await cli(["--help"])).stdout).toContain("命令：");
  });

  it("GIVEN <command> --help THEN it shows that command's usage and exits 0", async () => {
    const r = await cli(["plan", "import", "--help", "--lang", "en"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: duban plan import <file>");
    expect(r.stdout).toContain("--apply");
  });

  it.each([
    [["frobnicate"], "unknown command"],
    [["plan", "import"], "missing <file>"],
    [["plan", "import", "x.txt", "--bogus"], "Unknown option"],
    [["bind", "telegram", "U1", "义乌市"], "platform must be"],
    [["bind", "slack", "U1"], "need <user-id> and <unit>"],
  ])("GIVEN bad usage %j THEN exit code 2 and a message", async (args, message) => {
    const r = await cli([...args, "--lang", "en"], { DATABASE_URL: "file:/nonexistent/never-opened.db" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("GIVEN a bad environment THEN config check names each variable and exits 1; secrets are masked when valid", async () => {
    // TZ is no configuration any more (every date follows its plan's time zone): a bad one is not a problem.
    const bad = await cli(["config", "check", "--json"], { PORT: "eighty", TZ: "Mars/Base", SLACK_BOT_TOKEN: "nope" });
    expect(bad.code).toBe(1);
    const problems = bad.json<{ problems: { variable: string; code: string }[] }>().problems;
    expect(problems.map((p) => p.variable)).toEqual(expect.arrayContaining(["PORT", "SLACK_BOT_TOKEN"]));
    expect(problems.map((p) => p.variable)).not.toContain("TZ");
    expect(problems.find((p) => p.variable === "PORT")?.code).toBe("port_number");
    // In Chinese, each variable with a Chinese sentence.
    const zh = await cli(["config", "check"], { PORT: "eighty", SLACK_BOT_TOKEN: "nope" });
    expect(zh.stderr).toContain("PORT：须为数字");

    const secret = "xoxb-1234567890-abcdefghijklmnop";
    const ok = await cli(["config", "check", "--json"], {
      SLACK_BOT_TOKEN: secret,
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      DATABASE_URL: "postgresql://duban:s3cret-pw@db.internal:5432/duban",
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain(secret.slice(5));
    expect(ok.stdout).not.toContain("8f742231b10e8888");
    expect(ok.stdout).not.toContain("s3cret-pw");
    const cfg = ok.json<{ config: { slack: { mode: string }; database: { provider: string } } }>().config;
    expect(cfg.slack.mode).toBe("http");
    expect(cfg.database.provider).toBe("postgresql");
  });
});

describe.each(PROVIDERS)("CLI on %s", (provider) => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), "duban-cli-"));
  beforeAll(async () => {
    tdb = await createTestDatabase(provider);
    env = { DATABASE_URL: tdb.url };
  });
  afterAll(async () => tdb.drop());

  it("GIVEN no plan THEN plan show fails with exit 1 and says how to import", async () => {
    const r = await cli(["plan", "show", "--lang", "en"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("duban plan import");
  });

  it("GIVEN the Traditional document THEN plan import --json reports what it found and what it could not place", async () => {
    const r = await cli(["plan", "import", PLAN_HANT, "--json"], env);
    expect(r.code).toBe(0);
    const out = r.json<{
      status: string;
      summary: { tasks: number; workItems: number };
      unplaced: { reason: string; text: string }[];
    }>();
    expect(out.status).toBe("created");
    expect(out.summary).toMatchObject({ tasks: 25, workItems: 43 });
    expect(out.unplaced.map((u) => u.reason)).toEqual(expect.arrayContaining(["title_missing", "placeholder_unit", "year"]));
    // 建设1—2所 keeps its range and is listed for a person to confirm.
    expect(out.unplaced).toContainEqual({ kind: "number", where: "M3#2", text: "1—2所", reason: "range_target", detail: "1—2所" });
  });

  it("GIVEN the same plan in the other script THEN re-import reports no change, in text and in JSON", async () => {
    const text = await cli(["plan", "import", PLAN_HANS, "--lang", "en"], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("nothing changed");
    expect(text.stdout).toContain("Could not place");
    expect(text.stdout).toContain("[M3#2] 「1—2所」 a range target");
    const zh = await cli(["plan", "import", PLAN_HANS], env);
    expect(zh.stdout).toContain("与数据库中的方案一致");
    expect(zh.stdout).toContain("[M3#2] 「1—2所」 区间目标：以下限为目标值，上限一并保存，请核对考核口径");
    const json = await cli(["plan", "import", PLAN_HANS, "--json"], env);
    expect(json.json<{ status: string; changes: unknown[] }>()).toMatchObject({ status: "unchanged", changes: [] });
  });

  it("GIVEN a stored plan THEN plan show, indicator list and unit list answer in text and JSON", async () => {
    const show = await cli(["plan", "show"], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("[T13#1] 牵头：市金融办；配合：市经信局");
    const inds = await cli(["indicator", "list", "--json"], env);
    const list = inds.json<{ code: string; name: string; unit: string; target: number; kind: string }[]>();
    expect(list).toContainEqual(expect.objectContaining({ kind: "stock", unit: "台", target: 25000 }));
    const units = await cli(["unit", "list", "--json"], env);
    const jxj = units.json<{ name: string; leads: number; aliases: string[] }[]>().find((u) => u.name === "市经信局")!;
    expect(jxj.leads).toBeGreaterThan(15);
    expect(jxj.aliases).toEqual(expect.arrayContaining(["經信局", "经信局"]));
  });

  it("GIVEN an export edited by hand THEN import shows the change, writes it only with --apply", async () => {
    const file = join(dir, `${provider}.yaml`);
    expect((await cli(["plan", "export", file], env)).code).toBe(0);
    const doc = parseYaml(readFileSync(file, "utf8")) as { indicators: { code: string; target: number }[] };
    const first = doc.indicators[0]!;
    const old = first.target;
    first.target = old + 1;
    writeFileSync(file, toYaml(doc));
    const dry = await cli(["plan", "import", file, "--json"], env);
    expect(dry.code).toBe(0);
    expect(dry.json<{ status: string; changes: { key: string }[] }>()).toMatchObject({ status: "pending", changes: [{ key: first.code }] });
    const listed = (await cli(["indicator", "list", "--json"], env)).json<{ code: string; target: number }[]>();
    expect(listed.find((i) => i.code === first.code)!.target).toBe(old);
    const applied = await cli(["plan", "import", file, "--apply", "--json"], env);
    expect(applied.json<{ status: string }>().status).toBe("applied");
    const after = (await cli(["indicator", "list", "--json"], env)).json<{ code: string; target: number }[]>();
    expect(after.find((i) => i.code === first.code)!.target).toBe(old + 1);
  });

  it("GIVEN a bad file THEN import exits 1 naming the problem and writes nothing", async () => {
    const before = (await cli(["audit", "list", "--json"], env)).json<unknown[]>().length;
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "");
    const r = await cli(["plan", "import", empty, "--lang", "en"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the file is empty");
    expect(r.stderr).toContain("Nothing was written");
    const missing = await cli(["plan", "import", join(dir, "nope.txt")], env);
    expect(missing.code).toBe(1);
    expect((await cli(["audit", "list", "--json"], env)).json<unknown[]>().length).toBe(before);
  });

  it("GIVEN stored reports THEN report list and report show give values, narrative and the revision history", async () => {
    const { openDatabase } = await import("../../src/persistence/database.js");
    const { submitRevision } = await import("../../src/persistence/report-repository.js");
    const db = await openDatabase(tdb.url);
    try {
      const plan = (await db.prisma.plan.findFirst())!;
      const unit = (await db.prisma.unit.findUnique({ where: { name: "市经信局" } }))!;
      const ind = (await db.prisma.indicator.findFirst({ where: { code: "T18-2" } }))!;
      const base = { planId: plan.id, unitId: unit.id, period: 202610, identityId: null, platform: "cli", narrative: {} };
      await submitRevision(db.prisma, { ...base, mode: "report", rawInput: "上报 新增工业机器人 260台", reason: null, narrative: { progress: "顺利" }, values: [{ indicatorId: ind.id, value: 260, raw: "260台" }] });
      await submitRevision(db.prisma, { ...base, mode: "correct", rawInput: "修改 新增工业机器人 270台 原因:口径", reason: "口径", values: [{ indicatorId: ind.id, value: 270, raw: "270台" }] });
    } finally {
      await db.close();
    }
    const list = await cli(["report", "list", "--period", "2026-10", "--json"], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json()).toEqual([expect.objectContaining({ unit: "市经信局", period: 202610, revision: 2, revisions: 2, values: 1 })]);
    const show = await cli(["report", "show", "經信局", "2026年10月", "--json"], env);
    expect(show.code, show.stderr).toBe(0);
    const r = show.json<{ values: { code: string; value: number }[]; narrative: { progress: string }; revisions: { revision: number; reason: string | null; rawInput: string; values: { value: number }[] }[] }>();
    expect(r.values).toEqual([expect.objectContaining({ code: "T18-2", value: 270 })]);
    expect(r.narrative.progress).toBe("顺利");
    expect(r.revisions.map((x) => [x.revision, x.reason, x.values[0]!.value])).toEqual([
      [1, null, 260],
      [2, "口径", 270],
    ]);
    const text = await cli(["report", "show", "市经信局", "2026-10"], env);
    expect(text.stdout).toContain("修改历史");
    const none = await cli(["report", "show", "义乌市", "2026-10"], env);
    expect(none.code).toBe(1);
    const badPeriod = await cli(["report", "list", "--period", "十三月"], env);
    expect(badPeriod.code).toBe(2);
  });

  it("GIVEN bind and unbind THEN units resolve by alias in either script, and every change is audited", async () => {
    const r = await cli(["bind", "dingtalk", "0123", "義烏", "--role", "liaison", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ unit: "义乌市", role: "liaison", created: true });
    const again = await cli(["bind", "dingtalk", "0123", "义乌市", "--json"], env);
    expect(again.json()).toMatchObject({ created: false });
    const short = await cli(["bind", "slack", "U1", "經信局", "--role", "admin", "--json"], env);
    expect(short.code).toBe(0);
    expect(short.json()).toMatchObject({ unit: "市经信局", role: "admin" });
    const nope = await cli(["bind", "slack", "U1", "市不存在局", "--lang", "en"], env);
    expect(nope.code).toBe(1);
    expect(nope.stderr).toContain('No unit "市不存在局"');
    const badRole = await cli(["bind", "slack", "U1", "义乌市", "--role", "boss"], env);
    expect(badRole.code).toBe(2);
    const list = (await cli(["binding", "list", "--json"], env)).json<{ userId: string; unit: string }[]>();
    expect(list).toContainEqual(expect.objectContaining({ userId: "0123", unit: "义乌市" }));
    const un = await cli(["unbind", "dingtalk", "0123", "--json"], env);
    expect(un.json()).toMatchObject({ removed: 1 });
    const unAgain = await cli(["unbind", "dingtalk", "0123"], env);
    expect(unAgain.code).toBe(1);
    const audit = (await cli(["audit", "list", "--json"], env)).json<{ action: string }[]>().map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(["bind", "unbind", "plan.create", "plan.revise"]));
  });
});

describe("CLI next to a running bot", () => {
  it("GIVEN another process holds the SQLite file open (the bot) THEN admin commands still work", async () => {
    const tdb = await createTestDatabase("sqlite");
    const { openDatabase } = await import("../../src/persistence/database.js");
    const bot = await openDatabase(tdb.url);
    try {
      await bot.prisma.auditLog.count();
      const r = spawnSync(process.execPath, [join(ROOT, "bin/duban.js"), "audit", "list", "--json"], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: tdb.url },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
    } finally {
      await bot.close();
      await tdb.drop();
    }
  });
});

describe("the duban executable", () => {
  it("GIVEN the real binary THEN exit codes are 0, 1 and 2 as documented", () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(ROOT, "bin/duban.js"), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: "utf8",
        timeout: 30_000,
      });
    expect(run(["--help"]).status).toBe(0);
    expect(run(["nonsense"]).status).toBe(2);
    const bad = run(["config", "check"], { PORT: "-5" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("PORT");
    // Three cold starts of a real process (tsx compiling on the way): seconds each on a busy machine.
  }, 120_000);
});
