/**
 * Replying through a message's sessionWebhook (platforms.md §7): no token, no QPS budget of the
 * OpenAPI, valid until sessionWebhookExpiredTime.
 */
import { z } from "zod";
import type { Markdown } from "./render-reply.js";

/** Treat the webhook as expired this long before DingTalk says, to cover the request itself. */
export const SESSION_WEBHOOK_SAFETY_MS = 5_000;

// [UNVERIFIED] that success is {"errcode":0,"errmsg":"ok"}; anything else counts as a failure.
const SessionReply = z.looseObject({ errcode: z.number(), errmsg: z.string().optional() });

export class SessionWebhookError extends Error {
  override readonly name = "SessionWebhookError";
}

export function sessionWebhookUsable(expiredTime: number | undefined, now: number): boolean {
  return expiredTime !== undefined && now < expiredTime - SESSION_WEBHOOK_SAFETY_MS;
}

export async function postToSessionWebhook(url: string, md: Markdown, atUserIds: string[], timeoutMs = 5_000): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        msgtype: "markdown",
        markdown: { title: md.title, text: md.text },
        ...(atUserIds.length ? { at: { atUserIds } } : {}),
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new SessionWebhookError(`sessionWebhook unreachable: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = text;
  }
  const parsed = SessionReply.safeParse(body);
  if (!res.ok || !parsed.success || parsed.data.errcode !== 0) {
    throw new SessionWebhookError(`sessionWebhook refused: HTTP ${res.status} ${text.slice(0, 200)}`);
  }
}
