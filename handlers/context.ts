import type { Actor, Clock, Obligations, Store, UnitRow } from "./ports.js";
import type { Incoming, Lang } from "./types.js";

/** Everything a handler gets: who, for which unit, with what store and clock. */
export interface HandlerContext {
  incoming: Incoming;
  actor: Actor;
  lang: Lang;
  store: Store;
  clock: Clock;
  /** The unit the command is for (liaisons), with what it owes. */
  unit?: UnitRow;
  obligations?: Obligations;
}

/** "slack:T1:U1": the actor as written in the audit log. */
export function actorName(a: Pick<Actor, "platform" | "tenant" | "userId">): string {
  return `${a.platform}:${a.tenant}:${a.userId}`;
}
