import { describe, expect, it } from "vitest";
import type { PlanData } from "../../src/domain/plan/plan-document.js";
import {
  applyTaskSplit,
  cellRef,
  checkSum,
  columnLetter,
  hasErrors,
  nearMisses,
  parseSheetNumber,
  parseTolerance,
  parseYear,
  SPLIT_PROBLEM_SEVERITY,
  type CellValue,
  type SheetCell,
  type SheetGrid,
  type SplitProblem,
} from "../../src/domain/plan/task-split.js";
import { COUNTIES } from "../../src/domain/plan/units.js";
import { problemLine, sumLine, toleranceLine } from "../../src/i18n/task-split-words.js";

// ---------------------------------------------------------------------------
// A small plan and sheets built the way the reader hands them over

type Indicator = PlanData["indicators"][number];

function indicator(over: Partial<Indicator> & Pick<Indicator, "code" | "name" | "kind" | "unit" | "target">): Indicator {
  return {
    targetMax: null,
    baseline: null,
    baselineYear: null,
    owner: null,
    comparator: "gte",
    deadline: "2023-12-31",
    workItem: null,
    headline: false,
    weight: 1,
    aliases: [],
    source: "",
    shares: {},
    shareBaselines: {},
    ...over,
  };
}

const COUNTY_NAMES = COUNTIES.map((c) => c.name);

function plan(): PlanData {
  return {
    code: "demo",
    title: "示例方案",
    shortName: "",
    startYear: 2021,
    endYear: 2023,
    reportingFrom: "2021-01",
    reportingTo: "2023-12",
    timeZone: "Asia/Shanghai",
    accountable: COUNTY_NAMES,
    units: [
      { name: "市经信局", kind: "department", aliases: ["经信局", "市經信局"] },
      { name: "市科技局", kind: "department", aliases: ["科技局"] },
      ...COUNTIES.map((c) => ({ name: c.name, kind: c.kind, aliases: [...c.aliases] })),
    ],
    groups: [
      {
        code: "一",
        title: "坚定不移淘汰落后产能",
        kind: "key_tasks",
        tasks: [{ code: "18", title: "技改", workItems: [{ ref: "T18#1", text: "机器人", clause: "", lead: "市经信局", co: ["市科技局"], notes: [] }] }],
      },
    ],
    indicators: [
      indicator({ code: "G2", name: "规上工业产值", kind: "annual_total", unit: "亿元", target: 7000, headline: true }),
      indicator({ code: "G3", name: "规上工业企业", kind: "stock", unit: "家", target: 6000, headline: true }),
      indicator({ code: "G7", name: "规上工业增加值年均增速", kind: "growth", unit: "%", target: 13, headline: true }),
      indicator({ code: "T18-2", name: "新增工业机器人", kind: "per_year", unit: "台", target: 3000, workItem: "T18#1" }),
      indicator({ code: "T18-3", name: "在役机器人总量", kind: "stock", unit: "台", target: 25000, workItem: "T18#1" }),
      indicator({ code: "M3-1", name: "建设高水平技师学院", kind: "cumulative", unit: "所", target: 1, targetMax: 2, workItem: "T18#1" }),
    ],
  };
}

const REGISTRY = [{ name: "市统计局", kind: "department" as const, aliases: ["统计局", "市統計局"] }];

type Raw = CellValue | { v: CellValue; percent?: boolean; formula?: true };

