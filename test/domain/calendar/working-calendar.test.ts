import chineseDays from "chinese-days";
import { describe, expect, it } from "vitest";
import { addDays, dayOfWeek, isCivilDate } from "../../../src/domain/calendar/civil-date.js";
import { LIBRARY_YEARS, createWorkingCalendar } from "../../../src/domain/calendar/working-calendar.js";
import { wallClock, zonedInstant } from "../../../src/domain/calendar/zoned-time.js";

const cal = createWorkingCalendar();

describe("isWorkday: China's official calendar with 调休 (chinese-days data)", () => {
  it.each([
    // GIVEN a date THEN working day or not, and why
    ["2026-09-30", true, "Wednesday before National Day"],
    ["2026-10-01", false, "National Day"],
    ["2026-10-05", false, "National Day, a Monday"],
    ["2026-10-07", false, "National Day, last day"],
    ["2026-10-08", true, "first day back"],
    ["2026-10-10", true, "make-up working Saturday (国庆节调休)"],
    ["2026-10-11", false, "plain Sunday"],
    ["2026-09-20", true, "make-up working Sunday before National Day"],
    ["2026-09-25", false, "Mid-Autumn Festival, a Friday"],
    ["2026-02-14", true, "make-up working Saturday before Spring Festival"],
    ["2026-02-15", false, "Spring Festival starts"],
    ["2026-02-23", false, "Spring Festival, a Monday"],
    ["2026-02-24", true, "back after Spring Festival"],
    ["2026-02-28", true, "make-up working Saturday after Spring Festival"],
    ["2026-03-07", false, "a plain Saturday"],
    ["2026-03-09", true, "a plain Monday"],
  ])("GIVEN %s THEN workday=%s (%s)", (date, workday) => {
    expect(cal.isWorkday(date)).toBe(workday);
  });

  it("names official days and says where an answer comes from", () => {
    expect(cal.dayInfo("2026-10-10")).toEqual({ date: "2026-10-10", workday: true, source: "official", name: "国庆节" });
    expect(cal.dayInfo("2026-02-16")).toEqual({ date: "2026-02-16", workday: false, source: "official", name: "春节" });
    expect(cal.dayInfo("2026-03-07")).toEqual({ date: "2026-03-07", workday: false, source: "weekend_rule" });
  });

  it("rejects malformed dates instead of guessing", () => {
    expect(() => cal.isWorkday("2026-02-30")).toThrow(RangeError);
    expect(() => cal.isWorkday("2026-10-1")).toThrow(RangeError);
  });

  // The library itself reads dates in the process's zone (wrong west of UTC), so
  // compare only where it behaves; our calendar must agree with it on every day.
  it.runIf(chineseDays.getDayDetail("2026-10-10").date === "2026-10-10")(
    "agrees with chinese-days on every day 2004–2026",
    () => {
      const diffs: string[] = [];
      for (let d = "2004-01-01"; d <= "2026-12-31"; d = addDays(d, 1)) {
        if (cal.isWorkday(d) !== chineseDays.isWorkday(d)) diffs.push(d);
      }
      expect(diffs).toEqual([]);
    },
  );
});

describe("admin overrides win over the library", () => {
  const withOverrides = createWorkingCalendar({
    overrides: [
      { date: "2026-10-05", workday: true, name: "防汛值班" }, // a holiday made a working day
      { date: "2026-10-09", workday: false, name: "台风停工" }, // a working day made a holiday
      { date: "2027-01-01", workday: false, name: "元旦" },
      { date: "2027-02-07", workday: true, name: "春节调休" }, // a Sunday made a working day
    ],
  });
  it.each([
    ["2026-10-05", true],
    ["2026-10-09", false],
    ["2027-01-01", false],
    ["2027-02-07", true],
    ["2026-10-10", true], // untouched days keep the library's answer
  ])("GIVEN an override on %s THEN workday=%s", (date, workday) => {
    expect(withOverrides.isWorkday(date)).toBe(workday);
  });
  it("reports the override's name and source", () => {
    expect(withOverrides.dayInfo("2026-10-09")).toEqual({ date: "2026-10-09", workday: false, source: "override", name: "台风停工" });
  });
  it("moves working-day arithmetic with the overrides", () => {
    // GIVEN 10-09 off THEN the day after 10-08 is the make-up Saturday 10-10
    expect(withOverrides.nextWorkday("2026-10-08")).toBe("2026-10-10");
    // GIVEN 10-05 is worked THEN it is October's first working day
    expect(withOverrides.nthWorkdayOfMonth(2026, 10, 1)).toBe("2026-10-05");
  });
  it("rejects a malformed override with the offending entry", () => {
    expect(() => createWorkingCalendar({ overrides: [{ date: "2026-13-01", workday: true }] })).toThrow(/2026-13-01/);
  });
});

