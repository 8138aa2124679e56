/**
 * Pacing and retrying for reminder fan-out: a sliding-window limiter per key plus a global one
 * (`Pacer`), `retryWithBackoff`, an injectable clock, and the arithmetic of the fastest fan-out
 * the platforms allow (`minimumFanOutMs`, used by the benchmark).
 *
 * Why a sliding window (at most `limit` starts in any `windowMs`) rather than a refilling token
 * bucket: DingTalk counts "20 QPS" over one-second windows (the fake: a sliding 1 s window). A
 * bucket of 20 refilling at 20/s sends the 21st call 50 ms after the 20th, and a window counter
 * refuses it. Traffic that obeys the sliding window obeys a fixed-window counter and a token
 * bucket of the same rate and burst too, and against a window counter it is also the fastest
 * possible: 20 calls, then the next 20 exactly one window later.
 *
 * ── The minimum time the limits allow (what `minimumFanOutMs` computes) ──────────────────────
 * A limit of L starts per window W lets k requests through in no less than
 *     T(k; L, W) = (ceil(k / L) − 1) × W          (0 for k ≤ L)
 * the first L at t = 0, the next L at t = W, …; plus one round trip for the last request, which
 * the formula leaves out (it is latency, not a limit).
 *
 * Slack, N reminder DMs: chat.postMessage with channel = user id, so N distinct channels with one
 * message each. The per-channel limit (~1 message/s, short bursts allowed) never binds: each
 * channel sees one message. What bounds the fan-out is the workspace-wide limit, which Slack
 * does not publish. With a global limit of L messages per W:
 *     T_slack(N) = T(N; L_global, W_global);   with no global limit: 0.
 *   e.g. N = 1000, 10 per 1000 ms → 99 × 1000 ms = 99 s.
 *   (m messages to one channel instead: T(m; L_channel, W_channel) = (m − 1) s at 1 per s.)
 *
 * DingTalk, N users, markdown: ceil(N / 20) batchSend calls (≤ 20 userIds each), 20 QPS per app
 * per API (one-second window):
 *     T_dingtalk(N) = T(ceil(N / 20); 20, 1000 ms)
 *   e.g. N = 1000 → 50 calls → (ceil(50 / 20) − 1) × 1 s = 2 s.
 * DingTalk, N users, interactive cards: one createAndDeliver per user, its own 20 QPS:
 *     T_card(N) = T(N; 20, 1000 ms);  N = 1000 → 49 s.
 *
 * Our own pace: DingTalk at its limit, 20 per 1000 ms per API (dingtalk-sender.ts says why not 18),
 * with windows counted from each response rather than each start (see Pacer.acquire): one round
 * trip per window on top of T, and no 403s. For N = 1000 DingTalk users: 50 calls in three
 * windows, 2 s + about three round trips (two window edges and the last call).
 */

// ---- clock ---------------------------------------------------------------------------------------

/** Time as the pacer sees it; tests pass a virtual one so that seconds of waiting take no time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()),
};

/**
 * A clock whose time only moves when everyone is asleep: whenever the microtask queue drains
 * (checked with setImmediate), it jumps to the earliest sleeper and wakes it. So a test of
 * "3 retries, 1 s apart" finishes at once with now() = start + 3000. Only for code with no real
 * I/O in flight: time would jump ahead of a pending HTTP response.
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private scheduled = false;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => {
      this.sleepers.push({ at: this.t + ms, seq: this.seq++, wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.sleepers.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.at);
      next.wake();
      if (this.sleepers.length > 0) this.schedule();
    });
  }
}

// ---- sliding window --------------------------------------------------------------------------------

/** At most `limit` request starts in any window of `windowMs`. limit 1 = a minimum interval. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/**
 * The start times reserved under one limit, kept sorted. Reservations may lie in the future and
 * need not arrive in order (a per-channel limit can push one request later than the global slot
 * it could have had), so a new time is checked against its neighbours on both sides.
 */
export class SlidingWindow {
  private times: number[] = [];