/** A grid from rows of values; merges ("A1:D1") give every cell of the range the top-left value, as the reader does. */
function grid(name: string, rows: Raw[][], merges: string[] = []): SheetGrid {
  const cells: (SheetCell | undefined)[][] = rows.map((row) =>
    row.map((raw) => {
      if (raw === null || raw === undefined) return undefined;
      if (typeof raw === "object") return { value: raw.v, ...(raw.percent ? { percent: true } : {}), ...(raw.formula ? { formulaWithoutResult: true } : {}) };
      return { value: raw };
    }),
  );
  for (const range of merges) {
    const [a, b] = range.split(":") as [string, string];
    const pos = (ref: string) => {
      const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
      return { r: Number(m[2]) - 1, c: [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1 };
    };
    const p = pos(a);
    const q = pos(b);
    const merge = { top: p.r, left: p.c, bottom: q.r, right: q.c };
    const master = cells[p.r]?.[p.c];
    for (let r = p.r; r <= q.r; r++) {
      cells[r] ??= [];
      for (let c = p.c; c <= q.c; c++) cells[r]![c] = { value: master?.value ?? null, merge };
    }
  }
  return { name, rows: cells };
}

const FIXED = ["序号", "指标编号", "指标名称", "单位", "类型", "市级目标", "牵头/责任单位", "基期值", "基期年份"];

interface Line {
  code?: string;
  name?: string;
  unit?: string;
  target?: Raw;
  owner?: Raw;
  baseline?: Raw;
  year?: Raw;
  shares?: Raw[];
}

/**
 * The template's layout: title, notes, a two-row header (fixed labels merged
 * down, the county block merged across), then the lines. `counties` are the
 * header cells of the county columns as written.
 */
function templateSheet(lines: (Line | Raw[])[], opts: { counties?: string[]; extra?: string[]; lead?: Raw[][]; name?: string; merges?: string[] } = {}): SheetGrid {
  const counties = opts.counties ?? COUNTY_NAMES;
  const extra = opts.extra ?? ["合计", "备注"];
  const width = FIXED.length + counties.length + extra.length;
  const L = (i: number) => columnLetter(i);
  const lead = opts.lead ?? [["示例方案任务分解表"], ["填表说明：……"]];
  const top = lead.length;
  const rows: Raw[][] = [
    ...lead,
    [...FIXED, "各县（市、区）分解目标", ...counties.slice(1).map(() => null), ...extra],
    [...FIXED, ...counties, ...extra],
    ...lines.map((l) =>
      Array.isArray(l) ? l : [null, l.code ?? null, l.name ?? null, l.unit ?? null, null, l.target ?? null, l.owner ?? null, l.baseline ?? null, l.year ?? null, ...(l.shares ?? [])],
    ),
  ];
  const merges = [
    ...lead.map((_, i) => `A${i + 1}:${L(width - 1)}${i + 1}`),
    ...FIXED.map((_, i) => `${L(i)}${top + 1}:${L(i)}${top + 2}`),
    `${L(FIXED.length)}${top + 1}:${L(FIXED.length + counties.length - 1)}${top + 1}`,
    ...extra.map((_, i) => `${L(FIXED.length + counties.length + i)}${top + 1}:${L(FIXED.length + counties.length + i)}${top + 2}`),
  ];
  return grid(opts.name ?? "任务分解表", rows, [...merges, ...(opts.merges ?? [])]);
}

/** Shares in the order of COUNTY_NAMES. */
const split = (...v: Raw[]): Raw[] => v;

function codes(problems: SplitProblem[]): string[] {
  return problems.map((p) => p.code);
}

function find(problems: SplitProblem[], code: SplitProblem["code"]): SplitProblem {
  const p = problems.find((x) => x.code === code);
  if (!p) throw new Error(`no ${code} among ${codes(problems).join(", ")}`);
  return p;
}

function ok(result: ReturnType<typeof applyTaskSplit>) {
  if (!result.ok) throw new Error(`not ok: ${codes(result.problems).join(", ")}`);
  return result;
}

const ind = (data: PlanData, code: string) => data.indicators.find((i) => i.code === code)!;

// ---------------------------------------------------------------------------

describe("parseSheetNumber: figures as people type them", () => {
  it.each([
    [1200, "家", 1200],
    ["1,200", "家", 1200],
    ["１２００", "家", 1200],
    ["1 200", "家", 1200],
    ["1.2万", "台", 12000],
    ["2.5万台", "台", 25000],
    ["300家", "家", 300],
    ["300家以上", "家", 300],
    ["≥300", "家", 300],
    ["50亿", "亿元", 50],
    ["50亿元", "亿元", 50],
    ["5000万元", "亿元", 0.5],
    ["1.2亿", "万元", 12000],
    ["22万元/亩", "万元/亩", 22],
    ["15%", "%", 15],
    ["１５％", "%", 15],
    ["三百", "家", 300],
    [" 800 ", "台", 800],
  ] as const)("GIVEN %j in %s THEN %d", (value, unit, expected) => {
    expect(parseSheetNumber({ value }, unit)).toEqual({ kind: "value", value: expected });
  });

  it("GIVEN 0.15 in a cell formatted as a percentage THEN 15 for a % indicator, 0.15 for a count", () => {
    expect(parseSheetNumber({ value: 0.15, percent: true }, "%")).toEqual({ kind: "value", value: 15 });
    expect(parseSheetNumber({ value: 0.15, percent: true }, "家")).toEqual({ kind: "value", value: 0.15 });
  });

  it("GIVEN a formula's floating-point noise THEN the figure is rounded", () => {
    expect(parseSheetNumber({ value: 7000 * 0.15 + 1e-12 }, "亿元")).toEqual({ kind: "value", value: 1050 });
  });

  it.each([[null], [""], ["—"], ["——"], ["-"], ["/"], ["无"], ["不分解"]] as const)("GIVEN %j THEN no figure", (value) => {
    expect(parseSheetNumber(value === null ? undefined : { value }, "家")).toEqual({ kind: "blank" });
  });

  it("GIVEN 0 THEN a figure of 0 (not the same as blank)", () => {
    expect(parseSheetNumber({ value: 0 }, "家")).toEqual({ kind: "value", value: 0 });
  });

  it.each([
    ["30家", "台", "wrong_unit"],
    ["30亿元", "家", "wrong_unit"],
    ["三百多", "家", "not_a_number"],
    ["约300", "家", "not_a_number"],
    ["待定", "家", "not_a_number"],
    ["#REF!", "家", "not_a_number"],
    ["1-2", "所", "not_a_number"],
    ["12.5.3", "家", "not_a_number"],
  ] as const)("GIVEN %j in %s THEN %s", (value, unit, code) => {
    expect(parseSheetNumber({ value }, unit)).toMatchObject({ kind: "error", code, text: value });
  });

  it("GIVEN a formula without a stored result THEN formula_without_result", () => {
    expect(parseSheetNumber({ value: null, formulaWithoutResult: true }, "家")).toMatchObject({ kind: "error", code: "formula_without_result" });
  });
});

describe("small helpers", () => {
  it.each([
    [2020, 2020],
    ["2020", 2020],
    ["2020年", 2020],
    ["２０２０年末", 2020],
    ["2020-12-31", 2020],
    ["去年", null],
    [1999, null],
    [2020.5, null],
  ] as const)("GIVEN year cell %j THEN %j", (value, expected) => {
    expect(parseYear({ value })).toBe(expected);
  });

  it.each([
    ["5%", 0.05],
    ["5", 0.05],
    ["５％", 0.05],
    ["2.5%", 0.025],
    ["0", 0],
    ["150%", null],
    ["五", null],
    ["-3%", null],
  ] as const)("GIVEN tolerance %j THEN %j", (text, expected) => {
    expect(parseTolerance(text)).toBe(expected);
  });

  it("GIVEN 0-based positions THEN Excel references", () => {
    expect(cellRef(6, 3)).toBe("D7");
    expect(columnLetter(25)).toBe("Z");
    expect(columnLetter(26)).toBe("AA");
  });

  const counties = COUNTIES.map((c) => ({ label: c.name, spellings: c.aliases }));
  it.each([
    ["义鸟市", ["义乌市"]],
    ["武艺县", ["武义县"]],
    ["金华经开区", ["金华开发区"]],
    ["金华经济技术开发区", ["金华开发区"]],
    ["磬安", ["磐安县"]],
    ["备注", []],
    ["联系人", []],
  ] as const)("GIVEN header %s THEN did you mean %j", (query, expected) => {
    expect(nearMisses(query, counties)).toEqual(expected);
  });
});

describe("checkSum: county shares against the city target", () => {
  const at = { sheet: "任务分解表", row: 7 };
  const base = { code: "T18-2", name: "新增工业机器人", unit: "台", kind: "per_year" as const, target: 3000, targetMax: null };
  it.each([
    [{ a: 1500, b: 1500 }, 0, true],
    [{ a: 1600, b: 1500 }, 0.0333, true],
    [{ a: 1800, b: 1500 }, 0.1, false],
    [{ a: 1200, b: 1500 }, -0.1, false],
  ])("GIVEN shares %j of 3000 at ±5%% THEN deviation %d, within %s", (shares, deviation, within) => {
    const s = checkSum({ ...base, shares }, 0.05, at)!;
    expect(s.deviation).toBeCloseTo(deviation, 3);
    expect(s.within).toBe(within);
  });

  it("GIVEN a range target 1—2 THEN any sum from 1 to 2 fits", () => {
    const range = { ...base, unit: "所", kind: "cumulative" as const, target: 1, targetMax: 2 };
    expect(checkSum({ ...range, shares: { a: 1, b: 1 } }, 0, at)!.within).toBe(true);
    expect(checkSum({ ...range, shares: { a: 2, b: 1 } }, 0.05, at)!).toMatchObject({ within: false, deviation: 0.5 });
  });

  it("GIVEN rates, growth, per-area figures or no shares THEN no sum check", () => {
    expect(checkSum({ ...base, kind: "growth", unit: "%", shares: { a: 13, b: 14 } }, 0.05, at)).toBeNull();
    expect(checkSum({ ...base, kind: "ratio", unit: "万元/亩", shares: { a: 22 } }, 0.05, at)).toBeNull();
    expect(checkSum({ ...base, shares: {} }, 0.05, at)).toBeNull();
  });
});

describe("applyTaskSplit: the sheet as the template writes it", () => {
  it("GIVEN a filled template THEN shares, owners and the baseline are read, the layout named, and nothing is an error", () => {
    // The group heading is merged across the whole row, as the template writes it.
    const sheet = templateSheet(
      [
        ["一、攻坚目标"],
        { code: "G2", name: "规上工业产值", unit: "亿元", target: 7000, owner: "市经信局", shares: split(900, 600, 500, 1000, 2000, 900, 400, 300, 100, 300) },
        { code: "G3", name: "规上工业企业", unit: "家", target: 6000, owner: "统计局", baseline: 5200, year: 2020, shares: split(600, 500, 500, 700, 1500, 900, 400, 400, 200, 300) },
        { code: "T18-2", name: "新增工业机器人", unit: "台", target: 3000, owner: "市经信局", shares: split(300, 300, 200, 400, 800, 400, 200, 200, 100, 100) },
      ],
      { merges: ["A5:U5"] },
    );

    const r = ok(applyTaskSplit(plan(), [sheet], { registry: REGISTRY }));
    expect(hasErrors(r.problems)).toBe(false);
    expect(r.layout).toMatchObject({ sheet: "任务分解表", headerRows: [3, 4], rows: 3 });
    expect(r.layout.counties.map((c) => c.unit)).toEqual(COUNTY_NAMES);
    expect(r.layout.counties[0]!.column).toBe("J");
    const g2 = ind(r.data, "G2");
    expect(g2.owner).toBe("市经信局");
    expect(g2.shares).toMatchObject({ 义乌市: 2000, 金华开发区: 300 });
    expect(Object.keys(g2.shares)).toHaveLength(10);
    // An owner from the city's registry joins the plan's units.
    expect(ind(r.data, "G3")).toMatchObject({ owner: "市统计局", baseline: 5200, baselineYear: 2020 });
    expect(r.data.units.map((u) => u.name)).toContain("市统计局");
    // Indicators without a row are left alone, and said so.
    expect(find(r.problems, "indicator_not_in_sheet").data.indicators).toEqual(["G7", "T18-3", "M3-1"]);
    expect(ind(r.data, "T18-2").owner).toBeNull();
    expect(r.sums.map((s) => [s.indicator, s.sum, s.within])).toEqual([
      ["G2", 7000, true],
      ["G3", 6000, true],
      ["T18-2", 3000, true],
    ]);
  });

  it("GIVEN the stored plan's own figures THEN the result equals the stored plan", () => {
    const stored = plan();
    stored.indicators[0]!.shares = { 义乌市: 2000, 东阳市: 1000 };
    stored.indicators[0]!.owner = "市经信局";
    const shares = COUNTY_NAMES.map((c) => stored.indicators[0]!.shares[c] ?? null);
    const r = ok(applyTaskSplit(stored, [templateSheet([{ code: "G2", name: "规上工业产值", unit: "亿元", target: 7000, owner: "市经信局", shares }])]));
    expect(r.data).toEqual(stored);
  });
});

describe("applyTaskSplit: sheets as people really fill them", () => {
  it("GIVEN rows inserted above the header and counties reordered, shortened, in Traditional or with 管委会 THEN every county is found", () => {
    const counties = ["義烏市", "东阳", "婺城區", "金东区", "兰溪市", "永康市", "浦江縣", "武义县", "磐安县", "金华开发区管委会"];
    const sheet = templateSheet([{ code: "T18-2", name: "新增工业机器人", shares: [800, 400, 300, 300, 200, 400, 200, 200, 100, 100] }], {
      counties,
      lead: [["金华市经济和信息化局"], [], ["2021年度任务分解表"], [null], ["（盖章）"]],
    });
    const r = ok(applyTaskSplit(plan(), [sheet]));
    expect(r.layout.headerRows).toEqual([6, 7]);
    expect(ind(r.data, "T18-2").shares).toMatchObject({ 义乌市: 800, 东阳市: 400, 婺城区: 300, 浦江县: 200, 金华开发区: 100 });
    expect(hasErrors(r.problems)).toBe(false);
  });

  it("GIVEN a one-row header in Traditional with a 备注 and an extra column THEN they are ignored and the shares read", () => {
    const sheet = grid("Sheet1", [
      ["指標編號", "指標名稱", "單位", "义乌市", "东阳市", "联系人", "备注"],
      ["T18-2", "新增工业机器人", "台", "1,500台", "１５００", "张三", "已核"],
    ]);
    const r = ok(applyTaskSplit(plan(), [sheet]));
    expect(ind(r.data, "T18-2").shares).toEqual({ 义乌市: 1500, 东阳市: 1500 });
    expect(find(r.problems, "ignored_column").data.header).toBe("联系人");
    expect(find(r.problems, "county_column_missing").data.counties).toHaveLength(8);
    expect(hasErrors(r.problems)).toBe(false);
  });

  it("GIVEN a misspelt county THEN an error at its header cell with a did-you-mean", () => {
    const counties = COUNTY_NAMES.map((c) => (c === "义乌市" ? "义鸟市" : c));
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", name: "新增工业机器人", shares: split(300, 300) }], { counties })]));
    const p = find(r.problems, "unknown_county");
    expect(p).toMatchObject({ severity: "error", sheet: "任务分解表", cell: "N4", data: { header: "义鸟市", suggestions: ["义乌市"] } });
    expect(hasErrors(r.problems)).toBe(true);
  });

  it("GIVEN a department or the same county twice as county columns THEN each is an error", () => {
    const counties = ["义乌", "義烏市", "市经信局", ...COUNTY_NAMES.filter((c) => c !== "义乌市")];
    const r = ok(applyTaskSplit(plan(), [templateSheet([], { counties })]));
    expect(find(r.problems, "duplicate_county")).toMatchObject({ cell: "K4", data: { county: "义乌市", first: "J4" } });
    expect(find(r.problems, "not_a_county")).toMatchObject({ cell: "L4", data: { unit: "市经信局" } });
  });

  it("GIVEN a non-number, a wrong unit and a negative share THEN errors name the cells", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", name: "新增工业机器人", shares: split("三百多", "30家", -5, 300) }])]));
    expect(find(r.problems, "not_a_number")).toMatchObject({ cell: "J5", indicator: "T18-2", data: { text: "三百多", unit: "台" } });
    expect(find(r.problems, "wrong_unit")).toMatchObject({ cell: "K5", data: { text: "30家" } });
    expect(find(r.problems, "negative_share")).toMatchObject({ cell: "L5", data: { county: "兰溪市" } });
  });

  it("GIVEN a sum 10% over the city target THEN it is outside ±5% but inside ±15%", () => {
    const sheet = templateSheet([{ code: "T18-2", name: "新增工业机器人", shares: split(330, 330, 330, 330, 330, 330, 330, 330, 330, 330) }]);
    const strict = ok(applyTaskSplit(plan(), [sheet]));
    expect(strict.tolerance).toBe(0.05);
    expect(strict.sums).toEqual([expect.objectContaining({ indicator: "T18-2", sum: 3300, deviation: 0.1, within: false, row: 5 })]);
    // A sum off is for the admin to judge, not an error in the sheet.
    expect(hasErrors(strict.problems)).toBe(false);
    expect(ok(applyTaskSplit(plan(), [sheet], { tolerance: 0.15 })).sums[0]!.within).toBe(true);
  });

  it("GIVEN rates split across counties THEN each county's rate is kept and no sum is checked", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "G7", name: "规上工业增加值年均增速", unit: "%", shares: split(13, "14%", { v: 0.15, percent: true }) }])]));
    expect(ind(r.data, "G7").shares).toEqual({ 婺城区: 13, 金东区: 14, 兰溪市: 15 });
    expect(r.sums).toEqual([]);
  });

  it("GIVEN an empty code cell and a name in Traditional THEN the row is matched by name, with a warning", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ name: "新增工業機器人", shares: split(3000) }])]));
    expect(ind(r.data, "T18-2").shares).toEqual({ 婺城区: 3000 });
    expect(find(r.problems, "matched_by_name")).toMatchObject({ severity: "warning", indicator: "T18-2" });
  });

  it("GIVEN a name with a note THEN it still matches its code; a name of another indicator is a conflict", () => {
    const fits = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", name: "到2023年新增工业机器人（台）", shares: split(3000) }])]));
    expect(codes(fits.problems)).not.toContain("name_differs");
    const clash = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", name: "在役机器人总量", shares: split(3000) }])]));
    expect(find(clash.problems, "code_name_conflict")).toMatchObject({ cell: "B5", data: { other: "T18-3" } });
    expect(ind(clash.data, "T18-2").shares).toEqual({});
  });

  it("GIVEN a row naming no indicator THEN an error with a suggestion when it has figures, a notice when it has none", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "G20", name: "规上工业产直", shares: split(100) }, { name: "填表人：李四" }])]));
    expect(find(r.problems, "unknown_indicator")).toMatchObject({ cell: "C5", data: { row: 5, suggestions: ["G2 规上工业产值"] } });
    expect(find(r.problems, "ignored_row")).toMatchObject({ severity: "notice", data: { row: 6 } });
  });

  it("GIVEN the same indicator on two rows THEN the second is an error", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", shares: split(1) }, { code: "t18－2", shares: split(2) }])]));
    expect(find(r.problems, "duplicate_indicator")).toMatchObject({ data: { row: 6, first: 5 } });
    expect(ind(r.data, "T18-2").shares).toEqual({ 婺城区: 1 });
  });

  it("GIVEN a heading merged across a row and a 合计 row THEN both are skipped", () => {
    const lines: (Line | Raw[])[] = [["（一）攻坚目标"], { code: "T18-2", shares: split(1000, 2000) }, [null, null, "合计", null, null, null, null, null, null, 1000, 2000]];
    const r = ok(applyTaskSplit(plan(), [templateSheet(lines, { merges: ["A5:U5"] })]));
    expect(hasErrors(r.problems)).toBe(false);
    expect(codes(r.problems)).not.toContain("ignored_row");
    expect(ind(r.data, "T18-2").shares).toEqual({ 婺城区: 1000, 金东区: 2000 });
  });

  it("GIVEN a share merged down over two indicators' rows THEN an error names the range and neither row takes it", () => {
    const sheet = templateSheet([{ code: "T18-2", shares: split(100) }, { code: "T18-3", shares: split(null) }], { merges: ["J5:J6"] });
    const r = ok(applyTaskSplit(plan(), [sheet]));
    expect(find(r.problems, "merged_figure")).toMatchObject({ cell: "J5:J6", data: { text: "100" } });
    expect(codes(r.problems).filter((c) => c === "merged_figure")).toHaveLength(1);
    expect(ind(r.data, "T18-2").shares).toEqual({});
  });

  it("GIVEN a group heading merged down its rows in the 序号 column THEN the rows read as usual", () => {
    const sheet = templateSheet([["攻坚目标", "G2", null, null, null, null, "经信局"], ["攻坚目标", "G3"]], { merges: ["A5:A6"] });
    const r = ok(applyTaskSplit(plan(), [sheet]));
    expect(hasErrors(r.problems)).toBe(false);
    expect(ind(r.data, "G2").owner).toBe("市经信局");
    expect(r.layout.rows).toBe(2);
  });

  it("GIVEN an owner merged down over two headline targets THEN both get it", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "G2", owner: "经信局" }, { code: "G3" }], { merges: ["G5:G6"] })]));
    expect([ind(r.data, "G2").owner, ind(r.data, "G3").owner]).toEqual(["市经信局", "市经信局"]);
  });

  it.each([
    ["市经信委", "unknown_owner", { suggestions: ["市经信局"] }],
    ["义乌市", "owner_not_department", { unit: "义乌市", kind: "county" }],
    ["市统计局", "unknown_owner", { suggestions: [] }],
  ] as const)("GIVEN owner %s THEN %s", (owner, code, data) => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "G2", owner }])]));
    expect(find(r.problems, code)).toMatchObject({ severity: "error", cell: "G5", data });
  });

  it("GIVEN several units in an owner cell THEN the first (the lead) is taken, with a warning", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "G2", owner: "市经信局（牵头）、市科技局" }])]));
    expect(ind(r.data, "G2").owner).toBe("市经信局");
    expect(find(r.problems, "owner_first_taken").data).toMatchObject({ owner: "市经信局（牵头）", rest: ["市科技局"] });
  });

  it("GIVEN another unit in the owner cell of a target a work item carries THEN it is not imported", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", owner: "市科技局" }, { code: "T18-3", owner: "市经信局" }])]));
    expect(find(r.problems, "lead_not_editable")).toMatchObject({ indicator: "T18-2", data: { lead: "市经信局" } });
    expect(codes(r.problems).filter((c) => c === "lead_not_editable")).toHaveLength(1);
    expect(ind(r.data, "T18-2").owner).toBeNull();
  });

  it("GIVEN a blank cell where a share was stored, and a county with no column THEN the first is removed, the second kept", () => {
    const stored = plan();
    ind(stored, "T18-2").shares = { 义乌市: 800, 东阳市: 400 };
    const counties = COUNTY_NAMES.filter((c) => c !== "东阳市");
    const r = ok(applyTaskSplit(stored, [templateSheet([{ code: "T18-2", shares: counties.map((c) => (c === "婺城区" ? 300 : null)) }], { counties })]));
    expect(ind(r.data, "T18-2").shares).toEqual({ 东阳市: 400, 婺城区: 300 });
    expect(find(r.problems, "county_column_missing").data.counties).toEqual(["东阳市"]);
  });

  it("GIVEN the row's unit written 万台 THEN figures are in 万台; a unit of another kind is an error", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", unit: "万台", target: 0.3, shares: split(0.1, "0.2") }, { code: "T18-3", unit: "个", shares: split(1) }])]));
    expect(ind(r.data, "T18-2").shares).toEqual({ 婺城区: 1000, 金东区: 2000 });
    expect(codes(r.problems)).not.toContain("target_differs");
    expect(find(r.problems, "unit_mismatch")).toMatchObject({ cell: "D6", data: { text: "个", unit: "台" } });
  });

  it("GIVEN a city target changed in the sheet THEN the plan's target is kept, with a warning", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", target: 3500 }, { code: "M3-1", target: "1—2" }])]));
    expect(find(r.problems, "target_differs")).toMatchObject({ cell: "F5", data: { text: "3500", target: 3000 } });
    expect(codes(r.problems).filter((c) => c === "target_differs")).toHaveLength(1);
    expect(ind(r.data, "T18-2").target).toBe(3000);
  });

  it("GIVEN a baseline without its year THEN the year before the plan; a bad year is an error", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "G3", baseline: "5,200家" }, { code: "T18-3", baseline: 18000, year: "去年" }])]));
    expect(ind(r.data, "G3")).toMatchObject({ baseline: 5200, baselineYear: 2020 });
    expect(find(r.problems, "baseline_year_assumed").data.year).toBe(2020);
    expect(find(r.problems, "bad_year")).toMatchObject({ cell: "I6", data: { text: "去年" } });
  });

  it("GIVEN a baseline sheet THEN county baselines go with the shares; one without a share is dropped with a warning", () => {
    const main = templateSheet([{ code: "G3", shares: split(600, 500) }]);
    const baselines = grid(
      "县级基期值",
      [
        ["各县（市、区）基期值"],
        ["序号", "指标编号", "指标名称", "单位", "基期年份", "全市基期值（参考）", "各县（市、区）基期值", null, null],
        ["序号", "指标编号", "指标名称", "单位", "基期年份", "全市基期值（参考）", "婺城区", "金东区", "兰溪市"],
        [1, "G3", "规上工业企业", "家", 2020, null, 520, "430", 400],
      ],
      ["A1:I1", "G2:I2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:F3"],
    );
    const r = ok(applyTaskSplit(plan(), [main, baselines]));
    expect(r.layout.baselineSheet).toEqual({ sheet: "县级基期值", counties: 3, rows: 1 });
    expect(ind(r.data, "G3").shareBaselines).toEqual({ 婺城区: 520, 金东区: 430 });
    expect(find(r.problems, "baseline_without_share")).toMatchObject({ sheet: "县级基期值", cell: "I4", data: { county: "兰溪市" } });
    expect(hasErrors(r.problems)).toBe(false);
  });

  it("GIVEN a level target split without county baselines THEN a warning says which counties fall back to their first report", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-3", shares: split(12000, 13000) }])]));
    expect(find(r.problems, "county_baseline_missing").data.counties).toEqual(["婺城区", "金东区"]);
  });

  it("GIVEN a formula without its result in a share cell THEN an error asks to save the file in a spreadsheet program", () => {
    const r = ok(applyTaskSplit(plan(), [templateSheet([{ code: "T18-2", shares: split({ v: null, formula: true }) }])]));
    expect(find(r.problems, "formula_without_result")).toMatchObject({ cell: "J5" });
  });

  it("GIVEN two sheets laid out as splits THEN the first is read and the second named as not imported", () => {
    const first = templateSheet([{ code: "T18-2", shares: split(3000) }], { name: "2021年" });
    const second = templateSheet([{ code: "T18-2", shares: split(1) }], { name: "2022年" });
    const r = ok(applyTaskSplit(plan(), [first, second]));
    expect(ind(r.data, "T18-2").shares).toEqual({ 婺城区: 3000 });
    expect(find(r.problems, "ignored_sheet")).toMatchObject({ severity: "warning", sheet: "2022年", data: { used: "2021年" } });
  });

  it("GIVEN no sheet with a header THEN not ok: no_header, naming the sheets", () => {
    const r = applyTaskSplit(plan(), [grid("Sheet1", [["随便写点什么"], [1, 2, 3]]), grid("Sheet2", [])]);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ code: "no_header", severity: "error", data: { sheets: ["Sheet1", "Sheet2"] } })]);
  });
});

