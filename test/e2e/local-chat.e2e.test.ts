import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bot, Incoming, LocalDirectory, Reply, ReportForm } from "../../handlers/types.js";
import { createLocalChat } from "../../src/adapters/local/local-chat.js";
import { startHttpServer, type HttpServer } from "../../src/http/http-server.js";

/**
 * The local chat page in Debian's headless Chromium, against a scripted Bot:
 * what a newcomer does in their first two minutes.
 */

const CHROMIUM = "/usr/bin/chromium";
const SKIP = process.env.DUBAN_SKIP_BROWSER === "1";
const SCREENSHOT = "/tmp/duban-local-chat.png";
if (SKIP) console.warn("local chat e2e SKIPPED: DUBAN_SKIP_BROWSER=1, so the page is not tried in a browser");

const FORM: ReportForm = {
  mode: "report",
  unit: { id: 7, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [
    { code: "T18-2", name: "新增工业机器人", unit: "台", kind: "cumulative", last: "260台 (2026年9月)" },
    { code: "G5", name: "规上工业增加值增速", unit: "%", kind: "growth", value: "8.5" },
  ],
  narrative: { progress: "" },
  labels: { title: "月度上报", submit: "提交", progress: "进展", problems: "问题", nextSteps: "计划", reason: "原因", period: "期间" },
};

/** Answers like the core would, enough to walk through the flow; records what it got. */
function scriptedBot() {
  const seen: Incoming[] = [];
  const bot: Bot = {
    async handle(incoming) {
      // As the core does: a key seen before gets the earlier answer, marked.
      const again = seen.some((i) => i.eventKey === incoming.eventKey);
      seen.push(incoming);
      if (again) return { status: "ok", title: "已收到", lines: [], duplicate: true };
      if (incoming.form) {
        const robots = incoming.form.values["T18-2"] ?? "";
        if (!/^\d+(台)?$/.test(robots)) {
          return {
            status: "error",
            title: "没有保存：有 1 处问题",
            lines: [],
            fieldErrors: { "T18-2": `“${robots}”不是数字，请填台数` },
            example: "上报 新增工业机器人 270台",
          } satisfies Reply;
        }
        return {
          status: "ok",
          title: "已收到 义乌市 2026年10月 的上报",
          lines: [`- 新增工业机器人 **${robots}**`],
          notices: [
            { to: { kind: "taskforce" }, text: "义乌市 已上报 2026年10月（2 项）" },
            { to: { kind: "unit", unit: "义乌市" }, text: "联络员 local-1 已上报" },
          ],
        } satisfies Reply;
      }
      return {
        status: "info",
        title: "可以这样说",
        // A name with markup in it must show as text, never run.
        lines: ["- **上报** 新增工业机器人 `260台`", "- 查询", "单位：<img src=x onerror=\"window.__pwned=1\">"],
        example: "上报 新增工业机器人 260台 进展:完成两家企业验收",
        actions: [{ id: "open_report_form", label: "填报", value: "2026-10" }],
      } satisfies Reply;
    },
    openForm: async () => FORM,
  };
  return { bot, seen };
}

const directory: LocalDirectory = {
  units: async () => [
    { name: "市经信局", kind: "department" },
    { name: "市发改委", kind: "department" },
    { name: "婺城区", kind: "county" },
    { name: "义乌市", kind: "county", aliases: ["义乌", "義烏市", "義烏"] },
    { name: "金华开发区", kind: "zone" },
  ],
  ensureIdentity: async () => "local-1",
};

describe.skipIf(SKIP)(`local chat page in headless Chromium${SKIP ? " (skipped: DUBAN_SKIP_BROWSER=1)" : ""}`, () => {
  let http: HttpServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];
  const script = scriptedBot();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium), or set DUBAN_SKIP_BROWSER=1 to skip`);
    }
    // Loaded here, not at the top, so that DUBAN_SKIP_BROWSER=1 works on a machine without it too.
    const { chromium } = await import("playwright-core");
    http = await startHttpServer(0, [], "127.0.0.1");
    const chat = createLocalChat({
      bot: script.bot,
      directory,
      http,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      stdin: new PassThrough(),
      stdout: new PassThrough(),
    });
    chat.start();
    profile = mkdtempSync(join(tmpdir(), "duban-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      // A closed network: nothing but our own server may be contacted.
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: "zh-CN",
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(5000);
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    await page.goto(`http://127.0.0.1:${http.port}/`);
  });

  afterAll(async () => {
    await context?.close();
    await http?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("GIVEN a liaison of 义乌市 WHEN they ask for help, fill the form and submit THEN the replies, the field error and the notices show, and a retried message is a duplicate", async () => {
    expect(page.url()).toMatch(/\/chat$/);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");

    // Who am I: 联络员 is the default role; the search narrows the units and picks the only match.
    await page.getByLabel("联络员").check();
    // Traditional input finds the unit through its aliases.
    await page.getByLabel("搜索单位").fill("義烏");
    expect(await page.locator("#unit option").allTextContents()).toEqual(["义乌市"]);
    await page.getByLabel("搜索单位").fill("义乌");
    expect(await page.locator("#unit option").allTextContents()).toEqual(["义乌市"]);
    await page.getByRole("button", { name: "开始" }).click();
    await page.getByText("你现在是 义乌市 的联络员").waitFor();
    await expect.poll(() => page.getByRole("button", { name: /联络员 · 义乌市/ }).isVisible()).toBe(true);

    // 帮助, typed and sent with Enter.
    await page.getByLabel("消息").fill("帮助");
    await page.getByLabel("消息").press("Enter");
    const help = page.locator(".msg.bot").filter({ hasText: "可以这样说" });
    await help.waitFor();
    expect(await help.locator("strong").first().textContent()).toBe("上报");
    expect(await help.locator("li code").first().textContent()).toBe("260台");
    expect(await help.locator("pre").textContent()).toBe("上报 新增工业机器人 260台 进展:完成两家企业验收");
    expect(await help.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(script.seen[0]).toMatchObject({ platform: "local", tenant: "", userId: "local-1", text: "帮助", lang: "zh" });
    expect(script.seen[0]!.eventKey).toMatch(/^local:[0-9a-f-]{36}$/);

    // 填报: the form, one input per indicator with its unit and last value, prefilled where reported.
    await page.locator(".quick").getByRole("button", { name: "填报" }).click();
    const form = page.locator("form.report-form");
    await form.waitFor();
    const robots = form.getByLabel("新增工业机器人");
    await robots.waitFor();
    expect(await form.textContent()).toContain("上次：260台 (2026年9月)");
    expect(await form.getByLabel("规上工业增加值增速").inputValue()).toBe("8.5");

    // A bad value: the reply names it and the field is marked.
    await robots.fill("很多");
    await form.getByRole("button", { name: "提交" }).click();
    await page.locator(".msg.status-error").filter({ hasText: "没有保存" }).waitFor();
    await expect.poll(() => robots.getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator(".field-error:not([hidden])").first().textContent()).toContain("不是数字");

    // Fixed and submitted: a new attempt, so a new event key.
    await robots.fill("270");
    await form.getByLabel("进展").fill("完成两家企业验收");
    await form.getByRole("button", { name: "提交" }).click();
    await page.getByText("已收到 义乌市 2026年10月 的上报").waitFor();
    const [bad, good] = script.seen.filter((i) => i.form);
    expect(good!.form).toEqual({ mode: "report", period: "2026-10", unit: "义乌市", plan: "jinhua-manufacturing-2021-2023", values: { "T18-2": "270", G5: "8.5" }, progress: "完成两家企业验收" });
    expect(good!.eventKey).not.toBe(bad!.eventKey);
    expect(await form.getByRole("button", { name: "已提交" }).isDisabled()).toBe(true);

    // What the bot would post elsewhere.
    const notices = page.locator(".msg.notice");
    expect(await notices.allTextContents()).toEqual(["将发送到 专班群义乌市 已上报 2026年10月（2 项）", "将发送到 义乌市 联络员联络员 local-1 已上报"]);

    await page.screenshot({ path: SCREENSHOT });

    // English toggle: the page's own words and the language sent to the bot.
    await page.getByRole("button", { name: "English" }).click();
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await page.locator(".quick").getByRole("button", { name: "Help" }).click();
    await expect.poll(() => script.seen.at(-1)?.text).toBe("help");
    expect(script.seen.at(-1)!.lang).toBe("en");

    // The answer is lost on the way back: Retry re-sends the same event key, and the core's duplicate is shown as such.
    let lose = true;
    await page.route("**/chat/api/message", async (route) => {
      if (!lose) return route.continue();
      lose = false;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByLabel("Message").fill("status");
    await page.getByLabel("Message").press("Enter");
    await page.getByRole("button", { name: "Retry" }).click();
    await page.getByText("Sent twice").waitFor();
    const [first, retry] = script.seen.slice(-2);
    expect(first!.text).toBe("status");
    expect(retry!.eventKey).toBe(first!.eventKey);

    // The aborted request is the only error the browser may report.
    expect(errors.filter((e) => !e.includes("ERR_CONNECTION_RESET"))).toEqual([]);
  });
});