  constructor(readonly spec: WindowLimit) {
    if (!(spec.limit >= 1) || !(spec.windowMs > 0)) throw new RangeError(`invalid window limit ${JSON.stringify(spec)}`);
  }

  get size(): number {
    return this.times.length;
  }

  /** Forgets starts that can no longer constrain anything at or after `now`. */
  prune(now: number): void {
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! + this.spec.windowMs <= now) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }

  /** The earliest time ≥ `from` at which one more start fits. */
  earliest(from: number): number {
    if (this.times.length < this.spec.limit) return from;
    // The set of valid times only grows back at t = e + W (a window that held `e` slides past
    // it), so the answer is `from` or one of those; the last of them is always valid.
    if (this.fits(from)) return from;
    for (const e of this.times) {
      const t = e + this.spec.windowMs;
      if (t > from && this.fits(t)) return t;
    }
    return this.times[this.times.length - 1]! + this.spec.windowMs;
  }

  reserve(t: number): void {
    this.times.splice(this.upperBound(t), 0, t);
  }

  /** Gives back a reservation that will not be used (its request was held by a block). */
  release(t: number): void {
    const i = this.times.indexOf(t);
    if (i >= 0) this.times.splice(i, 1);
  }

  /** Valid iff, with `t` inserted, every run of limit+1 consecutive starts spans ≥ windowMs. */
  private fits(t: number): boolean {
    const { limit, windowMs } = this.spec;
    const p = this.upperBound(t);
    const at = (i: number): number => (i < p ? this.times[i]! : i === p ? t : this.times[i - 1]!);
    const n = this.times.length + 1;
    for (let i = Math.max(0, p - limit); i <= p && i + limit < n; i++) {
      if (at(i + limit) - at(i) < windowMs) return false;
    }
    return true;
  }

  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// ---- pacer -----------------------------------------------------------------------------------------

export interface PacerOptions {
  /** Limit per key (a Slack channel, a DingTalk API). Omitted: keys are not limited separately. */
  perKey?: WindowLimit;
  /** Limit over all keys (Slack's workspace-wide limit). */
  global?: WindowLimit;
  clock?: Clock;
}

/** How often the per-key maps are swept of idle keys, so a long-running process does not grow. */
const SWEEP_EVERY = 512;

/**
 * Hands out start times under a per-key and a global sliding window. `acquire(key)` sleeps until
 * the earliest slot allowed by both and reserves it when it comes; reservation happens
 * synchronously, so concurrent callers never get the same slot. `block` holds a key (or everything) after the
 * platform said "too fast" (429 Retry-After, DingTalk 403 QpsLimit).
 */
export class Pacer {
  readonly clock: Clock;
  private readonly perKey = new Map<string, SlidingWindow>();
  private readonly global: SlidingWindow | undefined;
  private readonly blockedKeys = new Map<string, number>();
  private blockedAll = 0;
  private reservations = 0;

  constructor(private readonly opts: PacerOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.global = opts.global ? new SlidingWindow(opts.global) : undefined;
  }

  /**
   * Waits until a request for `key` may start and returns `done`, to call when its response is
   * back (success or not). `done` moves the request's mark in the windows from its start to its
   * completion: the server saw the request somewhere between the two, so counting windows from
   * completions means the next window's requests arrive a full window after the last one the
   * server counted, whatever the network jitter (measured: the first burst on fresh sockets
   * arrives tens of ms later than a burst on warm ones, enough for a window counter to see 21).
   * The price is one round trip per window. Without `done`, the start time stays the mark.
   *
   * Counting from starts plus a safety margin was tried for DingTalk (the mark at start + M, or at
   * the response if it came back sooner) and measured against the fake's sliding window on a busy
   * 2-core machine: the first burst's calls, on cold code and fresh sockets, took 100–500 ms to
   * come back, the next window's under 50 ms, so a margin short of that difference let the
   * window counter see 21, and each 403 holds the API for DingTalk's ~1 s. 1,000 users: 3.2–4.2 s
   * with a margin of 20 or 50 ms against 2.4–2.7 s from responses, alternating runs in the same
   * minutes. The round trip a window waits is the price of not knowing when the server counted.
   */
  async acquire(key: string): Promise<() => void> {
    for (;;) {
      const now = this.clock.now();
      const at = this.reserve(key, now);
      if (at <= now) return this.completion(key, at);
      // A future slot is not held while we sleep, only aimed at: it was computed from marks that
      // completions then move later, and a held slot counts as a start, so the slots of all the
      // sleepers not yet awake would crowd the window they no longer fit in and push whoever
      // wakes first a whole window back (measured: 12–16 calls per window instead of 20 once
      // responses came back 100–160 ms after their starts). At `at` we try again: the slot, or
      // a later one if requests ahead completed late or a block was set meanwhile.
      this.release(key, at);
      await this.clock.sleep(at - now);
    }
  }

