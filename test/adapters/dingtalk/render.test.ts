/** Pure pieces of the DingTalk adapter: markdown rendering, message unwrapping, the card's data. */
import { describe, expect, it } from "vitest";
import { renderFormFallback, renderMarkdown, truncateUtf8 } from "../../../src/adapters/dingtalk/render-reply.js";
import { buildCardParamMap, canonicalJson, cardEventKey, indicatorField, parseCardSubmission } from "../../../src/adapters/dingtalk/report-card.js";
import { stripMentions } from "../../../src/adapters/dingtalk/robot-message.js";
import { reportForm } from "./fixtures.js";

describe("renderMarkdown", () => {
  it("GIVEN title, lines, example and an action THEN heading, list, code block and a link-less hint", () => {
    const md = renderMarkdown({
      status: "error",
      title: "**1** 处需要修改",
      lines: ["未知指标「工业企业」", "- 工业企业数", "- 投资额", "请改正后重发"],
      example: "上报 工业企业数 120家",
      actions: [{ id: "open_report_form", label: "填报", value: "2026-10" }],
    });
    expect(md.title).toBe("1 处需要修改");
    expect(md.text).toBe(
      "#### ❌ **1** 处需要修改\n\n未知指标「工业企业」\n\n- 工业企业数\n- 投资额\n\n请改正后重发\n\n```\n上报 工业企业数 120家\n```\n\n> 👉 填报：发送「上报」",
    );
  });

  it("GIVEN a group reply THEN the @ is in the text too; English hint in English", () => {
    expect(renderMarkdown({ status: "ok", title: "t", lines: [] }, { atUserId: "u1" }).text).toBe("@u1\n\n#### ✅ t");
    expect(renderMarkdown({ status: "info", title: "t", lines: [], actions: [{ id: "open_report_form", label: "Fill in", value: "" }] }, { lang: "en" }).text).toContain(
      '👉 Fill in: send "report"',
    );
  });

  it("GIVEN a huge reply THEN it is cut under the byte budget at a character boundary", () => {
    const md = renderMarkdown({ status: "info", title: "t", lines: Array.from({ length: 3000 }, () => "- 一二三四五") });
    expect(Buffer.byteLength(md.text)).toBeLessThanOrEqual(12_000);
    expect(md.text.endsWith("…")).toBe(true);
    // "\n\n…" is 5 bytes, each character 3: 8 bytes hold one character and the mark.
    expect(truncateUtf8("一二三", 8)).toBe("一\n\n…");
    expect(truncateUtf8("一二三", 9)).toBe("一二三");
  });

  it("GIVEN a form without a card template THEN indicators, last values and a command to copy", () => {
    const md = renderFormFallback(reportForm({ mode: "correct" }));
    expect(md.title).toBe("义乌市 2026年10月 上报");
    expect(md.text).toContain("- **工业企业数**（家） 上次：260家 (2026年9月)\n- **投资额**（万元） 本期已填：35000");
    expect(md.text).toContain("```\n修改 2026-10 工业企业数 <数值>家 投资额 35000\n进展：…\n问题：…\n计划：…\n原因：…\n```");
  });
});

describe("stripMentions", () => {
  it.each([
    [" 查询", "查询"],
    [" @督办 上报 工业企业数 120家", "上报 工业企业数 120家"],
    ["@督办\u2005查询", "查询"],
    [" 上报 @张三 进展：好", "上报  进展：好"],
    ["联系 a@b.com", "联系 a@b.com"],
    ["\u3000@督办\u3000帮助\u3000", "帮助"],
  ])("GIVEN %j THEN %j", (input, expected) => {
    expect(stripMentions(input)).toBe(expected);
  });
});

describe("report card data", () => {
  it("GIVEN a form THEN every cardParamMap value is a string and one TEXT field per indicator", () => {
    const map = buildCardParamMap(reportForm());
    expect(Object.values(map).every((v) => typeof v === "string")).toBe(true);
    const fields = (JSON.parse(map["form"] ?? "") as { fields: { name: string; hidden?: boolean; placeholder?: string }[] }).fields;
    expect(fields.filter((f) => f.name.startsWith("ind_")).map((f) => f.name)).toEqual([indicatorField("IND-01"), indicatorField("IND.02")]);
    expect(fields.find((f) => f.name === indicatorField("IND-01"))?.placeholder).toBe("上次：260家 (2026年9月)");
    expect(fields.filter((f) => f.hidden).map((f) => f.name)).toEqual(["_mode", "_period", "_unit", "_plan"]);
  });

  it("GIVEN the Form component's params THEN a submission keyed by indicator code; hidden meta from current_form", () => {
    const current = JSON.parse(buildCardParamMap(reportForm({ mode: "correct" }))["form"] ?? "") as unknown;
    const parsed = parseCardSubmission({
      form: { [indicatorField("IND-01")]: "１２０家", [indicatorField("IND.02")]: "", reason: " 录入错误 ", progress: 5 },
      current_form: current,
    });
    expect(parsed?.submission).toEqual({
      mode: "correct",
      period: "2026-10",
      unit: "义乌市",
      plan: "jinhua-manufacturing-2021-2023",
      values: { "IND-01": "１２０家" },
      progress: "5",
      reason: "录入错误",
    });
  });

  it("GIVEN the loop container's submit_form_fields (or JSON strings) THEN the same submission", () => {
    expect(
      parseCardSubmission({
        submit_form_fields: [
          { name: indicatorField("IND-01"), type: "TEXT", default_string: "120家" },
          { name: "_period", type: "TEXT", default_string: "2026-09" },
        ],
      })?.submission,
    ).toEqual({ mode: "report", period: "2026-09", values: { "IND-01": "120家" } });
    expect(parseCardSubmission({ form: JSON.stringify({ [indicatorField("X")]: "1" }) })?.submission.values).toEqual({ X: "1" });
  });

  it("GIVEN params without a form (another button) THEN no submission", () => {
    expect(parseCardSubmission({ action: "like" })).toBeUndefined();
  });

  it("GIVEN the same params in another key order THEN the same eventKey; another value THEN another", () => {
    const a = cardEventKey("t1", { form: { a: "1", b: "2" }, current_form: { fields: [] } });
    const b = cardEventKey("t1", { current_form: { fields: [] }, form: { b: "2", a: "1" } });
    const c = cardEventKey("t1", { form: { a: "1", b: "3" }, current_form: { fields: [] } });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(canonicalJson({ b: [1, { d: null, c: "x" }], a: undefined })).toBe('{"b":[1,{"c":"x","d":null}]}');
  });
});

describe("card-template.json", () => {
  it("declares every variable the adapter fills, and its Form reads `form` and echoes it as current_form", async () => {
    const { readFile } = await import("node:fs/promises");
    const file = JSON.parse(await readFile(new URL("../../../src/adapters/dingtalk/card-template.json", import.meta.url), "utf8")) as { editorData: string };
    const editor = JSON.parse(file.editorData) as { variableList: { name: string }[] };
    const declared = editor.variableList.map((v) => v.name).sort();
    expect(declared).toEqual(Object.keys(buildCardParamMap(reportForm())).sort());
    expect(file.editorData).toContain('"formSchema":{"variable":"form"');
    expect(file.editorData).toContain('"name":"current_form"');
  });
});
