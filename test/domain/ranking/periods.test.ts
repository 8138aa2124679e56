import { describe, expect, it } from "vitest";
import {
  addQuarters,
  formatQuarter,
  monthWindow,
  parseQuarter,
  quarterMonths,
  quarterOf,
  quarterWindow,
  yearWindow,
} from "../../../src/domain/ranking/periods.js";

describe("parseQuarter", () => {
  it.each([
    "2026Q3",
    "2026q3",
    "2026-Q3",
    "2026 Q3",
    "Q3 2026",
    "2026年第三季度",
    "2026年三季度",
    "2026年第3季度",
    "2026年3季度",
    "２０２６年第３季度",
    " 2026年第三季度 ",
  ])("%s → 2026Q3", (s) => {
    expect(parseQuarter(s)).toEqual({ year: 2026, quarter: 3 });
  });
  it.each(["2026Q5", "2026Q0", "2026年第五季度", "2026", "Q3", "2026-09", "1999Q1", ""])("%s → null", (s) => {
    expect(parseQuarter(s)).toBeNull();
  });
  it("first and fourth quarters in Chinese numerals", () => {
    expect(parseQuarter("2026年第一季度")).toEqual({ year: 2026, quarter: 1 });
    expect(parseQuarter("2027年四季度")).toEqual({ year: 2027, quarter: 4 });
  });
});

describe("quarter arithmetic and windows", () => {
  it("months, quarterOf, addQuarters, format", () => {
    expect(quarterMonths({ year: 2026, quarter: 3 })).toEqual([7, 8, 9].map((month) => ({ year: 2026, month })));
    expect(quarterOf({ year: 2026, month: 12 })).toEqual({ year: 2026, quarter: 4 });
    expect(quarterOf({ year: 2026, month: 1 })).toEqual({ year: 2026, quarter: 1 });
    expect(addQuarters({ year: 2026, quarter: 1 }, -1)).toEqual({ year: 2025, quarter: 4 });
    expect(addQuarters({ year: 2026, quarter: 4 }, 1)).toEqual({ year: 2027, quarter: 1 });
    expect(formatQuarter({ year: 2026, quarter: 3 })).toBe("2026Q3");
  });
  it("windows carry the snapshot label", () => {
    expect(quarterWindow({ year: 2026, quarter: 3 })).toMatchObject({ label: "2026Q3", scope: "quarter" });
    expect(yearWindow(2026).months).toHaveLength(12);
    expect(yearWindow(2026).label).toBe("2026");
    expect(monthWindow({ year: 2026, month: 10 })).toEqual({ label: "2026-10", scope: "month", months: [{ year: 2026, month: 10 }] });
  });
});
