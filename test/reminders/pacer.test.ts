import { describe, expect, it } from "vitest";
import {
  backoffMs,
  forEachConcurrent,
  minimumFanOutMs,
  Pacer,
  RetriesExhaustedError,
  retryWithBackoff,
  SlidingWindow,
  VirtualClock,
  windowedMinimumMs,
} from "../../src/reminders/pacer.js";

/** Reserves `n` starts at `now` and returns them. */
const reserveMany = (w: SlidingWindow, n: number, now = 0): number[] =>
  Array.from({ length: n }, () => {
    const t = w.earliest(now);
    w.reserve(t);
    return t;
  });

describe("SlidingWindow", () => {
  it("lets `limit` starts through per window, then the next batch exactly one window later", () => {
    const times = reserveMany(new SlidingWindow({ limit: 20, windowMs: 1000 }), 45);
    expect(times.filter((t) => t === 0)).toHaveLength(20);
    expect(times.filter((t) => t === 1000)).toHaveLength(20);
    expect(times.filter((t) => t === 2000)).toHaveLength(5);
  });

  it("with limit 1 is a minimum interval", () => {
    expect(reserveMany(new SlidingWindow({ limit: 1, windowMs: 1000 }), 3, 500)).toEqual([500, 1500, 2500]);
  });

  it("fits a start between future reservations when the windows allow it", () => {
    const w = new SlidingWindow({ limit: 1, windowMs: 1000 });
    w.reserve(3000);
    expect(w.earliest(0)).toBe(0); // 0 and 3000 are 3 s apart
    w.reserve(0);
    expect(w.earliest(500)).toBe(1000); // 1000..2000 fit between 0 and 3000
    expect(w.earliest(2500)).toBe(4000); // too close to 3000 on both sides
  });

  it("forgets starts older than a window", () => {
    const w = new SlidingWindow({ limit: 2, windowMs: 1000 });
    reserveMany(w, 2, 0);
    w.prune(999);
    expect(w.size).toBe(2);
    w.prune(1000);
    expect(w.size).toBe(0);
  });

  it("rejects a nonsense limit", () => {
    expect(() => new SlidingWindow({ limit: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});

describe("Pacer", () => {
  it("respects the per-key and the global window together", () => {
    const p = new Pacer({ perKey: { limit: 1, windowMs: 1000 }, global: { limit: 3, windowMs: 1000 }, clock: new VirtualClock() });
    const at = ["a", "a", "b", "c", "d"].map((k) => p.reserve(k, 0));
    // a: 0 and 1000 (per key); b, c at 0 fill the global window; d waits for 1000 — where the second
    // "a" also starts, so 1000 holds a and d, and the global window stays within 3.
    expect(at).toEqual([0, 1000, 0, 0, 1000]);
  });

  it("acquire() sleeps until the slot, in virtual time", async () => {
    const clock = new VirtualClock(10_000);
    const p = new Pacer({ perKey: { limit: 20, windowMs: 1000 }, clock });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 45 }, async () => {
        await p.acquire("batchSend");
        starts.push(clock.now() - 10_000);
      }),
    );
    expect(starts.filter((t) => t === 0)).toHaveLength(20);
    expect(Math.max(...starts)).toBe(2000);
  });

  it("a block holds the key (or everyone) and voids slots reserved before it", async () => {
    const clock = new VirtualClock();
    const p = new Pacer({ perKey: { limit: 10, windowMs: 1000 }, clock });
    p.block(1500, "x");
    await p.acquire("x");
    expect(clock.now()).toBe(1500);
    await p.acquire("y"); // other keys are free
    expect(clock.now()).toBe(1500);

    const woken: number[] = [];
    const waiting = p.acquire("y").then(() => woken.push(clock.now()));
    p.block(4000); // everyone, after "y" had reserved its (immediate) slot
    await waiting;
    expect(woken[0]).toBeGreaterThanOrEqual(1500);
    await p.acquire("z");
    expect(clock.now()).toBe(4000);
  });
});

describe("retryWithBackoff", () => {
  const retryable = (e: unknown) => e instanceof Error && e.message.startsWith("busy");

  it("honours the platform's Retry-After instead of its own backoff", async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const result = await retryWithBackoff(
      async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error("busy"), { retryAfter: 2 });
        return "ok";
      },
      { clock, isRetryable: retryable, retryAfterMs: (e) => (e as { retryAfter: number }).retryAfter * 1000 },
    );
    expect(result).toBe("ok");
    expect(clock.now()).toBe(4000);
  });

  it("backs off exponentially with jitter when no wait is given", async () => {
    const clock = new VirtualClock();
    const delays: number[] = [];
    await expect(
      retryWithBackoff(
        async () => {
          throw new Error("busy");
        },
        { clock, isRetryable: retryable, maxAttempts: 4, baseMs: 100, maxMs: 250, random: () => 0.5, onRetry: (_e, _a, d) => delays.push(d) },
      ),
    ).rejects.toBeInstanceOf(RetriesExhaustedError);
    expect(delays).toEqual([75, 150, 188]); // 100, 200, then capped at 250; each ¾ with random 0.5
    expect(backoffMs(1, 1000, 30_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 30_000, () => 0.999)).toBeLessThanOrEqual(1000);
  });

  it("rethrows a permanent error at once, and gives up on a wait over maxWaitMs", async () => {
    const clock = new VirtualClock();
    const permanent = new Error("channel_not_found");
    let calls = 0;
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw permanent;
        },
        { clock, isRetryable: retryable },
      ),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);

    const err = await retryWithBackoff(
      async () => {
        throw new Error("busy: banned");
      },
      { clock, isRetryable: retryable, retryAfterMs: () => 300_000, maxWaitMs: 60_000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).reason).toBe("wait");
    expect(clock.now()).toBe(0);
  });
});

