import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { stringify as toYaml } from "yaml";
import { planDataToDocument } from "../../domain/plan/plan-document.js";
import type { Unplaced } from "../../domain/plan/types.js";
import { w } from "../../i18n/lang.js";
import {
  changeLine,
  INDICATOR_KIND_WORDS,
  SOURCE_ERROR_WORDS,
  UNIT_KIND_WORDS,
  UNPLACED_REASON_WORDS,
} from "../../i18n/plan-words.js";
import { findPlan, loadPlanData } from "../../persistence/plan-repository.js";
import { importPlan } from "../../services/import-plan.js";
import { readPlanSource } from "../../services/read-plan-source.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";
import type { PlanData } from "../../domain/plan/plan-document.js";
import type { Lang } from "../../i18n/lang.js";

const planOption = { plan: { type: "string" as const } };

async function requirePlan(ctx: CommandContext): Promise<PlanData> {
  const { prisma } = await ctx.db();
  const code = ctx.values.plan as string | undefined;
  const plan = await findPlan(prisma, code);
  if (!plan) {
    throw new CliError(
      code
        ? w(`没有代码为 ${code} 的方案。用 duban plan show 查看已有方案。`, `No plan with code ${code}. See duban plan show.`)
        : w("数据库里还没有方案。先导入:duban plan import <文件>", "No plan in the database yet. Import one: duban plan import <file>"),
    );
  }
  return (await loadPlanData(prisma, plan.code))!;
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
      .join(", ");
  return lang === "zh"
    ? [
        `方案 ${s.code}: ${s.title} (${s.years})`,
        `  任务组 ${s.groups} 个, 重点任务/保障措施 ${s.tasks} 项, 责任条款 ${s.workItems} 条`,
        `  单位: ${kinds(s.units, UNIT_KIND_WORDS)}`,
        `  指标 ${data.indicators.length} 个: ${kinds(s.indicators, INDICATOR_KIND_WORDS)}`,
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
    lines.push("", `(${g.code}) ${g.title}`);
    for (const t of g.tasks) {
      lines.push(`  ${t.code}. ${t.title}`);
      for (const wi of t.workItems) {
        const co = wi.co.length ? ` + ${wi.co.join("、")}` : "";
        lines.push(`    [${wi.ref}] ${lang === "zh" ? "牵头" : "lead"}: ${wi.lead}${co}`);
        for (const ind of data.indicators.filter((i) => i.workItem === wi.ref)) {
          lines.push(`        ${indicatorLine(ind, lang)}`);
        }
      }
    }
  }
  const goals = data.indicators.filter((i) => i.workItem === null);
  if (goals.length) {
    lines.push("", lang === "zh" ? "攻坚目标(未分配到责任条款)" : "Headline targets (not tied to a clause)");
    for (const ind of goals) lines.push(`    ${indicatorLine(ind, lang)}`);
  }
  return lines;
}

export function indicatorLine(ind: PlanData["indicators"][number], lang: Lang): string {
  const cmp = ind.comparator === "gte" ? "≥" : "≤";
  const shares = Object.keys(ind.shares).length
    ? lang === "zh"
      ? ` (已分解到 ${Object.keys(ind.shares).length} 个县市区)`
      : ` (split across ${Object.keys(ind.shares).length} counties)`
    : "";
  return `${ind.code} ${ind.name} ${cmp} ${ind.target}${ind.unit} [${INDICATOR_KIND_WORDS[ind.kind][lang]}, ${ind.deadline}]${ind.headline ? " ★" : ""}${shares}`;
}

function unplacedLines(unplaced: Unplaced[], lang: Lang): string[] {
  if (!unplaced.length) return [lang === "zh" ? "全部内容都已归位。" : "Everything was placed."];
  return [
    lang === "zh" ? `未能归位的内容 (${unplaced.length} 处):` : `Could not place (${unplaced.length}):`,
    ...unplaced.map(
      (u) =>
        `  [${u.where}] 「${u.text}」 ${UNPLACED_REASON_WORDS[u.reason][lang]}${u.detail ? ` (${u.detail})` : ""}`,
    ),
  ];
}

export const planShow: Command = {
  name: ["plan", "show"],
  args: [],
  summary: w("显示方案:任务、责任条款、牵头单位和指标", "Show the plan: tasks, clauses, lead units and targets"),
  options: planOption,
  async run(ctx) {
    const data = await requirePlan(ctx);
    ctx.print({ summary: planSummary(data), plan: data }, () => planDetailLines(data, ctx.lang));
    return 0;
  },
};

