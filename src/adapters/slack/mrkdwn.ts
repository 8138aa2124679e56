/**
 * Text helpers for Slack's mrkdwn and plain_text fields. Pure.
 *
 * The core writes "light markdown" (**bold**, `code`, "- " items); Slack's mrkdwn uses *bold*
 * and treats &, < and > as control characters (<@U1>, <url|label>), so user-typed text must be
 * escaped or a unit name like "A<B" would be swallowed.
 */

/** Escapes the three characters Slack's mrkdwn reserves (api.slack.com "Escaping text"). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Light markdown → mrkdwn: **bold** → *bold*, "- item" → "• item"; `code` is the same in both. */
export function toMrkdwn(line: string): string {
  return escapeMrkdwn(line)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/^(\s*)- /, "$1• ");
}

/** Light markdown → plain text (the notification fallback `text`). */
export function toPlain(line: string): string {
  return line.replace(/\*\*(.+?)\*\*/g, "$1");
}

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending with "…" when cut, without splitting a
 * surrogate pair (Slack counts characters; Chinese text is within the BMP but emoji are not).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * Packs lines into chunks of at most `max` characters joined by "\n", so each chunk fits one
 * section block. A single line longer than `max` is split across chunks.
 */
export function packLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current = "";
  const flush = () => {
    if (current !== "") chunks.push(current);
    current = "";
  };
  for (const raw of lines) {
    let line = raw;
    while (line.length > max) {
      flush();
      chunks.push(line.slice(0, max));
      line = line.slice(max);
    }
    if (current === "") current = line;
    else if (current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      flush();
      current = line;
    }
  }
  flush();
  return chunks;
}
