import type { BriefingSummary, SnapshotChange, UnitExplanation } from "../domain/ranking/explain.js";
import type { ScoringWindow } from "../domain/ranking/periods.js";
import type { Light, RankingKind, UnrankedReason } from "../domain/ranking/score.js";
import type { Lang } from "./lang.js";
import { periodLabel } from "./report-words.js";

/** The ranking's words: the briefing message and the explanation, in either language. */

const QUARTER_ZH = ["一", "二", "三", "四"];

/** "2026年第三季度" / "Q3 2026"; "2026年度"; "2026年10月". */
export function windowLabel(w: Pick<ScoringWindow, "label" | "scope" | "months">, lang: Lang): string {
  const first = w.months[0]!;
  if (w.scope === "quarter") {
    const q = Math.floor((first.month - 1) / 3);
    return lang === "zh" ? `${first.year}年第${QUARTER_ZH[q]}季度` : `Q${q + 1} ${first.year}`;
  }
  if (w.scope === "year") return lang === "zh" ? `${first.year}年度` : `${first.year}`;
  return periodLabel(first, lang);
}

export function kindLabel(kind: RankingKind, lang: Lang): string {
  if (lang === "zh") return kind === "department" ? "牵头部门" : "县(市、区)";
  return kind === "department" ? "lead departments" : "counties";
}

const LIGHT_ICONS: Record<Light, string> = { green: "🟢", amber: "🟡", red: "🔴", none: "⚪" };