export const planImport: Command = {
  name: ["plan", "import"],
  args: ["<file>"],
  summary: w("从方案原文(简体或繁体)或 YAML 导入方案", "Import a plan from its document (either script) or a YAML export"),
  help: w(
    [
      "首次导入直接写入。再次导入同一方案时只显示差异,加 --apply 才写入。",
      "  --apply         写入差异",
      "  --code <代码>   方案代码(默认取自文件名)",
      "  --title <标题>  原文标题行缺失时使用的标题",
      "例: duban plan import plans/jinhua-manufacturing-2021-2023.zh-Hans.txt",
    ].join("\n"),
    [
      "A new plan is written at once. Re-importing an existing plan shows the differences; --apply writes them.",
      "  --apply          write the differences",
      "  --code <code>    plan code (default: from the file name)",
      "  --title <title>  title to use when the document's title line is lost",
      "e.g. duban plan import plans/jinhua-manufacturing-2021-2023.zh-Hans.txt",
    ].join("\n"),
  ),
  options: { apply: { type: "boolean" }, code: { type: "string" }, title: { type: "string" } },
  async run(ctx) {
    const file = ctx.positionals[0];
    if (!file) throw new UsageError(w("缺少文件参数", "missing <file>"));
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(ctx.cwd, file));
    } catch (e) {
      throw new CliError(w(`无法读取 ${file}: ${(e as Error).message}`, `cannot read ${file}: ${(e as Error).message}`));
    }
    const source = readPlanSource(bytes, file, {
      code: ctx.values.code as string | undefined,
      title: ctx.values.title as string | undefined,
    });
    if (!source.ok) {
      const head = SOURCE_ERROR_WORDS[source.code];
      throw new CliError(
        w(`${file}: ${head.zh}。${source.detail}。未写入任何内容。`, `${file}: ${head.en}. ${source.detail}. Nothing was written.`),
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
        unplaced: outcome.unplaced,
        plan: outcome.data,
      },
      () => {
        const L = ctx.lang;
        const lines = summaryLines(outcome.data, L);
        lines.push("");
        if (outcome.status === "created") lines.push(L === "zh" ? "已创建方案。" : "Plan created.");
        if (outcome.status === "unchanged") lines.push(L === "zh" ? "与数据库中的方案一致,未做任何修改。" : "Same as the stored plan: nothing changed.");
        if (outcome.status === "pending" || outcome.status === "applied") {
          lines.push(L === "zh" ? `与数据库中的方案相比有 ${outcome.changes.length} 处差异:` : `${outcome.changes.length} difference(s) from the stored plan:`);
          lines.push(...outcome.changes.map((c) => changeLine(c, L)));
          lines.push(
            outcome.status === "applied"
              ? L === "zh" ? "已写入。已上报的数据保持关联。" : "Applied. Stored reports stay attached."
              : L === "zh" ? "未写入。确认无误后加 --apply 重新运行。" : "Nothing written. Run again with --apply to apply.",
          );
        }
        if (source.format === "text") lines.push("", ...unplacedLines(outcome.unplaced, L));
        return lines;
      },
    );
    return 0;
  },
};

export const planExport: Command = {
  name: ["plan", "export"],
  args: ["<file.yaml>"],
  summary: w("把方案导出为可编辑的 YAML(改目标、分解到县市区、改名后可再导入)", "Export the plan as editable YAML (fix targets, split by county, rename; then import it)"),
  help: w("文件名为 - 时输出到标准输出。", "Use - as the file name to write to standard output."),
  options: planOption,
  async run(ctx) {
    const file = ctx.positionals[0];
    if (!file) throw new UsageError(w("缺少文件参数", "missing <file.yaml>"));
    const data = await requirePlan(ctx);
    const yaml =
      "# Duban plan export. Edit, then: duban plan import <this file> [--apply]\n" +
      "# kinds: cumulative per_year stock ratio growth reduction; comparator: gte | lte\n" +
      "# shares: per-county targets, e.g.  shares: { 义乌市: 20, 东阳市: 10 }\n" +
      toYaml(planDataToDocument(data), { lineWidth: 0 });
    if (file === "-") {
      ctx.out(yaml);
      return 0;
    }
    await writeFile(resolve(ctx.cwd, file), yaml);
    ctx.print({ file, indicators: data.indicators.length }, () => [
      ctx.lang === "zh" ? `已导出到 ${file} (${data.indicators.length} 个指标)` : `Exported to ${file} (${data.indicators.length} indicators)`,
    ]);
    return 0;
  },
};

export const indicatorList: Command = {
  name: ["indicator", "list"],
  args: [],
  summary: w("列出方案的指标:类型、单位、目标值、期限", "List the plan's indicators: kind, unit, target, deadline"),
  options: planOption,
  async run(ctx) {
    const data = await requirePlan(ctx);
    ctx.print(data.indicators, () => data.indicators.map((i) => indicatorLine(i, ctx.lang)));
    return 0;
  },
};
