import { formatSoak, soakFailures, soakFigures, type RunCounts, type Sample } from '../../../bench/soak-report';

/** One sample every 5 s for `minutes`, RSS and fds from the given functions of the second. */
function samples(minutes: number, rss: (at: number) => number, fds: (at: number) => number = () => 30): Sample[] {
  return Array.from({ length: (minutes * 60) / 5 }, (_, i) => ({ at: i * 5, rssMb: rss(i * 5), heapUsedMb: 20, fds: fds(i * 5) }));
}

const CLEAN_RUNS: RunCounts = { started: 300, finished: 280, failed: 20, failedByCode: { HTTP_STATUS: 20 }, otherErrors: 0 };

describe('soakFigures', () => {
  it('growth is between the medians of minute 2 and of the last minute: the warm-up of minute 1 and one outlying sample do not count', () => {
    const figures = soakFigures(samples(10, (at) => (at < 60 ? 50 : at === 300 ? 400 : 100)), 10);
    expect(figures.rssMb).toEqual({ start: 50, max: 400, end: 100 });
    expect(figures.rssWindowMb).toEqual({ from: 100, to: 100, growthPct: 0 });
  });

  it('measures a slow leak, and fd growth', () => {
    const figures = soakFigures(samples(10, (at) => 100 + at / 20, (at) => 30 + Math.floor(at / 60)), 10);
    expect(figures.rssWindowMb.growthPct).toBeCloseTo(((128.375 - 104.375) / 104.375) * 100, 5);
    expect(figures.fdWindow).toEqual({ from: 31, to: 39, growth: 8 });
  });

  it('refuses a soak too short to have a minute 2 before its last minute', () => {
    expect(() => soakFigures(samples(2, () => 1), 2)).toThrow('at least 3');
  });
});

describe('soakFailures', () => {
  const flat = soakFigures(samples(10, () => 100), 10);

  it('passes a flat soak whose runs all committed or failed cleanly (one in flight at the stop), with a recovery', () => {
    expect(soakFailures(flat, { ...CLEAN_RUNS, started: 301 }, true)).toEqual([]);
    expect(formatSoak(flat, CLEAN_RUNS, [])).toMatch(/runs {11}300 started, 280 committed, 20 failed cleanly \(by code: HTTP_STATUS 20\)\nPASS\n$/);
  });

  it.each<[string, Parameters<typeof soakFailures>, string]>([
    ['RSS growth over 10%', [soakFigures(samples(10, (at) => (at < 540 ? 100 : 111)), 10), CLEAN_RUNS, true], 'RSS grew 11.0% from minute 2 to the last minute (target ≤ 10%)'],
    ['any fd growth', [soakFigures(samples(10, () => 100, (at) => (at < 540 ? 30 : 31)), 10), CLEAN_RUNS, true], 'open file descriptors grew by 1 from minute 2 to the last minute'],
    ['runs that vanished', [flat, { ...CLEAN_RUNS, started: 305 }, true], '305 runs started but 280 finished and 20 failed'],
    ['errors besides run failures', [flat, { ...CLEAN_RUNS, otherErrors: 2 }, true], '2 error log line(s) besides clean run failures'],
    ['faults that never failed a run', [flat, { ...CLEAN_RUNS, finished: 300, failed: 0 }, true], 'no run failed: the injected faults did not reach a run'],
    ['no recovery', [flat, CLEAN_RUNS, false], 'no run completed after the last fault phase'],
  ])('fails on %s', (_, args, message) => {
    expect(soakFailures(...args)).toEqual([message]);
  });
});
