import { readFile, writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { stringify as toYaml } from "yaml";
import { planDataToDocument } from "../../domain/plan/plan-document.js";
import type { ReportingBasis, Unplaced } from "../../domain/plan/types.js";
import { w } from "../../i18n/lang.js";
import { fileErrorWords } from "../../i18n/cli-words.js";
import { dateWords } from "../../i18n/time-words.js";
import { isCivilDate } from "../../domain/calendar/civil-date.js";
import {
  BASIS_WORDS_ZH,
  changeLine,
  INDICATOR_KIND_WORDS,
  SOURCE_ERROR_WORDS,
  UNIT_KIND_WORDS,
  UNPLACED_REASON_WORDS,
} from "../../i18n/plan-words.js";
import { loadPlanData } from "../../persistence/plan-repository.js";
import { importPlan } from "../../services/import-plan.js";
import { importTaskSplit, writeTaskSplitTemplate, type PlanChoice, type TaskSplitImportOutcome } from "../../services/import-task-split.js";
import { workbookKind } from "../../services/task-split-workbook.js";
import { DEFAULT_SUM_TOLERANCE, parseTolerance, TASK_SPLIT_LABELS } from "../../domain/plan/task-split.js";
import { layoutLines, percent, problemLine, problemSentence, SEVERITY_WORDS, sumLine, toleranceLine } from "../../i18n/task-split-words.js";
import { readPlanSource } from "../../services/read-plan-source.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";
import { PLAN_OPTION, resolvePlan } from "../plan-option.js";
import type { PlanData } from "../../domain/plan/plan-document.js";
import type { Lang } from "../../i18n/lang.js";

/** The plan a command acts on, by the CLI's one rule (--plan, else the only plan or the only one in progress). */
async function requirePlan(ctx: CommandContext): Promise<PlanData> {
  const { prisma } = await ctx.db();
  const plan = await resolvePlan(ctx);
  return (await loadPlanData(prisma, plan.code))!;
}

/** A plan the import could not settle on: the CLI's own words when the rule is the CLI's, else the workbook's. */
async function planChoiceError(ctx: CommandContext, c: Extract<PlanChoice, { ok: false }>): Promise<CliError> {
  if (c.problem === "other_plan") {
    return new CliError(
      w(
        `这份表是为方案 ${c.workbookPlan} 生成的，而 --plan 指定的是 ${c.code}。请改用 --plan ${c.workbookPlan}，或为 ${c.code} 重新生成模板：duban plan template --plan ${c.code} --out <文件>`,
        `This workbook was made for plan ${c.workbookPlan}, but --plan names ${c.code}. Use --plan ${c.workbookPlan}, or make a template for ${c.code}: duban plan template --plan ${c.code} --out <file>`,
      ),
      { error: c.problem, workbookPlan: c.workbookPlan },
    );
  }
  // No plan, an unknown one, or several: the same rule as resolvePlan, which throws the house error.
  await resolvePlan(ctx);
  return new CliError(w("无法确定方案，请用 --plan 指明。", "Cannot tell which plan: name one with --plan."), { error: c.problem });
}

export function planSummary(data: PlanData) {
  const tasks = data.groups.flatMap((g) => g.tasks);
  const workItems = tasks.flatMap((t) => t.workItems);
  const count = <T extends string>(xs: T[]) =>
    xs.reduce<Record<string, number>>((acc, x) => ((acc[x] = (acc[x] ?? 0) + 1), acc), {});
  return {
    code: data.code,
    title: data.title,
    years: `${data.startYear}-${data.endYear}`,
    groups: data.groups.length,
    tasks: tasks.length,
    workItems: workItems.length,
    units: count(data.units.map((u) => u.kind)),
    indicators: count(data.indicators.map((i) => i.kind)),
  };
}

function summaryLines(data: PlanData, lang: Lang): string[] {
  const s = planSummary(data);
  const kinds = (rec: Record<string, number>, words: Record<string, Record<Lang, string>>) =>
    Object.entries(rec)
      .map(([k, n]) => `${words[k]?.[lang] ?? k} ${n}`)
      .join(lang === "zh" ? "，" : ", ");
  return lang === "zh"
    ? [
        `方案 ${s.code}：${s.title}（${data.startYear}—${data.endYear}年）`,
        `  任务组 ${s.groups} 个，重点任务/保障措施 ${s.tasks} 项，责任条款 ${s.workItems} 条`,
        `  单位：${kinds(s.units, UNIT_KIND_WORDS)}`,
        `  指标 ${data.indicators.length} 个：${kinds(s.indicators, INDICATOR_KIND_WORDS)}`,
      ]
    : [
        `Plan ${s.code}: ${s.title} (${s.years})`,
        `  ${s.groups} groups, ${s.tasks} tasks/measures, ${s.workItems} responsibility clauses`,
        `  Units: ${kinds(s.units, UNIT_KIND_WORDS)}`,
        `  ${data.indicators.length} indicators: ${kinds(s.indicators, INDICATOR_KIND_WORDS)}`,
      ];
}

function planDetailLines(data: PlanData, lang: Lang): string[] {
  const lines = summaryLines(data, lang);
  for (const g of data.groups) {
    lines.push("", lang === "zh" ? `（${g.code}）${g.title}` : `(${g.code}) ${g.title}`);
    for (const t of g.tasks) {
      lines.push(`  ${t.code}. ${t.title}`);
      for (const wi of t.workItems) {
        const co = wi.co.length ? (lang === "zh" ? `；配合：${wi.co.join("、")}` : ` + ${wi.co.join("、")}`) : "";
        lines.push(`    [${wi.ref}] ${lang === "zh" ? "牵头：" : "lead: "}${wi.lead}${co}`);
        for (const ind of data.indicators.filter((i) => i.workItem === wi.ref)) {
          lines.push(`        ${indicatorLine(ind, lang)}`);
        }
      }
    }
  }
  const goals = data.indicators.filter((i) => i.workItem === null);
  if (goals.length) {
    lines.push("", lang === "zh" ? "攻坚目标（未分配到责任条款）" : "Headline targets (not tied to a clause)");
    for (const ind of goals) lines.push(`    ${indicatorLine(ind, lang)}`);
  }
  return lines;
}

export function indicatorLine(ind: PlanData["indicators"][number], lang: Lang): string {
  const cmp = ind.comparator === "gte" ? "≥" : "≤";
  const shares = Object.keys(ind.shares).length
    ? lang === "zh"
      ? `（已分解到 ${Object.keys(ind.shares).length} 个县（市、区））`
      : ` (split across ${Object.keys(ind.shares).length} counties)`
    : "";
  if (lang === "zh") return `${ind.code} ${ind.name} ${cmp} ${ind.target}${ind.unit}（${INDICATOR_KIND_WORDS[ind.kind].zh}，期限 ${deadlineWords(ind.deadline)}）${ind.headline ? " ★" : ""}${shares}`;
  return `${ind.code} ${ind.name} ${cmp} ${ind.target}${ind.unit} [${INDICATOR_KIND_WORDS[ind.kind][lang]}, ${ind.deadline}]${ind.headline ? " ★" : ""}${shares}`;
}

/** A deadline as written in the plan (2023-12-31, 2023) as an office writes it: 2023年12月31日, 2023年. */
function deadlineWords(deadline: string): string {
  if (isCivilDate(deadline)) return dateWords(deadline, "zh");
  const y = /^(\d{4})$/u.exec(deadline);
  return y ? `${y[1]}年` : deadline;
}

function unplacedLines(unplaced: Unplaced[], lang: Lang): string[] {
  if (!unplaced.length) return [lang === "zh" ? "全部内容都已归位。" : "Everything was placed."];
  return [
    lang === "zh" ? `未能归位的内容（${unplaced.length} 处）：` : `Could not place (${unplaced.length}):`,
    ...unplaced.map(
      (u) =>
        `  [${u.where}] 「${u.text}」 ${UNPLACED_REASON_WORDS[u.reason][lang]}${u.detail ? (lang === "zh" ? `（${u.detail}）` : ` (${u.detail})`) : ""}`,
    ),
  ];
}

export const planShow: Command = {
  name: ["plan", "show"],
  args: [],
  summary: w("显示方案：任务、责任条款、牵头单位和指标", "Show the plan: tasks, clauses, lead units and targets"),
  options: PLAN_OPTION,
  async run(ctx) {
    const data = await requirePlan(ctx);
    ctx.print({ summary: planSummary(data), plan: data }, () => planDetailLines(data, ctx.lang));
    return 0;
  },
};

export const planImport: Command = {
  name: ["plan", "import"],
  args: ["<file>"],
  summary: w(
    "从方案原文（简体或繁体）、YAML 或任务分解表（.xlsx）导入方案",
    "Import a plan from its document (either script), a YAML export or a task split workbook (.xlsx)",
  ),
  help: w(
    [
      "首次导入直接写入。再次导入同一方案时只显示差异，加 --apply 才写入。",
      "  --apply             写入差异",
      "  --code <代码>       方案代码（原文；默认取自文件名）",
      "  --title <标题>      原文标题行缺失时使用的标题",
      "任务分解表（.xlsx，见 duban plan template）：",
      "  --plan <方案>       导入到哪个方案：代码、简称或标题（默认：表中记录的方案，否则唯一的或唯一进行中的方案）",
      `  --tolerance <比例>  各县（市、区）合计与市级目标允许相差的比例（默认 ${percent(DEFAULT_SUM_TOLERANCE)}）`,
      "  --accept-sums       合计超出允许范围时仍写入（核实无误后使用，记入审计日志）",
      "表中有错误时不写入，退出码 1。",
      "例：duban plan import plans/jinhua-manufacturing-2021-2023.zh-Hans.txt",
      "例：duban plan import 任务分解表.xlsx --tolerance 3% --apply",
    ].join("\n"),
    [
      "A new plan is written at once. Re-importing an existing plan shows the differences; --apply writes them.",
      "  --apply             write the differences",
      "  --code <code>       plan code (documents; default: from the file name)",
      "  --title <title>     title to use when the document's title line is lost",
      "Task split workbook (.xlsx, see duban plan template):",
      "  --plan <plan>       the plan to apply it to: code, short name or title (default: the workbook's own, else the only or the only one in progress)",
      `  --tolerance <pct>   allowed gap between the counties' sum and the city target (default ${percent(DEFAULT_SUM_TOLERANCE)})`,
      "  --accept-sums       write even though some sums are outside the tolerance (recorded in the audit log)",
      "A workbook with errors is not written: exit code 1.",
      "e.g. duban plan import plans/jinhua-manufacturing-2021-2023.zh-Hans.txt",
      "e.g. duban plan import 任务分解表.xlsx --tolerance 3% --apply",
    ].join("\n"),
  ),
  options: {
    apply: { type: "boolean" },
    code: { type: "string" },
    title: { type: "string" },
    plan: { type: "string" },
    tolerance: { type: "string" },
    "accept-sums": { type: "boolean" },
  },
  async run(ctx) {
    const file = ctx.positionals[0];
    if (!file) throw new UsageError(w("缺少文件参数", "missing <file>"));
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(ctx.cwd, file));
    } catch (e) {
      throw new CliError(w(`无法读取 ${file}：${fileErrorWords(e as Error, "zh")}`, `cannot read ${file}: ${(e as Error).message}`));
    }
    const kind = workbookKind(bytes, file);
    if (kind === "legacy_xls") {
      throw new CliError(
        w(`${file}：这是旧版 .xls 文件，请在表格软件中另存为 .xlsx 后再导入。未写入任何内容。`, `${file}: an old binary .xls file: save it as .xlsx, then import. Nothing was written.`),
        { error: "legacy_xls" },
      );
    }
    if (kind === "xlsx") return importWorkbook(ctx, file, bytes);
    for (const flag of ["plan", "tolerance", "accept-sums"] as const) {
      if (ctx.values[flag] !== undefined) throw new UsageError(w(`--${flag} 只用于任务分解表（.xlsx）`, `--${flag} is for task split workbooks (.xlsx) only`));
    }
    const source = readPlanSource(bytes, file, {
      code: ctx.values.code as string | undefined,
      title: ctx.values.title as string | undefined,
    });
    if (!source.ok) {
      const head = SOURCE_ERROR_WORDS[source.code];
      throw new CliError(
        w(`${file}：${head.zh}${sourceWhereZh(source)}。未写入任何内容。`, `${file}: ${head.en}. ${source.detail}. Nothing was written.`),
        { error: source.code, detail: source.detail, problems: source.problems ?? [] },
      );
    }
    const { prisma } = await ctx.db();
    const outcome = await importPlan(prisma, source, { apply: Boolean(ctx.values.apply), actor: ctx.actor });
    ctx.print(
      {
        status: outcome.status,
        format: source.format,
        summary: planSummary(outcome.data),
        changes: outcome.changes,
        conflicts: outcome.conflicts,
        unplaced: outcome.unplaced,
        plan: outcome.data,
      },
      () => {
        const L = ctx.lang;
        const lines = summaryLines(outcome.data, L);
        lines.push("");
        if (outcome.status === "created") lines.push(L === "zh" ? "已创建方案。" : "Plan created.");
        if (outcome.status === "unchanged") lines.push(L === "zh" ? "与数据库中的方案一致，未做任何修改。" : "Same as the stored plan: nothing changed.");
        if (outcome.status === "pending" || outcome.status === "applied" || outcome.status === "refused") {
          lines.push(L === "zh" ? `与数据库中的方案相比有 ${outcome.changes.length} 处差异：` : `${outcome.changes.length} difference(s) from the stored plan:`);
          lines.push(...outcome.changes.map((c) => changeLine(c, L)));
          for (const c of outcome.conflicts) {
            lines.push(
              L === "zh"
                ? `⚠ ${c.code} ${c.name}：已存 ${c.values} 条数据按「${BASIS_WORDS_ZH[c.from as ReportingBasis] ?? c.from}」报送，不能直接改为「${BASIS_WORDS_ZH[c.to as ReportingBasis] ?? c.to}」（已报数字会被误读）。请保留原口径，或新设一个指标。`
                : `⚠ ${c.code} ${c.name}: ${c.values} stored figures are in "${c.from}"; changing the basis to "${c.to}" would misread them. Keep the basis, or add a new indicator.`,
            );
          }
          lines.push(
            outcome.status === "applied"
              ? L === "zh" ? "已写入。已上报的数据保持关联。" : "Applied. Stored reports stay attached."
              : outcome.status === "refused"
                ? L === "zh" ? "未写入：上述报送口径的修改会改变已报数据的含义。" : "Nothing written: the basis changes above would change what stored figures mean."
                : L === "zh" ? "未写入。确认无误后加 --apply 重新运行。" : "Nothing written. Run again with --apply to apply.",
          );
        }
        if (source.format === "text") lines.push("", ...unplacedLines(outcome.unplaced, L));
        return lines;
      },
    );
    return outcome.status === "refused" ? 1 : 0;
  },
};

