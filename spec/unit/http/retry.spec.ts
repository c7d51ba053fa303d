import { Observable, catchError, concatMap, defer, from, map, merge, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CLIENT_DEFAULTS } from '../../../lib/config/defaults';
import { AuthError, HttpStatusError, NetworkError, RetriesExhaustedError } from '../../../lib/errors';
import { retryAfterMs, retryDelayMs, retryWithBackoff, type RetryInfo, type RetryPolicy } from '../../../lib/http/retry';

/** The seed's policy with the jitter fixed mid-range: backoff waits are half the exponential step, hints 5% longer. */
const POLICY: RetryPolicy = { maxRetries: 3, backoffFactor: 2, maxDelayMs: 300_000, random: () => 0.5 };
/** The policy a run gets from the default client settings. */
const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: CLIENT_DEFAULTS.max_retries, backoffFactor: CLIENT_DEFAULTS.backoff_factor, maxDelayMs: CLIENT_DEFAULTS.max_retry_delay_ms };

const network = (n = 1): NetworkError => new NetworkError(`GET https://x/a?api_key=*** failed: connection refused (#${n})`);
const status = (code: number, retryAfter: string | null = null): HttpStatusError =>
  new HttpStatusError(`${code} Server Error`, code, retryAfter);

/** A page fetch that fails with `failures[i]` on its i-th subscription, then emits `value`. */
function flakyFetch<T>(failures: unknown[], value: T): { fetch: Observable<T>; subscriptions: () => number } {
  let count = 0;
  const fetch = defer(() => {
    const failure = failures[count++];
    return failure === undefined ? of(value) : throwError(() => failure);
  });
  return { fetch, subscriptions: () => count };
}

/** Errors as values, so marbles can assert exactly what arrived and when. */
const outcome = (error: unknown): Observable<string> =>
  of(
    error instanceof RetriesExhaustedError
      ? `exhausted(${error.attempts}): ${error.message}`
      : `passed through: ${(error as Error).message}`,
  );

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
});

describe('retryWithBackoff: wait times in virtual time', () => {
  it.each<[string, unknown[], Partial<RetryPolicy>, string]>([
    ['exponential ranges 2, 4, 8 s with factor 2', [network(1), network(2), network(3)], {}, '7000ms (a|)'],
    ['exponential ranges 1, 2 s with factor 1', [network(1), network(2)], { backoffFactor: 1 }, '1500ms (a|)'],
    ['exponential ranges capped by maxDelayMs', [network(1), network(2), network(3)], { maxDelayMs: 3000 }, '4000ms (a|)'],
    ['Retry-After seconds replace the exponential wait', [status(503, '5')], {}, '5250ms (a|)'],
    ['Retry-After as an HTTP date (date − now)', [status(429, 'Thu, 01 Jan 1970 00:00:07 GMT')], {}, '7350ms (a|)'],
    ['Retry-After clamped to maxDelayMs', [status(429, '100000')], { maxDelayMs: 60_000 }, '60000ms (a|)'],
    ['Retry-After: 0 is no hint → exponential', [status(429, '0')], {}, '1000ms (a|)'],
    ['a past Retry-After date is no hint → exponential', [status(429, 'Thu, 01 Jan 1970 00:00:00 GMT')], {}, '1000ms (a|)'],
    ['an unparsable Retry-After → exponential', [status(503, '1.5')], {}, '1000ms (a|)'],
    ['Retry-After read through the cause chain', [new Error('wrapped', { cause: status(503, '3') })], {}, '3150ms (a|)'],
    ['mixed: hint, then exponential for the second retry', [status(503, '1'), network()], {}, '3050ms (a|)'],
  ])('%s', (_name, failures, policy, expected) => {
    scheduler.run(({ expectObservable }) => {
      const { fetch } = flakyFetch(failures, 'a');
      expectObservable(fetch.pipe(retryWithBackoff({ ...POLICY, ...policy }, scheduler))).toBe(expected);
    });
  });

  it('reports each retry with the attempt that failed and the wait', () => {
    const seen: Omit<RetryInfo, 'error'>[] = [];
    scheduler.run(({ expectObservable }) => {
      const { fetch } = flakyFetch([network(1), status(429, '30'), network(3)], 'a');
      const policy: RetryPolicy = { ...POLICY, onRetry: ({ attempt, delayMs }) => seen.push({ attempt, delayMs }) };
      expectObservable(fetch.pipe(retryWithBackoff(policy, scheduler))).toBe('36500ms (a|)');
    });
    expect(seen).toEqual([
      { attempt: 1, delayMs: 1000 },
      { attempt: 2, delayMs: 31_500 },
      { attempt: 3, delayMs: 4000 },
    ]);
  });
});

