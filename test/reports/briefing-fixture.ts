import type { BriefingData } from "../../src/reports/types.js";

/**
 * A small county briefing covering every light, a tie (two units ranked 3rd),
 * two units not ranked (they owed nothing this period), the bottom two
 * summoned, an indicator whose name is not a legal sheet name, a late change
 * and the rules.
 */
export function countyBriefing(): BriefingData {
  return {
    title: "金华市制造业攻坚行动 2026年第三季度县（市、区）通报",
    periodLabel: "2026年第三季度",
    kind: "county",
    timeZone: "Asia/Shanghai",
    rows: [
      { rank: 1, unit: "义乌市", total: 95.5, result: 96, conduct: 94, light: "green", summoned: false },
      { rank: 2, unit: "东阳市", total: 88.25, result: 90, conduct: 83, light: "green", summoned: false },
      { rank: 3, unit: "永康市", total: 80, result: 78, conduct: 86, light: "amber", summoned: false },
      { rank: 3, unit: "兰溪市", total: 80, result: 80, conduct: 80, light: "amber", summoned: false },
      { rank: 5, unit: "婺城区", total: 72.4, result: 70, conduct: 79.6, light: "amber", summoned: false },
      { rank: 6, unit: "金东区", total: 66.1, result: 62, conduct: 78.4, light: "none", summoned: false },
      { rank: 7, unit: "浦江县", total: 58.75, result: 55, conduct: 70, light: "red", summoned: true, note: "连续两季度红灯" },
      { rank: 8, unit: "武义县", total: 41.2, result: 38, conduct: 50.8, light: "red", summoned: true },
      { rank: null, unit: "磐安县", total: null, result: null, conduct: null, light: "none", summoned: false, note: "本期无应报事项" },
      { rank: null, unit: "金华经济技术开发区", total: null, result: null, conduct: null, light: "none", summoned: false, note: "本期无应报事项" },
    ],
    indicators: [
      {
        code: "GY01",
        name: "规上工业增加值",
        unit: "亿元",
        kind: "年度",
        basis: "按年初至当月累计报送",
        rows: [
          { unit: "义乌市", value: 412.3, target: 520, expectedShare: 0.75, ratio: 1.0572, completion: 0.7929, points: 100, light: "green", note: "实际 = 2026年1—9月累计 412.3亿元；序时目标 = 520 × 9/12 = 390亿元；完成序时进度105.7%，得满分100分" },
          { unit: "武义县", value: 60.5, target: 120, expectedShare: 0.75, ratio: 0.6722, completion: 0.5042, points: 67.22, light: "red" },
          { unit: "磐安县", value: null, target: 40, expectedShare: 0.75, completion: null, light: "none" },
        ],
      },
      {
        code: "GY02",
        name: "技改投资增速[同比]/环比: 对比*?",
        unit: "%",
        kind: "增速",
        basis: "按比率报送",
        rows: [{ unit: "义乌市", value: 12.5, target: 10, expectedShare: null, completion: null, light: "green" }],
      },
    ],
    raw: [
      { unit: "义乌市", period: "2026年9月", indicator: "规上工业增加值", code: "GY01", value: 412.3, raw: "412.3亿", revision: 2, reportedAt: "2026-10-09T02:30:00.000Z", by: "王芳" },
      { unit: "武义县", period: "2026年9月", indicator: "规上工业增加值", code: "GY01", value: 60.5, raw: "60.5", revision: 1, reportedAt: "2026-10-12T09:15:00.000Z", by: "李强" },
    ],
    rules: ["结果得分：各项指标按序时进度计分，达到序时进度得满分100分。", "未报视为未完成。"],
    lateChanges: [{ unit: "义乌市", period: "2026年8月", code: "GY01", indicator: "规上工业增加值", old: 350, new: 362.5, reason: "补录一家企业", at: "2026-10-20T06:45:00.000Z" }],
  };
}
