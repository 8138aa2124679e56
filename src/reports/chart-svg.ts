import { KIND_LABELS, LIGHT_COLOURS, LIGHT_LABELS, LIGHT_ORDER } from "./palette.js";
import { escapeXml, estimateTextWidth, truncateText, wrapText } from "./text-metrics.js";
import type { BriefingData, RankingRow } from "./types.js";

/** Geometry of the ranking chart; every length is in output pixels. */
const MARGIN = 40;
const TITLE_SIZE = 34;
const TEXT_SIZE = 22;
const SMALL_SIZE = 18;
const ROW_HEIGHT = 46;
const BAR_HEIGHT = 30;
const RANK_WIDTH = 44;
const SCORE_SPACE = 150; // score text and the 约谈 badge after the longest bar
const INK = "#202124";
const MUTED = "#5F6368";
const RULE = "#DADCE0";

export interface ChartSvg {
  svg: string;
  width: number;
  height: number;
  /** Every string drawn, for a coverage check against the font. */
  texts: string[];
}

/**
 * Splits the rows into the ranked (drawn as bars; a unit that owed and did not
 * report is ranked, 未报视为未完成) and the units not ranked (they owed nothing
 * in the period, or only the narrative), listed apart. Sorted by rank, then by
 * score and name so ties and unranked rows come out in the same order every time.
 */
export function splitRows(rows: readonly RankingRow[]): { ranked: RankingRow[]; missing: RankingRow[] } {
  const ranked = rows.filter((r) => r.total !== null);
  ranked.sort(
    (a, b) =>
      (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY) ||
      (b.total ?? 0) - (a.total ?? 0) ||
      compareCodePoints(a.unit, b.unit),
  );
  const missing = rows.filter((r) => r.total === null).sort((a, b) => compareCodePoints(a.unit, b.unit));
  return { ranked, missing };
}

// Not localeCompare: collation tables differ between ICU builds, and the chart
// must be byte-identical wherever it is rendered.
function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatScore(score: number): string {
  return score.toFixed(2);
}

/** Round coordinates so the SVG text is stable and short. */
const px = (n: number): string => String(Math.round(n * 10) / 10);

