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
  it("GIVEN the defaults THEN the notice goes out before National Day, due_day on 10-08, and escalations run every 2 working days until November's window opens", () => {
    const steps = ladderFor(SEPT, DEFAULT_SCHEDULE, cal, SH);
    expect(brief(steps)).toEqual([
      // The window would open on its due date (both rolled to 10-08): the notice goes out on the last working day before.
      ["opening", "2026-09-30", "2026-09-30T01:00:00.000Z"],
      // before_due (2 working days before 10-08: 09-29) falls before the notice and is dropped.
      ["due_day", "2026-10-08", "2026-10-08T01:00:00.000Z"],
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
    expect(steps[1]).toMatchObject({ audience: "unit", onlyIfMissing: true });
    expect(steps[2]).toMatchObject({ audience: "taskforce", onlyIfMissing: true });
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
    expect(brief(steps.slice(0, 3))).toEqual([
      ["opening", "2026-09-30", "2026-09-30T09:00:00.000Z"],
      ["due_day", "2026-10-08", "2026-10-08T09:00:00.000Z"],
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

describe("a holiday that moves the due date onto the window's opening day", () => {
  /** The unit steps (opening, before_due, due_day) and the first escalation, in order. */
  const headOf = (steps: Step[]) => brief(steps.filter((s) => s.audience === "unit" || s.step === "escalation_1"));

  it.each<[string, { year: number; month: number }, ScheduleConfigInput, Array<[string, string, string]>]>([
    [
      "GIVEN September 2026 (opens 10-01, due 10-05, National Day 10-01 … 10-07 rolls both to 10-08) THEN the notice on 09-30, due_day still on 10-08",
      SEPT, {},
      [["opening", "2026-09-30", "2026-09-30T01:00:00.000Z"], ["due_day", "2026-10-08", "2026-10-08T01:00:00.000Z"], ["escalation_1", "2026-10-09", "2026-10-09T01:00:00.000Z"]],
    ],
    [
      "GIVEN April 2026 (May Day 05-01 … 05-05 rolls both to 05-06) THEN the notice on Thursday 04-30",
      { year: 2026, month: 4 }, {},
      [["opening", "2026-04-30", "2026-04-30T01:00:00.000Z"], ["due_day", "2026-05-06", "2026-05-06T01:00:00.000Z"], ["escalation_1", "2026-05-07", "2026-05-07T01:00:00.000Z"]],
    ],
    [
      "GIVEN September 2025 (National Day and Mid-Autumn 10-01 … 10-08) THEN the notice on 09-30, due_day on 10-09",
      { year: 2025, month: 9 }, {},
      [["opening", "2025-09-30", "2025-09-30T01:00:00.000Z"], ["due_day", "2025-10-09", "2025-10-09T01:00:00.000Z"], ["escalation_1", "2025-10-10", "2025-10-10T01:00:00.000Z"]],
    ],
    [
      "GIVEN an ordinary month, October 2026 (opens Mon 11-02, due Thu 11-05) THEN nothing changes",
      { year: 2026, month: 10 }, {},
      [
        ["opening", "2026-11-02", "2026-11-02T01:00:00.000Z"],
        ["before_due", "2026-11-03", "2026-11-03T01:00:00.000Z"],
        ["due_day", "2026-11-05", "2026-11-05T01:00:00.000Z"],
        ["escalation_1", "2026-11-06", "2026-11-06T01:00:00.000Z"],
      ],
    ],
    [
      "GIVEN January 2026 (the Spring Festival comes after the due date) THEN nothing changes",
      { year: 2026, month: 1 }, {},
      [
        ["opening", "2026-02-02", "2026-02-02T01:00:00.000Z"],
        ["before_due", "2026-02-03", "2026-02-03T01:00:00.000Z"],
        ["due_day", "2026-02-05", "2026-02-05T01:00:00.000Z"],
        ["escalation_1", "2026-02-06", "2026-02-06T01:00:00.000Z"],
      ],
    ],
    [
      "GIVEN due on the 5th working day (10-13), after the window opens THEN the window opens 10-08 as before",
      SEPT, { window: { due: { kind: "nth_workday", n: 5 } } },
      [
        ["opening", "2026-10-08", "2026-10-08T01:00:00.000Z"],
        ["before_due", "2026-10-10", "2026-10-10T01:00:00.000Z"],
        ["due_day", "2026-10-13", "2026-10-13T01:00:00.000Z"],
        ["escalation_1", "2026-10-14", "2026-10-14T01:00:00.000Z"],
      ],
    ],
    [
      "GIVEN due on the 1st working day, in an ordinary month THEN the notice comes the working day before (Fri 10-30), not on the deadline",
      { year: 2026, month: 10 }, { window: { due: { kind: "nth_workday", n: 1 } } },
      [["opening", "2026-10-30", "2026-10-30T01:00:00.000Z"], ["due_day", "2026-11-02", "2026-11-02T01:00:00.000Z"], ["escalation_1", "2026-11-03", "2026-11-03T01:00:00.000Z"]],
    ],
    [
      "GIVEN no 顺延, the due date 10-05 inside the holiday THEN the notice on 09-30, no due_day on the holiday, escalations after the window opens",
      SEPT, { window: { rollForward: false } },
      [["opening", "2026-09-30", "2026-09-30T01:00:00.000Z"], ["escalation_1", "2026-10-10", "2026-10-10T01:00:00.000Z"]],
    ],
  ])("%s", (_, period, input, expected) => {
    expect(headOf(ladderFor(period, config(input), cal, SH))).toEqual(expected);
  });

  it("GIVEN September 2026 THEN every unit step comes before the holiday or after it, never in it, and the notice before the due date", () => {
    const steps = ladderFor(SEPT, DEFAULT_SCHEDULE, cal, SH);
    for (const s of steps) expect(cal.isWorkday(s.date), s.step).toBe(true);
    const opening = steps.find((s) => s.step === "opening")!;
    expect(opening.date < dueDate(SEPT, DEFAULT_SCHEDULE, cal)).toBe(true);
  });

  it("GIVEN 09-30 09:00 THEN dueSteps sends September's notice beside August's last escalation", () => {
    const d = dueSteps(new Date("2026-09-30T01:00:00Z"), DEFAULT_SCHEDULE, cal, SH, new Date("2026-09-30T00:59:00Z"));
    expect(d.send.map((s) => `${s.period.month}:${s.step}:${s.audience}`)).toEqual(["8:escalation_9:taskforce", "9:opening:unit"]);
    expect(d.skipped).toEqual([]);
  });

  it("GIVEN the bot was down from 09-29 evening until 10-08 09:00 THEN units get the due_day reminder once, the missed notice superseded", () => {
    const d = dueSteps(new Date("2026-10-08T01:00:00Z"), DEFAULT_SCHEDULE, cal, SH, new Date("2026-09-29T11:00:00Z"));
    const unit = d.send.filter((s) => s.audience === "unit");
    expect(unit.map((s) => `${s.period.month}:${s.step}`)).toEqual(["9:due_day"]);
    expect(d.skipped.filter((s) => s.step.audience === "unit").map((s) => [s.step.period.month, s.step.step, s.reason])).toEqual([[9, "opening", "superseded"]]);
  });

  it("GIVEN 09-20 THEN nextFirings lists September's notice on 09-30, after August's escalations and before its due_day", () => {
    const f = nextFirings(DEFAULT_SCHEDULE, cal, SH, new Date("2026-09-20T00:00:00Z"), 6);
    expect(f.map((s) => `${s.period.month}:${s.step}:${s.date}`)).toEqual([
      "8:escalation_6:2026-09-21",
      "8:escalation_7:2026-09-23",
      "8:escalation_8:2026-09-28",
      "8:escalation_9:2026-09-30",
      "9:opening:2026-09-30",
      "9:due_day:2026-10-08",
    ]);
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
