/**
 * Client-side pacing shared by every request to one API. Real incident APIs are bounded by
 * their rate limit long before CPU (PagerDuty: 960 requests/minute), and concurrent pages that
 * all hit an empty bucket each wait out a 429: speed then costs a storm of rejected requests.
 * The pacer reads what the API advertises — `ratelimit-remaining`/`ratelimit-reset` (IETF
 * draft, PagerDuty), `x-ratelimit-*` — and holds requests back while the budget is spent. An
 * API that advertises nothing and answers 429 gets a pause of its `Retry-After` and fewer
 * requests at once afterwards (lib/http/adaptive-concurrency.ts), then the run recovers its pace.
 */
import { initialLimit, nextLimit, sent, type Outcome } from './adaptive-concurrency';
import { retryAfterMs } from './retry';

export interface RateLimitPacer {
  /**
   * Resolves when a request may be sent; call once per attempt, and answer every call with one
   * {@link RateLimitPacer.observe} (the pacer counts requests in flight). Resolves at once when
   * `signal` aborts.
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Feeds back a response's status and (lower-case) headers; status 0 for a network failure. */
  observe(status: number, headers: Readonly<Record<string, string>>): void;
}

export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface PacerOptions {
  /**
   * Most requests in flight at once, the ceiling adaptive concurrency grows back to after a
   * 429 (e.g. page_concurrency × resource_concurrency). Default: unlimited.
   */
  maxConcurrency?: number;
  clock?: PacerClock;
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

/** Without a `reset` or `Retry-After` hint, an exhausted budget or a 429 pauses this long. */
const DEFAULT_WAIT_MS = 1000;

/**
 * A pacer for one API: its rate limit is per account, so every resource's requests share it.
 *
 * @example
 * const pacer = createRateLimitPacer({ maxConcurrency: 8 });
 * await pacer.acquire(); const res = await send(req); pacer.observe(res.status, res.headers);
 */
export function createRateLimitPacer(options: PacerOptions = {}): RateLimitPacer {
  const clock = options.clock ?? realClock;
  const max = options.maxConcurrency ?? Infinity;
  let concurrency = initialLimit(max);
  /** Requests we may still send before the next reset; `null` while the API does not say. */
  let remaining: number | null = null;
  /** When the API said the budget refills (epoch ms). */
  let resetAt = 0;
  /** Until when a 429 asked every request to wait (epoch ms). */
  let pausedUntil = 0;
  /** Granted but not yet observed: the API's `remaining` does not count them yet. */
  let inFlight = 0;
  /** Resolved by every observation, so waiters re-plan as soon as the API tells more. */
  let observed = signalled();

  const grant = () => {
    inFlight += 1;
    concurrency = sent(concurrency, inFlight);
    if (remaining !== null && remaining > 0) remaining -= 1;
  };

  return {
    async acquire(signal) {
      for (;;) {
        if (signal?.aborted) {
          // Counted all the same: the failed send that follows is observed like any other.
          inFlight += 1;
          return;
        }
        const now = clock.now();
        if (now < pausedUntil) {
          await clock.sleep(pausedUntil - now, signal);
          continue;
        }
        if (inFlight >= concurrency.limit) {
          await orAborted(observed.promise, signal);
          continue;
        }
        const wait = resetAt - now;
        // Granted while the budget lasts or is unknown. Once it is spent and the reset passed
        // with no answer pending to tell the new one, this request goes ahead to ask, and the
        // others wait for its answer.
        if (remaining === null || remaining > 0 || (wait <= 0 && inFlight === 0)) return grant();
        // Requests in flight were granted after the budget we last heard of; their answers
        // (each one a fresher `remaining`) come before the reset does.
        await (wait > 0 ? Promise.race([clock.sleep(wait, signal), observed.promise]) : orAborted(observed.promise, signal));
      }
    },
    observe(status, headers) {
      concurrency = nextLimit(concurrency, outcomeOf(status), inFlight, max);
      inFlight = Math.max(0, inFlight - 1);
      const wake = observed;
      observed = signalled();
      wake.resolve();
      // A network failure says nothing about the API's budget.
      if (status === 0) return;
      const now = clock.now();
      const reset = resetMs(headers, now);
      if (status === 429) {
        pausedUntil = Math.max(pausedUntil, now + (retryAfterMs(headers['retry-after'] ?? null, now) ?? reset ?? DEFAULT_WAIT_MS));
      }
      const advertised = numberHeader(headers, 'remaining');
      if (advertised === null) {
        // The window we knew of is over and the API no longer says: the budget is unknown, not
        // spent — holding it at 0 would make every later request wait for a window of its own.
        if (now >= resetAt) remaining = null;
        return;
      }
      remaining = Math.max(0, advertised - inFlight);
      if (reset !== null) resetAt = now + reset;
      else if (remaining === 0) resetAt = now + DEFAULT_WAIT_MS;
    },
  };
}

function outcomeOf(status: number): Outcome {
  if (status === 429) return 'throttled';
  return status >= 200 && status < 400 ? 'succeeded' : 'other';
}

function signalled(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** `promise`, or sooner when `signal` aborts. */
function orAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    void promise.then(done);
  });
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
function resetMs(headers: Readonly<Record<string, string>>, nowMs: number): number | null {
  const n = numberHeader(headers, 'reset');
  if (n === null) return null;
  return n > 365 * 24 * 3600 ? Math.max(0, n * 1000 - nowMs) : n * 1000;
}