export function buildChartSvg(data: BriefingData, width = 1000): ChartSvg {
  const texts: string[] = [];
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, attrs: string): void => {
    texts.push(s);
    parts.push(`<text x="${px(x)}" y="${px(y)}" ${attrs}>${escapeXml(s)}</text>`);
  };
  const inner = width - 2 * MARGIN;
  const { ranked, missing } = splitRows(data.rows);

  // Title, wrapped rather than shrunk: a phone screen is narrow, legibility first.
  let y = MARGIN;
  for (const line of wrapText(data.title, TITLE_SIZE, inner)) {
    y += TITLE_SIZE + 8;
    // A hairline stroke in the fill colour stands in for a bold weight, which
    // would double the bundled font's size.
    text(MARGIN, y, line, `font-size="${TITLE_SIZE}" fill="${INK}" stroke="${INK}" stroke-width="0.8"`);
  }
  y += TEXT_SIZE + 14;
  const counts = `参与排名${ranked.length}个` + (missing.length > 0 ? `，未参与排名${missing.length}个` : "");
  text(MARGIN, y, `${KIND_LABELS[data.kind]}综合得分排名 · ${data.periodLabel} · ${counts}`, `font-size="${TEXT_SIZE}" fill="${MUTED}"`);

  // Legend: the four lights, then the 约谈 badge.
  y += 40;
  let x = MARGIN;
  for (const light of LIGHT_ORDER) {
    parts.push(`<rect x="${px(x)}" y="${px(y - 17)}" width="22" height="22" rx="4" fill="${LIGHT_COLOURS[light]}"/>`);
    text(x + 30, y, LIGHT_LABELS[light], `font-size="${SMALL_SIZE + 2}" fill="${INK}"`);
    x += 30 + estimateTextWidth(LIGHT_LABELS[light], SMALL_SIZE + 2) + 28;
  }
  // The 约谈 badge only where someone is summoned (departments are named, not summoned, in this plan).
  if (data.rows.some((r) => r.summoned)) {
    parts.push(badge(x, y, texts));
    text(x + 58, y, "列入通报约谈", `font-size="${SMALL_SIZE + 2}" fill="${INK}"`);
  }

  // Bars: name column sized to the longest name, within bounds so bars keep room.
  const labelWidth = Math.min(320, Math.max(120, ...ranked.map((r) => estimateTextWidth(r.unit, TEXT_SIZE))));
  const barLeft = MARGIN + RANK_WIDTH + labelWidth + 16;
  const barMax = width - MARGIN - SCORE_SPACE - barLeft;
  const top = Math.max(0, ...ranked.map((r) => r.total ?? 0));
  // Scores are out of 100 in the default regime; a larger maximum (bonus points)
  // stretches the scale instead of overflowing it.
  const step = [20, 25, 50, 100, 250, 500, 1000].find((s) => Math.ceil(top / s) <= 6) ?? Math.ceil(top / 6);
  const scaleMax = Math.max(100, Math.ceil(top / step) * step);

  y += 44;
  const chartTop = y;
  const chartBottom = chartTop + ranked.length * ROW_HEIGHT;
  for (let t = 0; t <= scaleMax + 1e-9; t += step) {
    const gx = barLeft + (t / scaleMax) * barMax;
    parts.push(`<line x1="${px(gx)}" y1="${px(chartTop)}" x2="${px(gx)}" y2="${px(chartBottom)}" stroke="${RULE}" stroke-width="1"/>`);
    text(gx, chartTop - 8, String(Math.round(t)), `font-size="${SMALL_SIZE - 2}" fill="${MUTED}" text-anchor="middle"`);
  }

  ranked.forEach((row, i) => {
    const rowTop = chartTop + i * ROW_HEIGHT;
    const baseline = rowTop + ROW_HEIGHT / 2 + TEXT_SIZE * 0.36;
    if (i % 2 === 1) parts.push(`<rect x="${MARGIN}" y="${px(rowTop)}" width="${inner}" height="${ROW_HEIGHT}" fill="#F8F9FA"/>`);
    if (row.rank !== null) text(MARGIN, baseline, String(row.rank), `font-size="${TEXT_SIZE}" fill="${MUTED}"`);
    const nameSize = estimateTextWidth(row.unit, TEXT_SIZE) > labelWidth ? SMALL_SIZE : TEXT_SIZE;
    const shown = truncateText(row.unit, nameSize, labelWidth);
    text(barLeft - 16, baseline, shown, `font-size="${nameSize}" fill="${INK}" text-anchor="end"`);
    if (shown !== row.unit) texts.push(row.unit);

    const total = row.total ?? 0;
    const length = total > 0 ? Math.max(2, (Math.min(total, scaleMax) / scaleMax) * barMax) : 0;
    const barTop = rowTop + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    parts.push(
      `<rect x="${px(barLeft)}" y="${px(barTop)}" width="${px(length)}" height="${BAR_HEIGHT}" fill="${LIGHT_COLOURS[row.light]}">` +
        `<title>${escapeXml(`${row.unit} ${formatScore(total)} ${LIGHT_LABELS[row.light]}`)}</title></rect>`,
    );
    const score = formatScore(total);
    text(barLeft + length + 8, baseline, score, `font-size="${TEXT_SIZE}" fill="${INK}"`);
    if (row.summoned) parts.push(badge(barLeft + length + 16 + estimateTextWidth(score, TEXT_SIZE), baseline, texts));
  });
  parts.push(`<line x1="${px(barLeft)}" y1="${px(chartTop)}" x2="${px(barLeft)}" y2="${px(chartBottom)}" stroke="${MUTED}" stroke-width="1.5"/>`);
  y = chartBottom;

  // Units not ranked, in a box of their own below the ranking, grouped by why.
  if (missing.length > 0) {
    const byNote = new Map<string, string[]>();
    for (const r of missing) byNote.set(r.note ?? "未参与排名", [...(byNote.get(r.note ?? "未参与排名") ?? []), r.unit]);
    const lines = [...byNote].flatMap(([note, units]) => wrapText(`${note}：${units.join("、")}`, TEXT_SIZE, inner - 32));
    const boxTop = y + 28;
    const boxHeight = 24 + (TEXT_SIZE + 14) * (lines.length + 1);
    parts.push(`<rect x="${MARGIN}" y="${px(boxTop)}" width="${inner}" height="${px(boxHeight)}" rx="8" fill="#F1F3F4"/>`);
    let ly = boxTop + 14 + TEXT_SIZE;
    text(MARGIN + 16, ly, `未参与排名（${missing.length}个）：`, `font-size="${TEXT_SIZE}" fill="${INK}"`);
    for (const line of lines) {
      ly += TEXT_SIZE + 14;
      text(MARGIN + 16, ly, line, `font-size="${TEXT_SIZE}" fill="${MUTED}"`);
    }
    y = boxTop + boxHeight;
  }

  y += 36;
  text(MARGIN, y, "注：条形长度为综合得分，颜色为最差一项指标的亮灯；得分相同者并列；应报未报的按未完成计分。", `font-size="${SMALL_SIZE}" fill="${MUTED}"`);
  const height = Math.ceil(y + MARGIN - 10);

  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="Noto Sans CJK SC, sans-serif">\n` +
    `<rect width="${width}" height="${height}" fill="#FFFFFF"/>\n` +
    parts.join("\n") +
    "\n</svg>\n";
  return { svg, width, height, texts };
}

/** The red-outlined 约谈 tag, left edge at x, sitting on baseline y. */
function badge(x: number, y: number, texts: string[]): string {
  texts.push("约谈");
  const red = LIGHT_COLOURS.red;
  return (
    `<rect x="${px(x)}" y="${px(y - 19)}" width="50" height="26" rx="5" fill="#FFFFFF" stroke="${red}" stroke-width="1.5"/>` +
    `<text x="${px(x + 25)}" y="${px(y)}" font-size="${SMALL_SIZE}" fill="${red}" text-anchor="middle">约谈</text>`
  );
}
