import { describe, expect, it } from "vitest";
import type { Reply } from "../../../handlers/types.js";
import { OPEN_REPORT_FORM_ACTION, renderReply, SLACK_LIMITS } from "../../../src/adapters/slack/render-reply.js";
import { packLines, toMrkdwn, truncate } from "../../../src/adapters/slack/mrkdwn.js";

const base: Reply = { status: "ok", title: "已收到 义乌市 2026年10月 的上报", lines: [] };

/** The mrkdwn text of a block, or "" for blocks without one. */
function textOf(block: unknown): string {
  const b = block as { text?: { text?: string } };
  return b.text?.text ?? "";
}

describe("renderReply", () => {
  it("puts the title in a section with an emoji per status", () => {
    const emoji = { ok: ":white_check_mark:", error: ":x:", info: ":information_source:", denied: ":no_entry:" } as const;
    for (const status of ["ok", "error", "info", "denied"] as const) {
      const { blocks } = renderReply({ ...base, status });
      expect(blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: `${emoji[status]} *已收到 义乌市 2026年10月 的上报*` } });
    }
  });

  it("turns **bold** into *bold*, '- ' items into bullets, keeps `code`, and escapes &, <, >", () => {
    const { blocks, text } = renderReply({ ...base, lines: ["**新增工业机器人** 260台", "- 用 `上报` 命令", "A<B & C>D"] });
    expect(blocks).toHaveLength(2);
    expect(textOf(blocks[1])).toBe("*新增工业机器人* 260台\n• 用 `上报` 命令\nA&lt;B &amp; C&gt;D");
    // The fallback text is plain, escaped, and carries the whole reply.
    expect(text).toBe("已收到 义乌市 2026年10月 的上报\n新增工业机器人 260台\n- 用 `上报` 命令\nA&lt;B &amp; C&gt;D");
  });

  it("renders the example as a code block and actions as open_report_form buttons", () => {
    const { blocks } = renderReply({
      ...base,
      status: "error",
      example: "上报 新增工业机器人 260台",
      actions: [
        { id: "open_report_form", label: "填报", value: "2026-10" },
        { id: "open_report_form", label: "填报 9月", value: "2026-09" },
      ],
    });
    expect(textOf(blocks[1])).toBe("```上报 新增工业机器人 260台```");
    const buttons = blocks.slice(2);
    expect(buttons).toHaveLength(2);
    // One actions block per button: action_ids must be unique within a block.
    expect(buttons[0]).toMatchObject({
      type: "actions",
      elements: [{ type: "button", action_id: OPEN_REPORT_FORM_ACTION, value: "2026-10", text: { type: "plain_text", text: "填报" }, style: "primary" }],
    });
    expect(buttons[1]).toMatchObject({ type: "actions", elements: [{ action_id: OPEN_REPORT_FORM_ACTION, value: "2026-09" }] });
    expect(new Set(buttons.map((b) => (b as { block_id: string }).block_id)).size).toBe(2);
  });

  it("keeps every section within 3000 characters and the message within 50 blocks", () => {
    const long = "长".repeat(7000);
    const many = Array.from({ length: 400 }, (_, i) => `第${i}行 ${"x".repeat(200)}`);
    const { blocks, text } = renderReply({
      ...base,
      title: "标".repeat(4000),
      lines: [long, ...many],
      example: "例".repeat(5000),
      actions: [{ id: "open_report_form", label: "按钮".repeat(100), value: "v".repeat(3000) }],
    });
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    for (const b of blocks) expect(textOf(b).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    // What the user acts on survives the cut: the example and the button are the last blocks.
    expect(textOf(blocks.at(-2))).toMatch(/^```例+…```$/);
    const button = blocks.at(-1) as { elements: { text: { text: string }; value: string }[] };
    expect(button.elements[0]?.text.text.length).toBeLessThanOrEqual(75);
    expect(button.elements[0]?.value.length).toBe(2000);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });
});

describe("mrkdwn helpers", () => {
  it("packs lines into chunks without losing or reordering text", () => {
    const lines = ["aaaa", "bb", "cccccccccc", "d"];
    const chunks = packLines(lines, 6);
    expect(chunks.every((c) => c.length <= 6)).toBe(true);
    expect(chunks.join("\n").replace(/\n/g, "")).toBe(lines.join(""));
  });

  it("truncates without splitting a surrogate pair", () => {
    expect(truncate("ab😀cd", 4)).toBe("ab…");
    expect(truncate("abc", 3)).toBe("abc");
    expect(toMrkdwn("**a** and **b**")).toBe("*a* and *b*");
  });
});
