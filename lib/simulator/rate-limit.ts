/**
 * The API's rate limit: a token bucket refilled continuously at `perMinute / 60` tokens a
 * second, holding at most `burst`. Every authenticated `/v1` request takes one token or is
 * answered 429.
 */

export interface RateLimitOptions {
  /** Sustained rate, advertised in `ratelimit-limit` (PagerDuty allows 960). */
  perMinute: number;
  /** Bucket size: requests allowed back to back after an idle spell. Default: 10 seconds' worth. */
  burst?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** `ratelimit-limit`. */
  limit: number;
  /** `ratelimit-remaining`: whole tokens left after this request. */
  remaining: number;
  /** `ratelimit-reset`: seconds until a token is available (0 when one is). */
  reset: number;
}

/** The default bucket size for a rate. */
export function defaultBurst(perMinute: number): number {
  return Math.max(1, Math.ceil(perMinute / 6));
}

/**
 * A token bucket over an injected millisecond clock, so tests step time by hand.
 *
 * @example
 * const bucket = new TokenBucket({ perMinute: 960 }, Date.now);
 * if (!bucket.take().allowed) answer429();
 */
export class TokenBucket {
  private readonly capacity: number;
  private readonly perMs: number;
  private tokens: number;
  private last: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.capacity = options.burst ?? defaultBurst(options.perMinute);
    this.perMs = options.perMinute / 60_000;
    this.tokens = this.capacity;
    this.last = now();
  }

  take(): RateDecision {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, t - this.last) * this.perMs);
    this.last = t;
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    const reset = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs / 1000);
    return { allowed, limit: this.options.perMinute, remaining: Math.floor(this.tokens), reset };
  }
}
