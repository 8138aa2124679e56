/**
 * Media for robot messages: the legacy oapi upload that turns bytes into a `media_id`, which
 * groupMessages/send then names in `sampleImageMsg` / `sampleFile`. A new file rather than a
 * method on DingTalkOpenApi because it is a different API family (oapi host, `access_token` in
 * the query, HTTP 200 + `errcode` errors, multipart body); it borrows only the client's token.
 *
 * Verified by documentation [DOC help.dingtalk.io/open/development/upload-media-files, the
 * English edition of open.dingtalk.com/document/orgapp/upload-media-files]:
 *  - `POST https://oapi.dingtalk.com/media/upload?access_token=…`, multipart/form-data, the file
 *    in field `media`, and `type` = image | voice | video | file as a body field;
 *  - limits: image ≤ 20 MB jpg/gif/png/bmp; file ≤ 20 MB doc/docx/xls/xlsx/ppt/pptx/zip/pdf/rar;
 *  - the doc's own advice, for clients that get 40004 "invalid media type", to put `type` in the
 *    URL as well; we send it in both places;
 *  - a media_id is reusable, and stays valid while the organisation exists [DOC media files overview].
 * Not verified here:
 *  - the response body `{errcode:0, errmsg:"ok", type, media_id, created_at}`: DingTalk's legacy
 *    convention as third-party clients (e.g. gunsluo/godingtalk media.go) parse it; the schema
 *    below only requires errcode and media_id;
 *  - that the token from `/v1.0/oauth2/accessToken` is accepted as `access_token` here. Both are
 *    the same app's corp token and third-party bots do this, but no page we read says so;
 *  - the error codes: 90002 (platform-wide QPS) is documented [DOC call-frequency-limit]; 90018 /
 *    90019 (per app), 40014 (bad token) and -1 (busy) are from third-party material.
 */
import { z } from "zod";
import { DEFAULT_API_URL, DingTalkApiError, parseJson, type DingTalkOpenApi } from "./openapi.js";

export const DEFAULT_LEGACY_API_URL = "https://oapi.dingtalk.com";
const UPLOAD_PATH = "/media/upload";
const API = `POST ${UPLOAD_PATH}`;

export type MediaType = "image" | "voice" | "video" | "file";

