/**
 * Client-side pacing from the API's own rate-limit headers, shared by every request to one
 * API. Real incident APIs are bounded by their rate limit long before CPU (PagerDuty: 960
 * requests/minute), and concurrent pages that all hit an empty bucket each wait out a 429:
 * speed then costs a storm of rejected requests. The pacer reads what the API advertises —
 * `ratelimit-remaining`/`ratelimit-reset` (IETF draft, PagerDuty), `x-ratelimit-*`, and
 * `Retry-After` on a 429 — and holds requests back while the budget is spent.
 */
import { retryAfterMs } from './retry';

export interface RateLimitPacer {
  /** Resolves when a request may be sent; call once per attempt. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Feeds back a response's status and (lower-case) headers. */
  observe(status: number, headers: Readonly<Record<string, string>>): void;
}

export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done);
    }),
};

/** Without a `reset` hint, an exhausted budget is retried after this long. */
const DEFAULT_WAIT_MS = 1000;

/**
 * @example
 * const pacer = createRateLimitPacer();
 * await pacer.acquire(); const res = await send(req); pacer.observe(res.status, res.headers);
 */
export function createRateLimitPacer(clock: PacerClock = realClock): RateLimitPacer {
  /** Requests we may still send before the next reset; `null` until the API tells us. */
  let remaining: number | null = null;
  /** When the API said the budget refills (epoch ms). */
  let resetAt = 0;
  /** Granted but not yet observed: the API's `remaining` does not count them yet. */
  let inFlight = 0;
  /** Resolved by every observation, so waiters re-plan as soon as the API tells more. */
  let observed = signalled();

  return {
    async acquire(signal) {
      for (;;) {
        if (signal?.aborted) return;
        if (remaining === null || remaining > 0) {
          if (remaining !== null) remaining -= 1;
          inFlight += 1;
          return;
        }
        const wait = resetAt - clock.now();
        if (wait <= 0 && inFlight === 0) {
          // The reset passed and no answer is pending to tell us the new budget: let one
          // request through to ask, and hold the others until it answers.
          remaining = 1;
          resetAt = clock.now() + DEFAULT_WAIT_MS;
          continue;
        }
        // Requests in flight were granted after the budget we last heard of; their answers
        // (each one a fresher `remaining`) come before the reset does.
        await (wait > 0 ? Promise.race([clock.sleep(wait, signal), observed.promise]) : observed.promise);
      }
    },
    observe(status, headers) {
      inFlight = Math.max(0, inFlight - 1);
      const wake = observed;
      observed = signalled();
      wake.resolve();
      const now = clock.now();
      if (status === 429) {
        remaining = 0;
        resetAt = now + (retryAfterMs(headers['retry-after'] ?? null, now) ?? secondsHeader(headers, 'reset') ?? DEFAULT_WAIT_MS);
        return;
      }
      const advertised = numberHeader(headers, 'remaining');
      if (advertised === null) return;
      remaining = Math.max(0, advertised - inFlight);
      const reset = secondsHeader(headers, 'reset');
      if (reset !== null) resetAt = now + reset;
      else if (remaining === 0) resetAt = now + DEFAULT_WAIT_MS;
    },
  };
}

function signalled(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function numberHeader(headers: Readonly<Record<string, string>>, name: 'remaining' | 'reset'): number | null {
  const raw = headers[`ratelimit-${name}`] ?? headers[`x-ratelimit-${name}`];
  if (raw === undefined) return null;
  const n = Number(raw.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * `reset` in milliseconds from now. The IETF draft and PagerDuty send seconds to wait; some
 * APIs send an epoch timestamp in seconds — anything past a year is read as one.
 */
function secondsHeader(headers: Readonly<Record<string, string>>, name: 'reset'): number | null {
  const n = numberHeader(headers, name);
  if (n === null) return null;
  return n > 365 * 24 * 3600 ? Math.max(0, n * 1000 - Date.now()) : n * 1000;
}
