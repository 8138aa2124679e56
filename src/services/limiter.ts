/**
 * At most `max` tasks at once; the rest wait in arrival order.
 *
 * Why the core needs it: Slack wants its ack within 3 s and Bolt acks on the same
 * event loop that handles reports. With many reports in flight, every ack waits
 * behind their interleaved database steps; a small bound keeps acks prompt while
 * the queue drains in order. SQLite runs one writer at a time anyway.
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
    try {
      return await task();
    } finally {
      release();
    }
  };
}
