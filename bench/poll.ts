import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Asks `probe` again and again until `accept` takes its answer, and returns that answer; after
 * `timeoutMs` throws with `what` and the last answer. The failover bench times a takeover with it
 * (the interval bounds how exactly); the fleet and status specs wait with it for a group to
 * settle, failing with what they waited for instead of hanging until jest's own timeout.
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
