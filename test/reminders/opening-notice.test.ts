import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS } from "../helpers/databases.js";
import { reminderWorld, sh, type ReminderWorld } from "../helpers/reminders-world.js";

describe.each(PROVIDERS)("the opening notice on %s", (provider) => {
  let w: ReminderWorld;
  beforeAll(async () => {
    w = await reminderWorld(provider);
  });
  afterAll(async () => w.close());

  it("GIVEN a unit that reported last month THEN its opening notice lists what it owes with the last values, and a 填报 button", async () => {
    // 市经信局 reports September (every owed indicator = 1 unit), then November opens the October window.
    await w.reportFully("市经信局", 202609);
    const report = await w.run(sh("2026-11-02 09:00"));
    expect(report.steps.map((s) => s.step)).toContain("opening");
    const dm = w.received().find((r) => r.platform === "slack" && r.to === "U0JXJ");
    expect(dm, JSON.stringify(w.received().map((r) => r.to))).toBeDefined();
    expect(dm!.title).toContain("2026年10月 月报开始填报");
    // The basis is in the line: a year-to-date total is not sent as a monthly figure by mistake.
    expect(dm!.text).toContain("新增工业机器人（台，报1月至当月累计数），上次 1台（2026年9月）");
    expect(dm!.text).toContain("在役机器人总量（台，报月末数）");
    expect(dm!.text).toContain("2026年11月5日");
    expect(dm!.text).toContain("请报送工作进展");
    const posted = w.slack.calls.find((c) => c.method === "chat.postMessage" && c.args.channel === "U0JXJ");
    expect(JSON.stringify(posted!.args.blocks)).toContain("open_report_form");
    // A unit with no history: the indicator without a last value.
    const other = w.received().find((r) => r.platform === "slack" && r.to === "U0FGW");
    expect(other!.text).not.toContain("上次");
  });
});
