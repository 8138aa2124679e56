/**
 * zod schemas for what Slack sends us. Bolt types its arguments, but those types are promises,
 * not checks: a payload is parsed here before any field is read (loose objects: Slack adds
 * fields freely, and we must not reject a request for carrying one more).
 */
import { z } from "zod";
import { ViewStateValues } from "./report-modal.js";

/** Slash command (platforms.md §1): the form fields Bolt hands over as `command`. */
export const SlashCommand = z
  .object({
    command: z.string(),
    text: z.string().default(""),
    team_id: z.string().min(1),
    user_id: z.string().min(1),
    user_name: z.string().optional(),
    channel_id: z.string().optional(),
    trigger_id: z.string().min(1),
    response_url: z.string().min(1),
  })
  .loose();
export type SlashCommand = z.infer<typeof SlashCommand>;

const User = z.object({ id: z.string().min(1), name: z.string().optional(), username: z.string().optional(), team_id: z.string().optional() }).loose();
const Team = z.object({ id: z.string().min(1) }).loose();

/** A button click (platforms.md §2). `team` is null for some Enterprise Grid installs; fall back to user.team_id. */
export const BlockActions = z
  .object({
    type: z.literal("block_actions"),
    user: User,
    team: Team.nullish(),
    trigger_id: z.string().min(1),
    response_url: z.string().optional(),
    channel: z.object({ id: z.string() }).loose().nullish(),
    actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() }).loose()).min(1),
  })
  .loose();
export type BlockActions = z.infer<typeof BlockActions>;

/** A modal submission (platforms.md §2). */
export const ViewSubmission = z
  .object({
    type: z.literal("view_submission"),
    user: User,
    team: Team.nullish(),
    view: z
      .object({
        id: z.string().min(1),
        hash: z.string().default(""),
        callback_id: z.string(),
        private_metadata: z.string().default(""),
        state: z.object({ values: ViewStateValues }),
      })
      .loose(),
  })
  .loose();
export type ViewSubmission = z.infer<typeof ViewSubmission>;

/** The tenant (workspace) of an interactive payload. */
export function teamOf(p: { team?: { id: string } | null | undefined; user: { team_id?: string | undefined } }): string {
  return p.team?.id ?? p.user.team_id ?? "";
}
