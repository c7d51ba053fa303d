import { initialLimit, nextLimit, sent, type ConcurrencyLimit, type Outcome } from '../../../lib/http/adaptive-concurrency';

const state = (limit: number, successes = 0, peak = limit, owed = 0): ConcurrencyLimit => ({ limit, successes, peak, owed });

describe('nextLimit: AIMD', () => {
  it.each<[string, ConcurrencyLimit, Outcome, number, number, ConcurrencyLimit]>([
    ['a 429 halves the limit; the others in flight are owed', state(8), 'throttled', 8, 8, state(4, 0, 7, 7)],
    ['a 429 halves the peak when the callers never filled the limit', state(8, 0, 3), 'throttled', 3, 8, state(1, 0, 2, 2)],
    ['an unlimited start drops to half the peak', state(Infinity, 0, 10), 'throttled', 10, Infinity, state(5, 0, 9, 9)],
    ['never below 1', state(1, 0, 1), 'throttled', 1, 8, state(1, 0, 0, 0)],
    ['a 429 owed from before the cut does not cut again', state(4, 0, 7, 7), 'throttled', 6, 8, state(4, 0, 7, 6)],
    ['a success counts toward the next increase', state(4, 2), 'succeeded', 4, 8, state(4, 3)],
    ['the limit-th success adds one', state(4, 3), 'succeeded', 4, 8, state(5, 0, 4)],
    ['never above max', state(8, 7), 'succeeded', 8, 8, state(8, 7)],
    ['an unlimited limit counts nothing', state(Infinity, 0, 3), 'succeeded', 3, Infinity, state(Infinity, 0, 3)],
    ['an error neither cuts nor grows, but pays what is owed', state(4, 2, 4, 3), 'other', 4, 8, state(4, 2, 4, 2)],
    ['a success pays what is owed too', state(4, 0, 7, 3), 'succeeded', 4, 8, state(4, 1, 7, 2)],
  ])('%s', (_name, before, outcome, inFlight, max, after) => {
    expect(nextLimit(before, outcome, inFlight, max)).toEqual(after);
  });

  it('starts at the maximum and tracks the peak in flight', () => {
    expect(initialLimit(8)).toEqual(state(8, 0, 0));
    expect(sent(sent(sent(initialLimit(8), 1), 3), 2).peak).toBe(3);
  });

  it('stays within [1, max] over any run of answers', () => {
    // A fixed pseudo-random run (Park–Miller), so a failure reproduces.
    let seed = 42;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    let s = initialLimit(6);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const inFlight = 1 + Math.floor(next() * Math.min(s.limit, 6));
      s = sent(s, inFlight);
      const r = next();
      s = nextLimit(s, r < 0.05 ? 'throttled' : r < 0.1 ? 'other' : 'succeeded', inFlight, 6);
      seen.add(s.limit);
    }
    // Every value from 1 to max was reached, and none outside.
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