const MB = 1024 * 1024;
/** The documented limits, checked before uploading so a bad file fails fast and permanently. */
export const MEDIA_LIMITS: Readonly<Record<MediaType, { maxBytes: number; extensions: readonly string[] }>> = {
  image: { maxBytes: 20 * MB, extensions: ["jpg", "jpeg", "gif", "png", "bmp"] },
  voice: { maxBytes: 2 * MB, extensions: ["amr", "mp3", "wav"] },
  video: { maxBytes: 20 * MB, extensions: ["mp4"] },
  file: { maxBytes: 20 * MB, extensions: ["doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "pdf", "rar"] },
};

/**
 * The oapi host for a DINGTALK_API_URL. The official hosts map api.dingtalk.{com,io} →
 * oapi.dingtalk.{com,io}. Any other base (the test fake, a forward proxy) is used as is: it has
 * to serve both path families, as the fake does, and as the stream client already assumes when
 * it sends the legacy /gettoken to DINGTALK_API_URL.
 */
export function legacyApiUrlFor(apiUrl: string = DEFAULT_API_URL): string {
  const u = new URL(apiUrl);
  if (/^api\.dingtalk\.(com|io)$/i.test(u.hostname)) return `${u.protocol}//o${u.hostname}`;
  return apiUrl.replace(/\/+$/, "");
}

// ---- errors -----------------------------------------------------------------------------------

/** Legacy errcodes that mean "too fast": wait about a second, as for the new API's 403 QpsLimit. */
const THROTTLE_ERRCODES = new Set([90002, 90018, 90019]);
/** "System busy": worth another try after a backoff. */
const BUSY_ERRCODES = new Set([-1]);
const INVALID_TOKEN_ERRCODE = 40014;

/**
 * A legacy oapi failure. It is a DingTalkApiError, so the senders' retry classification
 * (retryable, throttled, retryAfterMs) applies unchanged; `throttled` is overridden because the
 * legacy API says "too fast" with errcodes rather than Forbidden.AccessDenied.QpsLimit*.
 */
export class DingTalkLegacyApiError extends DingTalkApiError {
  constructor(
    api: string,
    status: number,
    /** DingTalk's errcode; undefined when the failure was not an errcode body (HTTP error, network). */
    readonly errcode: number | undefined,
    code: string,
    message: string,
    retryAfterMs?: number,
  ) {
    super(api, status, code, message, { retryAfterMs });
  }

  override get throttled(): boolean {
    return (this.errcode !== undefined && THROTTLE_ERRCODES.has(this.errcode)) || super.throttled;
  }
}

function errcodeError(errcode: number, errmsg: string): DingTalkLegacyApiError {
  const retryAfterMs = THROTTLE_ERRCODES.has(errcode) || BUSY_ERRCODES.has(errcode) ? 1000 : undefined;
  return new DingTalkLegacyApiError(API, 200, errcode, `errcode ${errcode}`, errmsg, retryAfterMs);
}

/** A non-2xx answer: a gateway in front of oapi (5xx), or the per-IP ban's {"status":1111}. */
function httpError(status: number, body: unknown): DingTalkLegacyApiError {
  const ban = z.looseObject({ status: z.literal(1111) }).safeParse(body).success;
  if (ban) return new DingTalkLegacyApiError(API, status, undefined, "IpLimit", "per-IP limit: banned for 5 minutes", 5 * 60_000);
  const text = typeof body === "string" ? body.slice(0, 200) : JSON.stringify(body ?? "").slice(0, 200);
  return new DingTalkLegacyApiError(API, status, undefined, `http${status}`, text, status >= 500 ? 1000 : undefined);
}

// ---- client -----------------------------------------------------------------------------------

const UploadResponse = z.looseObject({
  errcode: z.number(),
  errmsg: z.string().optional(),
  type: z.string().optional(),
  media_id: z.string().min(1).optional(),
});

export interface MediaFile {
  type: MediaType;
  bytes: Uint8Array;
  /** Shown to users for `file`; its extension must be one the type allows. */
  fileName: string;
  /** Part Content-Type. Default application/octet-stream. */
  contentType?: string;
}

export interface DingTalkMediaOptions {
  /** Supplies the access token (and is told when DingTalk rejects it). */
  openapi: DingTalkOpenApi;
  /** Default: legacyApiUrlFor(openapi.baseUrl), i.e. oapi.dingtalk.com in production. */
  legacyBaseUrl?: string;
  /** Per-request timeout. Default 30 s: up to 20 MB goes up in one request. */
  timeoutMs?: number;
}

/** Uploads media; no retries of its own (the caller's pacer does them), except one token refresh. */
export class DingTalkMediaApi {
  readonly legacyBaseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: DingTalkMediaOptions) {
    this.legacyBaseUrl = (opts.legacyBaseUrl ?? legacyApiUrlFor(opts.openapi.baseUrl)).replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async upload(file: MediaFile): Promise<{ mediaId: string }> {
    checkMedia(file);
    try {
      return await this.send(file, await this.opts.openapi.accessToken());
    } catch (e) {
      // A token can die before its expireIn (secret reset): refetch once, as DingTalkOpenApi.authed does.
      if (!(e instanceof DingTalkLegacyApiError) || e.errcode !== INVALID_TOKEN_ERRCODE) throw e;
      this.opts.openapi.invalidateToken();
      return this.send(file, await this.opts.openapi.accessToken());
    }
  }

  private async send(file: MediaFile, token: string): Promise<{ mediaId: string }> {
    const url = new URL(`${this.legacyBaseUrl}${UPLOAD_PATH}`);
    url.searchParams.set("access_token", token);
    url.searchParams.set("type", file.type);
    const form = new FormData();
    form.append("type", file.type);
    // The cast only narrows ArrayBufferLike for the DOM typings: Blob copies the bytes either way.
    const blob = new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.contentType ?? "application/octet-stream" });
    form.append("media", blob, file.fileName);

    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method: "POST", body: form, headers: { Accept: "application/json" }, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (e) {
      // No answer: an upload that did arrive only leaves an unused media_id behind, so retry.
      throw new DingTalkLegacyApiError(API, 0, undefined, "network", (e as Error).message, 1000);
    }
    const json = parseJson(text);
    if (!res.ok) throw httpError(res.status, json);
    const parsed = UploadResponse.safeParse(json);
    if (!parsed.success) throw new DingTalkLegacyApiError(API, res.status, undefined, "invalidResponse", z.prettifyError(parsed.error));
    const { errcode, errmsg, media_id } = parsed.data;
    if (errcode !== 0) throw errcodeError(errcode, errmsg ?? "");
    if (!media_id) throw new DingTalkLegacyApiError(API, res.status, 0, "invalidResponse", "errcode 0 without media_id");
    return { mediaId: media_id };
  }
}

/** The documented type/format/size rules; a violation is permanent (no retry can fix the file). */
function checkMedia(file: MediaFile): void {
  const limit = MEDIA_LIMITS[file.type];
  const ext = fileExtension(file.fileName);
  if (!limit.extensions.includes(ext)) {
    throw new DingTalkLegacyApiError(API, 0, undefined, "invalidMedia", `${file.type} does not allow .${ext} (${file.fileName})`);
  }
  if (file.bytes.byteLength === 0 || file.bytes.byteLength > limit.maxBytes) {
    throw new DingTalkLegacyApiError(API, 0, undefined, "invalidMedia", `${file.fileName}: ${file.bytes.byteLength} bytes, allowed 1..${limit.maxBytes}`);
  }
}

/** "简报.xlsx" → "xlsx"; "" without a dot. Lower-case. */
export function fileExtension(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot < 0 ? "" : fileName.slice(dot + 1).toLowerCase();
}
