import { describe, expect, it } from "vitest";
import {
  DEFAULT_SCHEDULE,
  type ScheduleConfig,
  applySetting,
  parseScheduleConfig,
  settingKey,
} from "../../../src/domain/schedule/schedule-config.js";

describe("schedule config: defaults for the bundled plan", () => {
  it("GIVEN {} THEN the defaults", () => {
    expect(parseScheduleConfig({})).toEqual({ ok: true, config: DEFAULT_SCHEDULE });
    expect(DEFAULT_SCHEDULE).toEqual({
      window: { opensOnDay: 1, due: { kind: "fixed_day", day: 5 }, rollForward: true },
      recipients: { leadUnits: true, shareholders: true },
      ladder: { opening: true, beforeDueWorkdays: 2, dueDay: true, escalateAfterDue: true, repeatEveryWorkdays: 2 },
      quietHours: { start: "20:00", end: "08:00", skipNonWorkdays: true },
      sendAt: "09:00",
      taskforce: {},
      catchUp: { maxLateHours: 24 },
    });
  });
  it("GIVEN a partial config THEN the rest is defaulted", () => {
    const r = parseScheduleConfig({ window: { due: { kind: "nth_workday", n: 5 } }, taskforce: { slack: "C0123ABCD" } });
    expect(r).toMatchObject({
      ok: true,
      config: { window: { opensOnDay: 1, due: { kind: "nth_workday", n: 5 }, rollForward: true }, taskforce: { slack: "C0123ABCD" } },
    });
  });
});

