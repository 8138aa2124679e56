/**
 * How runReminders hands a fan-out to the senders: each delivery claimed and marked "sending" in
 * the ledger before its platform call, per-unit notices (a group each) sent side by side instead
 * of one after another, every outcome recorded (refs per delivery, errors per delivery), and a
 * second run sending nothing. Recording senders stand in for the platforms: no timing involved.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../handlers/types.js";
import { deliveriesFor } from "../../src/persistence/delivery-repository.js";
import { setLastRunAt } from "../../src/persistence/schedule-repository.js";
import { runReminders } from "../../src/reminders/run-reminders.js";
import type { DeliveryOutcome, ReminderSender, SendHooks } from "../../src/reminders/sender.js";
import { PROVIDERS } from "../helpers/databases.js";
import { LIAISONS, reminderWorld, sh, type ReminderWorld } from "../helpers/reminders-world.js";

interface Recorder {
  sender: ReminderSender;
  /** Each sendDirect: the users, and the ledger status of their rows when the platform call was made. */
  calls: { users: string[]; statuses: string[] }[];
  maxInFlight: number;
}

/**
 * A sender that checks the ledger at its "platform call", fails the users in `failing`, and holds
 * each call until `together` calls are in flight (or, should they never be, 2 s have passed, so
 * that a runner sending one at a time fails the test rather than hanging it).
 */
function recorder(world: () => ReminderWorld, platform: "slack" | "dingtalk", together: number, failing = new Set<string>()): Recorder {
  const r: Recorder = { calls: [], maxInFlight: 0, sender: undefined as never };
  let inFlight = 0;
  let release!: () => void;
  const allIn = new Promise<void>((resolve) => (release = resolve));
  r.sender = {
    platform,
    async sendDirect(userIds: string[], _reply: Reply, _form?: unknown, hooks?: SendHooks) {
      await hooks?.beforeSend?.(userIds);
      inFlight++;
      r.maxInFlight = Math.max(r.maxInFlight, inFlight);
      const rows = await deliveriesFor(world().db, world().planId);
      const statuses = rows.filter((d) => d.platform === platform && userIds.some((u) => d.recipient.endsWith(`:${u}`))).map((d) => d.status);
      r.calls.push({ users: userIds, statuses });
      if (inFlight >= together) release();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([allIn, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      inFlight--;
      return new Map<string, DeliveryOutcome>(
        userIds.map((u) => [u, failing.has(u) ? { ok: false, permanent: true, error: `user_not_found ${u}` } : { ok: true, ref: `ref-${u}` }]),
      );
    },
    async sendGroup() {
      return { ok: true, ref: "group-ref" };
    },
  };
  return r;
}

let w: ReminderWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe.each(PROVIDERS)("the fan-out of the opening notices (%s)", (provider) => {
  it("claims and marks each delivery before its call, sends the units side by side, records every outcome once", async () => {
    const slackUsers = LIAISONS.filter((l) => l.platform === "slack").map((l) => l.userId);
    const dingUsers = LIAISONS.filter((l) => l.platform === "dingtalk").map((l) => l.userId);
    let slack!: Recorder;
    let ding!: Recorder;
    w = await reminderWorld(provider, {
      senders: () => {
        slack = recorder(() => w!, "slack", slackUsers.length, new Set(["U0FGW"]));
        ding = recorder(() => w!, "dingtalk", dingUsers.length);
        return { slack: slack.sender, dingtalk: ding.sender };
      },
    });
    // 10-08 09:00: the opening notices of period 2026-09 (one group per unit), nothing else due.
    await setLastRunAt(w.db, w.planId, sh("2026-11-02 08:00"));
    const report = await w.run(sh("2026-11-02 09:00"));
    expect(report.steps.map((s) => s.step)).toEqual(["opening"]);

    // One call per unit, each delivery in the ledger as "sending" (claimed, then marked) when it was made.
    expect(slack.calls.map((c) => c.users).flat().sort()).toEqual([...slackUsers].sort());
    expect(ding.calls.map((c) => c.users).flat().sort()).toEqual([...dingUsers].sort());
    for (const c of [...slack.calls, ...ding.calls]) expect(c.statuses).toEqual(c.users.map(() => "sending"));
    // The units' notices were in flight together, not one after another.
    expect(slack.maxInFlight).toBe(slackUsers.length);
    expect(ding.maxInFlight).toBe(dingUsers.length);

    expect(report.sent).toBe(LIAISONS.length - 1);
    expect(report.failed).toBe(1);
    const rows = await deliveriesFor(w.db, w.planId);
    expect(rows).toHaveLength(LIAISONS.length);
    for (const r of rows) {
      const user = r.recipient.slice(r.recipient.indexOf(":") + 1);
      if (user === "U0FGW") expect(r).toMatchObject({ status: "failed", error: "user_not_found U0FGW", ref: null, attempts: 1 });
      else expect(r).toMatchObject({ status: "sent", ref: `ref-${user}`, error: null, attempts: 1 });
      expect(r.sentAt === null).toBe(user === "U0FGW");
    }

    // The same tick again, as a manual run that ignores the mark: all in the ledger, nothing sent twice.
    const again = await runReminders(w.deps({ now: () => sh("2026-11-02 09:01") }), { at: sh("2026-11-02 09:00"), ignoreLastRun: true });
    expect(again.planned.filter((p) => p.step === "opening")).toHaveLength(LIAISONS.length);
    expect(again.alreadyDone).toBe(LIAISONS.length);
    expect(slack.calls).toHaveLength(slackUsers.length);
    expect(ding.calls).toHaveLength(dingUsers.length);
  }, 60_000);
});
