export type Lang = "zh" | "en";

/** --lang wins, then DUBAN_LANG, then the locale in LANG / LC_ALL; Chinese by default. */
export function pickLang(flag: string | undefined, env: Record<string, string | undefined> = process.env): Lang {
  for (const v of [flag, env.DUBAN_LANG, env.LC_ALL, env.LANG]) {
    if (!v) continue;
    if (/^en/i.test(v)) return "en";
    if (/^zh/i.test(v)) return "zh";
  }
  return "zh";
}

/**
 * The language of a typed command when the platform does not say: a command that starts with a
 * Latin word (help, report …) is English, anything else Chinese.
 */
export function langOfText(text: string | undefined): Lang {
  return text && /^\s*[a-z]+/iu.test(text) ? "en" : "zh";
}

/** A sentence in both languages; the edge picks one. */
export type Words = { zh: string; en: string };
export const w = (zh: string, en: string): Words => ({ zh, en });
