import { comparisonTargets } from '../../../bench/comparisons';
import { analyse } from '../../../bench/report';
import type { ScenarioResult } from '../../../bench/scenario';

function run(scenario: string, seconds: number, extra: Record<string, unknown> = {}, peakRssMb: number | null = 150, records = 100_000): ScenarioResult {
  return { scenario, role: 'pipeline', group: 'shapes', records, seconds, recordsPerSecond: records / seconds, mbPerSecond: null, peakRssMb, cpuSeconds: null, simCpuSeconds: null, load1Before: 0, load1After: 0, notes: [], extra };
}

const target = (targets: ReturnType<typeof comparisonTargets>, start: string) => targets.find((t) => t.target.startsWith(start));

describe('bench comparison targets', () => {
  it('judges fan-out against sequential (≥ 6×) and dlt (≥ 5×), and the seed shape against dlt (≥ 10×)', () => {
    const results = [run('fanout-50ms', 10), run('fanout-50ms-sequential', 61), run('dlt-fanout-50ms', 49), run('seed-50ms', 10), run('dlt-seed-50ms', 99)];
    const targets = comparisonTargets(results, results);
    expect(target(targets, 'fan-out at 50 ms: ≥ 6×')).toMatchObject({ value: '6.10× (fanout-50ms 10000/s, fanout-50ms-sequential 1639/s)', met: true });
    expect(target(targets, 'fan-out at 50 ms: ≥ 5× dlt')).toMatchObject({ met: false });
    expect(target(targets, 'seed shape')).toMatchObject({ met: false });
    expect(target(targets, 'seed shape')!.value).toMatch(/^9\.90×/);
  });

  it('allows a bare 429 1.5× the fault-free wall clock plus its Retry-After, and shows the run-reported durations beside it', () => {
    const ok = comparisonTargets([run('seed-50ms', 10, { runSeconds: 8 }), run('429-bare', 16, { runSeconds: 13, retryAfterSeconds: 1 })], []);
    expect(target(ok, 'one bare 429')).toMatchObject({
      target: 'one bare 429: ≤ 1.5× the fault-free run + its Retry-After (1 s)',
      value: '16.0 s vs seed-50ms 10.0 s = 1.60×, bound 16.0 s; run-reported 13.0 s vs 8.0 s = 1.63×, bound 13.0 s',
      met: true,
    });
    const slow = comparisonTargets([run('seed-50ms', 10), run('429-bare', 16.1, { retryAfterSeconds: 1 })], []);
    expect(target(slow, 'one bare 429')?.met).toBe(false);
  });

  it('says which side of a comparison did not run instead of judging it', () => {
    const targets = comparisonTargets([run('seed-50ms', 10)], []);
    expect(target(targets, 'seed shape')).toEqual({ target: expect.any(String), value: 'not measured: dlt-seed-50ms did not run (skipped or failed; see the table)', met: null });
    expect(target(targets, 'one bare 429')).toMatchObject({ value: expect.stringMatching(/^not measured: 429-bare/), met: null });
    expect(target(targets, 'fan-out')).toBeUndefined();
  });

  it('judges fan-out memory by the worst run and says when the run had fewer than 100,000 parents', () => {
    const runs = [run('fanout-100k-0ms', 100, { incidents: 100_000 }, 230), run('fanout-100k-0ms', 100, { incidents: 100_000 }, 270), run('fanout-100k-0ms', 100, { incidents: 100_000 }, 240)];
    expect(target(comparisonTargets([runs[0]], runs), 'fanout-100k-0ms')).toMatchObject({ target: 'fanout-100k-0ms: peak RSS ≤ 256 MB in fan-out', value: '270 MB (100000 records)', met: false });
    const small = run('fanout-100k-0ms', 10, { incidents: 5_000 }, 198);
    expect(target(comparisonTargets([small], [small]), 'fanout-100k-0ms')).toMatchObject({ target: 'fanout-100k-0ms: peak RSS ≤ 256 MB in fan-out (only 5000 parents)', met: true });
  });

  it('is part of the analysis, on the median runs', () => {
    const runs = [run('fanout-50ms', 12), run('fanout-50ms', 10), run('fanout-50ms', 11), run('fanout-50ms-sequential', 70)].map((r, i) => ({ ...r, round: i < 3 ? i + 1 : 1 }));
    expect(target(analyse(runs, 1).targets, 'fan-out at 50 ms: ≥ 6×')).toMatchObject({ value: expect.stringMatching(/^6\.36×/), met: true });
  });
});
