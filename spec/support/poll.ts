import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Asks `probe` again and again until `accept` takes its answer, and returns that answer; after
 * `timeoutMs` throws with `what` and the last answer, so a test that waits for a fleet to settle
 * fails saying what it waited for instead of hanging until jest's own timeout. The failover
 * bench uses it too, with a shorter interval: the interval bounds how exactly it times a takeover.
 *
 * @example const owners = await until('both instances joined', () => status(p), (s) => s.coordination.instances.length === 2)
 */
export async function until<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
