/**
 * At most `max` tasks at once; the rest wait in arrival order.
 *
 * Why the core needs it: Slack wants its ack within 3 s and Bolt acks on the same
 * event loop that handles reports. better-sqlite3 answers synchronously, so a
 * report's reads run as one burst of microtasks that lets no new request in, and
 * the reports in flight together commit as one synchronous batch (unit-of-work.ts).
 * A bound, and a turn of the event loop (setImmediate) before each task, keep each
 * burst short enough for the server to read and ack new requests between them.
 */
export function createLimiter(max: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    queue.shift()?.();
  };
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active >= max) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