describe("minimumFanOutMs", () => {
  it("DingTalk: ceil(N/20) batchSend calls at 20 per second", () => {
    const perApi = { limit: 20, windowMs: 1000 };
    expect(minimumFanOutMs("dingtalk", 45, { perApi })).toBe(0); // 3 calls, one window
    expect(minimumFanOutMs("dingtalk", 400, { perApi })).toBe(0); // 20 calls
    expect(minimumFanOutMs("dingtalk", 401, { perApi })).toBe(1000); // 21 calls
    expect(minimumFanOutMs("dingtalk", 1000, { perApi })).toBe(2000); // 50 calls
    expect(minimumFanOutMs("dingtalk", 1000, { perApi, mode: "card" })).toBe(49_000);
  });

  it("Slack: N distinct DM channels, bounded by the workspace-wide limit only", () => {
    const perChannel = { limit: 1, windowMs: 1000 };
    expect(minimumFanOutMs("slack", 1000, { perChannel })).toBe(0);
    expect(minimumFanOutMs("slack", 1000, { perChannel, global: { limit: 10, windowMs: 1000 } })).toBe(99_000);
    expect(minimumFanOutMs("slack", 1, { perChannel, messagesPerChannel: 4 })).toBe(3000);
    expect(windowedMinimumMs(0, perChannel)).toBe(0);
  });
});

describe("forEachConcurrent", () => {
  it("never runs more than the limit at once and visits every item", async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrent([...Array(25).keys()], 4, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      seen.push(i);
      running--;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(25).keys()]);
  });
});

describe("Pacer windows counted from completions", () => {
  it("starts the next window's request a full window after the previous response", async () => {
    const clock = new VirtualClock();
    const p = new Pacer({ perKey: { limit: 1, windowMs: 1000 }, clock });
    const done = await p.acquire("C1");
    const second = p.acquire("C1").then((d) => {
      d();
      return clock.now();
    });
    await clock.sleep(300); // the first request takes 300 ms to come back
    done();
    expect(await second).toBe(1300);
  });
});

describe("Pacer windows when responses come back late", () => {
  it("keeps every window full: a waiting request holds no slot that a late response would invalidate", async () => {
    // The DingTalk shape: 20 calls whose responses take 100–157 ms (a cold first burst), and 180
    // more from 20 workers, each response 5 ms. Counted from responses, window k+1's i-th call
    // may start 1000 ms after window k's i-th response, so 200 calls need 10 windows, each full.
    const clock = new VirtualClock();
    const p = new Pacer({ perKey: { limit: 20, windowMs: 1000 }, clock });
    const runs: { start: number; end: number }[] = [];
    const call = async (i: number) => {
      const done = await p.acquire("batchSend");
      const start = clock.now();
      await clock.sleep(i < 20 ? 100 + 3 * i : 5);
      done();
      runs.push({ start, end: clock.now() });
    };
    const first = forEachConcurrent([...Array(20).keys()], 20, call);
    await clock.sleep(10);
    await Promise.all([first, forEachConcurrent([...Array(180).keys()].map((i) => i + 20), 20, call)]);

    const perWindow = new Map<number, number>();
    for (const r of runs) perWindow.set(Math.floor(r.start / 1000), (perWindow.get(Math.floor(r.start / 1000)) ?? 0) + 1);
    expect([...perWindow.entries()].sort((a, b) => a[0] - b[0])).toEqual([...Array(10).keys()].map((w) => [w, 20]));
    // And never 21 in a window counted from responses: at each start, fewer than 20 others have
    // started before it and answered less than a window earlier (or not yet).
    for (const r of runs) {
      const recent = runs.filter((o) => o !== r && o.start <= r.start && o.end > r.start - 1000);
      expect(recent.length).toBeLessThan(20);
    }
  });
});
