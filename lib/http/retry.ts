/**
 * Retry with jittered exponential backoff and `Retry-After`, as an RxJS operator. Apply it to the
 * deferred fetch of one page — `defer(() => fetchPage(req)).pipe(retryWithBackoff(policy))` —
 * because `retry` resubscribes to its source: a failure on page 7 then repeats page 7 only.
 */
import { asyncScheduler, defer, retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { HttpStatusError, Rest2KafkaError, RetriesExhaustedError, isRetriable } from '../errors';

export interface RetryInfo {
  /** The attempt that just failed; 1 is the first try. */
  attempt: number;
  /** Wait before the next attempt. */
  delayMs: number;
  error: unknown;
}

export interface RetryPolicy {
  /** Retries after the first try (the seed: 3, so at most 4 attempts). */
  maxRetries: number;
  /** Seconds; the wait before retry n is at most `backoffFactor · 2^(n−1)` (2, 4, 8 s for 2). */
  backoffFactor: number;
  /** Cap on any single wait, `Retry-After` included. */
  maxDelayMs: number;
  /** Uniform in [0, 1), the source of jitter; `Math.random` by default. Fix it to test waits. */
  random?: () => number;
  onRetry?(info: RetryInfo): void;
}

/**
 * Resubscribes to the source after a retriable failure (`isRetriable` along the cause chain),
 * waiting per {@link retryDelayMs}. Non-retriable errors pass through untouched; when retries run
 * out the error is a RetriesExhaustedError with the last error as cause.
 *
 * @example
 * defer(() => client.send(req)).pipe(retryWithBackoff({ maxRetries: 3, backoffFactor: 2, maxDelayMs: 300_000 }));
 */
export function retryWithBackoff<T>(policy: RetryPolicy, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() => {
      const startedAt = scheduler.now();
      return source.pipe(
        retry({
          delay: (error: unknown, retryNumber: number) => {
            if (!isRetriable(error)) return throwError(() => error);
            if (retryNumber > policy.maxRetries) return throwError(() => exhausted(error, retryNumber, scheduler.now() - startedAt));
            const delayMs = retryDelayMs(policy, retryNumber, error, scheduler.now());
            policy.onRetry?.({ attempt: retryNumber, delayMs, error });
            return timer(delayMs, scheduler);
          },
        }),
      );
    });
}

/** The most a `Retry-After` wait is lengthened by, as a share of the hint. */
const HINT_JITTER = 0.1;

/**
 * The wait before retry `retryNumber` (1-based), jittered so that chains failing together do
 * not retry together. With a positive `Retry-After` from an HttpStatusError in the cause chain:
 * the hint plus up to 10% more, never less, as the API asked. Otherwise "full jitter", uniform
 * in [0, min(`backoffFactor · 2^(retryNumber−1)` s, `maxDelayMs`)): of the usual variants it
 * spreads retries widest and does the least work
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). A hint beyond
 * `maxDelayMs` is cut to it.
 *
 * @example
 * retryDelayMs({ maxRetries: 3, backoffFactor: 2, maxDelayMs: 300_000, random: () => 0.5 }, 2, networkError, Date.now()); // 2000
 */
export function retryDelayMs(policy: RetryPolicy, retryNumber: number, error: unknown, nowMs: number): number {
  const random = policy.random ?? Math.random;
  const hinted = retryAfterMs(findRetryAfter(error), nowMs);
  // The cap bounds the range before the draw: capping after it would pin most long waits at
  // the cap, all together.
  if (hinted === null) return Math.round(random() * Math.min(policy.backoffFactor * 1000 * 2 ** (retryNumber - 1), policy.maxDelayMs));
  return Math.round(Math.min(hinted * (1 + HINT_JITTER * random()), policy.maxDelayMs));
}

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * Milliseconds a `Retry-After` value asks to wait, or `null` when it gives no usable hint.
 * Unlike dlt, `0` and dates in the past are "no hint" (null → exponential wait): dlt retries
 * those at once, which turns an API's "0" into a tight retry loop against a struggling server.
 */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  // asctime dates carry no zone but are GMT; Date.parse would read them as local time.
  else if (HTTP_DATE.test(trimmed)) ms = Date.parse(/GMT$/.test(trimmed) ? trimmed : `${trimmed} GMT`) - nowMs;
  else return null;
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

function findRetryAfter(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 16; depth++) {
    if (e instanceof HttpStatusError) return e.retryAfter;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function exhausted(error: unknown, attempts: number, elapsedMs: number): RetriesExhaustedError {
  const last = error instanceof Error ? error.message : String(error);
  const context = error instanceof Rest2KafkaError ? error.context : {};
  const plural = attempts === 1 ? 'attempt' : 'attempts';
  return new RetriesExhaustedError(
    `gave up after ${attempts} ${plural} over ${(elapsedMs / 1000).toFixed(1)} s; the last failed with: ${last}`,
    attempts,
    error,
    context,
  );
}