/**
 * Where a plan file is wrong, for a Chinese reader: the line of a YAML syntax error, the fields
 * (paths in the file, codes) of a schema or reference problem. The parser's own sentences are English.
 */
function sourceWhereZh(source: { detail: string; problems?: { path: string }[] }): string {
  if (source.problems?.length) return `（位置：${[...new Set(source.problems.map((p) => p.path))].slice(0, 8).join("、")}）`;
  const line = /\(line (\d+)\)/u.exec(source.detail)?.[1];
  return line ? `（第 ${line} 行）` : "";
}

/** `plan import x.xlsx`: the 任务分解表. Exit 1 when the sheet has errors or unaccepted sums stop the write. */
async function importWorkbook(ctx: CommandContext, file: string, bytes: Buffer): Promise<number> {
  for (const flag of ["code", "title"] as const) {
    if (ctx.values[flag] !== undefined) throw new UsageError(w(`--${flag} 不用于任务分解表（请用 --plan）`, `--${flag} does not apply to a task split workbook (use --plan)`));
  }
  let tolerance = DEFAULT_SUM_TOLERANCE;
  if (ctx.values.tolerance !== undefined) {
    const t = parseTolerance(String(ctx.values.tolerance));
    if (t === null) throw new UsageError(w("--tolerance 应为 0 到 100 之间的百分比，如 5%", "--tolerance must be a percentage from 0 to 100, e.g. 5%"));
    tolerance = t;
  }
  const { prisma } = await ctx.db();
  const outcome = await importTaskSplit(prisma, bytes, {
    apply: Boolean(ctx.values.apply),
    actor: ctx.actor,
    plan: ctx.values.plan as string | undefined,
    tolerance,
    acceptSums: Boolean(ctx.values["accept-sums"]),
    sourceName: basename(file),
  });
  const L = ctx.lang;
  if (!outcome.ok) {
    if ("detail" in outcome) {
      throw new CliError(
        w(`${file}：无法作为 .xlsx 工作簿读取，文件可能已损坏。未写入任何内容。`, `${file}: cannot be read as an .xlsx workbook (${outcome.detail}). Nothing was written.`),
        { error: outcome.problem, detail: outcome.detail },
      );
    }
    if ("problems" in outcome) {
      const lines = outcome.problems.map((p) => problemLine(p, L));
      throw new CliError(w(`${file}：\n${lines.join("\n")}\n未写入任何内容。`, `${file}:\n${lines.join("\n")}\nNothing was written.`), {
        error: outcome.problem,
        problems: withMessages(outcome.problems, L),
      });
    }
    throw await planChoiceError(ctx, outcome);
  }
  const failed = outcome.status === "invalid" || outcome.status === "sums_unaccepted";
  ctx.print(
    {
      status: outcome.status,
      format: "xlsx",
      plan: outcome.plan,
      tolerance: outcome.tolerance,
      layout: outcome.layout,
      problems: withMessages(outcome.problems, L),
      sums: outcome.sums,
      offSums: outcome.offSums.map((s) => s.indicator),
      changes: outcome.changes,
      summary: planSummary(outcome.data),
    },
    () => workbookReport(file, outcome, L),
  );
  if (failed && !ctx.json) ctx.err(statusLine(outcome, L));
  return failed ? 1 : 0;
}

