/**
 * The reminder ladder run end to end: runReminders at chosen instants (the controllable clock),
 * real senders against the fake Slack and fake DingTalk, the delivery ledger on both databases.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveriesFor } from "../../src/persistence/delivery-repository.js";
import { setLastRunAt } from "../../src/persistence/schedule-repository.js";
import { PROVIDERS } from "../helpers/databases.js";
import { ROOT } from "../helpers/paths.js";
import { missingNames, REPORTER, walkOctober, type MonthResult } from "../helpers/reminders-month.js";
import { BATCH_SEND, LIAISONS, reminderWorld, sh, shLocal, TF_DING, TF_SLACK, type ReminderWorld } from "../helpers/reminders-world.js";

const ALL_MISSING = ["市经信局", "市发改委", "市资规局", "市市场监管局", "市投资促进中心", "市科技局", "市商务局", "市金融办", "市制高办", "市人力社保局"];
const OPENING = "【督办】2026年9月 月报开始填报";
const DUE_DAY = "【督办】今天截止：2026年9月 月报";
/** The due-day step made up the day after (quiet hours pushed it): worded as past the deadline. */
const DUE_DAY_LATE = "【督办】2026年9月 月报已过截止日";
const ESCALATION_DAYS = ["2026-10-09", "2026-10-12", "2026-10-14", "2026-10-16", "2026-10-20", "2026-10-22", "2026-10-26", "2026-10-28", "2026-10-30"];

/** What the October walk must produce, whatever the process's zone. */
function expectOctober(r: MonthResult): void {
  // The window opens 10-01 and the report is due 10-05; National Day rolls both to 10-08 (遇节假日顺延).
  // So the opening notice went out on 09-30 09:00, before the holiday (and before this walk, whose mark
  // starts at 09-30 23:00): no opening in October. before_due (2 working days before 10-08: 09-29) falls
  // before the notice and is dropped; the due_day reminder goes to every liaison on 10-08 at 09:00.
  const openings = r.events.filter((e) => e.title === OPENING);
  expect(openings).toEqual([]);
  const dueDay = r.events.filter((e) => e.title === DUE_DAY);
  expect(dueDay.map((e) => `${e.tick} ${e.platform}:${e.to}`).sort()).toEqual(
    LIAISONS.map((l) => `2026-10-08 09:00 ${l.platform}:${l.userId}`).sort(),
  );
  expect(r.events.some((e) => /即将截止/.test(e.title))).toBe(false);
  // Escalations: the working day after the due date, then every 2 working days (the make-up Saturday
  // 10-10 counts: 10-09 → 10-12), to both task-force groups, until the next window opens (11-02).
  const escalations = r.events.filter((e) => e.title.includes("逾期"));
  expect(escalations.map((e) => `${e.tick} ${e.platform}:${e.to}`)).toEqual(
    ESCALATION_DAYS.flatMap((d) => [`${d} 09:00 slack:${TF_SLACK}`, `${d} 09:00 dingtalk:${TF_DING}`]),
  );
  // Naming the units still missing; 市发改委 reported on 10-10 and is named no more after it.
  for (const e of escalations) {
    expect(e.missing).toEqual(e.tick < "2026-10-10" ? ALL_MISSING : ALL_MISSING.filter((u) => u !== REPORTER));
    expect(e.title).toContain(`逾期：${e.missing!.length} 个单位（截止 2026年10月8日（周四））`);
  }
  expect(r.events).toHaveLength(dueDay.length + escalations.length);
  // Nothing in quiet hours, on the holiday, or on a weekend.
  for (const e of r.events) {
    const [date, time] = e.tick.split(" ") as [string, string];
    expect(time >= "08:00" && time < "20:00").toBe(true);
    expect(date >= "2026-10-08").toBe(true);
    expect([0, 6]).not.toContain(new Date(`${date}T12:00:00Z`).getUTCDay());
  }
  // 31 days × 15 ticks; 13 days off (7 holiday, 6 weekend: 10-10 is a working day), and 20:00/21:00
  // or 07:00 on the 18 working days are not sending time.
  expect(r.ticks).toBe(465);
  expect(r.quietTicks).toBe(13 * 15 + 18 * 3);
  // The ledger and the platforms agree: one sent row per message received, sent at its tick.
  expect(r.ledger.every((d) => d.status === "sent")).toBe(true);
  expect(r.ledger).toHaveLength(r.events.length);
  expect(r.sentByReports).toBe(r.events.length);
  const fromLedger = r.ledger.map((d) => `${d.sentAt} ${d.platform}:${d.recipient.replace(/^[^:]+:/, "")} ${d.step}`).sort();
  const fromPlatforms = r.events.map((e) => `${e.tick} ${e.platform}:${e.to} ${e.title === DUE_DAY ? "due_day" : "escalation"}`).sort();
  expect(fromLedger.map((s) => s.replace(/_\d+$/, ""))).toEqual(fromPlatforms);
  expect(new Set(r.ledger.map((d) => `${d.step}/${d.platform}/${d.recipient}`)).size).toBe(r.ledger.length);
}

