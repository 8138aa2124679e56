import { describe, expect, it } from "vitest";
import type { ReportForm } from "../../../handlers/types.js";
import {
  buildReportModal,
  parseReportSubmission,
  REPORT_MODAL_CALLBACK_ID,
  toBlockErrors,
  type ViewStateValues,
} from "../../../src/adapters/slack/report-modal.js";

const sampleForm: ReportForm = {
  mode: "report",
  unit: { id: 7, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [
    { code: "T18-2", name: "新增工业机器人", unit: "台", kind: "count", last: "260台 (2026年9月)" },
    { code: "T3-1", name: "规上工业增加值增速", unit: "%", kind: "share", value: "5.5%" },
    { code: "T9", name: "重点项目", unit: "", kind: "count" },
  ],
  narrative: { progress: "已完成一期" },
  labels: { title: "上报 2026年10月进展", submit: "提交", progress: "进展", problems: "问题", nextSteps: "下步计划", reason: "修改原因", period: "期间" },
};

type Block = { type: string; block_id?: string; optional?: boolean; label?: { text: string }; hint?: { text: string }; element?: Record<string, unknown> };

const input = (value: string | null) => ({ value: { type: "plain_text_input", value } });

describe("buildReportModal", () => {
  it("builds one input per indicator with label, hint (last value) and prefill", () => {
    const view = buildReportModal(sampleForm);
    expect(view.callback_id).toBe(REPORT_MODAL_CALLBACK_ID);
    expect(JSON.parse(view.private_metadata ?? "")).toEqual({ mode: "report", period: "2026-10", unit: "义乌市", plan: "jinhua-manufacturing-2021-2023" });
    expect(view.title).toMatchObject({ type: "plain_text", text: "上报 2026年10月进展" });
    expect(view.submit).toMatchObject({ text: "提交" });
    const blocks = view.blocks as Block[];
    expect(blocks.map((b) => b.block_id)).toEqual(["header", "ind:T18-2", "ind:T3-1", "ind:T9", "progress", "problems", "nextSteps"]);
    const [robot, growth, project] = blocks.slice(1, 4);
    expect(robot).toMatchObject({
      type: "input",
      optional: true,
      label: { text: "新增工业机器人（台）" },
      hint: { text: "260台 (2026年9月)" },
      element: { type: "plain_text_input", action_id: "value" },
    });
    expect(robot?.element).not.toHaveProperty("initial_value");
    expect(growth?.element).toMatchObject({ initial_value: "5.5%" });
    expect(growth).not.toHaveProperty("hint");
    expect(project?.label?.text).toBe("重点项目");
    expect(blocks.find((b) => b.block_id === "progress")).toMatchObject({
      optional: true,
      label: { text: "进展" },
      element: { multiline: true, initial_value: "已完成一期" },
    });
    expect(blocks.find((b) => b.block_id === "reason")).toBeUndefined();
  });

  it("asks for a required reason when correcting", () => {
    const blocks = buildReportModal({ ...sampleForm, mode: "correct" }).blocks as Block[];
    expect(blocks.at(-1)).toMatchObject({ block_id: "reason", optional: false, label: { text: "修改原因" }, element: { multiline: true } });
  });

  it("stays within Slack's view limits (24-character title, 100 blocks)", () => {
    const indicators = Array.from({ length: 150 }, (_, i) => ({ code: `X${i}`, name: `指标${i}`, unit: "家", kind: "count" }));
    const view = buildReportModal({ ...sampleForm, mode: "correct", indicators, labels: { ...sampleForm.labels, title: "很".repeat(40) } });
    expect((view.title as { text: string }).text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect((view.blocks as Block[]).find((b) => b.block_id === "overflow")).toBeDefined();
    expect((view.blocks as Block[]).at(-1)?.block_id).toBe("reason");
  });
});

describe("parseReportSubmission", () => {
  const metadata = JSON.stringify({ mode: "correct", period: "2026-10", unit: "义乌市" });

  it("reads typed values by indicator code, skipping empty inputs, plus narrative and reason", () => {
    const values: ViewStateValues = {
      "ind:T18-2": input(" 260台 "),
      "ind:T3-1": input(null),
      "ind:T9": input("   "),
      progress: input("进展顺利"),
      problems: input(null),
      reason: input("录入错误"),
    };
    expect(parseReportSubmission({ private_metadata: metadata, state: { values } })).toEqual({
      ok: true,
      submission: { mode: "correct", period: "2026-10", unit: "义乌市", values: { "T18-2": "260台" }, progress: "进展顺利", reason: "录入错误" },
    });
  });

  it("rejects a view whose private_metadata is not ours", () => {
    for (const bad of ["", "{", JSON.stringify({ mode: "delete", period: "2026-10" })]) {
      expect(parseReportSubmission({ private_metadata: bad, state: { values: {} } }).ok).toBe(false);
    }
  });

  it("round-trips the modal it builds", () => {
    const view = buildReportModal(sampleForm);
    const values: ViewStateValues = Object.fromEntries(
      (view.blocks as Block[])
        .filter((b) => b.type === "input")
        .map((b) => [b.block_id ?? "", input((b.element?.["initial_value"] as string | undefined) ?? null)]),
    );
    expect(parseReportSubmission({ private_metadata: view.private_metadata ?? "", state: { values } })).toEqual({
      ok: true,
      submission: { mode: "report", period: "2026-10", unit: "义乌市", plan: "jinhua-manufacturing-2021-2023", values: { "T3-1": "5.5%" }, progress: "已完成一期" },
    });
  });
});

describe("toBlockErrors", () => {
  const ids = ["ind:T18-2", "ind:T3-1", "progress", "reason"];

  it("maps indicator codes to ind:<code> and field names to their blocks", () => {
    expect(toBlockErrors({ "T18-2": "缺少单位", reason: "请填写原因" }, ids)).toEqual({ "ind:T18-2": "缺少单位", reason: "请填写原因" });
  });

  it("shows errors without an input of their own on the first input instead of dropping them", () => {
    expect(toBlockErrors({ period: "2026年10月已关闭", "T18-2": "缺少单位", ZZ: "未知指标" }, ids)).toEqual({
      "ind:T18-2": "2026年10月已关闭；未知指标；缺少单位",
    });
    expect(toBlockErrors({ period: "x" }, [])).toEqual({});
  });
});
