import { TokenBucket, defaultBurst } from '../../../lib/simulator/rate-limit';

describe('TokenBucket', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a burst, then refuses with the seconds until the next token', () => {
    const bucket = new TokenBucket({ perMinute: 60, burst: 3 }, clock);
    expect(bucket.take()).toEqual({ allowed: true, limit: 60, remaining: 2, reset: 0 });
    expect(bucket.take()).toEqual({ allowed: true, limit: 60, remaining: 1, reset: 0 });
    // The last token goes: none left, the next arrives in one second (60/min).
    expect(bucket.take()).toEqual({ allowed: true, limit: 60, remaining: 0, reset: 1 });
    expect(bucket.take()).toEqual({ allowed: false, limit: 60, remaining: 0, reset: 1 });
  });

  it('refills continuously at perMinute / 60 per second, up to the burst size', () => {
    const bucket = new TokenBucket({ perMinute: 960, burst: 2 }, clock);
    bucket.take();
    bucket.take();
    expect(bucket.take().allowed).toBe(false);
    now += 62; // 960/min is one token per 62.5 ms
    expect(bucket.take().allowed).toBe(false);
    now += 1;
    expect(bucket.take().allowed).toBe(true);
    now += 3_600_000;
    expect(bucket.take().remaining).toBe(1);
  });

  it('reports the wait for a slow rate in whole seconds, rounded up', () => {
    const bucket = new TokenBucket({ perMinute: 2, burst: 1 }, clock);
    bucket.take();
    expect(bucket.take()).toMatchObject({ allowed: false, reset: 30 });
    now += 10_000;
    expect(bucket.take()).toMatchObject({ allowed: false, reset: 20 });
  });

  it('sustains exactly the advertised rate under constant pressure', () => {
    const bucket = new TokenBucket({ perMinute: 960 }, clock);
    let allowed = 0;
    for (let ms = 0; ms < 60_000; ms += 5) {
      now += 5;
      if (bucket.take().allowed) allowed++;
    }
    // A minute's refill plus the initial bucket; the last token may land a float's width late.
    expect(allowed).toBeGreaterThanOrEqual(960 + defaultBurst(960) - 1);
    expect(allowed).toBeLessThanOrEqual(960 + defaultBurst(960));
  });
});
