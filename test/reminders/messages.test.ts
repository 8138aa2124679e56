import { describe, expect, it } from "vitest";
import { chaseNotice } from "../../src/reminders/messages.js";

describe("chase reminders are worded by the day they go out", () => {
  const period = { year: 2026, month: 11 };
  const due = "2026-12-07";
  it.each([
    ["2026-12-03", "【督办】2026年11月 月报即将截止", "截止时间 **2026年12月7日（周一）**。"],
    ["2026-12-07", "【督办】今天截止：2026年11月 月报", "截止时间 **2026年12月7日（周一）**。"],
    // Made up after downtime: the day after the deadline never says 今天截止.
    ["2026-12-08", "【督办】2026年11月 月报已过截止日", "已过，请尽快报送。"],
  ])("GIVEN sent on %s THEN %s", (sentOn, title, line) => {
    const r = chaseNotice("due_day", period, due, undefined, sentOn);
    expect(r.title).toBe(title);
    expect(r.lines[0]).toContain(line);
  });
  it("GIVEN the plan is to be named THEN the title names it", () => {
    expect(chaseNotice("before_due", period, due, { name: "示例", show: true }, "2026-12-03").title).toBe("【督办】《示例》2026年11月 月报即将截止");
  });
});
