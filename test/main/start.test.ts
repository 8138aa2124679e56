import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";

/** `npm start`, minus npm: the same entry point, in a child process, on a free port. */
function startBot(env: Record<string, string>): { child: ChildProcess; output: () => string; port: Promise<number> } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const port = new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/"port":(\d+),"msg":"listening/);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, output: () => out, port };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", (c) => resolve(c))));

describe("npm start (embedded default)", () => {
  let running: ChildProcess | undefined;
  afterEach(() => {
    running?.kill("SIGKILL");
  });

  it("GIVEN no platform credentials THEN it migrates, seeds the bundled plan, serves /healthz, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-start-"));
    const bot = startBot({ DATABASE_URL: `file:${join(dir, "duban.db")}` });
    running = bot.child;
    const port = await bot.port;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: "ok",
      database: "ok",
      provider: "sqlite",
      plan: { loaded: true, code: "jinhua-manufacturing-2021-2023", workItems: 43 },
      platforms: { slack: false, dingtalk: false, local: true },
    });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    const log = bot.output();
    expect(log).toContain("imported the bundled plan");
    // The example world (示例) is there for a newcomer: a county's liaison sees what it owes this month.
    expect(log).toContain("example plan (示例) ready");
    const post = async (path: string, body: unknown) =>
      (await (await fetch(`http://127.0.0.1:${port}/chat/api/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as Record<string, unknown>;
    const { userId } = (await post("identity", { role: "liaison", unit: "义乌市" })) as { userId: string };
    const status = (await post("message", { userId, text: "我的任务" })) as { title: string; lines: string[] };
    expect(status.lines.join("\n")).toContain("《示例》");
    expect(status.lines.join("\n")).toContain("分解目标");
    expect(log).toContain("Slack not configured");
    expect(log).toContain("DingTalk not configured");

    bot.child.kill("SIGTERM");
    expect(await exited(bot.child)).toBe(0);
    expect(bot.output()).toContain('"msg":"stopped"');

    // A second start finds the plan and does not import it again.
    const again = startBot({ DATABASE_URL: `file:${join(dir, "duban.db")}` });
    running = again.child;
    await again.port;
    expect(again.output()).toContain('"msg":"plan loaded"');
    expect(again.output()).not.toContain("imported the bundled plan");
    expect(again.output()).not.toContain("example plan (示例) ready");
    again.child.kill("SIGINT");
    expect(await exited(again.child)).toBe(0);
    // Two full starts (migrate, seed, listen) in child processes: generous on a loaded 2-core CI box.
  }, 90_000);

  it("GIVEN a bad variable THEN it does not start, names the variable and exits 1, without echoing secrets", async () => {
    const bot = startBot({ PORT: "not-a-port", SLACK_BOT_TOKEN: "xoxb-very-secret-token" });
    running = bot.child;
    bot.port.catch(() => {});
    expect(await exited(bot.child)).toBe(1);
    expect(bot.output()).toContain("PORT");
    expect(bot.output()).toContain("SLACK_SIGNING_SECRET");
    expect(bot.output()).not.toContain("very-secret");
  });
});
