import { describe, expect, it } from "vitest";
import { currentPeriod, parsePeriod } from "../../../src/domain/report/parse-period.js";
import { addMonths, formatPeriod, periodFromKey, periodKey } from "../../../src/domain/report/types.js";

const ctx = { now: new Date("2026-11-03T02:00:00Z"), timeZone: "Asia/Shanghai", openPeriod: { year: 2026, month: 10 } };

describe("parsePeriod (today: 2026-11-03 Beijing, open period 2026-10)", () => {
  it.each([
    ["2026-10", 2026, 10], ["2026.10", 2026, 10], ["2026/10", 2026, 10], ["2026年10月", 2026, 10], ["2026年10月份", 2026, 10],
    ["２０２６年１０月", 2026, 10], ["2026 年 9 月", 2026, 9], ["10月", 2026, 10], ["十月", 2026, 10], ["十一月", 2026, 11],
    ["12月", 2025, 12], ["今年3月", 2026, 3], ["去年12月", 2025, 12], ["上月", 2026, 10], ["上个月", 2026, 10],
    ["上個月", 2026, 10], ["本月", 2026, 11], ["这个月", 2026, 11], ["這個月", 2026, 11], ["last month", 2026, 10],
    ["This Month", 2026, 11], ["oct 2026", 2026, 10], ["September", 2026, 9], ["2026年十月", 2026, 10],
  ])("%s → %i-%i", (text, year, month) => {
    expect(parsePeriod(text, ctx)).toEqual({ ok: true, period: { year, month }, explicit: true });
  });

  it("defaults to the open period", () => {
    expect(parsePeriod("", ctx)).toEqual({ ok: true, period: { year: 2026, month: 10 }, explicit: false });
    expect(parsePeriod("  ", ctx)).toEqual({ ok: true, period: { year: 2026, month: 10 }, explicit: false });
  });

  it.each(["2026-13", "2026-0", "13月", "0月", "1999-10", "明天", "10月 abc", "2026", "十三月"])("%s → bad_period", (text) => {
    expect(parsePeriod(text, ctx)).toMatchObject({ ok: false, problem: { code: "bad_period" } });
  });

  it.each([["2026-12"], ["2027年1月"], ["2030.01"]])("%s → period_in_future", (text) => {
    expect(parsePeriod(text, ctx)).toMatchObject({ ok: false, problem: { code: "period_in_future", current: { year: 2026, month: 11 } } });
  });

  it("crosses the year for last month in January", () => {
    expect(parsePeriod("上月", { ...ctx, now: new Date("2027-01-05T02:00:00Z") })).toMatchObject({ period: { year: 2026, month: 12 } });
  });
});

describe("period helpers", () => {
  it("currentPeriod follows the time zone", () => {
    const t = new Date("2026-10-31T23:30:00Z");
    expect(currentPeriod(t, "Asia/Shanghai")).toEqual({ year: 2026, month: 11 });
    expect(currentPeriod(t, "UTC")).toEqual({ year: 2026, month: 10 });
  });
  it("currentPeriod turns the month at the zone's midnight, one second apart, in zones off the whole hour", () => {
    // Asked in order, so the remembered answer of the quarter hour before must not leak over.
    const ask = (iso: string, zone: string) => currentPeriod(new Date(iso), zone);
    expect(ask("2026-10-31T18:29:59Z", "Asia/Kolkata")).toEqual({ year: 2026, month: 10 });
    expect(ask("2026-10-31T18:30:00Z", "Asia/Kolkata")).toEqual({ year: 2026, month: 11 });
    expect(ask("2026-10-31T18:14:59Z", "Asia/Kathmandu")).toEqual({ year: 2026, month: 10 });
    expect(ask("2026-10-31T18:15:00Z", "Asia/Kathmandu")).toEqual({ year: 2026, month: 11 });
    expect(ask("2026-10-31T18:15:01Z", "Asia/Kathmandu")).toEqual({ year: 2026, month: 11 });
    expect(ask("2026-10-31T15:59:59Z", "Asia/Shanghai")).toEqual({ year: 2026, month: 10 });
    expect(ask("2026-10-31T16:00:00Z", "Asia/Shanghai")).toEqual({ year: 2026, month: 11 });
    // A caller mutating its answer does not change the next one.
    const p = ask("2026-10-31T16:00:01Z", "Asia/Shanghai");
    p.month = 1;
    expect(ask("2026-10-31T16:00:02Z", "Asia/Shanghai")).toEqual({ year: 2026, month: 11 });
  });
  it("periodKey, periodFromKey, formatPeriod, addMonths", () => {
    expect(periodKey({ year: 2026, month: 3 })).toBe(202603);
    expect(periodFromKey(202603)).toEqual({ year: 2026, month: 3 });
    expect(formatPeriod({ year: 2026, month: 3 })).toBe("2026-03");
    expect(addMonths({ year: 2026, month: 1 }, -1)).toEqual({ year: 2025, month: 12 });
    expect(addMonths({ year: 2026, month: 12 }, 1)).toEqual({ year: 2027, month: 1 });
  });
});