describe("schedule config: clear validation errors", () => {
  it.each([
    [{ window: { due: { kind: "fixed_day", day: 31 } } }, "window.due.day", /between 1 and 28.*every month/],
    [{ window: { due: { kind: "fixed_day", day: 29 } } }, "window.due.day", /between 1 and 28/],
    [{ window: { due: { kind: "fixed_day", day: 0 } } }, "window.due.day", /at least 1/],
    [{ window: { due: { kind: "fixed_day", day: 5.5 } } }, "window.due.day", /whole day/],
    [{ window: { due: { kind: "nth_workday", n: 11 } } }, "window.due.n", /at most 10/],
    [{ window: { due: { kind: "weekly" } } }, "window.due.kind", /./],
    [{ window: { opensOnDay: 5 } }, "window.opensOnDay", /must come before the due date \(day 5\)/],
    [{ window: { opensOnDay: 6, due: { kind: "nth_workday", n: 5 } } }, "window.opensOnDay", /working day 5/],
    [{ window: { opensOnDay: 30 } }, "window.opensOnDay", /between 1 and 28/],
    [{ ladder: { beforeDueWorkdays: 11 } }, "ladder.beforeDueWorkdays", /between 0 and 10/],
    [{ ladder: { repeatEveryWorkdays: 0 } }, "ladder.repeatEveryWorkdays", /between 1 and 20/],
    [{ ladder: { maxRepeats: -1 } }, "ladder.maxRepeats", /between 0 and 50/],
    [{ quietHours: { start: "25:00" } }, "quietHours.start", /HH:MM/],
    [{ sendAt: "9:00" }, "sendAt", /HH:MM/],
    [{ recipients: { leadUnits: false, shareholders: false } }, "recipients", /at least one/],
    [{ taskforce: { dingtalk: "cid with space" } }, "taskforce.dingtalk", /without spaces/],
    [{ catchUp: { maxLateHours: 200 } }, "catchUp.maxLateHours", /between 0 and 168/],
  ])("GIVEN %j THEN an issue at %s", (input, path, message) => {
    const r = parseScheduleConfig(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(r.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });
});

describe("applySetting: 设置 <key> <value>", () => {
  const base: ScheduleConfig = DEFAULT_SCHEDULE;
  it.each<[string, string, (c: ScheduleConfig) => unknown, unknown]>([
    // GIVEN key, value THEN the changed part
    ["截止日", "5", (c) => c.window.due, { kind: "fixed_day", day: 5 }],
    ["截止日", "10号", (c) => c.window.due, { kind: "fixed_day", day: 10 }],
    ["截止日", "每月十日前", (c) => c.window.due, { kind: "fixed_day", day: 10 }],
    ["截止日", "第5个工作日", (c) => c.window.due, { kind: "nth_workday", n: 5 }],
    ["截止日", "第五個工作日", (c) => c.window.due, { kind: "nth_workday", n: 5 }],
    ["due", "workday 3", (c) => c.window.due, { kind: "nth_workday", n: 3 }],
    ["due", "3rd workday", (c) => c.window.due, { kind: "nth_workday", n: 3 }],
    ["due", "８", (c) => c.window.due, { kind: "fixed_day", day: 8 }],
    ["開始日", "2", (c) => c.window.opensOnDay, 2],
    ["opens", "1日", (c) => c.window.opensOnDay, 1],
    ["提前", "3个工作日", (c) => c.ladder.beforeDueWorkdays, 3],
    ["before", "1", (c) => c.ladder.beforeDueWorkdays, 1],
    ["提前", "关", (c) => c.ladder.beforeDueWorkdays, 0],
    ["重复", "每3个工作日", (c) => [c.ladder.repeatEveryWorkdays, c.ladder.maxRepeats], [3, undefined]],
    ["repeat", "2 max 4", (c) => [c.ladder.repeatEveryWorkdays, c.ladder.maxRepeats], [2, 4]],
    ["重复", "每2个工作日，最多3次", (c) => [c.ladder.repeatEveryWorkdays, c.ladder.maxRepeats], [2, 3]],
    ["重复", "关", (c) => c.ladder.escalateAfterDue, false],
    ["免打扰", "20:00-08:00", (c) => [c.quietHours.start, c.quietHours.end], ["20:00", "08:00"]],
    ["免打扰", "21:30至7:00", (c) => [c.quietHours.start, c.quietHours.end], ["21:30", "07:00"]],
    ["quiet", "22点~7点半", (c) => [c.quietHours.start, c.quietHours.end], ["22:00", "07:30"]],
    ["免打扰", "关", (c) => [c.quietHours.start, c.quietHours.end], ["00:00", "00:00"]],
    ["发送时间", "9:30", (c) => c.sendAt, "09:30"],
    ["sendAt", "10点", (c) => c.sendAt, "10:00"],
    ["發送時間", "８：００", (c) => c.sendAt, "08:00"],
    ["专班群", "slack C0123ABCD", (c) => c.taskforce, { slack: "C0123ABCD" }],
    ["專班群", "钉钉 cidAbC+12/x==", (c) => c.taskforce, { dingtalk: "cidAbC+12/x==" }],
    ["taskforce", "dingtalk:cidXYZ", (c) => c.taskforce, { dingtalk: "cidXYZ" }],
    ["顺延", "关", (c) => c.window.rollForward, false],
    ["补发", "12小时", (c) => c.catchUp.maxLateHours, 12],
  ])("GIVEN 设置 %s %s THEN ok", (key, value, pick, expected) => {
    const r = applySetting(base, key, value);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (r.ok) expect(pick(r.config)).toEqual(expected);
  });

  it("returns a new config and leaves the input alone", () => {
    const before = structuredClone(base);
    const r = applySetting(base, "截止日", "10");
    expect(base).toEqual(before);
    expect(r).toMatchObject({ ok: true, key: "due" });
  });

  it("clears a task-force group", () => {
    const withGroup = applySetting(base, "专班群", "slack C0123ABCD");
    if (!withGroup.ok) throw new Error("setup");
    const r = applySetting(withGroup.config, "专班群", "slack 无");
    expect(r).toMatchObject({ ok: true, config: { taskforce: {} } });
  });

  it.each([
    ["期限", "5", { code: "unknown_key", key: "期限" }],
    ["截止日", "31", { code: "out_of_range", key: "due", value: 31, min: 1, max: 28 }],
    ["截止日", "第11个工作日", { code: "out_of_range", key: "due", value: 11, min: 1, max: 10 }],
    ["截止日", "下周一", { code: "bad_value", key: "due", expected: "day_or_workday" }],
    ["截止日", "1", { code: "opens_not_before_due", key: "due", opensOnDay: 1 }],
    ["开始日", "5", { code: "opens_not_before_due", key: "opens", opensOnDay: 5 }],
    ["开始日", "abc", { code: "bad_value", key: "opens", expected: "day" }],
    ["开始日", "29", { code: "out_of_range", key: "opens", value: 29 }],
    ["提前", "11", { code: "out_of_range", key: "before", value: 11, min: 0, max: 10 }],
    ["提前", "两周", { code: "bad_value", key: "before", expected: "workdays" }],
    ["重复", "0", { code: "out_of_range", key: "repeat", value: 0, min: 1 }], // "off" is 关, not 0
    ["重复", "21", { code: "out_of_range", key: "repeat", value: 21 }],
    ["重复", "每天一次", { code: "bad_value", key: "repeat" }],
    ["免打扰", "20:00", { code: "bad_value", key: "quiet", expected: "time_range" }],
    ["免打扰", "25:00-08:00", { code: "bad_value", key: "quiet", expected: "time_range" }],
    ["发送时间", "25:00", { code: "bad_value", key: "sendAt", expected: "time" }],
    ["发送时间", "早上", { code: "bad_value", key: "sendAt", expected: "time" }],
    ["专班群", "teams 19:abc", { code: "unknown_platform", key: "taskforce", value: "teams" }],
    ["专班群", "C0123", { code: "bad_value", key: "taskforce", expected: "platform_id" }],
    ["顺延", "也许", { code: "bad_value", key: "rollForward", expected: "on_off" }],
    ["补发", "200", { code: "out_of_range", key: "catchUp", value: 200, max: 168 }],
  ])("GIVEN 设置 %s %s THEN problem %j", (key, value, problem) => {
    const r = applySetting(base, key, value);
    expect(r).toMatchObject({ ok: false, problem });
  });

  it("knows the aliases", () => {
    expect(settingKey("截止日")).toBe("due");
    expect(settingKey("免打擾")).toBe("quiet");
    expect(settingKey(" Send At ")).toBe("sendAt");
    expect(settingKey("期限")).toBeNull();
  });
});
