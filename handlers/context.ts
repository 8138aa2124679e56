import type { Actor, Clock, PlanRef, Store, UnitObligation, UnitRow } from "./ports.js";
import type { Incoming, Lang } from "./types.js";

/** Everything a handler gets: who, for which unit, with what store and clock. */
export interface HandlerContext {
  incoming: Incoming;
  actor: Actor;
  lang: Lang;
  store: Store;
  clock: Clock;
  /** The unit the command is for (liaisons). */
  unit?: UnitRow;
  /** What the unit owes in the command's month, in every plan it has a role in (plan order). */
  obligations?: UnitObligation[];
  /** A plan named in the message (上报 示例 …, 设置 示例 …). */
  plan?: PlanRef;
}

/** "slack:T1:U1": the actor as written in the audit log. */
export function actorName(a: Pick<Actor, "platform" | "tenant" | "userId">): string {
  return `${a.platform}:${a.tenant}:${a.userId}`;
}
