/** Excel's limits on a worksheet name; a bad one makes Excel "repair" the file. */
const MAX_SHEET_NAME = 31;
const FORBIDDEN = /[[\]:*?/\\]/g;

/**
 * Turns an indicator's label into a legal sheet name, unique (case-insensitively,
 * as Excel compares) among `taken`, which it extends. Forbidden characters become
 * "_", the name is cut at 31 characters (whole code points, never half a
 * surrogate pair), and a clash gets "(2)", "(3)"… within the limit.
 */
export function uniqueSheetName(wanted: string, taken: Set<string>, fallback = "Sheet"): string {
  // Apostrophes are legal inside but not at either end; "History" is reserved.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  let base = wanted.replace(FORBIDDEN, "_").replace(/[\u0000-\u001f]/g, "").trim().replace(/^'+|'+$/g, "");
  if (base === "" || base.toLowerCase() === "history") base = fallback;
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : `(${n})`;
    const name = cut(base, MAX_SHEET_NAME - suffix.length).trimEnd() + suffix;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
}

function cut(text: string, max: number): string {
  return Array.from(text).slice(0, max).join("");
}