/** Runs the October walk in a child process whose own zone is `tz`. */
function walkInChild(tz: string): Promise<{ processZone: string; offsetMinutes: number; result: MonthResult }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/reminders-month-main.ts", "sqlite"], { cwd: ROOT, env: { ...process.env, TZ: tz } });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child TZ=${tz} exited ${code}: ${err}`))));
  });
}

let inProcess: MonthResult | undefined;

describe.each(PROVIDERS)("October 2026 in Asia/Shanghai, National Day and 调休 (%s)", (provider) => {
  it("steps the clock through the month: due-day reminders after the holiday, escalations every 2 working days, each once", async () => {
    // This process runs as a server in China would (TZ=Asia/Shanghai); the child below runs in UTC.
    const tz = process.env["TZ"];
    process.env["TZ"] = "Asia/Shanghai";
    try {
      expect(new Date("2026-10-08T01:00:00Z").getTimezoneOffset()).toBe(-480);
      const r = await walkOctober(provider);
      expectOctober(r);
      if (provider === "sqlite") inProcess = r;
    } finally {
      if (tz === undefined) delete process.env["TZ"];
      else process.env["TZ"] = tz;
    }
  }, 60_000);
});

describe("a server whose own time zone is UTC", () => {
  it("the same walk in a child process with TZ=UTC gives results identical to TZ=Asia/Shanghai", async () => {
    const utc = await walkInChild("UTC");
    expect(utc.processZone).toBe("UTC");
    expect(utc.offsetMinutes).toBe(0);
    expectOctober(utc.result);
    expect(inProcess).toBeDefined();
    expect(utc.result).toEqual(inProcess);
  }, 60_000);
});