describe("words for the 任务分解表", () => {
  const data = {
    header: "义鸟市", suggestions: ["义乌市"], unit: "台", county: "义乌市", first: "J4", row: 7, code: "G20", name: "规上工业产直",
    other: "T18-3", text: "待定", owner: "市经信局", rest: ["市科技局"], value: 1450, kind: "county", target: 3000, lead: "市经信局",
    expected: "新增工业机器人", matched: "在役机器人总量", year: 2020, indicators: ["G1", "G2"], counties: ["义乌市", "东阳市"], sheets: ["表一"], used: "2021年",
  };
  const codes = Object.keys(SPLIT_PROBLEM_SEVERITY) as SplitProblem["code"][];

  it.each(codes)("GIVEN problem %s THEN a Chinese sentence with no Latin word and full-width punctuation", (code) => {
    const p: SplitProblem = { code, severity: SPLIT_PROBLEM_SEVERITY[code], sheet: "任务分解表", cell: "D7", indicator: "T18-2", data: { ...data, ...(code === "baseline_not_level" ? { kind: "growth" } : {}) } };
    const line = problemLine(p, "zh");
    expect(line).toContain("任务分解表 D7（T18-2）：");
    // Codes (T18-3, G1, J4, D7) aside, no Latin word.
    expect(line.replace(/\b[A-Z]+\d+(-\d+)?\b/g, "").match(/[A-Za-z]{2,}/g)).toBeNull();
    expect(line).not.toMatch(/[,;:()](?![^「」]*」)/);
    expect(problemLine(p, "en")).toMatch(/^(error|warning|note) {2}任务分解表!D7 \(T18-2\): /);
  });

  it("GIVEN a sum and the tolerance THEN they read as an office writes them", () => {
    const s = { indicator: "T2-1", name: "整治提升高耗低效企业", unit: "家", target: 5000, targetMax: null, sum: 5500, counties: 10, deviation: 0.1, within: false, sheet: "任务分解表", row: 10 };
    expect(sumLine(s, 0.05, "zh")).toBe("T2-1 整治提升高耗低效企业（第 10 行）：10 个县（市、区）合计 5500家，市级目标 5000家，高出 10%，超出 ±5%");
    expect(sumLine({ ...s, sum: 4900, deviation: -0.02, within: true }, 0.05, "zh")).toContain("少 2%，在 ±5% 以内");
    expect(toleranceLine(0.025, "zh")).toContain("±2.5%");
    expect(toleranceLine(0.05, "en")).toContain("±5%");
  });
});
