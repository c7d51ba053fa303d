/**
 * How many requests may be in flight to one API, adapted to its 429s with AIMD — additive
 * increase, multiplicative decrease, TCP's congestion rule (RFC 5681 §3.1): halve on a 429,
 * grow by one after each window of `limit` successes. An API that rejects a burst then gets
 * fewer requests at once, rather than every later request waiting out a pause of its own.
 */

export interface ConcurrencyLimit {
  /** Requests allowed in flight; `Infinity` (unlimited) until a 429 when no maximum is set. */
  limit: number;
  /** Successes counted toward the next increase. */
  successes: number;
  /** The most requests in flight since the last cut: what the API actually had to serve. */
  peak: number;
  /**
   * Answers still due from requests sent before the last cut. Their 429s report the crowd
   * the cut already answered, so they do not cut again: like TCP, at most one cut per window.
   */
  owed: number;
}

/** What one answer says about the API's load: a 429, a success (2xx/3xx), anything else. */
export type Outcome = 'throttled' | 'succeeded' | 'other';

/**
 * The state before the first request: up to `max` in flight.
 *
 * @example
 * initialLimit(8); // { limit: 8, successes: 0, peak: 0, owed: 0 }
 */
export function initialLimit(max: number): ConcurrencyLimit {
  return { limit: max, successes: 0, peak: 0, owed: 0 };
}

/**
 * The state after a request was sent, `inFlight` counting it.
 *
 * @example
 * sent(initialLimit(8), 3).peak; // 3
 */
export function sent(state: ConcurrencyLimit, inFlight: number): ConcurrencyLimit {
  return inFlight > state.peak ? { ...state, peak: inFlight } : state;
}

/**
 * The state after one answer; `inFlight` counts the requests in flight when it arrived, itself
 * included. A cut halves the smaller of the limit and the peak since the last cut — TCP halves
 * what is in flight (FlightSize), not a window the sender never filled — so an unlimited start
 * drops straight to half of what the API refused. Never below 1, never above `max`.
 *
 * @example
 * nextLimit({ limit: 8, successes: 0, peak: 8, owed: 0 }, 'throttled', 8, 8); // { limit: 4, successes: 0, peak: 7, owed: 7 }
 */
export function nextLimit(state: ConcurrencyLimit, outcome: Outcome, inFlight: number, max: number): ConcurrencyLimit {
  const owed = Math.max(0, state.owed - 1);
  if (outcome === 'throttled' && state.owed === 0) {
    const still = Math.max(0, inFlight - 1);
    return { limit: Math.max(1, Math.floor(Math.min(state.limit, state.peak) / 2)), successes: 0, peak: still, owed: still };
  }
  if (outcome !== 'succeeded' || state.limit >= max) return { ...state, owed };
  const successes = state.successes + 1;
  if (successes < state.limit) return { ...state, successes, owed };
  return { ...state, limit: Math.min(max, state.limit + 1), successes: 0, owed };
}
