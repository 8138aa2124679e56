import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * WAL checkpoints off the event loop. SQLite checkpoints automatically in whichever
 * connection commits past 1,000 WAL pages: on the bot's one connection that is a
 * synchronous 4–7 ms stall (copy the pages to the database file, two fsyncs) every
 * hundred or so reports, during which no request is read or acked. Here the bot's
 * connection stops checkpointing (wal_autocheckpoint = 0) and a worker thread with a
 * connection of its own runs PASSIVE checkpoints, which never wait for the bot's reads or
 * writes and never block them; the bot's next write then starts the WAL file over.
 *
 * The worker's code is plain CommonJS evaluated in the thread (no TypeScript loader there).
 */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
db.pragma("synchronous = NORMAL");
const checkpoint = (id) => {
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    if (id !== undefined) parentPort.postMessage({ type: "checkpoint", id, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ type: "error", id, message: String((e && e.message) || e) });
  }
};
const timer = setInterval(() => checkpoint(undefined), workerData.intervalMs);
parentPort.on("message", (m) => {
  if (typeof m === "number") checkpoint(m);
  if (m === "stop") {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: "ready" });
`;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  busy: number;
}

export interface Checkpointer {
  /** Checkpoints now and resolves with the outcome (tests, shutdown). */
  checkpointNow(): Promise<CheckpointResult>;
  stop(): Promise<void>;
}

export async function startCheckpointer(
  file: string,
  opts: {
    intervalMs?: number;
    onError?: (message: string) => void;
    /** The worker is gone without being stopped: checkpoints must go back to the connection. */
    onGone?: () => void;
  } = {},
): Promise<Checkpointer> {
  const worker = new Worker(WORKER, {
    eval: true,
    // Resolved here, so the worker loads the same driver build as the bot.
    workerData: { file, intervalMs: opts.intervalMs ?? 1000, driver: createRequire(import.meta.url).resolve("better-sqlite3") },
  });
  // A checkpoint in progress must not keep a stopping process alive; close() stops it properly.
  worker.unref();
  const asked = new Map<number, { resolve(r: CheckpointResult): void; reject(e: Error): void }>();
  let nextId = 0;
  let failed: ((e: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    failed = reject;
    worker.on("message", (m: { type: string; id?: number; message?: string } & CheckpointResult) => {
      if (m.type === "ready") resolve();
      const waiter = m.id === undefined ? undefined : asked.get(m.id);
      if (m.id !== undefined) asked.delete(m.id);
      if (m.type === "checkpoint") waiter?.resolve({ log: m.log, checkpointed: m.checkpointed, busy: m.busy });
      if (m.type === "error") {
        if (waiter) waiter.reject(new Error(m.message));
        else opts.onError?.(m.message ?? "checkpoint failed");
      }
    });
  });
  let stopping = false;
  worker.on("error", (e) => {
    failed?.(e);
    opts.onError?.(String(e));
  });
  worker.on("exit", () => {
    for (const w of asked.values()) w.reject(new Error("checkpoint worker exited"));
    asked.clear();
    if (!stopping) opts.onGone?.();
  });
  await ready;
  failed = undefined;
  return {
    checkpointNow: () =>
      new Promise<CheckpointResult>((resolve, reject) => {
        const id = nextId++;
        asked.set(id, { resolve, reject });
        worker.postMessage(id);
      }),
    async stop() {
      stopping = true;
      // Held until it has closed its connection: unreferenced, the process could end first.
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage("stop");
      await exited;
    },
  };
}