function withMessages(problems: SplitProblemList, lang: Lang) {
  return problems.map((p) => ({ ...p, message: problemSentence(p, lang) }));
}

type SplitProblemList = Extract<TaskSplitImportOutcome, { ok: true }>["problems"];

function workbookReport(file: string, o: Extract<TaskSplitImportOutcome, { ok: true }>, L: Lang): string[] {
  const lines = [L === "zh" ? `任务分解表 ${file} → 方案 ${o.plan.code}：${o.plan.title}` : `Task split ${file} → plan ${o.plan.code}: ${o.plan.title}`];
  lines.push(...layoutLines(o.layout, L), "", toleranceLine(o.tolerance, L));
  const within = o.sums.length - o.offSums.length;
  if (o.offSums.length) {
    lines.push(L === "zh" ? `合计超出范围的指标（${o.offSums.length} 个）：` : `Sums outside the tolerance (${o.offSums.length}):`);
    lines.push(...o.offSums.map((s) => `  ${sumLine(s, o.tolerance, L)}`));
  }
  if (within > 0) {
    lines.push(
      L === "zh"
        ? `${o.offSums.length ? "其余 " : ""}${within} 个已分解指标的合计在范围内。`
        : `${within} ${o.offSums.length ? "other " : ""}split indicator(s) sum within the tolerance.`,
    );
  }
  if (o.problems.length) {
    const count = (sev: keyof typeof SEVERITY_WORDS) => o.problems.filter((p) => p.severity === sev).length;
    const parts = (["error", "warning", "notice"] as const).filter((s) => count(s)).map((s) => (L === "zh" ? `${SEVERITY_WORDS[s].zh} ${count(s)} 个` : `${count(s)} ${SEVERITY_WORDS[s].en}(s)`));
    lines.push("", L === "zh" ? `检查结果（${parts.join("，")}）：` : `Checks (${parts.join(", ")}):`);
    lines.push(...o.problems.map((p) => `  ${problemLine(p, L)}`));
  }
  lines.push("");
  if (o.changes.length) {
    lines.push(L === "zh" ? `与数据库中的方案相比有 ${o.changes.length} 处差异：` : `${o.changes.length} difference(s) from the stored plan:`);
    lines.push(...o.changes.map((c) => changeLine(c, L)));
  }
  lines.push(statusLine(o, L));
  return lines;
}

