import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFontSubsetter, type FontSubsetter } from "./create-font-subsetter.js";
import { readFontMetrics, type FontMetrics } from "./read-font-metrics.js";

/**
 * The chart's font: Noto Sans SC Regular (OFL 1.1, see OFL.txt), the full
 * Simplified Chinese face, from the npm package @expo-google-fonts/noto-sans-sc.
 * It covers every ideograph of GB 18030 (the 20,902 of the basic block and the
 * 6,582 of extension A), so every Traditional character of Big5 too. It comes
 * with `npm ci` like any dependency: nothing is downloaded at run time, and
 * rendering never depends on what a server, a laptop or CI has installed.
 */
export const BUNDLED_FONT_FILE = createRequire(import.meta.url).resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf");
export const BUNDLED_FONT_FAMILY = "Noto Sans SC";

let metrics: FontMetrics | undefined;
let coverage: ReadonlySet<number> | undefined;

/** cmap and advance widths, read once per process (≈ 30 ms for the 10 MB file). */
function bundledMetrics(): FontMetrics {
  metrics ??= readFontMetrics(readFileSync(BUNDLED_FONT_FILE));
  return metrics;
}

/** Code points the bundled font has a glyph for. */
export function bundledCoverage(): ReadonlySet<number> {
  coverage ??= new Set(bundledMetrics().glyphs.keys());
  return coverage;
}

/** How far the bundled font advances after this character, in ems; undefined when it has no glyph. */
export function bundledAdvance(codePoint: number): number | undefined {
  const { glyphs, advances, unitsPerEm } = bundledMetrics();
  const glyph = glyphs.get(codePoint);
  return glyph === undefined ? undefined : advances[glyph]! / unitsPerEm;
}

// ---------------------------------------------------------------------------
// The font file handed to resvg

/**
 * Why not hand resvg the 10 MB font itself: resvg-js reads a font file from
 * disk again for every glyph it draws (its font database is built without
 * memory mapping), so a chart of ~400 glyphs copied 4 GB and took about a
 * second, blocking the event loop. A per-chart subset of the characters in the
 * SVG (≈ 40 kB, made in ≈ 15 ms) renders faster than the old 2.9 MB GB 2312
 * subset did, and still has every character the full font has.
 */
const SUBSETS_KEPT = 16;
const FOLDER_PREFIX = "duban-chart-font-";
/** The subsetter holds the font in wasm memory (≈ 65 MB); charts are rare, so let it go when idle. */
const SUBSETTER_IDLE_MS = 60_000;

let subsetter: FontSubsetter | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let folder: string | undefined;
const subsetFiles = new Map<string, string>();

/**
 * A font file for rendering this SVG: a subset of the bundled font holding
 * every character the SVG contains. Same characters, same file (cached);
 * should subsetting ever fail, the full font (slower, same pixels).
 */
export function chartFontFile(svg: string): string {
  const codePoints = [...svgCodePoints(svg)].sort((a, b) => a - b);
  const key = createHash("sha256").update(Uint32Array.from(codePoints)).digest("hex").slice(0, 32);
  const cached = subsetFiles.get(key);
  subsetFiles.delete(key); // re-inserted below: the Map's order is the eviction order
  // A temp cleaner may have removed it during a long uptime.
  if (cached && existsSync(cached)) {
    subsetFiles.set(key, cached);
    return cached;
  }
  let file: string;
  try {
    file = writeSubset(`${key}.ttf`, useSubsetter().subset(codePoints));
  } catch {
    // No wasm, no writable temp folder: the briefing still gets its chart, from the full font (slower, same pixels).
    return BUNDLED_FONT_FILE;
  }
  subsetFiles.set(key, file);
  for (const [oldKey, oldFile] of subsetFiles) {
    if (subsetFiles.size <= SUBSETS_KEPT) break;
    subsetFiles.delete(oldKey);
    rmSync(oldFile, { force: true });
  }
  return file;
}

/** Every character of the SVG, markup included, with numeric character references decoded. */
export function svgCodePoints(svg: string): Set<number> {
  const found = new Set<number>();
  for (const ch of svg) found.add(ch.codePointAt(0)!);
  for (const m of svg.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const code = m[1]!.startsWith("x") ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
    if (code <= 0x10ffff) found.add(code);
  }
  return found;
}

function useSubsetter(): FontSubsetter {
  subsetter ??= createFontSubsetter(readFileSync(BUNDLED_FONT_FILE));
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => (subsetter = undefined), SUBSETTER_IDLE_MS);
  idleTimer.unref();
  return subsetter;
}

function writeSubset(name: string, bytes: Uint8Array): string {
  if (folder === undefined || !existsSync(folder)) {
    sweepDeadFolders();
    const made = mkdtempSync(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  const file = join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

/** Folders of processes that died without their exit handler (kill -9, a test runner's workers). */
function sweepDeadFolders(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(FOLDER_PREFIX) ? parseInt(name.slice(FOLDER_PREFIX.length), 10) : NaN;
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    return err instanceof Error && "code" in err && err.code === "EPERM"; // exists, belongs to someone else
  }
}
