/**
 * Robot message → Incoming. Pure, so the unwrapping rules are table-tested.
 */
import type { Incoming } from "../../../handlers/types.js";
import { messageText, type RobotMessage } from "./payloads.js";

/**
 * Removes DingTalk's wrapping from a group message: the leading space DingTalk leaves where the
 * robot's @mention was, and any @mention still in the text (a client that keeps "@督办", or
 * other people @-ed in the same message). A mention is "@" at the start or after whitespace,
 * up to the next whitespace; DingTalk clients put U+2005 after a mention, which `\s` covers.
 * "a@b.com" is not a mention and is kept.
 */
export function stripMentions(text: string): string {
  return text.replace(/(^|\s)@\S+/gu, "$1").trim();
}

export function robotMessageToIncoming(m: RobotMessage, receivedAt: Date): Incoming {
  const group = m.conversationType === "2";
  const raw = messageText(m);
  return {
    platform: "dingtalk",
    // senderCorpId is the sender's organisation; the robot's own corp is the fallback (the
    // schema guarantees one of them).
    tenant: m.senderCorpId ?? m.chatbotCorpId ?? "",
    // staffId is the stable org user id the OpenAPI accepts; senderId ($:LWCP_v1:$…) is the
    // only id an external user has.
    userId: m.senderStaffId ?? m.senderId,
    ...(m.senderNick ? { userName: m.senderNick } : {}),
    ...(raw !== undefined ? { text: group ? stripMentions(raw) : raw.trim() } : {}),
    eventKey: `dingtalk:msg:${m.msgId}`,
    conversation: { id: m.conversationId, type: group ? "group" : "direct" },
    receivedAt,
  };
}
