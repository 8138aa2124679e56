import type { BriefingKind, Light } from "./types.js";

/**
 * One palette for the chart and the workbook, so a red bar and a red cell are
 * the same red. Colours are Google's accessible traffic-light tones: distinct
 * on a phone in daylight and still apart for the common red-green deficiency
 * (the amber sits far from both in lightness).
 */
export const LIGHT_COLOURS: Record<Light, string> = {
  red: "#D93025",
  amber: "#F29900",
  green: "#1E8E3E",
  none: "#9AA0A6",
};

export const LIGHT_LABELS: Record<Light, string> = {
  red: "红灯",
  amber: "黄灯",
  green: "绿灯",
  none: "未亮灯",
};

/** Legend and row order: best first, then the unjudged. */
export const LIGHT_ORDER: readonly Light[] = ["green", "amber", "red", "none"];

export const KIND_LABELS: Record<BriefingKind, string> = {
  department: "牵头部门",
  county: "县（市、区）",
};
