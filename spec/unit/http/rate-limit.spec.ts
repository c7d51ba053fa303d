import { createRateLimitPacer, type PacerClock } from '../../../lib/http/rate-limit';

/** A virtual clock: sleeps resolve only when the test advances time. */
function fakeClock() {
  let now = 1_000_000;
  const sleepers: { until: number; resolve: () => void }[] = [];
  const clock: PacerClock = {
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ until: now + ms, resolve })),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const s of sleepers.splice(0)) {
      if (s.until <= now) s.resolve();
      else sleepers.push(s);
    }
    await flush();
  };
  return { clock, advance };
}
const flush = () => new Promise((r) => setImmediate(r));

/** Starts `n` acquires and reports which have been granted. */
function contenders(pacer: ReturnType<typeof createRateLimitPacer>, n: number) {
  const granted: number[] = [];
  for (let i = 0; i < n; i++) void pacer.acquire().then(() => granted.push(i));
  return granted;
}

describe('rate-limit pacer', () => {
  it('lets everything through while the API has not advertised a limit', async () => {
    const pacer = createRateLimitPacer({ clock: fakeClock().clock });
    const granted = contenders(pacer, 5);
    await flush();
    expect(granted).toHaveLength(5);
  });

  it('spends the advertised remaining budget, then holds requests until the reset', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer({ clock });
    await pacer.acquire();
    pacer.observe(200, { 'ratelimit-remaining': '2', 'ratelimit-reset': '1' });
    const granted = contenders(pacer, 4);
    await flush();
    expect(granted).toEqual([0, 1]);
    pacer.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    pacer.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    await advance(999);
    expect(granted).toEqual([0, 1]);
    await advance(1);
    // After the reset one request goes ahead to learn the new budget; the rest wait for its answer.
    expect(granted).toEqual([0, 1, 2]);
    pacer.observe(200, { 'ratelimit-remaining': '5', 'ratelimit-reset': '0' });
    await flush();
    expect(granted).toEqual([0, 1, 2, 3]);
  });

  it('counts requests still in flight against the advertised budget', async () => {
    const { clock } = fakeClock();
    const pacer = createRateLimitPacer({ clock });
    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    // The first answer says 2 left, but two more requests are already on their way.
    pacer.observe(200, { 'ratelimit-remaining': '2', 'ratelimit-reset': '1' });
    const granted = contenders(pacer, 1);
    await flush();
    expect(granted).toEqual([]);
  });

  it('stops on a 429 for as long as Retry-After says', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer({ clock });
    await pacer.acquire();
    pacer.observe(429, { 'retry-after': '3' });
    const granted = contenders(pacer, 1);
    await advance(2999);
    expect(granted).toEqual([]);
    await advance(1);
    expect(granted).toEqual([0]);
  });

  it('reads the x-ratelimit-* spelling too', async () => {
    const { clock } = fakeClock();
    const pacer = createRateLimitPacer({ clock });
    await pacer.acquire();
    pacer.observe(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' });
    const granted = contenders(pacer, 1);
    await flush();
    expect(granted).toEqual([]);
  });
});

describe('rate-limit pacer with answers pending', () => {
  it('waits for the in-flight answers rather than probing when the budget it computed is spent', async () => {
    const { clock } = fakeClock();
    const pacer = createRateLimitPacer({ clock });
    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    // "1 left, a token is available now" — but two of ours are still on their way.
    pacer.observe(200, { 'ratelimit-remaining': '1', 'ratelimit-reset': '0' });
    const granted = contenders(pacer, 1);
    await flush();
    expect(granted).toEqual([]);
    pacer.observe(200, { 'ratelimit-remaining': '3', 'ratelimit-reset': '0' });
    await flush();
    expect(granted).toEqual([0]);
  });
});

/** A clock for one request at a time: every sleep passes at once, and `now` says how long they took. */
function sequentialClock() {
  const start = 1_000_000;
  let now = start;
  const clock: PacerClock = {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
  return { clock, waited: () => now - start };
}

describe('rate-limit pacer after a 429 without rate-limit headers', () => {
  // Issue 11: 30 pages took 30.4 s instead of 1.1 s after one such 429, because the 429 set
  // the budget to 0 and later answers without headers never set it back.
  it('regression: one bare 429 with Retry-After: 1, then 30 requests, costs the 1 s, not 1 s a request', async () => {
    const { clock, waited } = sequentialClock();
    const pacer = createRateLimitPacer({ clock, maxConcurrency: 4 });
    await pacer.acquire();
    pacer.observe(429, { 'retry-after': '1' });
    for (let i = 0; i < 30; i++) {
      await pacer.acquire();
      pacer.observe(200, {});
    }
    expect(waited()).toBe(1000);
  });

  it('without Retry-After pauses for the default second, then lets requests flow', async () => {
    const { clock, waited } = sequentialClock();
    const pacer = createRateLimitPacer({ clock });
    await pacer.acquire();
    pacer.observe(429, {});
    for (let i = 0; i < 10; i++) {
      await pacer.acquire();
      pacer.observe(200, {});
    }
    expect(waited()).toBe(1000);
  });

  it('holds every request, not only the rejected one, until the Retry-After has passed', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer({ clock, maxConcurrency: 8 });
    await pacer.acquire();
    pacer.observe(429, { 'retry-after': '2' });
    const granted = contenders(pacer, 2);
    await advance(1999);
    expect(granted).toEqual([]);
    await advance(1);
    // The cut: one was in flight, so one at a time until a success widens it again.
    expect(granted).toEqual([0]);
    pacer.observe(200, {});
    await flush();
    expect(granted).toEqual([0, 1]);
  });

  it('a network failure neither pauses nor cuts', async () => {
    const { clock } = fakeClock();
    const pacer = createRateLimitPacer({ clock, maxConcurrency: 2 });
    await Promise.all([pacer.acquire(), pacer.acquire()]);
    pacer.observe(0, {});
    const granted = contenders(pacer, 2);
    await flush();
    expect(granted).toEqual([0]);
  });

  it('forgets an advertised budget once its window has passed and answers stop advertising', async () => {
    const { clock, waited } = sequentialClock();
    const pacer = createRateLimitPacer({ clock });
    await pacer.acquire();
    pacer.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    for (let i = 0; i < 10; i++) {
      await pacer.acquire();
      pacer.observe(200, {});
    }
    expect(waited()).toBe(1000);
  });
});