describe("working-day arithmetic around National Day 2026", () => {
  it.each([
    // GIVEN date, n THEN addWorkdays
    ["2026-09-30", 1, "2026-10-08"],
    ["2026-09-30", 3, "2026-10-10"],
    ["2026-10-08", 2, "2026-10-10"],
    ["2026-10-09", 2, "2026-10-12"],
    ["2026-10-05", 0, "2026-10-08"], // n = 0 on a holiday: the next working day
    ["2026-10-08", 0, "2026-10-08"], // n = 0 on a working day: itself
    ["2026-10-08", -1, "2026-09-30"],
    ["2026-10-12", -2, "2026-10-09"],
    ["2026-10-12", -3, "2026-10-08"],
  ])("GIVEN %s THEN +%i working days = %s", (date, n, expected) => {
    expect(cal.addWorkdays(date, n)).toBe(expected);
  });

  it("nextWorkday is strictly after", () => {
    expect(cal.nextWorkday("2026-10-08")).toBe("2026-10-09");
    expect(cal.nextWorkday("2026-10-01", 5)).toBe("2026-10-13");
    expect(() => cal.nextWorkday("2026-10-01", 0)).toThrow(RangeError);
  });

  it("rollForward: 遇节假日顺延", () => {
    expect(cal.rollForward("2026-10-05")).toBe("2026-10-08");
    expect(cal.rollForward("2026-02-20")).toBe("2026-02-24");
    expect(cal.rollForward("2026-03-07")).toBe("2026-03-09");
    expect(cal.rollForward("2026-10-10")).toBe("2026-10-10");
  });

  it.each([
    // GIVEN year, month, n THEN the n-th working day (holidays skipped, make-up days counted)
    [2026, 10, 1, "2026-10-08"],
    [2026, 10, 3, "2026-10-10"],
    [2026, 10, 5, "2026-10-13"],
    [2026, 2, 10, "2026-02-13"], // 2-02 … 2-13: ten plain weekdays
    [2026, 2, 11, "2026-02-14"], // the make-up Saturday
    [2026, 2, 12, "2026-02-24"], // Spring Festival 2-15 … 2-23 skipped
  ])("GIVEN %i-%i THEN working day %i = %s", (year, month, n, expected) => {
    expect(cal.nthWorkdayOfMonth(year, month, n)).toBe(expected);
  });

  it("a month with fewer working days than asked is an error, not a date in the next month", () => {
    expect(() => cal.nthWorkdayOfMonth(2026, 10, 30)).toThrow(/only 18 working days/);
  });
});

describe("coverage", () => {
  it("chinese-days 1.5.x knows 2004 to 2026", () => {
    expect(LIBRARY_YEARS[0]).toBe(2004);
    expect(LIBRARY_YEARS.at(-1)).toBe(2026);
  });
  it("GIVEN no overrides THEN 2026 is covered and 2027 is not (the library would silently use weekends)", () => {
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2027)).toBe(false);
    expect(cal.covers(2003)).toBe(false);
    expect(cal.missingYears(2025, 2028)).toEqual([2027, 2028]);
  });
  it("GIVEN admins entered 2027 days THEN 2027 is covered", () => {
    const c = createWorkingCalendar({ overrides: [{ date: "2027-10-01", workday: false }] });
    expect(c.covers(2027)).toBe(true);
    expect(c.missingYears(2026, 2028)).toEqual([2028]);
  });
  it("GIVEN an uncovered year THEN answers still follow the weekend rule", () => {
    expect(cal.dayInfo("2027-10-01")).toEqual({ date: "2027-10-01", workday: true, source: "weekend_rule" });
  });
});

describe("civil dates and zoned instants (independent of the process's TZ)", () => {
  it("civil-date helpers", () => {
    expect(isCivilDate("2028-02-29")).toBe(true);
    expect(isCivilDate("2026-02-29")).toBe(false);
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(dayOfWeek("2026-10-10")).toBe(6);
  });
  it.each([
    ["2026-10-08", 9 * 60, "Asia/Shanghai", "2026-10-08T01:00:00.000Z"],
    ["2026-10-08", 0, "Asia/Shanghai", "2026-10-07T16:00:00.000Z"],
    ["2026-10-08", 9 * 60, "UTC", "2026-10-08T09:00:00.000Z"],
    ["2026-07-01", 9 * 60, "America/New_York", "2026-07-01T13:00:00.000Z"], // EDT
    ["2026-12-01", 9 * 60, "America/New_York", "2026-12-01T14:00:00.000Z"], // EST
    ["2026-03-08", 2 * 60 + 30, "America/New_York", "2026-03-08T07:30:00.000Z"], // in the gap → 03:30 EDT
    ["2026-11-01", 60 + 30, "America/New_York", "2026-11-01T05:30:00.000Z"], // twice → the first
    ["2026-10-08", 1440, "Asia/Shanghai", "2026-10-08T16:00:00.000Z"], // 24:00 = next midnight
  ])("GIVEN %s at minute %i in %s THEN %s", (date, minutes, zone, iso) => {
    expect(zonedInstant(date, minutes, zone).toISOString()).toBe(iso);
  });
  it("wallClock reads the zone, not the process", () => {
    const t = new Date("2026-10-07T16:30:00Z");
    expect(wallClock(t, "Asia/Shanghai")).toEqual({ date: "2026-10-08", minutes: 30 });
    expect(wallClock(t, "UTC")).toEqual({ date: "2026-10-07", minutes: 16 * 60 + 30 });
  });
});