function statusLine(o: Extract<TaskSplitImportOutcome, { ok: true }>, L: Lang): string {
  const errors = o.problems.filter((p) => p.severity === "error").length;
  const tol = `±${percent(o.tolerance)}`;
  switch (o.status) {
    case "invalid":
      return L === "zh"
        ? `未写入：表中有 ${errors} 处错误（见上，已注明单元格），改正后重新导入。`
        : `Nothing written: ${errors} error(s) in the workbook (cells named above); fix them and import again.`;
    case "unchanged":
      return L === "zh" ? "与数据库中的方案一致，未做任何修改。" : "Same as the stored plan: nothing changed.";
    case "pending":
      return L === "zh"
        ? `未写入。确认无误后加 --apply 重新运行。${o.offSums.length ? `其中 ${o.offSums.length} 个指标的合计超出 ${tol}，写入时还需加 --accept-sums（或用 --tolerance 放宽）。` : ""}`
        : `Nothing written. Run again with --apply to apply.${o.offSums.length ? ` ${o.offSums.length} sum(s) are outside ${tol}: --apply also needs --accept-sums (or a wider --tolerance).` : ""}`;
    case "sums_unaccepted":
      return L === "zh"
        ? `未写入：${o.offSums.length} 个指标的合计超出 ${tol}（见上）。核实无误后加 --accept-sums 写入，或改正后重新导入。`
        : `Nothing written: ${o.offSums.length} sum(s) outside ${tol} (see above). If they are meant, add --accept-sums; otherwise fix and import again.`;
    case "applied":
      return L === "zh"
        ? `已写入。${o.offSums.length ? `已按 --accept-sums 接受 ${o.offSums.length} 个超出 ${tol} 的合计，并记入审计日志。` : ""}`
        : `Applied.${o.offSums.length ? ` ${o.offSums.length} sum(s) outside ${tol} accepted (--accept-sums), recorded in the audit log.` : ""}`;
  }
}

