/**
 * Transport schemas for what DingTalk pushes to us over the Stream socket (platforms.md §7, §8).
 * Every inbound payload goes through one of these; nothing is `as`-cast. Objects are loose:
 * DingTalk adds fields over time (senderPlatform, openThreadId…) and must not break us.
 */
import { z } from "zod";

export const TOPIC_ROBOT = "/v1.0/im/bot/messages/get";
export const TOPIC_CARD = "/v1.0/card/instances/callback";

/** `content` of richText messages: text runs mixed with pictures. [3P captures] */
const RichTextContent = z.looseObject({
  richText: z.array(z.looseObject({ text: z.string().optional() })),
});
/** `content` of audio messages: DingTalk's own speech recognition. [3P captures, UNVERIFIED] */
const AudioContent = z.looseObject({ recognition: z.string() });

export const RobotMessageSchema = z
  .looseObject({
    msgId: z.string().min(1),
    msgtype: z.string(),
    conversationId: z.string().min(1),
    /** "1" = 1:1 chat with the robot, "2" = group (only messages that @ the robot arrive). */
    conversationType: z.enum(["1", "2"]),
    conversationTitle: z.string().optional(),
    senderId: z.string().min(1),
    /** Absent for users outside the organisation. */
    senderStaffId: z.string().min(1).optional(),
    senderNick: z.string().optional(),
    senderCorpId: z.string().min(1).optional(),
    chatbotCorpId: z.string().min(1).optional(),
    isInAtList: z.boolean().optional(),
    sessionWebhook: z.string().min(1).optional(),
    sessionWebhookExpiredTime: z.number().optional(),
    createAt: z.number().optional(),
    text: z.looseObject({ content: z.string() }).optional(),
    content: z.unknown().optional(),
  })
  .refine((m) => m.senderCorpId !== undefined || m.chatbotCorpId !== undefined, {
    error: "neither senderCorpId nor chatbotCorpId: cannot tell the tenant",
  });

export type RobotMessage = z.infer<typeof RobotMessageSchema>;

/** The text a user typed, whatever the message type; undefined for pictures, files… */
export function messageText(m: RobotMessage): string | undefined {
  if (m.msgtype === "text") return m.text?.content;
  if (m.msgtype === "richText") {
    const rich = RichTextContent.safeParse(m.content);
    return rich.success ? rich.data.richText.map((r) => r.text ?? "").join("") : undefined;
  }
  if (m.msgtype === "audio") {
    const audio = AudioContent.safeParse(m.content);
    return audio.success ? audio.data.recognition : undefined;
  }
  return undefined;
}

export const CardCallbackSchema = z.looseObject({
  outTrackId: z.string().min(1),
  userId: z.string().min(1),
  corpId: z.string().optional(),
  type: z.string().optional(),
  spaceType: z.string().optional(),
  spaceId: z.string().optional(),
  /** A JSON string: {"cardPrivateData":{"actionIds":[…],"params":{…}}}. */
  content: z.string(),
});

export type CardCallback = z.infer<typeof CardCallbackSchema>;

const JsonString = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "not JSON" });
    return z.NEVER;
  }
});

export const CardContentSchema = JsonString.pipe(
  z.looseObject({
    cardPrivateData: z.looseObject({
      actionIds: z.array(z.string()).default([]),
      params: z.record(z.string(), z.unknown()).default({}),
    }),
  }),
);

/** Parses a frame's `data` (a JSON string) with `schema`; the error names what was wrong. */
export function parseFrameData<T>(schema: z.ZodType<T>, data: string): { ok: true; value: T } | { ok: false; error: string } {
  const parsed = JsonString.pipe(schema).safeParse(data);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: z.prettifyError(parsed.error) };
}
