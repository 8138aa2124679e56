import { w } from "../../i18n/lang.js";
import { chatUserWords, readPlatform } from "../../i18n/platform-words.js";
import { ROLE_WORDS } from "../../i18n/report-words.js";
import { toSimplified } from "../../domain/plan/script.js";
import { UNIT_KIND_WORDS } from "../../i18n/plan-words.js";
import { bind, listBindings, PLATFORMS, ROLES, unbind, type Platform, type Role } from "../../persistence/binding-repository.js";
import { resolvePlan } from "../plan-option.js";
import { listUnits, resolveUnit, suggestUnits } from "../../persistence/unit-repository.js";
import { writeAudit } from "../../persistence/audit-repository.js";
import { CliError, UsageError, type Command, type CommandContext } from "../command.js";
import type { UnitKind } from "../../domain/plan/types.js";

export const unitList: Command = {
  name: ["unit", "list"],
  args: [],
  summary: w("列出单位：类型、别名、牵头和配合的条款数、绑定人数", "List units: kind, aliases, clauses led/shared, bound users"),
  options: { plan: { type: "string" } },
  async run(ctx) {
    const { prisma } = await ctx.db();
    // With --plan: the roles in that plan; without: in every plan.
    const plan = ctx.values.plan ? await resolvePlan(ctx) : undefined;
    const units = await listUnits(prisma, plan?.id);
    ctx.print(units, () =>
      units.map((u) => {
        const kind = UNIT_KIND_WORDS[u.kind as UnitKind]?.[ctx.lang] ?? u.kind;
        if (ctx.lang === "zh") return `${u.name}：${kind}，牵头 ${u.leads} 条，配合 ${u.co} 条，绑定 ${u.bindings} 人${u.aliases.length ? `；别名：${u.aliases.join("、")}` : ""}`;
        return `${u.name} [${kind}] leads ${u.leads}, co ${u.co}, bound ${u.bindings}${u.aliases.length ? `  (${u.aliases.join("、")})` : ""}`;
      }),
    );
    return 0;
  },
};

/** slack, dingtalk or local; 钉钉 and 本机 as a Chinese admin writes them. */
function parsePlatform(value: string | undefined): Platform {
  const p = readPlatform(value);
  if (!p || !(PLATFORMS as readonly string[]).includes(p)) {
    throw new UsageError(w(`平台须为 Slack、钉钉 或 本机，填的是「${value ?? ""}」`, `platform must be ${PLATFORMS.join("|")}, got "${value ?? ""}"`));
  }
  return p;
}

/** liaison, taskforce or admin; 联络员, 专班, 管理员 in Chinese. */
function parseRole(value: unknown, fallback?: Role): Role | undefined {
  if (value === undefined) return fallback;
  const role = typeof value === "string" ? (ROLES.find((r) => r === value.trim().toLowerCase() || ROLE_WORDS[r].zh === toSimplified(value.trim())) ?? null) : null;
  if (!role) {
    throw new UsageError(w(`--role 须为 联络员、专班 或 管理员，填的是「${String(value)}」`, `--role must be ${ROLES.join("|")}, got "${String(value)}"`));
  }
  return role;
}

async function requireUnit(ctx: CommandContext, name: string) {
  const { prisma } = await ctx.db();
  const unit = await resolveUnit(prisma, name);
  if (unit) return unit;
  const near = await suggestUnits(prisma, name);
  throw new CliError(
    w(
      `没有找到单位「${name}」。${near.length ? `是不是：${near.join("、")}？` : "用 duban unit list 查看单位。"}`,
      `No unit "${name}". ${near.length ? `Did you mean: ${near.join(", ")}?` : "See duban unit list."}`,
    ),
    { error: "unknown_unit", unit: name, suggestions: near },
  );
}

const identityOptions = { role: { type: "string" as const }, tenant: { type: "string" as const } };