describe('retryDelayMs: jitter', () => {
  const at = (r: number): RetryPolicy => ({ ...POLICY, random: () => r });
  const NOW = 0;

  it.each<[number, number, number]>([
    // [random, retry number, wait]: full jitter across [0, 2 · 2^(n−1) s)
    [0, 1, 0],
    [0.25, 1, 500],
    [0.999, 1, 1998],
    [0.25, 3, 2000],
    [0.999, 3, 7992],
  ])('backoff at random %p, retry %p: %p ms', (r, retryNumber, wait) => {
    expect(retryDelayMs(at(r), retryNumber, network(), NOW)).toBe(wait);
  });

  it.each<[number, string, number]>([
    // [random, Retry-After, wait]: the hint, plus up to 10% more
    [0, '1', 1000],
    [0.5, '1', 1050],
    [0.999, '1', 1100],
    [0.999, '30', 32_997],
  ])('Retry-After at random %p of "%s": %p ms, never less than the hint', (r, hint, wait) => {
    expect(retryDelayMs(at(r), 1, status(429, hint), NOW)).toBe(wait);
  });

  it('stays within its range for any random draw: [0, min(step, maxDelayMs)], [hint, min(1.1 · hint, maxDelayMs)]', () => {
    const policy = (r: number): RetryPolicy => ({ ...POLICY, maxDelayMs: 20_000, random: () => r });
    const outside: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const r = i / 1000;
      for (let n = 1; n <= 6; n++) {
        const wait = retryDelayMs(policy(r), n, network(), NOW);
        if (wait < 0 || wait > Math.min(2000 * 2 ** (n - 1), 20_000)) outside.push(`retry ${n} at ${r}: ${wait}`);
      }
      for (const hint of [1, 7, 19, 25]) {
        const wait = retryDelayMs(policy(r), 1, status(429, String(hint)), NOW);
        if (wait < Math.min(hint * 1000, 20_000) || wait > Math.min(hint * 1100, 20_000)) outside.push(`hint ${hint} at ${r}: ${wait}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('uses Math.random by default', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      expect(retryDelayMs(DEFAULT_RETRY_POLICY, 2, network(), NOW)).toBe(1000);
    } finally {
      random.mockRestore();
    }
  });

  it('two chains failing together retry apart', () => {
    scheduler.run(({ expectObservable }) => {
      const a = flakyFetch([network(1)], 'a').fetch.pipe(retryWithBackoff({ ...POLICY, random: () => 0.2 }, scheduler));
      const b = flakyFetch([network(2)], 'b').fetch.pipe(retryWithBackoff({ ...POLICY, random: () => 0.7 }, scheduler));
      expectObservable(merge(a, b)).toBe('400ms a 999ms (b|)');
    });
  });

  it('each retry of one chain draws afresh', () => {
    const draws = [0.1, 0.9, 0.5];
    const seen: number[] = [];
    scheduler.run(({ expectObservable }) => {
      const { fetch } = flakyFetch([network(1), network(2), network(3)], 'a');
      const policy: RetryPolicy = { ...POLICY, random: () => draws.shift()!, onRetry: ({ delayMs }) => seen.push(delayMs) };
      expectObservable(fetch.pipe(retryWithBackoff(policy, scheduler))).toBe('7800ms (a|)');
    });
    expect(seen).toEqual([200, 3600, 4000]);
  });
});

describe('retryWithBackoff: what is retried', () => {
  it.each<[string, unknown]>([
    ['404', status(404)],
    ['401 AuthError', new AuthError('401 Unauthorized')],
    ['a programmer error', new TypeError('cannot read properties of undefined')],
    ['a retriable-looking message on a plain error', new Error('503 Service Unavailable, ECONNRESET')],
  ])('%s passes through at once, unwrapped, after one attempt', (_name, error) => {
    const { fetch, subscriptions } = flakyFetch([error], 'a');
    scheduler.run(({ expectObservable }) => {
      expectObservable(fetch.pipe(retryWithBackoff<string>(POLICY, scheduler), catchError(outcome))).toBe('(x|)', {
        x: `passed through: ${(error as Error).message}`,
      });
    });
    expect(subscriptions()).toBe(1);
  });

  it('succeeds after k failures, subscribing k + 1 times', () => {
    const { fetch, subscriptions } = flakyFetch([network(1), network(2)], 'a');
    scheduler.run(({ expectObservable }) => {
      expectObservable(fetch.pipe(retryWithBackoff(POLICY, scheduler))).toBe('3000ms (a|)');
    });
    expect(subscriptions()).toBe(3);
  });

  it('gives up after maxRetries with RetriesExhaustedError: attempts, elapsed time, last error as cause', () => {
    const failures = [network(1), network(2), network(3), network(4), network(5)];
    const { fetch, subscriptions } = flakyFetch(failures, 'a');
    let caught: unknown;
    scheduler.run(({ expectObservable }) => {
      const result = fetch.pipe(
        retryWithBackoff<string>(POLICY, scheduler),
        catchError((error: unknown) => {
          caught = error;
          return outcome(error);
        }),
      );
      expectObservable(result).toBe('7000ms (x|)', {
        x: 'exhausted(4): gave up after 4 attempts over 7.0 s; the last failed with: GET https://x/a?api_key=*** failed: connection refused (#4)',
      });
    });
    expect(subscriptions()).toBe(4);
    expect((caught as RetriesExhaustedError).cause).toBe(failures[3]);
    expect((caught as RetriesExhaustedError).retriable).toBe(false);
  });

  it('with maxRetries 0 gives up after the first attempt', () => {
    const { fetch, subscriptions } = flakyFetch([network(1)], 'a');
    scheduler.run(({ expectObservable }) => {
      expectObservable(fetch.pipe(retryWithBackoff<string>({ ...POLICY, maxRetries: 0 }, scheduler), catchError(outcome))).toBe('(x|)', {
        x: 'exhausted(1): gave up after 1 attempt over 0.0 s; the last failed with: GET https://x/a?api_key=*** failed: connection refused (#1)',
      });
    });
    expect(subscriptions()).toBe(1);
  });

  it('a failure on page 2 repeats page 2 only, not the pages before it', () => {
    const fetches = new Map([
      [1, flakyFetch([], 'p1')],
      [2, flakyFetch([status(503), status(502)], 'p2')],
      [3, flakyFetch([], 'p3')],
    ]);
    let pageListSubscriptions = 0;
    scheduler.run(({ expectObservable }) => {
      const pages = defer(() => {
        pageListSubscriptions++;
        return from([1, 2, 3]);
      });
      const records = pages.pipe(
        concatMap((page) => fetches.get(page)!.fetch.pipe(retryWithBackoff<string>(POLICY, scheduler))),
        map((p) => p.toUpperCase()),
      );
      expectObservable(records).toBe('a 2999ms (bc|)', { a: 'P1', b: 'P2', c: 'P3' });
    });
    expect(pageListSubscriptions).toBe(1);
    expect([1, 2, 3].map((page) => fetches.get(page)!.subscriptions())).toEqual([1, 3, 1]);
  });
});

describe('retryAfterMs', () => {
  const NOW = Date.parse('2024-05-01T12:00:00Z');
  it.each<[string | null, number | null]>([
    [null, null],
    ['120', 120_000],
    [' 3 ', 3000],
    ['0', null],
    ['1.5', null],
    ['-5', null],
    ['soon', null],
    ['2024-05-01T12:00:10Z', null],
    ['Wed, 01 May 2024 12:00:10 GMT', 10_000],
    ['Wednesday, 01-May-24 12:00:10 GMT', 10_000],
    ['Wed May  1 12:00:10 2024', 10_000],
    ['Wed, 01 May 2024 11:59:00 GMT', null],
    ['Wed, 01 May 2024 12:00:00 GMT', null],
  ])('%j → %j', (value, expected) => {
    expect(retryAfterMs(value, NOW)).toBe(expected);
  });
});
