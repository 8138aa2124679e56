import type { BindCommand, UnbindCommand } from "../src/domain/report/types.js";
import { ROLE_WORDS } from "../src/i18n/report-words.js";
import { actorName, type HandlerContext } from "./context.js";
import type { Reply } from "./types.js";

/** 绑定 / 解绑, admins only: in the admin's own workspace unless a platform is named. */
export async function handleBind(cmd: BindCommand | UnbindCommand, ctx: HandlerContext, rawInput: string): Promise<Reply> {
  const { lang, store, actor } = ctx;
  const zh = lang === "zh";
  if (!actor.isAdmin) {
    await store.audit({ actor: actorName(actor), platform: actor.platform, action: cmd.type, subject: cmd.userId, rawInput, result: "rejected", details: { reason: "not_admin" } });
    return { status: "denied", title: zh ? "只有管理员可以绑定或解绑" : "Only admins can bind or unbind users", lines: [] };
  }
  const platform = cmd.platform ?? actor.platform;
  const who = { platform, tenant: cmd.platform && cmd.platform !== actor.platform ? "" : actor.tenant, userId: cmd.userId };
  const unit = cmd.unit ? await store.resolveUnit(cmd.unit) : null;
  if (cmd.unit && !unit) {
    const near = await store.suggestUnits(cmd.unit);
    return {
      status: "error",
      title: zh ? `没有找到单位「${cmd.unit}」` : `No unit "${cmd.unit}"`,
      lines: near.length ? [zh ? `是不是：${near.join("、")}？` : `Did you mean: ${near.join(", ")}?`] : [],
      example: zh ? `绑定 ${cmd.userId} ${near[0] ?? "义乌市"} 联络员` : `bind ${cmd.userId} ${near[0] ?? "义乌市"} liaison`,
    };
  }
  if (cmd.type === "bind") {
    const role = cmd.role ?? "liaison";
    const { created } = await store.bind(who, unit!.id, role, actorName(actor));
    await store.audit({ actor: actorName(actor), platform: actor.platform, action: "bind", subject: `${who.platform}:${who.tenant}:${who.userId}`, rawInput, result: "ok", details: { unit: unit!.name, role, created } });
    return {
      status: "ok",
      title: created
        ? zh ? `已绑定 ${who.userId} → ${unit!.name}（${ROLE_WORDS[role].zh}）` : `Bound ${who.userId} → ${unit!.name} (${ROLE_WORDS[role].en})`
        : zh ? `${who.userId} 已是 ${unit!.name} 的${ROLE_WORDS[role].zh}，未改动` : `${who.userId} is already ${ROLE_WORDS[role].en} of ${unit!.name}`,
      lines: [],
    };
  }
  const removed = await store.unbind(who, { unitId: unit?.id });
  await store.audit({ actor: actorName(actor), platform: actor.platform, action: "unbind", subject: `${who.platform}:${who.tenant}:${who.userId}`, rawInput, result: removed ? "ok" : "rejected", details: { unit: unit?.name ?? null, removed } });
  return removed
    ? { status: "ok", title: zh ? `已解除 ${who.userId} 的 ${removed} 个绑定` : `Removed ${removed} binding(s) of ${who.userId}`, lines: [] }
    : { status: "error", title: zh ? `${who.userId} 没有匹配的绑定` : `${who.userId} has no matching binding`, lines: [] };
}