export const bindCommand: Command = {
  name: ["bind"],
  args: ["<slack|dingtalk|local>", "<user-id>", "<unit>"],
  summary: w("把聊天账号绑定到单位和角色（联络员、专班或管理员）", "Bind a chat user to a unit with a role (liaison, task-force, admin)"),
  help: w(
    "  --role <角色>            联络员（默认）、专班 或 管理员\n  --tenant <工作区或企业ID>  只在该 Slack 工作区或钉钉企业生效（默认不限）\n例：duban bind 钉钉 0123456789 义乌市 --role 联络员",
    "  --role liaison|taskforce|admin  default liaison\n  --tenant <team or corp id>        only in that Slack workspace / DingTalk corp (default: any)\ne.g. duban bind slack U012ABC 市经信局 --role admin",
  ),
  options: identityOptions,
  async run(ctx) {
    const [platformArg, userId, unitName] = ctx.positionals;
    const platform = parsePlatform(platformArg);
    if (!userId || !unitName) throw new UsageError(w("需要 <用户ID> 和 <单位>", "need <user-id> and <unit>"));
    const role = parseRole(ctx.values.role, "liaison")!;
    const unit = await requireUnit(ctx, unitName);
    const { prisma } = await ctx.db();
    const who = { platform, tenant: (ctx.values.tenant as string | undefined) ?? "", userId };
    const { created } = await bind(prisma, who, unit.id, role, ctx.actor);
    await writeAudit(prisma, {
      actor: ctx.actor,
      platform: "cli",
      action: "bind",
      subject: `${platform}:${who.tenant}:${userId}`,
      rawInput: ["duban", "bind", ...ctx.positionals].join(" "),
      result: "ok",
      details: { unit: unit.name, role, created },
    });
    const whom = `${chatUserWords(who, ctx.lang)} → ${unit.name}`;
    ctx.print({ platform, userId, tenant: who.tenant, unit: unit.name, role, created }, () => [
      created
        ? ctx.lang === "zh" ? `已绑定：${whom}（${ROLE_WORDS[role].zh}）` : `Bound: ${platform} ${userId} → ${unit.name} (${role})`
        : ctx.lang === "zh" ? `已存在，未改动：${whom}（${ROLE_WORDS[role].zh}）` : `Already bound, unchanged: ${platform} ${userId} → ${unit.name} (${role})`,
    ]);
    return 0;
  },
};

export const unbindCommand: Command = {
  name: ["unbind"],
  args: ["<slack|dingtalk|local>", "<user-id>", "[unit]"],
  summary: w("解除绑定（不指定单位则解除该账号的全部绑定）", "Remove bindings (all of the user's, unless a unit is given)"),
  options: identityOptions,
  async run(ctx) {
    const [platformArg, userId, unitName] = ctx.positionals;
    const platform = parsePlatform(platformArg);
    if (!userId) throw new UsageError(w("需要 <用户ID>", "need <user-id>"));
    const role = parseRole(ctx.values.role);
    const unit = unitName ? await requireUnit(ctx, unitName) : undefined;
    const { prisma } = await ctx.db();
    const who = { platform, tenant: (ctx.values.tenant as string | undefined) ?? "", userId };
    const removed = await unbind(prisma, who, { unitId: unit?.id, role });
    if (removed === 0) {
      throw new CliError(w(`${chatUserWords(who, "zh")} 没有匹配的绑定`, `${platform} ${userId} has no matching binding`), {
        error: "not_bound",
        removed: 0,
      });
    }
    await writeAudit(prisma, {
      actor: ctx.actor,
      platform: "cli",
      action: "unbind",
      subject: `${platform}:${who.tenant}:${userId}`,
      rawInput: ["duban", "unbind", ...ctx.positionals].join(" "),
      result: "ok",
      details: { unit: unit?.name ?? null, role: role ?? null, removed },
    });
    ctx.print({ platform, userId, removed }, () => [
      ctx.lang === "zh" ? `已解除 ${removed} 个绑定` : `Removed ${removed} binding(s)`,
    ]);
    return 0;
  },
};

export const bindingList: Command = {
  name: ["binding", "list"],
  args: [],
  summary: w("列出所有绑定", "List all bindings"),
  options: {},
  async run(ctx) {
    const { prisma } = await ctx.db();
    const rows = await listBindings(prisma);
    ctx.print(rows, () =>
      rows.length
        ? rows.map((b) =>
            ctx.lang === "zh"
              ? `${chatUserWords(b, "zh")} → ${b.unit}（${ROLE_WORDS[b.role as Role]?.zh ?? b.role}）`
              : `${b.platform}${b.tenant ? `:${b.tenant}` : ""} ${b.userId} → ${b.unit} (${b.role})`,
          )
        : [ctx.lang === "zh" ? "还没有绑定。用 duban bind 添加。" : "No bindings yet. Add one with duban bind."],
    );
    return 0;
  },
};