  private completion(key: string, startedAt: number): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const end = Math.max(startedAt, this.clock.now());
      for (const w of this.windowsFor(key, startedAt)) {
        w.release(startedAt);
        w.reserve(end);
      }
    };
  }

  /** Holds `key` (or, without one, every key) until `untilMs`. Never shortens an earlier block. */
  block(untilMs: number, key?: string): void {
    if (key === undefined) this.blockedAll = Math.max(this.blockedAll, untilMs);
    else this.blockedKeys.set(key, Math.max(this.blockedKeys.get(key) ?? 0, untilMs));
  }

  /** Reserves the earliest start for `key` at or after `now` and returns it (no waiting). */
  reserve(key: string, now: number): number {
    if (++this.reservations % SWEEP_EVERY === 0) this.sweep(now);
    const windows = this.windowsFor(key, now);
    let t = Math.max(now, this.blockedUntil(key));
    // Each window's earliest() only moves t forward; stop when all agree.
    for (let moved = true; moved; ) {
      moved = false;
      for (const w of windows) {
        const next = w.earliest(t);
        if (next > t) {
          t = next;
          moved = true;
        }
      }
    }
    for (const w of windows) w.reserve(t);
    return t;
  }

  private release(key: string, t: number): void {
    this.perKey.get(key)?.release(t);
    this.global?.release(t);
  }

  private blockedUntil(key: string): number {
    return Math.max(this.blockedAll, this.blockedKeys.get(key) ?? 0);
  }

  private windowsFor(key: string, now: number): SlidingWindow[] {
    const out: SlidingWindow[] = [];
    if (this.opts.perKey) {
      let w = this.perKey.get(key);
      if (!w) this.perKey.set(key, (w = new SlidingWindow(this.opts.perKey)));
      w.prune(now);
      out.push(w);
    }
    if (this.global) {
      this.global.prune(now);
      out.push(this.global);
    }
    return out;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.perKey) {
      w.prune(now);
      if (w.size === 0) this.perKey.delete(key);
    }
    for (const [key, until] of this.blockedKeys) if (until <= now) this.blockedKeys.delete(key);
  }
}

// ---- retry ------------------------------------------------------------------------------------------

export interface RetryOptions {
  /** Whether another attempt can help (throttling, 5xx, no answer). Others are rethrown at once. */
  isRetryable(error: unknown): boolean;
  /** The wait the platform asked for (Slack Retry-After, DingTalk "sleep 1 s"); replaces backoff. */
  retryAfterMs?(error: unknown): number | undefined;
  /** Attempts in all, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with jitter. Default 500 ms. */
  baseMs?: number;
  /** Backoff ceiling. Default 30 s. Does not cut a platform's Retry-After: */
  maxMs?: number;
  /** …but a single wait longer than this gives up instead (e.g. DingTalk's 5-minute IP ban). Default 60 s. */
  maxWaitMs?: number;
  clock?: Clock;
  /** [0, 1); tests pin it. */
  random?: () => number;
  /** Called before each wait: the place to block a pacer key for Retry-After, or to log. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
}

/** The final error of an operation that was retried and still failed. `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  override readonly name = "RetriesExhaustedError";
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
    /** "attempts" when maxAttempts ran out, "wait" when the platform asked for a wait over maxWaitMs. */
    readonly reason: "attempts" | "wait",
  ) {
    super(`${reason === "attempts" ? `failed after ${attempts} attempts` : `gave up after ${attempts} attempts (wait too long)`}: ${describe(cause)}`);
  }
}

