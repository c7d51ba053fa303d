/**
 * Deterministic crash points: a TEST HOOK, inert unless the environment asks for it.
 *
 * Fault tests need to kill the process at an exact place in the delivery loop (after a page is
 * fetched, between the sends and the commit, while the commit is in flight, right after it),
 * which a timer-driven `kill -9` from outside hits only by luck. kafka.md §7 recommends what
 * Kafka's own system tests do: the process checks an environment variable at labelled points
 * and SIGKILLs itself there. Nothing is flushed and no handler runs, exactly like a crash.
 *
 * `R2K_CRASH_AT=<label>` kills at the first time `<label>` is reached; `<label>:<n>` at the
 * n-th time. Labels in use: `after-fetch`, `before-commit`, `during-commit`, `after-commit`.
 *
 * @example
 * // R2K_CRASH_AT=before-commit:3 node dist/lib/cli.js run --config pipeline.yaml
 * crashPoint('before-commit');
 */
const reached = new Map<string, number>();

/** SIGKILLs this process if `R2K_CRASH_AT` names `label` (and this is its n-th arrival). */
export function crashPoint(label: string): void {
  if (crashDue(label)) process.kill(process.pid, 'SIGKILL');
}

/**
 * Like {@link crashPoint}, but the kill happens on the next turn of the event loop, so I/O
 * started just before (e.g. a commit request) gets written to its socket first: "during" it.
 */
export function crashPointSoon(label: string): void {
  if (crashDue(label)) setImmediate(() => process.kill(process.pid, 'SIGKILL'));
}

function crashDue(label: string): boolean {
  const at = process.env.R2K_CRASH_AT;
  if (!at) return false;
  const [name, nth] = at.split(':');
  if (name !== label) return false;
  const count = (reached.get(label) ?? 0) + 1;
  reached.set(label, count);
  return count === (nth === undefined ? 1 : Number(nth));
}
