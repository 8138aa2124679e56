import type { Lang } from "./lang.js";

/** Chat platforms as people name them: DingTalk is 钉钉 in Chinese; Slack has no Chinese name. */
export const PLATFORM_WORDS: Record<string, Record<Lang, string>> = {
  slack: { zh: "Slack", en: "Slack" },
  dingtalk: { zh: "钉钉", en: "DingTalk" },
  local: { zh: "本机", en: "local" },
};

export function platformWords(platform: string, lang: Lang): string {
  return PLATFORM_WORDS[platform]?.[lang] ?? platform;
}

/** Where a user id lives: a Slack workspace, a DingTalk organisation. */
const TENANT_WORDS: Record<string, Record<Lang, string>> = {
  slack: { zh: "工作区", en: "workspace" },
  dingtalk: { zh: "企业", en: "organisation" },
};

/** "Slack U012ABC（工作区 T1）" / "Slack U012ABC (workspace T1)": a user as an admin binds them. */
export function chatUserWords(who: { platform: string; tenant: string; userId: string }, lang: Lang): string {
  const where = TENANT_WORDS[who.platform]?.[lang];
  const inner = `${where ? `${where} ` : ""}${who.tenant}`;
  const tenant = !who.tenant ? "" : lang === "zh" ? `（${inner}）` : ` (${inner})`;
  return `${platformWords(who.platform, lang)} ${who.userId}${tenant}`;
}

/** A platform an admin types, in either language (slack, dingtalk, 钉钉, local, 本机); null otherwise. */
export function readPlatform(text: string | undefined): "slack" | "dingtalk" | "local" | null {
  const t = (text ?? "").trim().toLowerCase();
  if (t === "slack") return "slack";
  if (t === "dingtalk" || t === "钉钉" || t === "釘釘") return "dingtalk";
  if (t === "local" || t === "本机" || t === "本機") return "local";
  return null;
}
