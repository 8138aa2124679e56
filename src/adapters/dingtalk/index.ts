export { createDingTalkAdapter, type DingTalkAdapter, type DingTalkAdapterOptions, type DingTalkConfig } from "./adapter.js";
export {
  BATCH_SEND_MAX_USERS,
  DingTalkApiError,
  DingTalkOpenApi,
  withRetry,
  type BatchSendResult,
  type CardTarget,
  type RetryPolicy,
  type RobotMsg,
} from "./openapi.js";
export { DingTalkStreamClient, StreamConnectError } from "./stream-client.js";
export { renderFormFallback, renderMarkdown } from "./render-reply.js";
export { TOPIC_CARD, TOPIC_ROBOT } from "./payloads.js";
