import type { Lang } from "./lang.js";

/** The CLI's own words that are not one command's: usage placeholders, argument errors, file errors. */

/** A usage line's placeholders as a Chinese reader reads them (duban bind <Slack|钉钉|本机> <用户ID> <单位>). */
const ARG_WORDS_ZH: Record<string, string> = {
  "<file>": "<文件>",
  "<file.yaml>": "<文件.yaml>",
  "<unit>": "<单位>",
  "[unit]": "[单位]",
  "<user-id>": "<用户ID>",
  "<slack|dingtalk|local>": "<Slack|钉钉|本机>",
  "<period>": "<月份>",
  "<key>": "<设置项>",
  "<value>": "<值>",
  "<YYYY-MM-DD[..YYYY-MM-DD]>": "<日期[..日期]>",
  "<holiday|workday>": "<放假|上班>",
  "[name]": "[名称]",
  "<YYYY-MM-DD>": "<日期>",
};

export function argWords(arg: string, lang: Lang): string {
  return lang === "zh" ? (ARG_WORDS_ZH[arg] ?? arg) : arg;
}

/** node:util parseArgs errors (English from Node) in the user's language. */
export function parseArgsErrorWords(e: Error & { code?: string }, lang: Lang): string {
  if (lang !== "zh") return e.message;
  const name = /'(-{1,2}[^' <]+)/u.exec(e.message)?.[1] ?? /'([^']+)'/u.exec(e.message)?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `不认识的选项 ${name}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /argument missing/u.test(e.message) ? `选项 ${name} 缺少值` : `选项 ${name} 的值不对`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `多余的参数「${name}」`;
    default:
      return "命令行参数有误";
  }
}

/** Why a file could not be read or written, from Node's error code. */
export function fileErrorWords(e: Error & { code?: string }, lang: Lang): string {
  if (lang !== "zh") return e.message;
  switch (e.code) {
    case "ENOENT":
      return "文件或目录不存在";
    case "EACCES":
    case "EPERM":
      return "没有权限";
    case "EISDIR":
      return "这是一个目录，不是文件";
    case "ENOSPC":
      return "磁盘空间不足";
    default:
      return `系统错误（${e.code ?? "未知"}）`;
  }
}

/**
 * What a person sent, as stored (report show, audit list): a typed line as it is, a submitted
 * form ("[form] {json}") as its fields: 表单：2026-10 G5 260台；原因 ….
 */
export function inputWords(raw: string, lang: Lang): string {
  if (!raw.startsWith("[form] ")) return raw;
  try {
    const f = JSON.parse(raw.slice(7)) as { mode?: string; period?: string; values?: Record<string, string>; reason?: string; progress?: string };
    const zh = lang === "zh";
    const values = Object.entries(f.values ?? {}).map(([code, v]) => `${code} ${v}`);
    const parts = [
      ...(f.period ? [f.period] : []),
      ...values,
      ...(f.progress ? [`${zh ? "进展" : "progress"} ${f.progress}`] : []),
      ...(f.reason ? [`${zh ? "原因" : "reason"} ${f.reason}`] : []),
    ];
    const kind = f.mode === "correct" ? (zh ? "修改表单" : "correction form") : zh ? "填报表单" : "report form";
    return `${kind}${zh ? "：" : ": "}${parts.join(zh ? "，" : ", ")}`;
  } catch {
    return raw;
  }
}
