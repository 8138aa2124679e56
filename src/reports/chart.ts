import { Resvg } from "@resvg/resvg-js";
import { buildChartSvg } from "./chart-svg.js";
import { BUNDLED_FONT_FAMILY, bundledCoverage, chartFontFile } from "./fonts/bundled-font.js";
import type { BriefingData } from "./types.js";

export interface ChartOptions {
  /** Output width in pixels; the height follows the number of rows. Default 1000 (phone-readable). */
  width?: number;
  /**
   * Extra font files tried after the bundled subset, for unit names with characters
   * outside GB 2312 (e.g. a full Noto CJK on the server). Rendering stays offline.
   */
  fontFiles?: string[];
}

export interface RankingChart {
  png: Buffer;
  svg: string;
  width: number;
  height: number;
  /**
   * Characters the bundled font cannot draw (so rendered only if an extra font
   * has them): the caller should warn the admin rather than post a chart with gaps.
   */
  missingChars: string[];
}

/**
 * Renders the ranking as a bar chart: SVG built by hand, rasterised by resvg
 * (a prebuilt binary inside its npm package, no system libraries). System fonts
 * are never loaded, so the PNG depends only on the input and the bundled font.
 */
export async function renderRankingChart(data: BriefingData, opts: ChartOptions = {}): Promise<RankingChart> {
  const { svg, width, height, texts } = buildChartSvg(data, opts.width ?? 1000);
  // resvg renders synchronously; yield first so a caller's pending acks go out.
  await new Promise((resolve) => setImmediate(resolve));
  const png = rasteriseSvg(svg, opts.fontFiles);
  return { png, svg, width, height, missingChars: uncovered(texts) };
}

/** SVG → PNG with the bundled font first and no system fonts (exported for tests). */
export function rasteriseSvg(svg: string, fontFiles: readonly string[] = []): Buffer {
  const resvg = new Resvg(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: [chartFontFile(svg), ...fontFiles],
      defaultFontFamily: BUNDLED_FONT_FAMILY,
      sansSerifFamily: BUNDLED_FONT_FAMILY,
    },
    shapeRendering: 2, // geometricPrecision: anti-aliased edges
    textRendering: 1, // optimizeLegibility
    background: "#FFFFFF",
  });
  return resvg.render().asPng();
}

function uncovered(texts: readonly string[]): string[] {
  const coverage = bundledCoverage();
  const missing = new Set<string>();
  for (const s of texts) for (const ch of s) if (!coverage.has(ch.codePointAt(0)!)) missing.add(ch);
  return [...missing].sort();
}
