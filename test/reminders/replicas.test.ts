/**
 * Exactly once across processes: two bot processes on one PostgreSQL firing the same tick, and a
 * process killed in the middle of a fan-out then restarted. The children (test/helpers/
 * reminders-replica.ts) open their own database connections and their own senders to the fakes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CLAIM_LEASE_MS, deliveriesFor } from "../../src/persistence/delivery-repository.js";
import { setLastRunAt } from "../../src/persistence/schedule-repository.js";
import { PROVIDERS } from "../helpers/databases.js";
import { cli } from "../helpers/run-cli.js";
import { LIAISONS, reminderWorld, sh, spawnReplica, TF_DING, TF_SLACK, type ReminderWorld } from "../helpers/reminders-world.js";

let w: ReminderWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

describe("two bot processes on one PostgreSQL fire the same tick", () => {
  it("each liaison and each task-force group gets exactly one message; one 'sent' row per delivery", async () => {
    w = await reminderWorld("postgresql");
    // 10-09 09:00: the due-day reminder (10-08 09:00; the opening went out on 09-30, before National Day)
    // was missed by downtime and is still fresh; escalation_1 is due.
    await setLastRunAt(w.db, w.planId, sh("2026-10-08 08:00"));
    const at = sh("2026-10-09 09:00");
    const a = spawnReplica(w, at, "replica-a");
    const b = spawnReplica(w, at, "replica-b");
    await Promise.all([a.ready, b.ready]);
    a.go();
    b.go();
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    // Both decided the same steps; the ledger split the work.
    expect(ra.report!.steps).toEqual(rb.report!.steps);
    expect(ra.report!.steps.map((s) => s.step)).toEqual(["due_day", "escalation_1"]);
    const deliveries = LIAISONS.length + 2;
    expect(ra.report!.sent + rb.report!.sent).toBe(deliveries);
    expect(ra.report!.sent + ra.report!.alreadyDone).toBe(deliveries);
    expect(rb.report!.sent + rb.report!.alreadyDone).toBe(deliveries);
    const got = count(w.received().map((m) => `${m.platform}:${m.to}`));
    expect(got).toEqual(Object.fromEntries([...LIAISONS.map((l) => `${l.platform}:${l.userId}`), `slack:${TF_SLACK}`, `dingtalk:${TF_DING}`].map((k) => [k, 1])));
    const rows = await deliveriesFor(w.db, w.planId);
    expect(rows).toHaveLength(deliveries);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    for (const r of rows) expect(["replica-a", "replica-b"]).toContain(r.claimedBy);
  }, 60_000);
});

describe.each(PROVIDERS)("a process killed mid-fan-out and restarted (%s)", (provider) => {
  it("no duplicates, no one missed; the one killed while sending ends 'uncertain' in remind status", async () => {
    w = await reminderWorld(provider);
    // Period 2026-10, before_due on Tue 11-03: one batch of the 3 Slack liaisons, then one DingTalk batch.
    await setLastRunAt(w.db, w.planId, sh("2026-11-03 08:30"));
    const at = sh("2026-11-03 09:00");
    // A slow Slack: one message per 5 s, so the child is killed after the first DM, with the next two claimed.
    const child = spawnReplica(w, at, "doomed", { REPLICA_SLACK_PACE_MS: "5000" });
    await child.ready;
    child.go();
    await w.slack.waitForCall("chat.postMessage", (c) => c.status === 200, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    child.kill();
    const killed = await child.done;
    expect(killed.signal).toBe("SIGKILL");
    const first = w.received();
    expect(first.map((m) => m.to)).toEqual(["U0JXJ"]);
    const mid = await deliveriesFor(w.db, w.planId, 202610);
    expect(Object.fromEntries(mid.map((r) => [r.recipient, r.status]))).toEqual({ "T1:U0JXJ": "sending", "T1:U0FGW": "claimed", "T1:U0SWJ": "claimed" });

    // Restarted within the lease: the dead process's claims are still respected, nothing is sent twice.
    const early = await w.run(at, { now: () => new Date() });
    expect(early.sent).toBe(2); // the DingTalk batch, never claimed
    expect(early.uncertain).toBe(0);
    // After the lease: the claimed ones are taken over and sent, the one in flight becomes uncertain.
    const late = await w.run(at, { now: () => new Date(Date.now() + CLAIM_LEASE_MS + 1000) });
    expect(late.uncertain).toBe(1);
    expect(late.sent).toBe(2);
    const got = count(w.received().map((m) => `${m.platform}:${m.to}`));
    expect(got).toEqual({ "slack:U0JXJ": 1, "slack:U0FGW": 1, "slack:U0SWJ": 1, "dingtalk:ding_jxj": 1, "dingtalk:ding_kjj": 1 });

    const status = await cli(["remind", "status", "--period", "2026-10", "--json"], { DATABASE_URL: w.f.tdb.url });
    expect(status.code, status.stderr).toBe(0);
    const rows = status.json<{ step: string; unit: string; recipient: string; status: string; error: string | null }[]>();
    expect(rows.map((r) => [r.recipient, r.status]).sort()).toEqual(
      [["T1:U0JXJ", "uncertain"], ["T1:U0FGW", "sent"], ["T1:U0SWJ", "sent"], ["dingfakecorp:ding_jxj", "sent"], ["dingfakecorp:ding_kjj", "sent"]].sort(),
    );
    const uncertain = rows.find((r) => r.status === "uncertain")!;
    expect(uncertain).toMatchObject({ step: "before_due", unit: "市经信局" });
    expect(uncertain.error).toContain("not resent");
    // And a third run changes nothing.
    const again = await w.run(at, { now: () => new Date(Date.now() + CLAIM_LEASE_MS + 2000) });
    expect(again.sent + again.uncertain).toBe(0);
    expect(w.received()).toHaveLength(5);
  }, 60_000);
});