describe('rate-limit pacer: adaptive concurrency', () => {
  it('holds requests beyond maxConcurrency and releases one per answer', async () => {
    const pacer = createRateLimitPacer({ clock: fakeClock().clock, maxConcurrency: 3 });
    const granted = contenders(pacer, 5);
    await flush();
    expect(granted).toEqual([0, 1, 2]);
    pacer.observe(200, {});
    await flush();
    expect(granted).toEqual([0, 1, 2, 3]);
    pacer.observe(500, {});
    await flush();
    expect(granted).toEqual([0, 1, 2, 3, 4]);
  });

  it('halves the requests in flight on a 429, then grows back by one per window of successes', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer({ clock, maxConcurrency: 4 });
    const granted = contenders(pacer, 40);
    await flush();
    expect(granted).toHaveLength(4);
    // 4 in flight, one answered 429: limit 2. The other three were sent before the cut.
    pacer.observe(429, { 'retry-after': '1' });
    pacer.observe(429, { 'retry-after': '1' });
    pacer.observe(200, {});
    pacer.observe(200, {});
    await advance(1000);
    // A second 429 from the same crowd did not cut again; 2 successes at limit 2 made it 3.
    expect(granted).toHaveLength(7);
    const grantedAfter = async (answers: number) => {
      for (let i = 0; i < answers; i++) pacer.observe(200, {});
      await flush();
      return granted.length;
    };
    expect(await grantedAfter(3)).toBe(11); // 3 successes at limit 3: 4
    expect(await grantedAfter(4)).toBe(15); // 4 successes at limit 4 = maxConcurrency: stays 4
    for (let round = 0; round < 5; round++) expect(await grantedAfter(4)).toBe(19 + 4 * round);
  });

  it('never below one: 429s to a lone request keep one request going', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer({ clock, maxConcurrency: 2 });
    for (let i = 0; i < 3; i++) {
      const granted = pacer.acquire();
      await advance(1000);
      await granted;
      pacer.observe(429, {});
    }
    const granted = contenders(pacer, 2);
    await advance(1000);
    expect(granted).toEqual([0]);
  });

  it('against an API that serves 3 at once, settles near 3 instead of sending 8 and losing 5', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer({ clock, maxConcurrency: 8 });
    let waiting: { granted: boolean }[] = [];
    const request = () => {
      const r = { granted: false };
      waiting.push(r);
      void pacer.acquire().then(() => (r.granted = true));
    };
    for (let i = 0; i < 200; i++) request();
    let served = 0;
    let throttled = 0;
    let ticks = 0;
    const inFlight: number[] = [];
    while (served < 200) {
      await flush();
      const batch = waiting.filter((r) => r.granted);
      waiting = waiting.filter((r) => !r.granted);
      inFlight.push(batch.length);
      batch.forEach((_, i) => {
        if (i < 3) {
          served++;
          pacer.observe(200, {});
        } else {
          throttled++;
          pacer.observe(429, { 'retry-after': '1' });
          request();
        }
      });
      await advance(1000);
      ticks++;
    }
    expect(Math.max(...inFlight)).toBe(8);
    expect(Math.max(...inFlight.slice(1))).toBeLessThanOrEqual(4);
    expect(Math.min(...inFlight.slice(0, -1))).toBeGreaterThanOrEqual(1);
    // Sending 8 each time would get 5 of them refused: 330-odd 429s over 67 ticks.
    expect(throttled).toBeLessThan(40);
    expect(ticks).toBeLessThan(90);
  });

  it('an abort unblocks a request held by the concurrency limit', async () => {
    const pacer = createRateLimitPacer({ clock: fakeClock().clock, maxConcurrency: 1 });
    await pacer.acquire();
    const controller = new AbortController();
    let resolved = false;
    void pacer.acquire(controller.signal).then(() => (resolved = true));
    await flush();
    expect(resolved).toBe(false);
    controller.abort();
    await flush();
    expect(resolved).toBe(true);
  });
});