describe.each(PROVIDERS)("reporting between steps, quiet hours, throttling (%s)", (provider) => {
  let w: ReminderWorld;
  beforeAll(async () => {
    w = await reminderWorld(provider);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("a step due at 21:00 goes out at 08:00 on the next working day; the make-up Saturday is one", async () => {
    await w.set("发送时间", "21:00");
    await setLastRunAt(w.db, w.planId, sh("2026-10-08 08:00"));
    const before = w.received().length;
    const log: string[] = [];
    for (const day of ["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-11", "2026-10-12", "2026-10-13"]) {
      for (let h = 0; h < 24; h++) {
        const tick = `${day} ${String(h).padStart(2, "0")}:00`;
        const seen = w.received().length;
        const r = await w.run(sh(tick));
        if (h === 21) expect(r.sendingAllowed).toBe(false);
        for (const m of w.received().slice(seen)) log.push(`${tick} ${m.platform}:${m.to} ${m.title.includes("逾期") ? "escalation" : m.title === DUE_DAY || m.title === DUE_DAY_LATE ? "due_day" : "opening"}`);
      }
    }
    const tf = (t: string) => [`${t} slack:${TF_SLACK} escalation`, `${t} dingtalk:${TF_DING} escalation`];
    // The opening notice (09-30 21:00 → 10-08 08:00) is at or before the mark; due_day (10-08 21:00) waits
    // for 10-09 08:00, and then says the deadline has passed.
    expect(log.sort()).toEqual(
      [...LIAISONS.map((l) => `2026-10-09 08:00 ${l.platform}:${l.userId} due_day`), ...tf("2026-10-10 08:00"), ...tf("2026-10-13 08:00")].sort(),
    );
    expect(w.received().length - before).toBe(log.length);
    await w.set("发送时间", "09:00");
  });

  it("a unit that reports between two steps gets no before_due or due_day, and the escalation stops naming it", async () => {
    // Period 2026-10: opens Mon 11-02, due Thu 11-05, before_due Tue 11-03, escalation Fri 11-06.
    await setLastRunAt(w.db, w.planId, sh("2026-11-01 23:00"));
    const seen = w.received().length;
    const steps: Record<string, string[]> = {};
    const tick = async (local: string) => {
      const n = w.received().length;
      const r = await w.run(sh(local));
      steps[local] = r.steps.map((s) => s.step);
      return w.received().slice(n);
    };
    const opening = await tick("2026-11-02 09:00");
    expect(opening.map((m) => m.to).sort()).toEqual(LIAISONS.map((l) => l.userId).sort());
    await w.reportFully("市经信局", 202610);
    const beforeDue = await tick("2026-11-03 09:00");
    expect(steps["2026-11-03 09:00"]).toEqual(["before_due"]);
    expect(beforeDue.map((m) => m.to).sort()).toEqual(["U0FGW", "U0SWJ", "ding_kjj"]);
    expect(beforeDue.every((m) => m.title.includes("即将截止"))).toBe(true);
    await w.reportFully("市科技局", 202610);
    const dueDay = await tick("2026-11-05 09:00");
    expect(dueDay.map((m) => m.to).sort()).toEqual(["U0FGW", "U0SWJ"]);
    expect(dueDay.every((m) => m.title.includes("今天截止"))).toBe(true);
    const escalation = await tick("2026-11-06 09:00");
    expect(escalation.map((m) => m.to).sort()).toEqual([TF_SLACK, TF_DING].sort());
    for (const m of escalation) {
      const names = missingNames(m.text);
      expect(names).not.toContain("市经信局");
      expect(names).not.toContain("市科技局");
      expect(names).toEqual(expect.arrayContaining(["市发改委", "市商务局"]));
      expect(names).toHaveLength(ALL_MISSING.length - 2);
    }
    const rows = (await deliveriesFor(w.db, w.planId, 202610)).filter((d) => d.status === "sent");
    expect(rows).toHaveLength(w.received().length - seen);
    expect(rows.filter((d) => d.step === "before_due")).toHaveLength(3);
  });

  it("answers Slack 429 + Retry-After and DingTalk 403 QPS by waiting and retrying: all delivered, once", async () => {
    // Period 2026-11: the window opens Tue 12-01.
    await setLastRunAt(w.db, w.planId, sh("2026-11-30 23:00"));
    const slackBefore = w.slack.calls.length;
    const dingBefore = w.ding.calls.length;
    const seen = w.received().length;
    w.slack.failNext("chat.postMessage", { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "2" } });
    w.slack.failNext("chat.postMessage", { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": "1" } });
    const qps = { status: 403, body: { code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", message: "应用调用该接口的并发量超过限制" } };
    w.ding.failNext("/v1.0/robot/oToMessages/batchSend", qps);
    w.ding.failNext("/v1.0/robot/oToMessages/batchSend", qps);
    const r = await w.run(sh("2026-12-01 09:00"));
    expect(r.failed).toBe(0);
    expect(r.sent).toBe(LIAISONS.length);
    const posts = w.slack.calls.slice(slackBefore).filter((c) => c.method === "chat.postMessage");
    expect(posts.map((c) => c.status)).toEqual([429, 429, 200, 200, 200]);
    const batches = w.ding.calls.slice(dingBefore).filter((c) => c.api === BATCH_SEND);
    expect(batches.filter((c) => c.status === 403)).toHaveLength(2);
    expect(batches.filter((c) => c.status === 200)).toHaveLength(2);
    expect(w.received().slice(seen).map((m) => m.to).sort()).toEqual(LIAISONS.map((l) => l.userId).sort());
    const rows = (await deliveriesFor(w.db, w.planId, 202611)).filter((d) => d.step === "opening");
    expect(rows.map((d) => d.status)).toEqual(LIAISONS.map(() => "sent"));
    // The throttled ones took more than one attempt, and say so.
    expect(rows.reduce((n, d) => n + d.attempts, 0)).toBe(LIAISONS.length + 4);
    expect(shLocal(rows[0]!.sentAt!)).toBe("2026-12-01 09:00");
  });
});
