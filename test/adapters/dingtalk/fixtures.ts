/** Shared fixtures for the DingTalk adapter tests. */
import pino from "pino";
import type { Bot, Incoming, Reply, ReportForm } from "../../../handlers/types.js";

export const silentLogger = pino({ level: "silent" });

export const reportForm = (over: Partial<ReportForm> = {}): ReportForm => ({
  mode: "report",
  unit: { id: 7, name: "义乌市" },
  plan: { code: "jinhua-manufacturing-2021-2023", name: "金华市制造业攻坚行动方案" },
  period: { key: "2026-10", label: "2026年10月" },
  indicators: [
    { code: "IND-01", name: "工业企业数", unit: "家", kind: "count", last: "260家 (2026年9月)" },
    { code: "IND.02", name: "投资额", unit: "万元", kind: "amount", value: "35000" },
  ],
  narrative: {},
  labels: { title: "义乌市 2026年10月 上报", submit: "提交", progress: "进展", problems: "问题", nextSteps: "计划", reason: "原因", period: "期间" },
  ...over,
});

export const okReply: Reply = { status: "ok", title: "已收到 义乌市 2026年10月 的上报", lines: ["- 工业企业数 **120家**", "- 投资额 **35000万元**"] };

/** A Bot that records every Incoming and answers with `answer` (canned by default). */
export class RecordingBot implements Bot {
  readonly seen: Incoming[] = [];
  constructor(private readonly answer: (i: Incoming) => Reply | Promise<Reply> = () => okReply) {}
  async handle(incoming: Incoming): Promise<Reply> {
    this.seen.push(incoming);
    return this.answer(incoming);
  }
  async openForm(): Promise<ReportForm> {
    return reportForm();
  }
}

export async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
