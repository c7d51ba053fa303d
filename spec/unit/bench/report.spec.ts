import { analyse, medianRuns } from '../../../bench/report';
import type { ScenarioResult } from '../../../bench/scenario';

function run(scenario: string, role: ScenarioResult['role'], group: ScenarioResult['group'], recordsPerSecond: number, round?: number, peakRssMb = 200): ScenarioResult {
  return { scenario, role, group, records: 1_000_000, seconds: 1_000_000 / recordsPerSecond, recordsPerSecond, mbPerSecond: null, peakRssMb, cpuSeconds: null, simCpuSeconds: null, load1Before: 0, load1After: 0, notes: [], extra: {}, ...(round === undefined ? {} : { round }) };
}

describe('bench analysis', () => {
  it('takes each scenario median run, in first-run order', () => {
    const runs = [run('a', 'ceiling', 'any', 10, 1), run('b', 'pipeline', '0ms', 5, 1), run('a', 'ceiling', 'any', 30, 2), run('b', 'pipeline', '0ms', 7, 2), run('a', 'ceiling', 'any', 20, 3), run('b', 'pipeline', '0ms', 6, 3)];
    expect(medianRuns(runs).map((r) => [r.scenario, r.recordsPerSecond])).toEqual([
      ['a', 20],
      ['b', 6],
    ]);
  });

  it('judges the 0 ms target by the median of the per-round ratios against that round’s lowest ceiling', () => {
    const runs = [
      ...[
        [50, 140, 30],
        [60, 130, 33],
        [40, 120, 30],
      ].flatMap(([kafkajs, kcat, pipeline], i) => [run('produce-kafkajs', 'ceiling', 'any', kafkajs, i + 1), run('produce-kcat', 'ceiling', 'any', kcat, i + 1), run('pipeline-0ms', 'pipeline', '0ms', pipeline, i + 1)]),
    ];
    const analysis = analyse(runs, 1);
    const ratio = analysis.ratios.find((r) => r.scenario === 'pipeline-0ms')!;
    expect(ratio.perRound).toEqual([30 / 50, 33 / 60, 30 / 40]);
    // Median runs: 30/s over the median kafkajs ceiling 50/s.
    expect(ratio.ofLowestCeiling).toBeCloseTo(0.6);
    const target = analysis.targets.find((t) => t.target.startsWith('0 ms'))!;
    expect(target.met).toBe(true);
    expect(target.value).toMatch(/^median of 3 rounds 60\.0%/);
  });

  it('judges peak RSS by the worst run, not the median one', () => {
    const runs = [run('pipeline-0ms', 'pipeline', '0ms', 30, 1, 240), run('pipeline-0ms', 'pipeline', '0ms', 31, 2, 262), run('pipeline-0ms', 'pipeline', '0ms', 32, 3, 230)];
    const rss = analyse(runs, 1).targets.find((t) => t.target.startsWith('pipeline-0ms: peak RSS'))!;
    expect(rss).toMatchObject({ value: '262 MB', met: false });
  });

  it('without rounds, judges the single runs as they are', () => {
    const analysis = analyse([run('produce-kafkajs', 'ceiling', 'any', 50), run('pipeline-0ms', 'pipeline', '0ms', 29)], 1);
    expect(analysis.ratios[0].perRound).toBeUndefined();
    expect(analysis.targets.find((t) => t.target.startsWith('0 ms'))).toMatchObject({ value: '58.0% of produce-kafkajs', met: false });
  });
});
