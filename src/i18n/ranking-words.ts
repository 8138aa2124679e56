import { civilParts, type CivilDate } from "../domain/calendar/civil-date.js";
import { wallClock } from "../domain/calendar/zoned-time.js";
import type { BriefingSummary, DigestHeadline, MonthlyDigest, SnapshotChange, UnitExplanation } from "../domain/ranking/explain.js";
import type { ScoringWindow } from "../domain/ranking/periods.js";
import type { Period } from "../domain/report/types.js";
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

// ---------------------------------------------------------------------------
// 年度考核 and the monthly digest (issue 5 §5)

/** "2026年度 县(市、区)考核" / "2026 annual assessment: counties". */
/** What a published ranking is: a year window is the annual assessment (考核), any other the briefing (通报). */
export function publicationWord(w: Pick<ScoringWindow, "scope">): "考核" | "通报" {
  return w.scope === "year" ? "考核" : "通报";
}

/** The heading: "2026年第三季度 县(市、区)通报" / "Q3 2026 briefing: counties"; "2026年度 县(市、区)考核" / "2026 annual assessment: counties". */
export function briefingTitle(w: Pick<ScoringWindow, "label" | "scope" | "months">, kind: RankingKind, lang: Lang): string {
  if (lang === "zh") return `${windowLabel(w, lang)} ${kindLabel(kind, lang)}${publicationWord(w)}`;
  return w.scope === "year" ? `${w.months[0]!.year} annual assessment: ${kindLabel(kind, lang)}` : `${windowLabel(w, lang)} briefing: ${kindLabel(kind, lang)}`;
}

/** "2026年10月 月度监测" / "Monthly digest: October 2026". */
export function digestTitle(period: Period, lang: Lang): string {
  return lang === "zh" ? `${periodLabel(period, lang)} 月度监测` : `Monthly digest: ${periodLabel(period, lang)}`;
}

/** What digestLines reads: the month's digest of each kind of unit, and the due date they were held to. */
export interface DigestView {
  period: Period;
  /** The month's due date (遇节假日顺延 applied). */
  due: CivilDate;
  /** The plan's time zone: submission instants are shown as its dates. */
  timeZone: string;
  /** Departments first, then counties; a kind owing nothing is left out by the caller. */
  sections: MonthlyDigest[];
}

const monthDay = (date: CivilDate, lang: Lang) => {
  const { month, day } = civilParts(date);
  return lang === "zh" ? `${month}月${day}日` : `${EN_MONTHS_SHORT[month - 1]} ${day}`;
};
const EN_MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The digest message: the counts first (what a reader scanning the group needs), then per kind of
 * unit who reported on time, late (with the day), not at all, or only in part; then the headline
 * indicators (攻坚目标) unit by unit against 序时进度. Sums and linear stocks show the expected
 * figure at the elapsed share of the period; levels and rates, the target itself.
 */
export function digestLines(v: DigestView, lang: Lang): string[] {
  const zh = lang === "zh";
  const sep = zh ? "、" : ", ";
  const lines: string[] = [];
  const owing = (d: MonthlyDigest) => d.onTime.length + d.late.length + d.missing.length;
  const total = v.sections.reduce((n, d) => n + owing(d), 0);
  const count = (f: (d: MonthlyDigest) => number) => v.sections.reduce((n, d) => n + f(d), 0);
  const onTime = count((d) => d.onTime.length);
  const late = count((d) => d.late.length);
  const missing = count((d) => d.missing.length);
  lines.push(
    zh
      ? `报送截止 ${v.due}:应报 ${total} 个单位,按时 ${onTime},逾期 ${late},未报 ${missing}`
      : `Due ${v.due}: ${total} units owed a report; ${onTime} on time, ${late} late, ${missing} not reported`,
  );
  for (const d of v.sections) {
    lines.push(
      zh
        ? `**${kindLabel(d.kind, lang)}** 应报 ${owing(d)}:按时 ${d.onTime.length},逾期 ${d.late.length},未报 ${d.missing.length}`
        : `**${kindLabel(d.kind, lang)}** ${owing(d)} owed: ${d.onTime.length} on time, ${d.late.length} late, ${d.missing.length} not reported`,
    );
    if (d.onTime.length) lines.push(`- ${zh ? "按时" : "On time"}: ${d.onTime.map((u) => u.name).join(sep)}`);
    if (d.late.length) {
      const when = (at: string) => monthDay(wallClock(new Date(at), v.timeZone).date, lang);
      lines.push(`- ${zh ? "逾期" : "Late"}: ${d.late.map((u) => (zh ? `${u.name}(${when(u.firstSubmittedAt)}报送)` : `${u.name} (on ${when(u.firstSubmittedAt)})`)).join(sep)}`);
    }
    if (d.missing.length) lines.push(`- ${zh ? "未报" : "Not reported"}: ${d.missing.map((u) => u.name).join(sep)}`);
    if (d.incomplete.length) {
      lines.push(`- ${zh ? "报送不全" : "Incomplete"}: ${d.incomplete.map((u) => `${u.name} ${u.reported}/${u.owed}`).join(sep)}`);
    }
  }
  const headlines = v.sections.flatMap((d) => d.headlines);
  if (headlines.length) {
    lines.push(zh ? "**攻坚目标 对照序时进度**" : "**Headline targets against 序时进度**");
    // One line per indicator, its units in the order the sections list them.
    const byCode = new Map<string, DigestHeadline[]>();
    for (const h of headlines) byCode.set(h.code, [...(byCode.get(h.code) ?? []), h]);
    for (const hs of byCode.values()) {
      const first = hs[0]!;
      const shares = new Set(hs.map((h) => h.expectedShare).filter((x): x is number => x !== null && x < 1));
      const head = shares.size === 1 ? `${first.unit}${zh ? ",序时进度 " : ", time-elapsed "}${pct([...shares][0]!)}` : first.unit;
      const entries = hs.map((h) => {
        if (h.status === "no_data") return `${LIGHT_ICONS.none}${h.unitName} ${zh ? "无数据" : "no data"}`;
        if (h.status === "stale") return `${LIGHT_ICONS.none}${h.unitName} ${zh ? "数据过期" : "stale"}`;
        if (h.status === "not_started") return `${LIGHT_ICONS.none}${h.unitName} ${zh ? "未开始" : "not started"}`;
        const against = h.expectedShare !== null && h.expectedShare < 1 ? num(h.expected) : `${h.comparator === "lte" ? "≤" : "≥"}${num(h.target)}`;
        return `${LIGHT_ICONS[h.light]}${h.unitName} ${num(h.actual)}/${against}${h.ratio !== null ? ` (${pct(h.ratio)})` : ""}`;
      });
      lines.push(`- ${first.name}(${head}): ${entries.join(zh ? ";" : "; ")}`);
    }
  }
  return lines;
}
