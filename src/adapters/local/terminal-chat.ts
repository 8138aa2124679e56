import { toSimplified } from "../../domain/plan/script.js";
import { createInterface, type Interface } from "node:readline";
import type { Bot, Lang, LocalDirectory, Reply, ReportForm } from "../../../handlers/types.js";
import { makeIncoming } from "./make-incoming.js";
import { renderFormText, renderReplyText } from "./render-text.js";
import type { LocalRole } from "./schemas.js";

export interface TerminalChatOptions {
  bot: Bot;
  directory: LocalDirectory;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Printed at the start: forms are nicer in the browser. */
  webUrl?: string;
  lang?: Lang;
  /** ANSI bold for **bold**; default: when the output is a terminal. */
  ansi?: boolean;
  /**
   * /quit, Ctrl+C, Ctrl+D. Readline owns the keyboard in raw mode, so Ctrl+C no
   * longer raises SIGINT by itself; by default we raise it, and main's shutdown runs as usual.
   */
  onQuit?: () => void;
  /** Where a failed Bot call is reported besides the screen. */
  onError?: (error: unknown) => void;
}

export interface TerminalChat {
  start(): void;
  stop(): void;
  /** Settles when every line read so far has been answered (tests wait on it). */
  idle(): Promise<void>;
}

const ROLES: { role: LocalRole; zh: string; en: string }[] = [
  { role: "liaison", zh: "联络员", en: "liaison" },
  { role: "taskforce", zh: "专班", en: "taskforce" },
  { role: "admin", zh: "管理员", en: "admin" },
];

const WORDS = {
  zh: {
    welcome: (url?: string) => `督办 本地聊天。${url ? `网页版（表单更好用）：${url}` : ""}`,
    askRole: `你是谁？${ROLES.map((r, i) => `${i + 1}) ${r.zh}`).join("  ")}`,
    askUnit: "哪个单位？输入编号或名称（可只输入一部分，如 义乌）：",
    noUnit: (s: string) => `没有叫“${s}”的单位，请输入编号或名称。`,
    several: (names: string[]) => `有几个单位符合：${names.join("、")}，请说得更具体些。`,
    noRole: "请输入 1、2、3 或 联络员 / 专班 / 管理员。",
    youAre: (role: string, unit: string, id: string) =>
      `你现在是 ${unit} 的${role}（用户 ${id}）。输入 帮助 查看命令，填报 打开表单；/who 换身份，/quit 退出。`,
    failed: "出错了，请稍后再试：",
    noUnits: "还没有可选的单位：计划导入了吗？（duban plan show）",
  },
  en: {
    welcome: (url?: string) => `Duban local chat.${url ? ` In a browser (better for forms): ${url}` : ""}`,
    askRole: `Who are you? ${ROLES.map((r, i) => `${i + 1}) ${r.en}`).join("  ")}`,
    askUnit: "Which unit? Type its number or name (part of it will do, e.g. 义乌):",
    noUnit: (s: string) => `No unit called "${s}"; type a number or a name.`,
    several: (names: string[]) => `Several units match: ${names.join(", ")}. Be more specific.`,
    noRole: "Type 1, 2, 3 or liaison / taskforce / admin.",
    youAre: (role: string, unit: string, id: string) =>
      `You are now the ${role} of ${unit} (user ${id}). Type help for the commands, form for the form; /who to switch, /quit to leave.`,
    failed: "Something went wrong, try again: ",
    noUnits: "No units to pick from yet: was the plan imported? (duban plan show)",
  },
} as const;

/** Typing this opens the report form, like the page's 填报 button or Slack's bare /report. */
const FORM_WORDS = new Set(["填报", "/form", "form"]);

/**
 * A readline REPL over the same Bot: first who you are, then each line is a
 * command. Lines are answered one at a time, in order, even when pasted at once.
 */
