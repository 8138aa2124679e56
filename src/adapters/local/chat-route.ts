import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import type { Bot, LocalDirectory } from "../../../handlers/types.js";
import { sendJson, type Route } from "../../http/http-server.js";
import { makeIncoming } from "./make-incoming.js";
import { createAssetCache, isAssetPath, PAGE_SECURITY_HEADERS } from "./page-assets.js";
import { readJsonBody } from "./read-json-body.js";
import { describeIssues, formBodySchema, identityBodySchema, messageBodySchema, submitBodySchema } from "./schemas.js";

export interface ChatRouteOptions {
  bot: Bot;
  directory: LocalDirectory;
  /**
   * Anyone who reaches the page can be an admin (that is the point of a local
   * chat), so by default it answers only on loopback. Set for a trusted LAN demo.
   */
  allowRemote?: boolean;
  /** False once the local chat is stopped: the routes then pass, and the server says 404. */
  enabled?: () => boolean;
  /** Where the page's files live; tests may point elsewhere. */
  pageDir?: URL;
}

/**
 * GET / → /chat, the page and its two files, and the JSON API under /chat/api.
 * Each API call is one Bot or LocalDirectory call; the adapter adds no rule.
 */
export function createChatRoute(opts: ChatRouteOptions): Route {
  const asset = createAssetCache(opts.pageDir);
  const { bot, directory } = opts;

  const api: Record<string, (body: unknown, res: ServerResponse) => Promise<void>> = {
    identity: (body, res) =>
      withBody(identityBodySchema, body, res, async ({ role, unit }) => {
        sendJson(res, 200, { userId: await directory.ensureIdentity(role, unit) });
      }),
    message: (body, res) =>
      withBody(messageBodySchema, body, res, async ({ userId, text, eventKey, lang }) => {
        sendJson(res, 200, await bot.handle(makeIncoming({ userId, text, eventKey, lang })));
      }),
    form: (body, res) =>
      withBody(formBodySchema, body, res, async ({ userId, opts: formOpts, lang }) => {
        sendJson(res, 200, await bot.openForm({ platform: "local", tenant: "", userId, lang: lang ?? "zh" }, formOpts));
      }),
    submit: (body, res) =>
      withBody(submitBodySchema, body, res, async ({ userId, form, eventKey, lang }) => {
        sendJson(res, 200, await bot.handle(makeIncoming({ userId, form, eventKey, lang })));
      }),
  };

  return async (req, res) => {
    if (opts.enabled && !opts.enabled()) return false;
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "") || "/";
    if (path !== "/" && path !== "/chat" && !path.startsWith("/chat/")) return false;
    if (!opts.allowRemote && !isLoopback(req)) {
      sendJson(res, 403, { error: "forbidden", message: "the local chat answers only on this machine: open it at http://127.0.0.1" });
      return true;
    }

    if (path === "/") {
      if (req.method !== "GET" && req.method !== "HEAD") return false;
      res.writeHead(302, { location: "/chat", "content-length": 0 });
      res.end();
      return true;
    }
    if (isAssetPath(path)) {
      if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET");
      const { body, type } = await asset(path);
      res.writeHead(200, { "content-type": type, "content-length": body.length, ...PAGE_SECURITY_HEADERS });
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    }
    if (path === "/chat/api/units") {
      if (req.method !== "GET") return methodNotAllowed(res, "GET");
      sendJson(res, 200, { units: await directory.units() });
      return true;
    }
    const name = path.startsWith("/chat/api/") ? path.slice("/chat/api/".length) : "";
    // hasOwn: "/chat/api/__proto__" must not find Object.prototype.
    const handler = Object.hasOwn(api, name) ? api[name] : undefined;
    if (!handler) return false;
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    const body = await readJsonBody(req);
    if (!body.ok) {
      // An unread oversized body would otherwise be parsed as the next request on a kept-alive connection.
      if (body.status === 413) res.setHeader("connection", "close");
      sendJson(res, body.status, { error: BODY_ERRORS[body.status], message: body.message });
      return true;
    }
    await handler(body.value, res);
    return true;
  };
}

const BODY_ERRORS = { 400: "bad_request", 413: "too_large", 415: "unsupported_media_type" } as const;

async function withBody<S extends z.ZodType>(schema: S, body: unknown, res: ServerResponse, then: (value: z.infer<S>) => Promise<void>): Promise<void> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    sendJson(res, 400, { error: "bad_request", message: "the body does not match the API", issues: describeIssues(parsed.error) });
    return;
  }
  await then(parsed.data);
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader("allow", allow);
  sendJson(res, 405, { error: "method_not_allowed", message: `use ${allow}` });
  return true;
}

function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? "";
  return a === "::1" || a.startsWith("127.") || a.startsWith("::ffff:127.");
}
