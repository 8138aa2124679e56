import type { Bot, Lang, LocalDirectory } from "../../../handlers/types.js";
import type { HttpServer } from "../../http/http-server.js";
import type { Logger } from "../../logging/logger.js";
import { createChatRoute } from "./chat-route.js";
import { createTerminalChat, type TerminalChat } from "./terminal-chat.js";

export interface LocalChatOptions {
  bot: Bot;
  directory: LocalDirectory;
  http: HttpServer;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /** Default process.stdin / process.stdout; the terminal chat runs only when both are terminals. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Serve the page to other machines too (anyone reaching it can act as an admin). */
  allowRemote?: boolean;
  lang?: Lang;
  /** /quit or Ctrl+C in the terminal chat; default: raise SIGINT so main shuts down as usual. */
  onQuit?: () => void;
}

export interface LocalChat {
  /** Mounts the page and, on a terminal, starts the REPL. */
  start(): void;
  /** Closes the REPL; the page then answers 404 (a Route cannot be unmounted). */
  stop(): void;
  /** http://127.0.0.1:<port>/chat */
  readonly url: string;
}

/**
 * The embedded default when no platform is configured: the same Bot behind a
 * web page on our HTTP server and, when started from a terminal, a REPL.
 */
export function createLocalChat(opts: LocalChatOptions): LocalChat {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const url = `http://127.0.0.1:${opts.http.port}/chat`;
  let running = false;
  let mounted = false;
  let terminal: TerminalChat | undefined;

  return {
    url,
    start() {
      if (running) return;
      running = true;
      if (!mounted) {
        opts.http.use(createChatRoute({ bot: opts.bot, directory: opts.directory, allowRemote: opts.allowRemote, enabled: () => running }));
        mounted = true;
      }
      // Under systemd, in CI or with input piped, there is nobody to type: a REPL
      // would read EOF and quit the bot, so only the address is logged.
      if (!stdin.isTTY || !stdout.isTTY) {
        opts.logger.info({ url }, `local chat: open ${url} (terminal chat off: not a terminal)`);
        return;
      }
      // No log line here: the REPL prints the address itself, and an asynchronous
      // log line would land in the middle of its prompt.
      terminal = createTerminalChat({
        bot: opts.bot,
        directory: opts.directory,
        input: stdin,
        output: stdout,
        webUrl: url,
        lang: opts.lang,
        onQuit: opts.onQuit,
        onError: (err) => opts.logger.error({ err }, "local chat: the bot failed"),
      });
      terminal.start();
    },
    stop() {
      running = false;
      terminal?.stop();
      terminal = undefined;
    },
  };
}
