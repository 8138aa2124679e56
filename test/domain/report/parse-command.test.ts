import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../../src/domain/plan/parse-plan.js";
import { MAX_PROBLEMS, parseCommand } from "../../../src/domain/report/parse-command.js";
import type { Command, IndicatorRef, ParseResult, Problem, ReportValue } from "../../../src/domain/report/types.js";
import { PLAN_HANS } from "../../helpers/paths.js";

/** The real indicators of the bundled plan, ids in reading order. */
function planIndicators(): IndicatorRef[] {
  const r = parsePlan(readFileSync(PLAN_HANS, "utf8"));
  if (!r.ok) throw new Error(r.code);
  return r.plan.indicators.map((i, n) => ({ id: n + 1, code: i.code, name: i.name, aliases: i.aliases, kind: i.kind, unit: i.unit }));
}

const indicators = planIndicators();
const id = (code: string): number => {
  const i = indicators.find((x) => x.code === code);
  if (!i) throw new Error(code);
  return i.id;
};
// 2026-11-03 10:00 in Beijing: the open period is October.
const ctx = { indicators, now: new Date("2026-11-03T02:00:00Z"), timeZone: "Asia/Shanghai", openPeriod: { year: 2026, month: 10 } };
const parse = (text: string): ParseResult => parseCommand(text, ctx);

function command(text: string): Command {
  const r = parse(text);
  if (!r.ok) throw new Error(`${text}: ${JSON.stringify(r.problems)}`);
  return r.command;
}

function values(text: string): Array<[string, number]> {
  const c = command(text);
  if (c.type !== "report" && c.type !== "correct") throw new Error(c.type);
  return c.values.map((v: ReportValue) => [v.code, v.value]);
}

function problems(text: string): Problem[] {
  const r = parse(text);
  if (r.ok) throw new Error(`${text} parsed: ${JSON.stringify(r.command)}`);
  return r.problems;
}

const codes = (text: string): string[] => problems(text).map((p) => p.code);