export function unrankedText(reason: UnrankedReason | null, lang: Lang): string {
  const zh = lang === "zh";
  switch (reason) {
    case "no_indicators":
      return zh ? "无考核指标" : "no indicators";
    case "no_data":
      return zh ? "暂无数据" : "no data";
    case "insufficient_data":
      return zh ? "数据不足" : "not enough data";
    default:
      return "";
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number | null) => (x === null ? "-" : Number.isInteger(x) ? String(x) : String(Number(x.toFixed(4))));

/** The briefing message: top, bottom (通报约谈), movers, behind 序时进度, missing data, corrections. */
export function briefingLines(s: BriefingSummary, corrections: { since: string; changes: SnapshotChange[] } | null, lang: Lang): string[] {
  const zh = lang === "zh";
  const lines: string[] = [];
  const row = (r: BriefingSummary["rows"][number]) => `- ${zh ? `第${r.rank}名` : `#${r.rank}`} ${r.name} ${num(r.total)}${LIGHT_ICONS[r.worstLight]}`;
  lines.push(zh ? `参与排名 ${s.rankedCount} 个${kindLabel(s.kind, lang)}` : `${s.rankedCount} ${kindLabel(s.kind, lang)} ranked`);
  if (s.top.length) lines.push(zh ? "**前列**" : "**Top**", ...s.top.map(row));
  if (s.bottom.length) lines.push(zh ? "**后列(通报约谈)**" : "**Bottom (summoned for a talk)**", ...s.bottom.map(row));
  if (s.movers.length) {
    lines.push(zh ? "**位次变化**" : "**Movers**");
    for (const m of s.movers) {
      const what =
        m.direction === "up" || m.direction === "down"
          ? `${m.previousRank} → ${m.currentRank} (${m.change! > 0 ? "↑" : "↓"}${Math.abs(m.change!)})`
          : m.direction === "entered"
            ? zh ? `新进入排名,第${m.currentRank}名` : `entered at #${m.currentRank}`
            : zh ? `退出排名(上期第${m.previousRank}名)` : `left the ranking (was #${m.previousRank})`;
      lines.push(`- ${m.name} ${what}`);
    }
  }
  if (s.behind.length) {
    lines.push(zh ? "**落后序时进度**" : "**Behind schedule (序时进度)**");
    for (const b of s.behind) lines.push(`- ${b.name}: ${b.indicators.map((i) => `${i.name} ${pct(i.ratio)}${LIGHT_ICONS[i.light]}`).join(zh ? "、" : ", ")}`);
  }
  if (s.missing.length) {
    lines.push(zh ? "**数据缺报**" : "**Missing data**");
    for (const m of s.missing) {
      const parts: string[] = [];
      if (m.unranked) parts.push(unrankedText(m.unranked, lang));
      if (m.monthsNotSubmitted.length) parts.push(`${zh ? "未报" : "not reported"} ${m.monthsNotSubmitted.map((p) => periodLabel(p, lang)).join(zh ? "、" : ", ")}`);
      if (m.indicators.length) parts.push(`${zh ? "缺" : "missing"} ${m.indicators.map((i) => i.name).join(zh ? "、" : ", ")}`);
      lines.push(`- ${m.name}: ${parts.join(zh ? ";" : "; ")}`);
    }
  }
  if (corrections && corrections.changes.length) {
    lines.push(zh ? `**${corrections.since} 通报发布后的数据更正**` : `**Corrections since the ${corrections.since} briefing**`);
    for (const c of corrections.changes) {
      const field = c.field === "actual" ? c.code! : c.field === "total" ? (zh ? "综合得分" : "total") : zh ? "名次" : "rank";
      lines.push(`- ${c.name} ${field}: ${num(c.published)} → ${num(c.now)}`);
    }
  }
  return lines;
}

/** The computation for one unit, indicator by indicator (chat and CLI). */
export function explainLines(e: UnitExplanation, lang: Lang): string[] {
  const zh = lang === "zh";
  const lines: string[] = [];
  lines.push(
    e.rank !== null
      ? zh ? `${kindLabel(e.kind, lang)}排名 第${e.rank}名 / 共${e.rankedCount}个${e.bottom ? "(通报约谈)" : ""}` : `Rank ${e.rank} of ${e.rankedCount} ${kindLabel(e.kind, lang)}${e.bottom ? " (summoned)" : ""}`
      : zh ? `未参与排名:${unrankedText(e.unranked, lang)}` : `Not ranked: ${unrankedText(e.unranked, lang)}`,
  );
  const st = e.settings;
  lines.push(
    zh
      ? `规则:绿灯 ≥ ${st.lights.green},黄灯 ≥ ${st.lights.amber};封顶 ${st.cap};综合 = ${st.weights.result}×结果 + ${st.weights.conduct}×行为`
      : `Rules: green ≥ ${st.lights.green}, amber ≥ ${st.lights.amber}; cap ${st.cap}; total = ${st.weights.result}×result + ${st.weights.conduct}×conduct`,
  );
  lines.push(zh ? "**指标**" : "**Indicators**");
  for (const i of e.indicators) {
    const head = `- ${LIGHT_ICONS[i.light]} ${i.code} ${i.name} (${i.kind}, ${zh ? "目标" : "target"} ${num(i.target)}${i.unit}${i.targetSource === "share" ? (zh ? ",分解目标" : ", share") : ""})`;
    const score = i.counted
      ? `${zh ? "得分" : "points"} ${num(i.points)} × ${zh ? "权重" : "weight"} ${num(i.weight)} → ${num(i.contribution)}`
      : zh ? "不计分" : "not scored";
    lines.push(head, `  ${i.formula}`, `  ${score}`);
    if (i.values.length) lines.push(`  ${zh ? "数据" : "values"}: ${i.values.map((v) => `${v.period.year}-${String(v.period.month).padStart(2, "0")} ${num(v.value)}`).join(", ")}`);
  }
  lines.push(`${zh ? "结果得分" : "Result"}: ${e.result ? e.result.formula : "-"}`);
  lines.push(`${zh ? "行为得分" : "Conduct"}: ${e.conduct ? e.conduct.formula : zh ? "无应报月份" : "no month owed"}`);
  if (e.conduct) {
    for (const m of e.conduct.months) {
      if (m.score === null) continue;
      lines.push(`  ${periodLabel(m.period, lang)}: ${m.status} ${zh ? "报" : "reported"} ${m.reported}/${m.owed}${m.correctionsAfterDue ? `, ${zh ? "逾期修改" : "late corrections"} ${m.correctionsAfterDue}` : ""} → ${num(m.score)}`);
    }
  }
  lines.push(`${zh ? "综合得分" : "Total"}: ${e.totalFormula}`);
  return lines;
}
