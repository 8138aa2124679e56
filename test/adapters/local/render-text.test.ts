import { describe, expect, it } from "vitest";
import type { Reply, ReportForm } from "../../../handlers/types.js";
import { markdownLine, renderFormText, renderNoticeText, renderReplyText } from "../../../src/adapters/local/render-text.js";

const form: ReportForm = {
  mode: "report",
  unit: { id: 7, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [
    { code: "T18-2", name: "新增工业机器人", unit: "台", kind: "cumulative", last: "260台 (2026年9月)" },
    { code: "G5", name: "规上工业增加值增速", unit: "%", kind: "growth", value: "8.5" },
  ],
  narrative: {},
  labels: { title: "月度上报", submit: "提交", progress: "进展", problems: "问题", nextSteps: "计划", reason: "原因", period: "期间" },
};

const reply = (r: Partial<Reply>): Reply => ({ status: "info", title: "标题", lines: [], ...r });

describe("markdownLine", () => {
  it.each([
    ["GIVEN **bold** THEN the markers go", "已收到 **义乌市** 的上报", false, "已收到 义乌市 的上报"],
    ["GIVEN `code` THEN the backticks go (the text is meant to be copied)", "输入 `上报 新增工业机器人 260台`", false, "输入 上报 新增工业机器人 260台"],
    ["GIVEN a list item THEN a bullet", "- 新增工业机器人 260台", false, "  • 新增工业机器人 260台"],
    ["GIVEN ansi THEN bold is an escape", "**粗体**", true, "\x1b[1m粗体\x1b[22m"],
    ["GIVEN a lone asterisk THEN it stays", "3*4 = 12", false, "3*4 = 12"],
  ])("%s", (_name, input, ansi, expected) => {
    expect(markdownLine(input, ansi)).toBe(expected);
  });
});

describe("renderReplyText", () => {
  it.each<[string, Reply, string]>([
    [
      "GIVEN an ok reply with lines THEN a check mark, the title and plain lines",
      reply({ status: "ok", title: "已收到 **义乌市** 2026年10月 的上报", lines: ["共 2 项：", "- 新增工业机器人 `260台`", "- 规上工业增加值增速 8.5%"] }),
      "✓ 已收到 义乌市 2026年10月 的上报\n共 2 项：\n  • 新增工业机器人 260台\n  • 规上工业增加值增速 8.5%",
    ],
    [
      "GIVEN an error with field errors and an example THEN each problem and an indented example",
      reply({ status: "error", title: "没有保存", lines: ["有 1 处问题"], fieldErrors: { "T18-2": "缺少单位" }, example: "上报 新增工业机器人 260台\n进展:…" }),
      "✗ 没有保存\n有 1 处问题\n  ✗ T18-2：缺少单位\n示例（可复制）：\n    上报 新增工业机器人 260台\n    进展:…",
    ],
    [
      "GIVEN a denied reply THEN its own mark",
      reply({ status: "denied", title: "尚未登记，请联系管理员", lines: ["你的用户 id：`local-1`"] }),
      "⊘ 尚未登记，请联系管理员\n你的用户 id：local-1",
    ],
    [
      "GIVEN a duplicate THEN it says so under the title",
      reply({ status: "ok", title: "已收到", duplicate: true }),
      "✓ 已收到\n（这条已处理过，以上是当时的答复）",
    ],
    [
      "GIVEN an action THEN the word to type",
      reply({ title: "本月还没有上报", actions: [{ id: "open_report_form", label: "填报", value: "2026-10" }] }),
      "• 本月还没有上报\n[填报] 输入 填报 打开表单",
    ],
    [
      "GIVEN notices THEN who would get them",
      reply({
        status: "ok",
        title: "已收到",
        notices: [
          { to: { kind: "taskforce" }, text: "义乌市 已上报 2026年10月" },
          { to: { kind: "unit", unit: "义乌市" }, text: "**已绑定** 新联络员" },
        ],
      }),
      "✓ 已收到\n→ 专班群：义乌市 已上报 2026年10月\n→ 义乌市 联络员：已绑定 新联络员",
    ],
  ])("%s", (_name, input, expected) => {
    expect(renderReplyText(input)).toBe(expected);
  });

  it("GIVEN English THEN the adapter's own words are English", () => {
    const text = renderReplyText(
      reply({ status: "error", title: "Not stored", example: "report 新增工业机器人 260台", notices: [{ to: { kind: "taskforce" }, text: "x" }] }),
      { lang: "en" },
    );
    expect(text).toBe("✗ Not stored\nExample (copy it):\n    report 新增工业机器人 260台\n→ task-force group: x");
  });

  it("GIVEN a reply carrying a form THEN the form follows the reply", () => {
    const text = renderReplyText(reply({ title: "请填写", form }));
    expect(text.split("\n")[0]).toBe("• 请填写");
    expect(text).toContain("  1. 新增工业机器人（台）");
  });
});

describe("renderFormText", () => {
  it("GIVEN a report form THEN a numbered list with last values and the command to type", () => {
    expect(renderFormText(form)).toBe(
      [
        "月度上报 · 义乌市 · 2026年10月",
        "  1. 新增工业机器人（台）  上次：260台 (2026年9月)",
        "  2. 规上工业增加值增速（%）  本期已填：8.5",
        "直接输入一行上报，例如：",
        "    上报 新增工业机器人 260台",
        "进展、问题、计划可写在同一行：进展：… 问题：… 计划：…",
      ].join("\n"),
    );
  });

  it("GIVEN a correction form in English THEN the English verb and the reason", () => {
    const text = renderFormText({ ...form, mode: "correct" }, { lang: "en" });
    expect(text).toContain("    correct 新增工业机器人 260台");
    expect(text).toContain("A correction needs a reason");
  });

  it("GIVEN no indicators THEN no example line", () => {
    expect(renderFormText({ ...form, indicators: [] })).not.toContain("例如");
  });
});

describe("renderNoticeText", () => {
  it("GIVEN a unit notice in English THEN the unit's liaisons", () => {
    expect(renderNoticeText({ to: { kind: "unit", unit: "义乌市" }, text: "请于 10 日前上报" }, "en")).toBe("→ 义乌市 liaisons: 请于 10 日前上报");
  });
});
