/**
 * The reminder commands of the CLI, in-process, on both databases: schedule show|set, remind run
 * (--dry-run), remind status, calendar add. The CLI reads the wall clock: Date is faked to
 * 2026-11-20 10:00 in Shanghai (timers stay real, the databases and fakes need them).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveriesFor } from "../../src/persistence/delivery-repository.js";
import { getLastRunAt, loadSchedule } from "../../src/persistence/schedule-repository.js";
import { PROVIDERS } from "../helpers/databases.js";
import { cli } from "../helpers/run-cli.js";
import { LIAISONS, reminderWorld, type ReminderWorld } from "../helpers/reminders-world.js";

const WALL = new Date("2026-11-20T02:00:00Z");
const AT = "2026-11-03T10:00:00+08:00";

interface ShowJson {
  stored: boolean;
  timeZone: string;
  config: { window: { due: unknown } };
  next: { period: number; step: string; audience: string; at: string; provisional: boolean }[];
  calendarWarning?: number[];
}

describe.each(PROVIDERS)("reminder CLI (%s)", (provider) => {
  let w: ReminderWorld;
  let env: Record<string, string>;
  beforeAll(async () => {
    w = await reminderWorld(provider);
    env = { DATABASE_URL: w.f.tdb.url, TZ: "Asia/Shanghai" };
  });
  afterAll(async () => {
    await w?.close();
  });
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(WALL);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("schedule show --json lists the next ten firings in order, in Shanghai time, and warns that 2027 is missing", async () => {
    const r = await cli(["schedule", "show", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const v = r.json<ShowJson>();
    expect(v.timeZone).toBe("Asia/Shanghai");
    expect(v.next.map((n) => `${n.at} ${n.period} ${n.step}`)).toEqual([
      "2026-11-24T09:00:00+08:00 202610 escalation_7",
      "2026-11-26T09:00:00+08:00 202610 escalation_8",
      "2026-11-30T09:00:00+08:00 202610 escalation_9",
      "2026-12-01T09:00:00+08:00 202611 opening",
      "2026-12-03T09:00:00+08:00 202611 before_due",
      "2026-12-07T09:00:00+08:00 202611 due_day",
      "2026-12-08T09:00:00+08:00 202611 escalation_1",
      "2026-12-10T09:00:00+08:00 202611 escalation_2",
      "2026-12-14T09:00:00+08:00 202611 escalation_3",
      "2026-12-16T09:00:00+08:00 202611 escalation_4",
    ]);
    // ISO with the plan's offset: the instant exact, the wall clock readable.
    expect(v.next.every((n) => n.at.endsWith("T09:00:00+08:00") && !n.provisional)).toBe(true);
    expect(v.calendarWarning).toEqual([2027]);
    const text = await cli(["schedule", "show"], env);
    expect(text.stdout).toContain("接下来 10 次提醒");
    expect(text.stdout).toContain("还没有 2027 年的节假日安排");
  });

  it("schedule set 截止日 31 fails with a clear message and exit 1, storing and auditing nothing", async () => {
    const before = await loadSchedule(w.db, w.planId);
    const audits = await w.db.auditLog.count();
    const r = await cli(["schedule", "set", "截止日", "31"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("截止日须在 1 到 28 之间（填的是 31）");
    const en = await cli(["schedule", "set", "截止日", "31", "--json", "--lang", "en"], env);
    expect(en.code).toBe(1);
    expect(en.stdout + en.stderr).toContain("out_of_range");
    expect(await loadSchedule(w.db, w.planId)).toEqual(before);
    expect(await w.db.auditLog.count()).toBe(audits);
  });

  it("schedule set 截止日 第5个工作日 is stored and audited, and the next firings follow it", async () => {
    const r = await cli(["schedule", "set", "截止日", "第5个工作日", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect((await loadSchedule(w.db, w.planId)).config.window.due).toEqual({ kind: "nth_workday", n: 5 });
    expect(r.json<ShowJson>().config.window.due).toEqual({ kind: "nth_workday", n: 5 });
    // December 2026: working days 1, 2, 3, 4, 7 → due Mon 12-07 either way; before_due two working days earlier.
    expect(r.json<ShowJson>().next.find((n) => n.step === "due_day")?.at).toBe("2026-12-07T09:00:00+08:00");
    const audit = await w.db.auditLog.findFirst({ where: { action: "schedule.set" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ platform: "cli", subject: expect.any(String), rawInput: "截止日 第5个工作日", result: "ok" });
    // Back to the default for the runs below.
    expect((await cli(["schedule", "set", "截止日", "5"], env)).code).toBe(0);
  });

  it("remind run --at … --dry-run --json lists who would get what and writes nothing", async () => {
    // 11-03 10:00: period 2026-10's before_due (09:00) is due; its opening (11-02) is superseded; the
    // last escalation of 2026-09 (10-30 09:00, its phase over) is 25 sending hours late: stale.
    const r = await cli(["remind", "run", "--at", AT, "--dry-run", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json<{ steps: { step: string }[]; skipped: { period: number; step: string; reason: string }[]; planned: { step: string; platform: string; recipient: string; unit: string | null; title: string }[]; sent: number }>();
    expect(report.steps.map((s) => s.step)).toEqual(["before_due"]);
    expect(report.skipped).toEqual(expect.arrayContaining([{ period: 202610, step: "opening", reason: "superseded" }, { period: 202609, step: "escalation_9", reason: "stale" }]));
    expect(report.planned.map((p) => `${p.step} ${p.platform} ${p.recipient} ${p.unit ?? "-"}`).sort()).toEqual(
      LIAISONS.map((l) => `before_due ${l.platform} ${l.platform === "slack" ? "T1" : "dingfakecorp"}:${l.userId} ${l.unit}`).sort(),
    );
    expect(new Set(report.planned.map((p) => p.title))).toEqual(new Set(["【督办】2026年10月 月报即将截止"]));
    expect(report.sent).toBe(0);
    expect(await deliveriesFor(w.db, w.planId)).toEqual([]);
    expect(await getLastRunAt(w.db, w.planId)).toBeUndefined();
    expect(w.received()).toEqual([]);
  });

  it("remind run sends through the configured platforms; remind status --json shows per unit what was sent and when", async () => {
    vi.useRealTimers(); // the senders pace on the real clock
    const started = Date.now();
    const platforms = {
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      SLACK_API_URL: w.slack.apiUrl,
      DINGTALK_CLIENT_ID: w.ding.clientId,
      DINGTALK_CLIENT_SECRET: w.ding.clientSecret,
      DINGTALK_ROBOT_CODE: w.ding.robotCode,
      DINGTALK_API_URL: w.ding.url,
    };
    const run = await cli(["remind", "run", "--at", AT, "--json"], { ...env, ...platforms });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<{ sent: number }>().sent).toBe(LIAISONS.length);
    // Run again by hand: the ledger has them all.
    const again = await cli(["remind", "run", "--at", AT, "--json"], { ...env, ...platforms });
    expect(again.json<{ sent: number; alreadyDone: number }>()).toMatchObject({ sent: 0, alreadyDone: LIAISONS.length });
    expect(w.received().map((m) => m.to).sort()).toEqual(LIAISONS.map((l) => l.userId).sort());

    const status = await cli(["remind", "status", "--period", "2026-10", "--json"], env);
    expect(status.code, status.stderr).toBe(0);
    const rows = status.json<{ period: number; step: string; unit: string; platform: string; recipient: string; status: string; sentAt: string | null }[]>();
    expect(rows.map((x) => `${x.step} ${x.unit} ${x.platform} ${x.status}`).sort()).toEqual(LIAISONS.map((l) => `before_due ${l.unit} ${l.platform} sent`).sort());
    // Sent when it really went out (the wall clock), not at the --at instant.
    for (const x of rows) {
      expect(x.period).toBe(202610);
      expect(Date.parse(x.sentAt!)).toBeGreaterThanOrEqual(started - 1000);
      expect(Date.parse(x.sentAt!)).toBeLessThanOrEqual(Date.now());
    }
  });

  it("calendar add 2027-10-01..2027-10-07 holiday 国庆节: schedule show no longer warns about 2027", async () => {
    const add = await cli(["calendar", "add", "2027-10-01..2027-10-07", "holiday", "国庆节"], env);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain("已录入 7 天");
    const v = (await cli(["schedule", "show", "--json"], env)).json<ShowJson>();
    expect(v.calendarWarning).toBeUndefined();
    expect((await cli(["schedule", "show"], env)).stdout).not.toContain("节假日安排");
    const list = await cli(["calendar", "list", "--json"], env);
    expect(list.json<{ days: { date: string; workday: boolean; name: string }[]; missingYears: number[] }>()).toMatchObject({ missingYears: [] });
  });
});