describe("report: accepted forms", () => {
  it.each([
    // GIVEN a message … THEN these values (in the indicator's unit)
    ["上报 新增工业机器人 260台", [["T18-2", 260]]],
    ["填报 新增工业机器人 260台", [["T18-2", 260]]],
    ["报送 新增工业机器人260台", [["T18-2", 260]]],
    ["上报新增工业机器人260台", [["T18-2", 260]]],
    ["report T18-2 260", [["T18-2", 260]]],
    ["REPORT t18-2 260台", [["T18-2", 260]]],
    ["上报 T18-2:260台", [["T18-2", 260]]],
    ["上报 T18-2：260台", [["T18-2", 260]]],
    ["上报 新增工业机器人=260", [["T18-2", 260]]],
    ["上报 新增 工业机器人 260 台", [["T18-2", 260]]],
    ["上报 工业机器人 260台", [["T18-2", 260]]], // unique substring
    ["上报 新增工业机器人 共260台", [["T18-2", 260]]], // filler word
    ["上报 新增工业机器人 1,200台", [["T18-2", 1200]]],
    ["上报 新增工业机器人 1.2万台", [["T18-2", 12000]]],
    ["上报 新增工业机器人 两千台", [["T18-2", 2000]]],
    ["上报 新增工业机器人 5个", [["T18-2", 5]]], // 个 fits any count
    ["上报 在役机器人总量 2.5万台", [["T18-3", 25000]]],
    ["上报 完成限上制造业投资 3.5亿元", [["T12-3", 3.5]]],
    ["上报 完成限上制造业投资 35000万元", [["T12-3", 3.5]]],
    ["上报 规上工业亩均税收 3.5亿元", [["G4", 35000]]],
    ["上报 规上工业亩均税收 3.5亿", [["G4", 35000]]], // bare magnitude takes the currency
    ["上报 招引落地重大制造业外资 2.5亿美元", [["T11-1", 2.5]]],
    ["上报 招引落地重大制造业外资 2500万美元", [["T11-1", 0.25]]],
    ["上报 落地率 55%", [["T10-2", 55]]],
    ["上报 落地率 百分之五十五", [["T10-2", 55]]],
    ["上报 腾出用能 0.8万吨标准煤", [["T2-2", 0.8]]],
    ["上报 腾出用能 8000吨", [["T2-2", 0.8]]],
    ["上报 规上制造业全员劳动生产率 25万元/人", [["G6", 25]]],
    ["上报 规上工业增加值年均增速 -2.5%", [["G7", -2.5]]], // a rate may fall
    ["上报 招引落地10亿元以上制造业项目 5项", [["T12-2", 5]]], // digits inside a name
    ["上报 新增首台套装备 2项", [["T6-4", 2]]],
    ["上报 新增首台(套)装备 2项", [["T6-4", 2]]],
    ["上报 新增工业机器人 0台", [["T18-2", 0]]],
  ] as Array<[string, Array<[string, number]>]>)("GIVEN %s THEN %j", (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it("reads several indicators separated by spaces, commas, 、, semicolons and newlines", () => {
    expect(
      values("上报 新增工业机器人 260台，在役机器人总量 25000台、落地率 55%；完成限上制造业投资 3.5亿元\nT13-1 2亿元,减碳 1万吨;T8-2 3家"),
    ).toEqual([
      ["T18-2", 260],
      ["T18-3", 25000],
      ["T10-2", 55],
      ["T12-3", 3.5],
      ["T13-1", 2],
      ["T2-3", 1],
      ["T8-2", 3],
    ]);
  });

  it("accepts full-width digits and punctuation", () => {
    expect(values("上报　新增工业机器人：２６０台，在役机器人总量＝２．５万台　落地率５５％")).toEqual([
      ["T18-2", 260],
      ["T18-3", 25000],
      ["T10-2", 55],
    ]);
  });

  it("accepts Traditional input and keeps the raw text as typed", () => {
    const c = command("上報 2026年10月 新增工業機器人２６０臺 在役機器人總量 2.5萬臺 進展：順利推進 問題：資金不足 下步計劃：繼續");
    expect(c).toMatchObject({
      type: "report",
      period: { year: 2026, month: 10 },
      values: [
        { indicatorId: id("T18-2"), code: "T18-2", value: 260, raw: "２６０臺" },
        { indicatorId: id("T18-3"), code: "T18-3", value: 25000, raw: "2.5萬臺" },
      ],
      narrative: { progress: "順利推進", problems: "資金不足", nextSteps: "繼續" },
    });
  });

  it("reads the narrative labels, full- and half-width colons, each running to the next", () => {
    const c = command("上报 新增工业机器人 260台 进展情况：完成年度目标的80% 存在问题: 用地紧张，审批慢 下步计划：加快推进");
    expect(c).toMatchObject({
      narrative: { progress: "完成年度目标的80%", problems: "用地紧张，审批慢", nextSteps: "加快推进" },
    });
  });

  it("accepts a narrative-only report and English labels", () => {
    expect(command("report progress: two plants visited problems: none next: audit in May")).toMatchObject({
      type: "report",
      values: [],
      narrative: { progress: "two plants visited", problems: "none", nextSteps: "audit in May" },
    });
  });

  it("defaults the period to the open one and says it was not given", () => {
    expect(command("上报 新增工业机器人 260台")).toMatchObject({ period: { year: 2026, month: 10 }, periodExplicit: false });
  });

  it.each([
    ["上报 2026-09 T18-2 1台", 2026, 9],
    ["上报 2026.09 T18-2 1台", 2026, 9],
    ["上报 2026/9 T18-2 1台", 2026, 9],
    ["上报 2026年9月 T18-2 1台", 2026, 9],
    ["上报2026年9月新增工业机器人1台", 2026, 9],
    ["上报 9月 T18-2 1台", 2026, 9],
    ["上报 九月份 T18-2 1台", 2026, 9],
    ["上报 上月 T18-2 1台", 2026, 10],
    ["上报 上个月 T18-2 1台", 2026, 10],
    ["上报 本月 T18-2 1台", 2026, 11],
    ["上报 这个月 T18-2 1台", 2026, 11],
    ["report last month T18-2 1", 2026, 10],
    ["report this month T18-2 1", 2026, 11],
    ["上报 T18-2 1台 9月", 2026, 9], // a period later in the message
  ])("GIVEN %s THEN the period is %i-%i", (text, year, month) => {
    expect(command(text)).toMatchObject({ period: { year, month }, periodExplicit: true });
  });

  it("strips the DingTalk leading space and @mention, and a typed /duban or /report", () => {
    for (const text of [" 上报 T18-2 260台", "@督办 上报 T18-2 260台", "@督辦上報 T18-2 260台", "/duban 上报 T18-2 260台", "/report T18-2 260台", "<@U0BOT> 上报 T18-2 260台"]) {
      expect(values(text)).toEqual([["T18-2", 260]]);
    }
  });
});

describe("correct", () => {
  it("GIVEN a correction with a reason THEN a correct command", () => {
    expect(command("修改 2026年9月 新增工业机器人 300台 原因：录入错误")).toEqual({
      type: "correct",
      period: { year: 2026, month: 9 },
      periodExplicit: true,
      values: [{ indicatorId: id("T18-2"), code: "T18-2", value: 300, raw: "300台" }],
      narrative: {},
      reason: "录入错误",
    });
  });

  it.each(["更正 T18-2 300台 原因:统计口径调整", "correct T18-2 300 reason: wrong figure", "更正 T18-2 300台 修改原因：笔误", "修正 T18-2 300台 理由:笔误"])(
    "GIVEN %s THEN accepted",
    (text) => {
      expect(command(text).type).toBe("correct");
    },
  );

  it("GIVEN 修改 without a reason THEN missing_reason, with the partial values", () => {
    const r = parse("修改 新增工业机器人 300台");
    expect(r).toMatchObject({ ok: false, problems: [{ code: "missing_reason" }], partial: { type: "correct", values: [{ code: "T18-2", value: 300 }] } });
  });

  it("GIVEN an empty reason THEN missing_reason", () => {
    expect(codes("修改 新增工业机器人 300台 原因:")).toEqual(["missing_reason"]);
  });
});

describe("other commands", () => {
  it.each([
    ["查询", { type: "status", period: { year: 2026, month: 10 }, periodExplicit: false }],
    ["查詢 上月", { type: "status", period: { year: 2026, month: 10 }, periodExplicit: true }],
    ["状态 2026-09", { type: "status", period: { year: 2026, month: 9 }, periodExplicit: true }],
    ["status", { type: "status", period: { year: 2026, month: 10 }, periodExplicit: false }],
    ["status oct 2026", { type: "status", period: { year: 2026, month: 10 }, periodExplicit: true }],
    ["我的任务", { type: "tasks", period: { year: 2026, month: 10 }, periodExplicit: false }],
    ["我的任務 9月", { type: "tasks", period: { year: 2026, month: 9 }, periodExplicit: true }],
    ["任务", { type: "tasks", period: { year: 2026, month: 10 }, periodExplicit: false }],
    ["tasks", { type: "tasks", period: { year: 2026, month: 10 }, periodExplicit: false }],
    ["my tasks", { type: "tasks", period: { year: 2026, month: 10 }, periodExplicit: false }],
    ["帮助", { type: "help" }],
    ["幫助 上報", { type: "help", topic: "report" }],
    ["help correct", { type: "help", topic: "correct" }],
    ["?", { type: "help" }],
    ["？", { type: "help" }],
    ["help 单位", { type: "help", topic: "单位" }],
    ["绑定 U123ABC 市经信局", { type: "bind", userId: "U123ABC", unit: "市经信局" }],
    ["綁定 U123ABC 市經信局 聯絡員", { type: "bind", userId: "U123ABC", unit: "市经信局", role: "liaison" }],
    ["bind slack:U123 义乌市 taskforce", { type: "bind", platform: "slack", userId: "U123", unit: "义乌市", role: "taskforce" }],
    ["绑定 dingtalk:manager4521 市经信局 管理员", { type: "bind", platform: "dingtalk", userId: "manager4521", unit: "市经信局", role: "admin" }],
    ["绑定 <@U07ABC|zhang> 金华开发区 专班", { type: "bind", userId: "U07ABC", unit: "金华开发区", role: "taskforce" }],
    ["解绑 U123ABC", { type: "unbind", userId: "U123ABC" }],
    ["解綁 U123ABC 市经信局", { type: "unbind", userId: "U123ABC", unit: "市经信局" }],
    ["unbind local:zhang", { type: "unbind", platform: "local", userId: "zhang" }],
  ] as Array<[string, Command]>)("GIVEN %s THEN %j", (text, expected) => {
    expect(command(text)).toEqual(expected);
  });

  it("keeps the case of user ids", () => {
    expect(command("绑定 UaBc12 市经信局")).toMatchObject({ userId: "UaBc12" });
  });
});

describe("problems", () => {
  it("unknown_command, suggesting 上报 when the text reads as a report", () => {
    expect(problems("你好")).toEqual([{ code: "unknown_command", raw: "你好" }]);
    expect(problems("新增工业机器人 260台")).toEqual([{ code: "unknown_command", raw: "新增工业机器人", suggestion: "report" }]);
    expect(problems("")).toEqual([{ code: "unknown_command", raw: "" }]);
    expect(problems("@督办")).toEqual([{ code: "unknown_command", raw: "" }]);
    expect(problems("reporting T18-2 5")[0]).toMatchObject({ code: "unknown_command", raw: "reporting" });
  });

  it("unknown_indicator with up to 3 close names", () => {
    const [p] = problems("上报 新增机器人工业 260台");
    expect(p).toMatchObject({ code: "unknown_indicator", raw: "新增机器人工业" });
    if (p?.code !== "unknown_indicator") throw new Error();
    expect(p.suggestions.length).toBeGreaterThan(0);
    expect(p.suggestions.length).toBeLessThanOrEqual(3);
    expect(p.suggestions[0]?.code).toBe("T18-2");
  });

  it("unknown_indicator for an unknown code suggests codes near it", () => {
    const [p] = problems("上报 T18-9 5台");
    expect(p).toMatchObject({ code: "unknown_indicator", raw: "T18-9" });
    if (p?.code !== "unknown_indicator") throw new Error();
    expect(p.suggestions.map((s) => s.code)).toEqual(expect.arrayContaining(["T18-1", "T18-2", "T18-3"]));
  });

  it("unknown_indicator with no suggestions for noise", () => {
    expect(problems("上报 xyzzy 5台")).toEqual([{ code: "unknown_indicator", raw: "xyzzy", suggestions: [] }]);
  });

  it("ambiguous_indicator lists the candidates", () => {
    const [p] = problems("上报 机器人 5台");
    expect(p).toMatchObject({ code: "ambiguous_indicator", raw: "机器人" });
    if (p?.code !== "ambiguous_indicator") throw new Error();
    expect(p.candidates.map((c) => c.code).sort()).toEqual(["T18-2", "T18-3"]);
  });

  it.each([
    ["上报 新增工业机器人", "missing_value", { raw: "新增工业机器人", indicator: { code: "T18-2", unit: "台" } }],
    ["上报 新增工业机器人 在役机器人总量 5台", "missing_value", { raw: "新增工业机器人" }],
    ["上报 260台", "missing_indicator", { raw: "260台" }],
    ["上报 完成限上制造业投资 3.5", "missing_unit", { raw: "3.5", expectedUnit: "亿元", indicator: { code: "T12-3" } }],
    ["上报 落地率 55", "missing_unit", { raw: "55", expectedUnit: "%" }],
    ["上报 腾出用能 3", "missing_unit", { expectedUnit: "万吨标准煤" }],
    ["上报 完成限上制造业投资 3台", "wrong_unit", { raw: "3台", expectedUnit: "亿元", givenUnit: "台" }],
    ["上报 新增工业机器人 3家", "wrong_unit", { expectedUnit: "台", givenUnit: "家" }],
    ["上报 落地率 3万", "wrong_unit", { expectedUnit: "%", givenUnit: "万" }],
    ["上报 新增工业机器人 3亿元", "wrong_unit", { expectedUnit: "台", givenUnit: "亿元" }],
    ["上报 新增工业机器人 -5台", "bad_number", { raw: "-5台", indicator: { code: "T18-2" } }],
    ["上报 新增工业机器人 1.2.3台", "bad_number", { raw: "1.2.3台" }],
    ["上报 新增工业机器人 abc台", "bad_number", { raw: "abc台" }],
    ["上报 新增工业机器人 NaN", "bad_number", { raw: "NaN" }],
    ["上报 新增工业机器人 1e5台", "bad_number", { raw: "1e5台" }],
    ["上报 新增工业机器人 1,2台", "bad_number", { raw: "1,2台" }],
    [`上报 新增工业机器人 ${"9".repeat(400)}台`, "bad_number", {}],
    ["上报 2026-13 T18-2 5台", "bad_period", { raw: "2026-13" }],
    ["上报 13月 T18-2 5台", "bad_period", { raw: "13月" }],
    ["查询 明天", "bad_period", { raw: "明天" }],
    ["查询 2026年0月", "bad_period", { raw: "2026年0月" }],
    ["上报 2026-12 T18-2 5台", "period_in_future", { raw: "2026-12", period: { year: 2026, month: 12 }, current: { year: 2026, month: 11 } }],
    ["上报 2027年1月 T18-2 5台", "period_in_future", { period: { year: 2027, month: 1 } }],
    ["上报 T18-2 5台 新增工业机器人 6台", "duplicate_indicator", { raw: "新增工业机器人", indicator: { code: "T18-2" } }],
    ["上报", "empty_report", {}],
    ["上报 10月", "empty_report", {}],
    ["绑定", "missing_argument", { command: "bind", argument: "userId" }],
    ["绑定 U123", "missing_argument", { command: "bind", argument: "unit" }],
    ["解绑", "missing_argument", { command: "unbind", argument: "userId" }],
  ])("GIVEN %s THEN %s", (text, code, data) => {
    const list = problems(text);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ code, ...data });
  });

  it("the Traditional versions give the same problems", () => {
    expect(codes("上報 新增工業機器人")).toEqual(["missing_value"]);
    expect(codes("上報 完成限上製造業投資 3.5")).toEqual(["missing_unit"]);
    expect(codes("上報 新增工業機器人 3億元")).toEqual(["wrong_unit"]);
    expect(codes("修改 新增工業機器人 300臺")).toEqual(["missing_reason"]);
  });

  it("collects every problem of a message in one pass", () => {
    const r = parse("修改 2027-01 机器人 5台 新增工业机器人 abc台 落地率 120 T12-3 3台 T99-1 4 新增工业机器人 6台 进展:还行");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.code)).toEqual([
      "period_in_future",
      "ambiguous_indicator",
      "bad_number",
      "missing_unit",
      "wrong_unit",
      "unknown_indicator",
      "duplicate_indicator",
      "missing_reason",
    ]);
  });

  it("keeps the valid values in `partial`", () => {
    const r = parse("上报 新增工业机器人 260台 落地率 55 进展:好");
    expect(r).toMatchObject({
      ok: false,
      problems: [{ code: "missing_unit" }],
      partial: { type: "report", values: [{ code: "T18-2", value: 260 }], narrative: { progress: "好" } },
    });
  });

  it("caps a runaway list with too_many_problems", () => {
    const text = `上报 ${Array.from({ length: 30 }, (_, i) => `xyz${"abcdefghijklmnopqrstuvwxyz"[i % 26]} 5台`).join(" ")}`;
    const list = problems(text);
    expect(list).toHaveLength(MAX_PROBLEMS + 1);
    expect(list[MAX_PROBLEMS]).toEqual({ code: "too_many_problems", omitted: 30 - MAX_PROBLEMS });
  });
});

describe("the period context", () => {
  it("uses the caller's time zone: 23:30 UTC on 31 October is November in Beijing", () => {
    const late = { ...ctx, now: new Date("2026-10-31T23:30:00Z") };
    expect(parseCommand("查询 本月", late)).toMatchObject({ ok: true, command: { period: { year: 2026, month: 11 } } });
    expect(parseCommand("查询 本月", { ...late, timeZone: "UTC" })).toMatchObject({ ok: true, command: { period: { year: 2026, month: 10 } } });
  });

  it("reads a month without a year as the last such month, never a future one", () => {
    const january = { ...ctx, now: new Date("2027-01-04T02:00:00Z"), openPeriod: { year: 2026, month: 12 } };
    expect(parseCommand("上报 12月 T18-2 5台", january)).toMatchObject({ ok: true, command: { period: { year: 2026, month: 12 } } });
    expect(parseCommand("上报 1月 T18-2 5台", january)).toMatchObject({ ok: true, command: { period: { year: 2027, month: 1 } } });
  });
});