export const planTemplate: Command = {
  name: ["plan", "template"],
  args: [],
  summary: w(
    "生成任务分解表（.xlsx）：每个指标一行、每个县（市、区）一列，填好后用 duban plan import 导入",
    "Write the task split workbook (.xlsx): a row per target, a column per county; fill it, then plan import it",
  ),
  help: w(
    [
      "  --out <文件.xlsx>   输出文件（必填）",
      "  --plan <方案>       哪个方案：代码、简称或标题（只有一个方案或只有一个进行中的方案时可省略）",
      `  --tolerance <比例>  写入填表说明的合计允许偏差（默认 ${percent(DEFAULT_SUM_TOLERANCE)}）`,
      "表中预填已保存的分解目标、责任单位和基期值：导出、修改、再导入即可。",
      "例：duban plan template --out 任务分解表.xlsx",
    ].join("\n"),
    [
      "  --out <file.xlsx>   output file (required)",
      "  --plan <plan>       which plan: code, short name or title (may be left out when only one plan, or only one in progress)",
      `  --tolerance <pct>   the sum tolerance stated in the notes (default ${percent(DEFAULT_SUM_TOLERANCE)})`,
      "Prefilled with the stored shares, owners and baselines: export, edit, import again.",
      "e.g. duban plan template --out 任务分解表.xlsx",
    ].join("\n"),
  ),
  options: { ...PLAN_OPTION, out: { type: "string" }, tolerance: { type: "string" } },
  async run(ctx) {
    const out = (ctx.values.out as string | undefined) ?? ctx.positionals[0];
    if (!out) throw new UsageError(w("缺少 --out <文件.xlsx>", "missing --out <file.xlsx>"));
    if (!/\.xlsx$/i.test(out)) throw new UsageError(w("输出文件名应以 .xlsx 结尾", "the output file name must end in .xlsx"));
    let tolerance = DEFAULT_SUM_TOLERANCE;
    if (ctx.values.tolerance !== undefined) {
      const t = parseTolerance(String(ctx.values.tolerance));
      if (t === null) throw new UsageError(w("--tolerance 应为 0 到 100 之间的百分比，如 5%", "--tolerance must be a percentage from 0 to 100, e.g. 5%"));
      tolerance = t;
    }
    const { prisma } = await ctx.db();
    const plan = await resolvePlan(ctx);
    const outcome = await writeTaskSplitTemplate(prisma, { plan: plan.code, tolerance });
    if (!outcome.ok) throw await planChoiceError(ctx, outcome);
    try {
      await writeFile(resolve(ctx.cwd, out), outcome.bytes);
    } catch (e) {
      throw new CliError(w(`无法写入 ${out}：${fileErrorWords(e as Error, "zh")}`, `cannot write ${out}: ${(e as Error).message}`));
    }
    const s = outcome.summary;
    ctx.print({ file: out, plan: { code: outcome.code, title: outcome.title }, ...s }, () =>
      ctx.lang === "zh"
        ? [
            `已生成任务分解表 ${out}（方案 ${outcome.code}：${outcome.title}）：`,
            `  ${s.indicators} 个指标，其中 ${s.unowned} 个攻坚目标需填写责任单位；${s.counties.length} 个县（市、区）列；`,
            `  ${s.levelTargets} 个存量指标可在“${TASK_SPLIT_LABELS.baselineSheet}”工作表填写县级基期值。`,
            `填好后导入：duban plan import ${out}（先看差异，再加 --apply 写入）`,
          ]
        : [
            `Wrote ${out} (plan ${outcome.code}: ${outcome.title}):`,
            `  ${s.indicators} indicators, ${s.unowned} headline targets that need an owner; ${s.counties.length} county columns;`,
            `  ${s.levelTargets} level targets take county baselines on the sheet ${TASK_SPLIT_LABELS.baselineSheet}.`,
            `Fill it, then: duban plan import ${out} (shows the differences; --apply writes them)`,
          ],
    );
    return 0;
  },
};

