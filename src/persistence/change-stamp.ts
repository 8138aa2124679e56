import type { Db } from "./database.js";
import { sqlOf } from "./sql.js";

/**
 * When may a per-process cache of plans, schedules and the calendar be reused? They change
 * rarely (an import, an extension, a 设置, a calendar entry) and are read on every message.
 * - This process's own writes bump a counter (noteConfigChanged), wherever they are made.
 * - On SQLite, PRAGMA data_version moves when another connection commits (the CLI importing a
 *   plan in another process): a cached read is reused only while neither moved.
 * - On PostgreSQL other replicas write without telling: a cached read is reused for at most
 *   `ttlMs` (the next message after that reads again).
 */
let localWrites = 0;

export function noteConfigChanged(): void {
  localWrites++;
}

export interface Stamp {
  version: string;
  /** Read at (ms): for the TTL when the database cannot say that nothing changed. */
  at: number;
}

/**
 * SQLite's data_version, read at most once per 50 ms per database: a message asks for plans,
 * obligations and a due date several times, and each PRAGMA is a query. Another process's change
 * then counts from up to 50 ms later; this process's own writes count at once (localWrites).
 */
const versions = new WeakMap<object, { at: number; version: number }>();

export function changeStamp(db: Db): Stamp {
  const now = Date.now();
  const dataVersion = sqlOf(db)?.dataVersion;
  if (!dataVersion) return { version: `pg:${localWrites}`, at: now };
  let v = versions.get(db);
  if (!v || now - v.at >= 50) versions.set(db, (v = { at: now, version: dataVersion() }));
  return { version: `${v.version}:${localWrites}`, at: now };
}

/** Is a value read under `then` still good `now`? */
export function stillValid(then: Stamp, now: Stamp, ttlMs = 1000): boolean {
  if (then.version !== now.version) return false;
  return !then.version.startsWith("pg:") || now.at - then.at < ttlMs;
}
