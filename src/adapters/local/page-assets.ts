import { readFile } from "node:fs/promises";

/** The page's files, served as they are on disk: no build step, no bundler, nothing to install. */
const ASSETS = {
  "/chat": { file: "index.html", type: "text/html; charset=utf-8" },
  "/chat/chat.css": { file: "chat.css", type: "text/css; charset=utf-8" },
  "/chat/chat.js": { file: "chat.js", type: "text/javascript; charset=utf-8" },
} as const;

export type AssetPath = keyof typeof ASSETS;

export function isAssetPath(path: string): path is AssetPath {
  return Object.hasOwn(ASSETS, path);
}

export interface Asset {
  body: Buffer;
  type: string;
}

/** Reads each file once: the page is small and changes only with a release. */
export function createAssetCache(dir: URL = new URL("./page/", import.meta.url)): (path: AssetPath) => Promise<Asset> {
  const cache = new Map<AssetPath, Promise<Asset>>();
  return (path) => {
    let hit = cache.get(path);
    if (!hit) {
      const { file, type } = ASSETS[path];
      hit = readFile(new URL(file, dir)).then((body) => ({ body, type }));
      // A failed read (file missing in a broken install) is retried next time rather than cached.
      hit.catch(() => cache.delete(path));
      cache.set(path, hit);
    }
    return hit;
  };
}

/**
 * The page runs only our own script and talks only to us; nothing inline, so a
 * reply that slipped past escaping still could not run.
 */
export const PAGE_SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
} as const;
