import type { BriefingData } from "../../src/reports/types.js";

/**
 * A small county briefing covering every light, a tie (two units ranked 3rd),
 * two units without data, the bottom two summoned, and an indicator whose name
 * is not a legal sheet name.
 */
export function countyBriefing(): BriefingData {
  return {
    title: "金华市制造业攻坚行动 2026年第三季度通报",
    periodLabel: "2026年第三季度",
    kind: "county",
    rows: [
      { rank: 1, unit: "义乌市", total: 95.5, result: 96, conduct: 94, light: "green", summoned: false },
      { rank: 2, unit: "东阳市", total: 88.25, result: 90, conduct: 83, light: "green", summoned: false },
      { rank: 3, unit: "永康市", total: 80, result: 78, conduct: 86, light: "amber", summoned: false },
      { rank: 3, unit: "兰溪市", total: 80, result: 80, conduct: 80, light: "amber", summoned: false },
      { rank: 5, unit: "婺城区", total: 72.4, result: 70, conduct: 79.6, light: "amber", summoned: false },
      { rank: 6, unit: "金东区", total: 66.1, result: 62, conduct: 78.4, light: "none", summoned: false },
      { rank: 7, unit: "浦江县", total: 58.75, result: 55, conduct: 70, light: "red", summoned: true, note: "连续两季度红灯" },
      { rank: 8, unit: "武义县", total: 41.2, result: 38, conduct: 50.8, light: "red", summoned: true },
      { rank: null, unit: "磐安县", total: null, result: null, conduct: null, light: "none", summoned: false, note: "暂无数据" },
      { rank: null, unit: "金华经济技术开发区", total: null, result: null, conduct: null, light: "none", summoned: false },
    ],
    indicators: [
      {
        code: "GY01",
        name: "规上工业增加值",
        unit: "亿元",
        kind: "cumulative",
        rows: [
          { unit: "义乌市", value: 412.3, target: 520, expectedShare: 0.75, completion: 0.7929, light: "green" },
          { unit: "武义县", value: 60.5, target: 120, expectedShare: 0.75, completion: 0.5042, light: "red" },
          { unit: "磐安县", value: null, target: 40, expectedShare: 0.75, completion: null, light: "none" },
        ],
      },
      {
        code: "GY02",
        name: "技改投资增速[同比]/环比: 对比*?",
        unit: "%",
        kind: "growth",
        rows: [{ unit: "义乌市", value: 12.5, target: 10, expectedShare: null, completion: 1.25, light: "amber" }],
      },
    ],
    raw: [
      { unit: "义乌市", period: "2026-09", indicator: "规上工业增加值", code: "GY01", value: 412.3, raw: "412.3亿", revision: 2, reportedAt: "2026-10-09T02:30:00.000Z", by: "王芳" },
      { unit: "武义县", period: "2026-09", indicator: "规上工业增加值", code: "GY01", value: 60.5, raw: "60.5", revision: 1, reportedAt: "2026-10-12T09:15:00.000Z", by: "李强" },
    ],
  };
}
