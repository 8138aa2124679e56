import { ConfigError, describeConfig, loadConfig } from "../../config/load-config.js";
import { w } from "../../i18n/lang.js";
import { auditActionWords, auditActorWords, auditResultWords, auditSubjectWords } from "../../i18n/audit-words.js";
import { inputWords } from "../../i18n/cli-words.js";
import { configLinesZh, configProblemLines } from "../../i18n/config-words.js";
import { isoInZone } from "../../i18n/iso-time.js";
import { dateTimeWords } from "../../i18n/time-words.js";
import { loadPlanRefs } from "../../persistence/plan-facts.js";
import { listAudit } from "../../persistence/audit-repository.js";
import { applyMigrations, pendingMigrations } from "../../persistence/migrations.js";
import { adapterFactory, migrationAdapterFactory } from "../../persistence/database.js";
import { CliError, type Command } from "../command.js";

export const configCheck: Command = {
  name: ["config", "check"],
  args: [],
  summary: w("检查环境变量，显示将连接什么（密钥已遮盖）", "Validate the environment and show what it would connect to (secrets masked)"),
  options: {},
  async run(ctx) {
    let config;
    try {
      config = loadConfig(ctx.env);
    } catch (e) {
      if (e instanceof ConfigError) {
        throw new CliError(w(`配置有误：\n${configProblemLines(e.problems, "zh")}`, `Bad configuration:\n${configProblemLines(e.problems, "en")}`), { ok: false, problems: e.problems });
      }
      throw e;
    }
    const described = describeConfig(config);
    ctx.print({ ok: true, config: described }, () =>
      ctx.lang === "zh" ? configLinesZh(config) : ["Configuration is valid. It would use:", ...JSON.stringify(described, null, 2).split("\n")],
    );
    return 0;
  },
};

export const dbMigrate: Command = {
  name: ["db", "migrate"],
  args: [],
  summary: w("应用数据库迁移（无需下载任何引擎）", "Apply database migrations (no engine download needed)"),
  options: {},
  async run(ctx) {
    const config = ctx.config();
    const pending = await pendingMigrations(adapterFactory(config.database.url), config.database.provider);
    const applied = pending.length ? await applyMigrations(migrationAdapterFactory(config.database.url), config.database.provider) : [];
    ctx.print({ provider: config.database.provider, applied }, () => [
      applied.length
        ? ctx.lang === "zh" ? `已应用 ${applied.length} 个迁移。` : `Applied migrations: ${applied.join(", ")}`
        : ctx.lang === "zh" ? "数据库已是最新。" : "Database is up to date.",
    ]);
    return 0;
  },
};

export const auditList: Command = {
  name: ["audit", "list"],
  args: [],
  summary: w("查看审计日志（谁、何时、做了什么）", "Show the audit log: who did what, when"),
  options: { limit: { type: "string" }, action: { type: "string" } },
  async run(ctx) {
    const { prisma } = await ctx.db();
    const limit = ctx.values.limit ? Number(ctx.values.limit) : 50;
    const rows = await listAudit(prisma, { limit, action: ctx.values.action as string | undefined });
    // The audit log spans plans: shown on the first plan's clock (Beijing time unless the plans say otherwise).
    const tz = (await loadPlanRefs(prisma))[0]?.timeZone ?? "Asia/Shanghai";
    ctx.print(
      rows.map((r) => ({ ...r, at: isoInZone(r.at, tz) })),
      () =>
        rows.map(
          (r) =>
            `${dateTimeWords(r.at, tz, ctx.lang)} ${auditActorWords(r.actor, ctx.lang)} ${auditActionWords(r.action, ctx.lang)} ${auditSubjectWords(r.action, r.subject, ctx.lang)} → ${auditResultWords(r.result, ctx.lang)}${r.rawInput ? `  「${inputWords(r.rawInput, ctx.lang)}」` : ""}`,
        ),
    );
    return 0;
  },
};
