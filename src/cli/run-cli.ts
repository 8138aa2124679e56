import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type Config } from "../config/load-config.js";
import { argWords, parseArgsErrorWords } from "../i18n/cli-words.js";
import { configProblemLines } from "../i18n/config-words.js";
import { pickLang, w, type Lang } from "../i18n/lang.js";
import { openDatabase, type Database } from "../persistence/database.js";
import { CliError, UsageError, type Command, type CommandContext } from "./command.js";
import { COMMANDS } from "./commands/index.js";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const GLOBAL_OPTIONS = {
  json: { type: "boolean" as const },
  lang: { type: "string" as const },
  help: { type: "boolean" as const, short: "h" },
};

/**
 * Runs one CLI invocation and returns its exit code: 0 ok, 1 failure, 2 bad usage.
 * In-process so tests drive it directly; bin/duban.js is a thin wrapper.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const langFlag = argv.find((a, i) => argv[i - 1] === "--lang") ?? argv.find((a) => a.startsWith("--lang="))?.slice(7);
  const lang = pickLang(langFlag, io.env);
  const wantsJson = argv.includes("--json");
  const words = commandWords(argv);
  const command = matchCommand(words, argv);

  if (!command) {
    const helpOnly = argv.length === 0 || (words.length === 0 && argv.some((a) => a === "--help" || a === "-h")) || words[0] === "help";
    if (helpOnly) {
      io.stdout(globalHelp(lang, words[1]));
      return 0;
    }
    const asked = words.join(" ") || argv.join(" ");
    io.stderr(`${lang === "zh" ? `未知命令：${asked}` : `unknown command: ${asked}`}\n\n${globalHelp(lang)}`);
    return 2;
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(command.name.length),
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.stderr(`${parseArgsErrorWords(e as Error & { code?: string }, lang)}\n\n${commandHelp(command, lang)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(command, lang));
    return 0;
  }

  let db: Database | undefined;
  let config: Config | undefined;
  const ctx: CommandContext = {
    positionals: parsed.positionals,
    values: parsed.values as CommandContext["values"],
    lang,
    json: wantsJson,
    env: io.env,
    cwd: io.cwd,
    actor: `cli:${safeUser()}`,
    out: (line) => io.stdout(line.endsWith("\n") ? line : `${line}\n`),
    err: (line) => io.stderr(line.endsWith("\n") ? line : `${line}\n`),
    print(data, text) {
      if (wantsJson) io.stdout(`${JSON.stringify(data, null, 2)}\n`);
      else io.stdout(`${text().join("\n")}\n`);
    },
    config() {
      if (config) return config;
      try {
        config = loadConfig(io.env);
        return config;
      } catch (e) {
        if (e instanceof ConfigError) {
          throw new CliError(w(`配置有误：\n${configProblemLines(e.problems, "zh")}`, `Bad configuration:\n${configProblemLines(e.problems, "en")}`), { problems: e.problems });
        }
        throw e;
      }
    },
    async db() {
      db ??= await openDatabase(ctx.config().database.url, { migrate: true });
      return db;
    },
  };

  try {
    return await command.run(ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.words[lang]}\n\n${commandHelp(command, lang)}`);
      return 2;
    }
    if (e instanceof CliError) {
      if (wantsJson) io.stdout(`${JSON.stringify({ ok: false, message: e.words[lang], ...(e.data as object | undefined) }, null, 2)}\n`);
      io.stderr(`${e.words[lang]}\n`);
      return 1;
    }
    io.stderr(`${lang === "zh" ? "出错了：" : "error: "}${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}

/** The words before the first option, minus a global option's value (--lang en). */
function commandWords(argv: string[]): string[] {
  return argv.filter((a, i) => !a.startsWith("-") && argv[i - 1] !== "--lang");
}

function matchCommand(words: string[], argv: string[]): Command | undefined {
  return [...COMMANDS]
    .sort((a, b) => b.name.length - a.name.length)
    .find((c) => c.name.every((n, i) => words[i] === n) && argv.slice(0, c.name.length).every((a, i) => a === c.name[i]));
}

function usage(c: Command, lang: Lang): string {
  return `duban ${[...c.name, ...c.args.map((a) => argWords(a, lang))].join(" ")}`;
}

export function commandHelp(c: Command, lang: Lang): string {
  const lines = [
    `${lang === "zh" ? "用法：" : "Usage: "}${usage(c, lang)} [--json] [--lang zh|en]`,
    "",
    c.summary[lang],
  ];
  if (c.help) lines.push("", c.help[lang]);
  return `${lines.join("\n")}\n`;
}

export function globalHelp(lang: Lang, topic?: string): string {
  const cmds = topic ? COMMANDS.filter((c) => c.name[0] === topic) : COMMANDS;
  const width = Math.max(...cmds.map((c) => displayWidth(usage(c, lang))));
  const head =
    lang === "zh"
      ? "督办：在钉钉和 Slack 里推进政府行动方案。\n\n命令："
      : "Duban (督办): runs a government action plan in DingTalk and Slack.\n\nCommands:";
  const foot =
    lang === "zh"
      ? "\n全局选项：--json 输出 JSON；--lang zh 中文，--lang en 英文；<命令> --help 查看详细用法。\n退出码：0 成功，1 失败，2 用法错误。"
      : "\nGlobal options: --json for JSON output; --lang zh|en; <command> --help for details.\nExit codes: 0 ok, 1 failure, 2 bad usage.";
  return `${head}\n${cmds.map((c) => `  ${usage(c, lang)}${" ".repeat(width - displayWidth(usage(c, lang)))}  ${c.summary[lang]}`).join("\n")}\n${foot}\n`;
}

/** Columns a line takes in a terminal: a CJK character takes two. */
function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u.test(ch) ? 2 : 1;
  return n;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
