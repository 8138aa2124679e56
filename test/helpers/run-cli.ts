import { runCli } from "../../src/cli/run-cli.js";
import { ROOT } from "./paths.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = unknown>(): T;
}

/** Runs the CLI in-process against a database URL. */
export async function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    env: { LANG: "zh_CN.UTF-8", ...env },
    cwd,
  });
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}
