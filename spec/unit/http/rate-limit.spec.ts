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
    const pacer = createRateLimitPacer(fakeClock().clock);
    const granted = contenders(pacer, 5);
    await flush();
    expect(granted).toHaveLength(5);
  });

  it('spends the advertised remaining budget, then holds requests until the reset', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer(clock);
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
    const pacer = createRateLimitPacer(clock);
    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    // The first answer says 2 left, but two more requests are already on their way.
    pacer.observe(200, { 'ratelimit-remaining': '2', 'ratelimit-reset': '1' });
    const granted = contenders(pacer, 1);
    await flush();
    expect(granted).toEqual([]);
  });

  it('stops on a 429 for as long as Retry-After says', async () => {
    const { clock, advance } = fakeClock();
    const pacer = createRateLimitPacer(clock);
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
    const pacer = createRateLimitPacer(clock);
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
    const pacer = createRateLimitPacer(clock);
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