export function createTerminalChat(opts: TerminalChatOptions): TerminalChat {
  const lang = opts.lang ?? "zh";
  const w = WORDS[lang];
  const ansi = opts.ansi ?? Boolean((opts.output as { isTTY?: boolean }).isTTY);
  const onQuit = opts.onQuit ?? (() => process.kill(process.pid, "SIGINT"));
  let rl: Interface | undefined;
  let queue = Promise.resolve();
  let stopped = false;

  type State = { step: "role" } | { step: "unit"; role: LocalRole; units: string[] } | { step: "chat"; userId: string };
  let state: State = { step: "role" };

  const say = (text: string) => void opts.output.write(`${text}\n`);
  const quit = () => {
    if (stopped) return;
    stop();
    onQuit();
  };

  async function askUnit(role: LocalRole) {
    const units = (await opts.directory.units()).map((u) => u.name);
    if (units.length === 0) {
      say(w.noUnits);
      state = { step: "role" };
      return;
    }
    say(columns(units.map((name, i) => `${i + 1} ${name}`)));
    say(w.askUnit);
    state = { step: "unit", role, units };
  }

  async function handleLine(raw: string) {
    const line = raw.trim();
    if (line === "/quit") return quit();
    if (line === "/who") {
      state = { step: "role" };
      return say(w.askRole);
    }
    if (!line) return;
    switch (state.step) {
      case "role": {
        const role = pickRole(line);
        if (!role) return say(w.noRole);
        return askUnit(role);
      }
      case "unit": {
        const pick = pickUnit(line, state.units);
        if (pick.kind === "none") return say(w.noUnit(line));
        if (pick.kind === "several") return say(w.several(pick.names));
        const picked = state.role;
        const role = ROLES.find((r) => r.role === picked)!;
        const userId = await opts.directory.ensureIdentity(role.role, pick.name);
        state = { step: "chat", userId };
        return say(w.youAre(role[lang], pick.name, userId));
      }
      case "chat": {
        const { userId } = state;
        if (FORM_WORDS.has(line.toLowerCase())) {
          const form = await opts.bot.openForm({ platform: "local", tenant: "", userId, lang });
          return say(isForm(form) ? renderFormText(form, { lang, ansi }) : renderReplyText(form, { lang, ansi }));
        }
        return say(renderReplyText(await opts.bot.handle(makeIncoming({ userId, text: line, lang })), { lang, ansi }));
      }
    }
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    rl?.close();
  }

  return {
    start() {
      if (rl || stopped) return;
      const terminal = Boolean((opts.input as { isTTY?: boolean }).isTTY && (opts.output as { isTTY?: boolean }).isTTY);
      rl = createInterface({ input: opts.input, output: opts.output, terminal, prompt: "> " });
      rl.on("line", (line) => {
        queue = queue
          .then(() => handleLine(line))
          .catch((e: unknown) => {
            say(`${w.failed}${(e as Error)?.message ?? String(e)}`);
            opts.onError?.(e);
          })
          .then(() => {
            if (!stopped) rl?.prompt();
          });
      });
      rl.on("SIGINT", quit);
      // Ctrl+D or the end of piped input: finish what was typed, then leave.
      rl.on("close", () => void queue.then(quit));
      say(w.welcome(opts.webUrl));
      say(w.askRole);
      rl.prompt();
    },
    stop,
    idle: () => queue,
  };
}

function isForm(x: ReportForm | Reply): x is ReportForm {
  return "indicators" in x && "labels" in x;
}

function pickRole(s: string): LocalRole | undefined {
  const t = s.toLowerCase();
  return ROLES.find((r, i) => t === String(i + 1) || t === r.zh || t === r.en || t === r.role)?.role;
}

/** By number, by exact name, else by a part of the name that only one unit has; either script (義烏 → 义乌市). */
export function pickUnit(s: string, units: string[]): { kind: "one"; name: string } | { kind: "none" } | { kind: "several"; names: string[] } {
  const t = toSimplified(s.normalize("NFKC").trim());
  if (/^\d+$/.test(t)) {
    const name = units[Number(t) - 1];
    return name ? { kind: "one", name } : { kind: "none" };
  }
  if (units.includes(t)) return { kind: "one", name: t };
  const matches = units.filter((u) => u.includes(t));
  if (matches.length === 1) return { kind: "one", name: matches[0]! };
  return matches.length === 0 ? { kind: "none" } : { kind: "several", names: matches };
}

/** Numbered names in rows of about 72 columns; a Chinese character takes two. */
function columns(items: string[], width = 72): string {
  const cols = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uFFEF]/.test(ch) ? 2 : 1), 0);
  const cell = Math.max(...items.map(cols)) + 2;
  const perRow = Math.max(1, Math.floor(width / cell));
  const rows: string[] = [];
  for (let i = 0; i < items.length; i += perRow) {
    rows.push(items.slice(i, i + perRow).map((s, j, row) => (j < row.length - 1 ? s + " ".repeat(cell - cols(s)) : s)).join(""));
  }
  return rows.join("\n");
}
