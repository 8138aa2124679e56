import type { ParseArgsConfig } from "node:util";
import type { Config } from "../config/load-config.js";
import type { Lang, Words } from "../i18n/lang.js";
import type { Database } from "../persistence/database.js";

/** One CLI command: `duban <name…> [args] [options]`. */
export interface Command {
  /** e.g. ["plan", "import"] */
  name: string[];
  /** Positional arguments, for usage lines: "<file>", "[unit]". */
  args: string[];
  summary: Words;
  /** Extra lines for --help (examples, notes). */
  help?: Words;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(ctx: CommandContext): Promise<number>;
}

export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  lang: Lang;
  json: boolean;
  out(line: string): void;
  err(line: string): void;
  /** Prints data as JSON (with --json) or lines of text. */
  print(data: unknown, text: () => string[]): void;
  env: Record<string, string | undefined>;
  /** The validated configuration (throws CliError naming bad variables). */
  config(): Config;
  /** Opens (and migrates) the database once per invocation. */
  db(): Promise<Database>;
  /** Who runs the CLI, for the audit log. */
  actor: string;
  cwd: string;
}

/** Bad usage: exit code 2, with the command's usage line. */
export class UsageError extends Error {
  constructor(readonly words: Words) {
    super(words.en);
    this.name = "UsageError";
  }
}

/** A failure the user can act on: exit code 1, message without a stack trace. */
export class CliError extends Error {
  constructor(
    readonly words: Words,
    readonly data?: unknown,
  ) {
    super(words.en);
    this.name = "CliError";
  }
}

export const t = (lang: Lang, words: Words) => words[lang];
