/**
 * The legacy media upload on the fake DingTalk: `POST /media/upload?access_token=…` (oapi host),
 * multipart/form-data with the file in field `media` and `type` in the form (or the query).
 *
 * From the documentation (help.dingtalk.io/open/development/upload-media-files): the URL, the
 * `access_token` query parameter, the `type` and `media` fields, and the limits per type (20 MB;
 * image jpg/gif/png/bmp; file doc/docx/xls/xlsx/ppt/pptx/zip/pdf/rar; voice 2 MB amr/mp3/wav;
 * video 20 MB mp4). [UNVERIFIED]: the exact error codes below (40014 bad token, 40004 bad type,
 * 40006 bad size) follow DingTalk's legacy numbering as third-party code quotes it, and the
 * media_id format ("@lA…") is copied from examples.
 *
 * Usage: `const media = installFakeDingTalkMedia(await startFakeDingTalk())`. Throttling is
 * simulated with the fake's own `failNext("/media/upload", …)`.
 */
import { randomBytes } from "node:crypto";
import type { FakeDingTalk, FakeRouteContext } from "./fake-dingtalk.js";

export const MEDIA_UPLOAD_API = "POST /media/upload";

export interface FakeMediaUpload {
  mediaId: string;
  type: string;
  /** The part's filename (Content-Disposition), as received. */
  fileName: string;
  contentType: string | undefined;
  bytes: Buffer;
  at: number;
}

export interface FakeDingTalkMedia {
  readonly uploads: readonly FakeMediaUpload[];
  /** The upload that produced `mediaId`, if any (to check that messages name real media). */
  byMediaId(mediaId: string): FakeMediaUpload | undefined;
}

const MB = 1024 * 1024;
const LIMITS: Record<string, { maxBytes: number; extensions: readonly string[] }> = {
  image: { maxBytes: 20 * MB, extensions: ["jpg", "jpeg", "gif", "png", "bmp"] },
  voice: { maxBytes: 2 * MB, extensions: ["amr", "mp3", "wav"] },
  video: { maxBytes: 20 * MB, extensions: ["mp4"] },
  file: { maxBytes: 20 * MB, extensions: ["doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "pdf", "rar"] },
};

/** Legacy oapi answers HTTP 200 with an errcode, not an HTTP error status. */
const legacyError = (errcode: number, errmsg: string) => ({ status: 200, body: { errcode, errmsg } });

export function installFakeDingTalkMedia(fake: FakeDingTalk): FakeDingTalkMedia {
  const uploads: FakeMediaUpload[] = [];

  fake.addRoute(MEDIA_UPLOAD_API, (ctx: FakeRouteContext) => {
    if (!fake.tokenValid(ctx.query["access_token"])) return legacyError(40014, "不合法的access_token");
    const form = parseMultipart(ctx.raw, ctx.headers["content-type"]);
    if (!form) return legacyError(40035, "缺少参数 media (not multipart/form-data)");
    const type = form.fields.get("type") ?? ctx.query["type"];
    const limit = type ? LIMITS[type] : undefined;
    if (!type || !limit) return legacyError(40004, "不合法的媒体文件类型");
    const media = form.files.get("media");
    if (!media) return legacyError(40035, "缺少参数 media");
    const ext = media.fileName.split(".").pop()?.toLowerCase() ?? "";
    if (!limit.extensions.includes(ext)) return legacyError(40004, `不合法的媒体文件类型: ${ext}`);
    if (media.bytes.length === 0 || media.bytes.length > limit.maxBytes) return legacyError(40006, "不合法的文件大小");
    const mediaId = `@lA${randomBytes(12).toString("base64url")}`;
    uploads.push({ mediaId, type, fileName: media.fileName, contentType: media.contentType, bytes: media.bytes, at: Date.now() });
    return { status: 200, body: { errcode: 0, errmsg: "ok", type, media_id: mediaId, created_at: Date.now() } };
  });

  return {
    uploads,
    byMediaId: (mediaId) => uploads.find((u) => u.mediaId === mediaId),
  };
}

// ---- multipart/form-data (RFC 7578), just enough for one request per test -----------------------

interface MultipartForm {
  fields: Map<string, string>;
  files: Map<string, { fileName: string; contentType: string | undefined; bytes: Buffer }>;
}

/** Splits on the boundary and reads each part's headers; undefined when the body is not multipart. */
export function parseMultipart(raw: Buffer, contentType: string | undefined): MultipartForm | undefined {
  const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return undefined;
  const delimiter = Buffer.from(`--${b}`);
  const form: MultipartForm = { fields: new Map(), files: new Map() };
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === "--") break; // closing delimiter
    const next = raw.indexOf(delimiter, start);
    if (next < 0) return undefined; // no closing delimiter: truncated body
    // A part is CRLF headers CRLF CRLF body CRLF, between two delimiters.
    const part = raw.subarray(start + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) return undefined;
    const headers = part.subarray(0, split).toString("utf8");
    const bytes = Buffer.from(part.subarray(split + 4));
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
    const fileName = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
    const partType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    if (name !== undefined) {
      if (fileName !== undefined) form.files.set(name, { fileName, contentType: partType, bytes });
      else form.fields.set(name, bytes.toString("utf8"));
    }
    at = next;
  }
  return form;
}