/**
 * Runs `fn(attempt)` (attempt counts from 1) until it succeeds, a non-retryable error occurs (thrown
 * as is), or attempts run out (RetriesExhaustedError). The wait is the platform's Retry-After when
 * it gives one, else exponential backoff with "equal jitter" (half fixed, half random), so a
 * fan-out whose requests failed together does not retry together.
 */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const clock = opts.clock ?? realClock;
  const random = opts.random ?? Math.random;
  const maxAttempts = opts.maxAttempts ?? 5;
  const baseMs = opts.baseMs ?? 500;
  const maxMs = opts.maxMs ?? 30_000;
  const maxWaitMs = opts.maxWaitMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!opts.isRetryable(e)) throw e;
      if (attempt >= maxAttempts) throw new RetriesExhaustedError(attempt, e, "attempts");
      const delay = opts.retryAfterMs?.(e) ?? backoffMs(attempt, baseMs, maxMs, random);
      if (delay > maxWaitMs) throw new RetriesExhaustedError(attempt, e, "wait");
      opts.onRetry?.(e, attempt, delay);
      await clock.sleep(delay);
    }
  }
}

/** Backoff before attempt `attempt + 1`: in [exp/2, exp] (rounded), exp = min(maxMs, baseMs × 2^(attempt−1)). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---- the minimum the limits allow ------------------------------------------------------------------

/** T(k; L, W) from the file comment: the least time for k starts under L per W. */
export function windowedMinimumMs(requests: number, limit: WindowLimit): number {
  if (requests <= 0) return 0;
  return (Math.ceil(requests / limit.limit) - 1) * limit.windowMs;
}

export interface SlackFanOutLimits {
  /** The workspace-wide limit on chat.postMessage; omitted = none (e.g. the fake's default). */
  global?: WindowLimit;
  /** Per channel (~1/s). Binds only when a channel gets several messages. */
  perChannel?: WindowLimit;
  /** Messages per channel; 1 for DMs (the default). */
  messagesPerChannel?: number;
}

export interface DingTalkFanOutLimits {
  /** Per app per API: { limit: 20, windowMs: 1000 }. */
  perApi: WindowLimit;
  /** Users per batchSend (20). */
  batchSize?: number;
  /** "markdown": batchSend; "card": one createAndDeliver per user. */
  mode?: "markdown" | "card";
}

/**
 * The least time the platform's limits allow for reminding `recipients` users, excluding the
 * last round trip. Pass the platform's limits (or the fake's), not our slower pace: the benchmark
 * divides the measured time by this.
 */
export function minimumFanOutMs(platform: "slack", recipients: number, limits: SlackFanOutLimits): number;
export function minimumFanOutMs(platform: "dingtalk", recipients: number, limits: DingTalkFanOutLimits): number;
export function minimumFanOutMs(platform: "slack" | "dingtalk", recipients: number, limits: SlackFanOutLimits | DingTalkFanOutLimits): number {
  if (platform === "slack") {
    const l = limits as SlackFanOutLimits;
    const perChannel = l.perChannel ? windowedMinimumMs(l.messagesPerChannel ?? 1, l.perChannel) : 0;
    const total = recipients * (l.messagesPerChannel ?? 1);
    return Math.max(perChannel, l.global ? windowedMinimumMs(total, l.global) : 0);
  }
  const l = limits as DingTalkFanOutLimits;
  const calls = l.mode === "card" ? recipients : Math.ceil(recipients / (l.batchSize ?? 20));
  return windowedMinimumMs(calls, l.perApi);
}

// ---- bounded concurrency -----------------------------------------------------------------------------

/**
 * Runs `fn` over `items` with at most `limit` in flight. The pacer decides *when* each request
 * starts; this only bounds how many wait or run at once (sockets, memory), so a fan-out to 1,000
 * users does not hold 1,000 sleeping requests. `fn` must not throw (senders return outcomes).
 */
export async function forEachConcurrent<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
