import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/persistence/database.js";
import { resetExample } from "../../src/services/example-world.js";
import { seedBundledPlan } from "../../src/services/seed-bundled-plan.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Issue 10 §7: the plan's time zone is a plan setting, not the server's TZ. The same commands in
 * processes started with TZ=Asia/Shanghai and TZ=America/New_York print the same thing, and the
 * times they print are Beijing wall-clock times with the year.
 */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], { cwd: ROOT, env: { ...process.env, LANG: "zh_CN.UTF-8", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("a server whose own TZ is not the plan's", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-tz-"));
  const url = `file:${join(dir, "duban.db")}`;
  beforeAll(async () => {
    const db = await openDatabase(url, { migrate: true });
    await seedBundledPlan(db.prisma);
    await resetExample(db.prisma, { now: new Date("2026-11-10T02:00:00Z"), actor: "test" });
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [["report", "show", "义乌市", "2026-07", "--plan", "示例"]],
    [["remind", "run", "--dry-run", "--at", "2026-11-03T10:00:00+08:00", "--plan", "示例"]],
  ])("GIVEN %j THEN TZ=America/New_York prints what TZ=Asia/Shanghai prints, in Beijing time", async (args) => {
    const [shanghai, newYork] = await Promise.all([run(args, { DATABASE_URL: url, TZ: "Asia/Shanghai" }), run(args, { DATABASE_URL: url, TZ: "America/New_York" })]);
    expect(shanghai.code, shanghai.out).toBe(0);
    expect(newYork.out).toBe(shanghai.out);
    // A wall-clock time with the year: 2026年8月3日 10:31, never an ISO string or UTC.
    expect(shanghai.out).toMatch(/20\d\d年\d{1,2}月\d{1,2}日 \d\d:\d\d/u);
    expect(shanghai.out).not.toMatch(/\dT\d\d:\d\d|UTC|Z\b/u);
  }, 60_000);
});
