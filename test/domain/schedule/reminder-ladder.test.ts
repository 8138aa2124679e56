import { describe, expect, it } from "vitest";
import { createWorkingCalendar } from "../../../src/domain/calendar/working-calendar.js";
import {
  dueDate,
  dueSteps,
  isSendingAllowed,
  ladderFor,
  nextAllowedMoment,
  nextFirings,
  sendingTimeBetween,
  type Step,
} from "../../../src/domain/schedule/reminder-ladder.js";
import { DEFAULT_SCHEDULE, type ScheduleConfigInput, parseScheduleConfig, type ScheduleConfig } from "../../../src/domain/schedule/schedule-config.js";

const cal = createWorkingCalendar();
const SH = "Asia/Shanghai";
const SEPT = { year: 2026, month: 9 }; // window: October 2026, National Day 10-01 … 10-07, make-up Saturday 10-10

function config(input: ScheduleConfigInput): ScheduleConfig {
  const r = parseScheduleConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

/** [step, civil date, ISO instant]: compact for tables. */
const brief = (steps: Step[]) => steps.map((s) => [s.step, s.date, s.at.toISOString()]);

describe("due date of period 2026-09 (window October 2026)", () => {
  it.each<[string, ScheduleConfigInput, string]>([
    ["GIVEN due on the 5th (National Day) THEN 顺延 to the first working day", {}, "2026-10-08"],
    ["GIVEN due on the 5th without 顺延 THEN the 5th", { window: { rollForward: false } }, "2026-10-05"],
    ["GIVEN due on the 9th, a working Friday THEN the 9th", { window: { due: { kind: "fixed_day", day: 9 } } }, "2026-10-09"],
    ["GIVEN the 1st working day THEN 10-08 (holidays skipped)", { window: { due: { kind: "nth_workday", n: 1 } } }, "2026-10-08"],
    ["GIVEN the 3rd working day THEN the make-up Saturday counts", { window: { due: { kind: "nth_workday", n: 3 } } }, "2026-10-10"],
    ["GIVEN the 5th working day THEN 10-13", { window: { due: { kind: "nth_workday", n: 5 } } }, "2026-10-13"],
  ])("%s", (_, input, expected) => {
    expect(dueDate(SEPT, config(input), cal)).toBe(expected);
  });
});

describe("the ladder of period 2026-09 in Asia/Shanghai (09:00 Beijing = 01:00Z)", () => {
  it("GIVEN the defaults THEN opening and due date coincide on 10-08 and escalations run every 2 working days until November's window opens", () => {
    const steps = ladderFor(SEPT, DEFAULT_SCHEDULE, cal, SH);
    expect(brief(steps)).toEqual([
      ["opening", "2026-10-08", "2026-10-08T01:00:00.000Z"],
      // before_due and due_day fall on or before the opening: the opening notice carries the due date.
      ["escalation_1", "2026-10-09", "2026-10-09T01:00:00.000Z"],
      ["escalation_2", "2026-10-12", "2026-10-12T01:00:00.000Z"], // 10-10 (make-up Saturday) is the 1st working day after 10-09
      ["escalation_3", "2026-10-14", "2026-10-14T01:00:00.000Z"],
      ["escalation_4", "2026-10-16", "2026-10-16T01:00:00.000Z"],
      ["escalation_5", "2026-10-20", "2026-10-20T01:00:00.000Z"],
      ["escalation_6", "2026-10-22", "2026-10-22T01:00:00.000Z"],
      ["escalation_7", "2026-10-26", "2026-10-26T01:00:00.000Z"],
      ["escalation_8", "2026-10-28", "2026-10-28T01:00:00.000Z"],
      ["escalation_9", "2026-10-30", "2026-10-30T01:00:00.000Z"], // next: 11-03, after November's opening (11-02)
    ]);
    expect(steps[0]).toMatchObject({ audience: "unit", onlyIfMissing: false, provisional: false, period: SEPT });
    expect(steps[1]).toMatchObject({ audience: "taskforce", onlyIfMissing: true });
  });

  it("GIVEN the 5th working day and at most 2 repeats THEN before_due lands on the make-up Saturday", () => {
    const c = config({ window: { due: { kind: "nth_workday", n: 5 } }, ladder: { maxRepeats: 2 } });
    expect(brief(ladderFor(SEPT, c, cal, SH))).toEqual([
      ["opening", "2026-10-08", "2026-10-08T01:00:00.000Z"],
      ["before_due", "2026-10-10", "2026-10-10T01:00:00.000Z"],
      ["due_day", "2026-10-13", "2026-10-13T01:00:00.000Z"],
      ["escalation_1", "2026-10-14", "2026-10-14T01:00:00.000Z"],
      ["escalation_2", "2026-10-16", "2026-10-16T01:00:00.000Z"],
      ["escalation_3", "2026-10-20", "2026-10-20T01:00:00.000Z"],
    ]);
  });

  it("GIVEN sendAt 21:00 inside quiet hours 20:00–08:00 THEN each step waits for 08:00 of the next working day", () => {
    const c = config({ window: { due: { kind: "nth_workday", n: 5 } }, ladder: { maxRepeats: 1 }, sendAt: "21:00" });
    expect(brief(ladderFor(SEPT, c, cal, SH))).toEqual([
      ["opening", "2026-10-08", "2026-10-09T00:00:00.000Z"], // Fri 08:00
      ["before_due", "2026-10-10", "2026-10-12T00:00:00.000Z"], // Sat 21:00 → Sunday is off → Mon 08:00
      ["due_day", "2026-10-13", "2026-10-14T00:00:00.000Z"],
      ["escalation_1", "2026-10-14", "2026-10-15T00:00:00.000Z"],
      ["escalation_2", "2026-10-16", "2026-10-19T00:00:00.000Z"], // Fri 21:00 → Mon 08:00
    ]);
  });

  it("GIVEN a step on the Friday before the make-up Saturday THEN 21:00 moves to Saturday 08:00", () => {
    const fri2100 = new Date("2026-10-09T13:00:00Z");
    expect(nextAllowedMoment(fri2100, DEFAULT_SCHEDULE, cal, SH).toISOString()).toBe("2026-10-10T00:00:00.000Z");
  });

  it("GIVEN the plan's zone is UTC THEN the same dates at 09:00Z: only the zone argument matters, never the process's", () => {
    const steps = ladderFor(SEPT, DEFAULT_SCHEDULE, cal, "UTC");
    expect(brief(steps.slice(0, 2))).toEqual([
      ["opening", "2026-10-08", "2026-10-08T09:00:00.000Z"],
      ["escalation_1", "2026-10-09", "2026-10-09T09:00:00.000Z"],
    ]);
  });

  it("GIVEN a year chinese-days does not know THEN the steps are marked provisional", () => {
    const dec = ladderFor({ year: 2026, month: 12 }, DEFAULT_SCHEDULE, cal, SH);
    expect(dec.every((s) => s.provisional)).toBe(true);
    const known = createWorkingCalendar({ overrides: [{ date: "2027-01-01", workday: false, name: "元旦" }] });
    const dec2 = ladderFor({ year: 2026, month: 12 }, DEFAULT_SCHEDULE, known, SH);
    expect(dec2[0]).toMatchObject({ step: "opening", date: "2027-01-04", provisional: false });
  });
});

describe("nextFirings (schedule show)", () => {
  it("GIVEN 2026-10-10 THEN the next ten steps across periods, in order", () => {
    const f = nextFirings(DEFAULT_SCHEDULE, cal, SH, new Date("2026-10-10T00:00:00Z"));
    expect(f).toHaveLength(10);
    expect(f.map((s) => `${s.period.month}:${s.step}:${s.date}`)).toEqual([
      "9:escalation_2:2026-10-12",
      "9:escalation_3:2026-10-14",
      "9:escalation_4:2026-10-16",
      "9:escalation_5:2026-10-20",
      "9:escalation_6:2026-10-22",
      "9:escalation_7:2026-10-26",
      "9:escalation_8:2026-10-28",
      "9:escalation_9:2026-10-30",
      "10:opening:2026-11-02",
      "10:before_due:2026-11-03",
    ]);
  });
  it("honours count", () => {
    expect(nextFirings(DEFAULT_SCHEDULE, cal, SH, new Date("2026-10-10T00:00:00Z"), 3)).toHaveLength(3);
  });
});

describe("quiet hours and sending time", () => {
  it.each([
    ["2026-10-14T01:00:00Z", true, "Wed 09:00"],
    ["2026-10-14T12:00:00Z", false, "Wed 20:00"],
    ["2026-10-13T23:59:00Z", false, "Wed 07:59"],
    ["2026-10-14T00:00:00Z", true, "Wed 08:00"],
    ["2026-10-11T02:00:00Z", false, "Sunday"],
    ["2026-10-10T02:00:00Z", true, "make-up Saturday"],
    ["2026-10-05T02:00:00Z", false, "National Day"],
  ])("GIVEN %s THEN sending allowed=%s (%s Beijing)", (iso, allowed) => {
    expect(isSendingAllowed(new Date(iso), DEFAULT_SCHEDULE, cal, SH)).toBe(allowed);
  });
  it("counts only sending time: Friday 19:30 → Monday 09:00 is 1.5 hours", () => {
    const ms = sendingTimeBetween(new Date("2026-10-16T11:30:00Z"), new Date("2026-10-19T01:00:00Z"), DEFAULT_SCHEDULE, cal, SH);
    expect(ms / 3_600_000).toBe(1.5);
  });
});

describe("dueSteps: catch-up after downtime", () => {
  // Due on 10-15 (Thu): opening 10-08, before_due 10-13, due_day 10-15, escalations 10-16, 10-20, 10-22 … at 09:00 Beijing.
  const c15 = config({ window: { due: { kind: "fixed_day", day: 15 } } });
  const at = (iso: string) => new Date(iso);
  const names = (steps: Step[]) => steps.map((s) => s.step);

  it.each<[string, ScheduleConfig, string | undefined, string, string[], Array<[string, string]>]>([
    ["GIVEN a normal tick THEN the step due now", c15, "2026-10-13T00:59:00Z", "2026-10-13T01:00:00Z", ["before_due"], []],
    ["GIVEN the step was handled by the last run THEN nothing", c15, "2026-10-13T01:00:00Z", "2026-10-13T01:01:00Z", [], []],
    ["GIVEN 13 sending hours down THEN the missed step is sent once", c15, "2026-10-12T12:00:00Z", "2026-10-14T02:00:00Z", ["before_due"], []],
    [
      "GIVEN two unit steps missed THEN only the latest, the other superseded",
      c15, "2026-10-12T12:00:00Z", "2026-10-15T02:00:00Z", ["due_day"], [["before_due", "superseded"]],
    ],
    [
      "GIVEN a step 18 sending hours late and maxLateHours 4 THEN skipped as stale",
      config({ window: { due: { kind: "fixed_day", day: 15 } }, catchUp: { maxLateHours: 4 } }),
      "2026-10-12T12:00:00Z", "2026-10-14T07:00:00Z", [], [["before_due", "stale"]],
    ],
    [
      "GIVEN a Friday 19:30 step missed until Monday 09:00 (61.5 h, 1.5 sending hours) THEN sent",
      config({ window: { due: { kind: "fixed_day", day: 16 } }, sendAt: "19:30" }),
      "2026-10-16T11:00:00Z", "2026-10-19T01:00:00Z", ["due_day"], [],
    ],
    [
      "GIVEN three escalations missed, even with maxLateHours 0 THEN the latest only",
      config({ window: { due: { kind: "fixed_day", day: 15 } }, catchUp: { maxLateHours: 0 } }),
      "2026-10-15T12:00:00Z", "2026-10-23T02:00:00Z", ["escalation_3"], [["escalation_1", "superseded"], ["escalation_2", "superseded"]],
    ],
    [
      "GIVEN the escalation phase ended during the outage THEN its escalations are stale, and so is November's opening",
      c15, "2026-10-22T02:00:00Z", "2026-11-10T02:00:00Z", [],
      [["escalation_4", "stale"], ["escalation_5", "stale"], ["escalation_6", "stale"], ["opening", "stale"]],
    ],
  ])("%s", (_, cfg, last, now, sent, skipped) => {
    const d = dueSteps(at(now), cfg, cal, SH, last ? at(last) : undefined);
    expect(d.sendingAllowed).toBe(true);
    expect(names(d.send)).toEqual(sent);
    expect(d.skipped.map((s) => [s.step.step, s.reason])).toEqual(skipped);
    expect(d.handledThrough?.toISOString()).toBe(new Date(now).toISOString());
  });

  it.each([
    ["2026-10-14T14:00:00Z", "22:00 Beijing (quiet hours)"],
    ["2026-10-11T02:00:00Z", "a Sunday"],
  ])("GIVEN now = %s, %s THEN nothing is decided and handledThrough stays", (now) => {
    const last = at("2026-10-12T12:00:00Z");
    const d = dueSteps(at(now), c15, cal, SH, last);
    expect(d).toEqual({ send: [], skipped: [], sendingAllowed: false, handledThrough: last });
  });

  it("GIVEN no lastRunAt THEN steps of recent periods are judged, old ones stale", () => {
    const d = dueSteps(at("2026-10-13T01:00:00Z"), c15, cal, SH);
    expect(names(d.send)).toEqual(["before_due"]);
    expect(d.send[0]?.period).toEqual(SEPT);
  });

  it("gives the same decision whatever zone the instants were written in", () => {
    const a = dueSteps(at("2026-10-15T09:00:00+08:00"), c15, cal, SH, at("2026-10-15T08:59:00+08:00"));
    const b = dueSteps(at("2026-10-15T01:00:00Z"), c15, cal, SH, at("2026-10-15T00:59:00Z"));
    expect(names(a.send)).toEqual(["due_day"]);
    expect(a).toEqual(b);
  });
});
