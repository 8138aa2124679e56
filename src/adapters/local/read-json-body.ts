import type { IncomingMessage } from "node:http";

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/** Enough for a form with every indicator of the plan and long narratives; more is not a person typing. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON body. Insisting on application/json is also our CSRF guard: a
 * cross-site page can only send it after a CORS preflight, which we never grant.
 * An oversized body is left unread (not destroyed, so that a 413 can still be
 * answered; the caller closes the connection with it).
 */
export function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") return Promise.resolve({ ok: false, status: 415, message: "send the body as application/json" });
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.resolve({ ok: false, status: 413, message: `body over ${limit} bytes` });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData).off("end", onEnd);
        req.pause();
        resolve({ ok: false, status: 413, message: `body over ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      } catch {
        resolve({ ok: false, status: 400, message: "body is not valid JSON" });
      }
    };
    req.on("data", onData).on("end", onEnd).on("error", () => resolve({ ok: false, status: 400, message: "request aborted" }));
  });
}