export const planExport: Command = {
  name: ["plan", "export"],
  args: ["<file.yaml>"],
  summary: w("把方案导出为可编辑的 YAML（改目标、分解到县（市、区）、改名后可再导入）", "Export the plan as editable YAML (fix targets, split by county, rename; then import it)"),
  help: w("文件名为 - 时输出到标准输出。", "Use - as the file name to write to standard output."),
  options: PLAN_OPTION,
  async run(ctx) {
    const file = ctx.positionals[0];
    if (!file) throw new UsageError(w("缺少文件参数", "missing <file.yaml>"));
    const data = await requirePlan(ctx);
    const yaml = EXPORT_HEADER[ctx.lang] + toYaml(planDataToDocument(data), { lineWidth: 0 });
    if (file === "-") {
      ctx.out(yaml);
      return 0;
    }
    await writeFile(resolve(ctx.cwd, file), yaml);
    ctx.print({ file, indicators: data.indicators.length }, () => [
      ctx.lang === "zh" ? `已导出到 ${file}（${data.indicators.length} 个指标）` : `Exported to ${file} (${data.indicators.length} indicators)`,
    ]);
    return 0;
  },
};

/** The export's first lines: how to edit the file and what its codes mean (the keys and codes stay as they are). */
const EXPORT_HEADER: Record<Lang, string> = {
  zh: [
    "# 督办方案导出文件。修改后导入：duban plan import <本文件>（先看差异，再加 --apply 写入）",
    `# 指标类型 kind：${Object.entries(INDICATOR_KIND_WORDS).map(([k, v]) => `${k} ${v.zh}`).join("、")}`,
    "# 达标方向 comparator：gte 不低于、lte 不高于",
    `# 报送口径 basis：${Object.entries(BASIS_WORDS_ZH).map(([k, v]) => `${k} ${v}`).join("、")}`,
    '# 分解到各县（市、区）的目标写在 shares 下，如 shares: { "义乌市": 20, "东阳市": 10 }',
    "",
  ].join("\n"),
  en: [
    "# Duban plan export. Edit, then: duban plan import <this file> [--apply]",
    "# kinds: cumulative per_year annual_total stock ratio growth reduction; comparator: gte | lte",
    "# shares: per-county targets, e.g.  shares: { 义乌市: 20, 东阳市: 10 }",
    "",
  ].join("\n"),
};

export const indicatorList: Command = {
  name: ["indicator", "list"],
  args: [],
  summary: w("列出方案的指标：类型、单位、目标值、期限", "List the plan's indicators: kind, unit, target, deadline"),
  options: PLAN_OPTION,
  async run(ctx) {
    const data = await requirePlan(ctx);
    ctx.print(data.indicators, () => data.indicators.map((i) => indicatorLine(i, ctx.lang)));
    return 0;
  },
};
