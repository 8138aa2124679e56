/**
 * Lines written for chat (light markdown: **bold**, `code`) as a terminal shows them: the
 * markers dropped, a bold heading kept as its own line. The CLI prints what the group receives,
 * without the markup a terminal would show literally.
 */
export function plainLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/\*\*([^*]+)\*\*/gu, "$1").replace(/`([^`]+)`/gu, "$1"));
}
