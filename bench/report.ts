/** The table, the ratios against the ceilings, and the issue's targets. */
import { comparisonTargets } from './comparisons';
import { pct, type ScenarioResult } from './scenario';

export interface Ratio {
  scenario: string;
  /** records/s over the lowest ceiling of its latency (fetch at that latency, the produce ceilings). */
  ofLowestCeiling: number | null;
  lowestCeiling: string | null;
  /** With `--repeat`: the same ratio within each round, against that round's ceilings. */
  perRound?: number[];
}

export interface Target {
  target: string;
  value: string;
  met: boolean | null;
}

export interface Analysis {
  ratios: Ratio[];
  /** Concurrency 8 over sequential, by wall clock of the process. */
  speedup: Record<string, number>;
  /** The same from the runs' own durations (start-up, connecting and the final wait excluded). */
  speedupRunReported: Record<string, number>;
  targets: Target[];
}

const byId = (results: readonly ScenarioResult[], id: string) => results.find((r) => r.scenario === id);

/** Each scenario's median run by records/s (the upper middle one of an even count), in first-run order. */
export function medianRuns(runs: readonly ScenarioResult[]): ScenarioResult[] {
  const byScenario = new Map<string, ScenarioResult[]>();
  for (const r of runs) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  return [...byScenario.values()].map((all) => [...all].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond)[Math.floor(all.length / 2)]);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function lowestCeiling(results: readonly ScenarioResult[], group: string): ScenarioResult | null {
  return results.filter((r) => r.role === 'ceiling' && (r.group === group || r.group === 'any')).reduce<ScenarioResult | null>((low, r) => (low === null || r.recordsPerSecond < low.recordsPerSecond ? r : low), null);
}

/**
 * Ratios, speed-ups and targets from every run: each scenario's median run, except peak RSS,
 * which is judged by its worst run. With several rounds, the 0 ms target takes the median of
 * the per-round ratios: a ceiling and a pipeline measured minutes apart share the machine's
 * drift, which a ratio of medians from different rounds would not cancel.
 */
export function analyse(runs: readonly ScenarioResult[], scale: number): Analysis {
  const results = medianRuns(runs);
  const rounds = [...new Set(runs.flatMap((r) => (r.round === undefined ? [] : [r.round])))];
  const ratios = results
    .filter((r) => r.role !== 'ceiling' && (r.group === '0ms' || r.group === '50ms'))
    .map((r): Ratio => {
      const low = lowestCeiling(results, r.group);
      const ratio: Ratio = { scenario: r.scenario, ofLowestCeiling: low ? r.recordsPerSecond / low.recordsPerSecond : null, lowestCeiling: low?.scenario ?? null };
      if (rounds.length > 1) {
        ratio.perRound = rounds.flatMap((round) => {
          const inRound = runs.filter((x) => x.round === round);
          const own = byId(inRound, r.scenario);
          const ceiling = lowestCeiling(inRound, r.group);
          return own && ceiling ? [own.recordsPerSecond / ceiling.recordsPerSecond] : [];
        });
      }
      return ratio;
    });
  const speedup: Record<string, number> = {};
  const speedupRunReported: Record<string, number> = {};
  for (const latency of ['0ms', '50ms']) {
    const c8 = byId(results, `pipeline-${latency}`);
    const c1 = byId(results, `sequential-${latency}`);
    if (c8 && c1) speedup[latency] = c8.recordsPerSecond / c1.recordsPerSecond;
    const own = (r?: ScenarioResult) => (r?.extra.summary as { seconds?: number } | undefined)?.seconds;
    const [s8, s1] = [own(c8), own(c1)];
    if (s8 && s1) speedupRunReported[latency] = s1 / s8;
  }
  const targets: Target[] = [];
  const r0 = ratios.find((r) => r.scenario === 'pipeline-0ms');
  if (r0?.perRound?.length) {
    const m = median(r0.perRound);
    targets.push({ target: '0 ms: pipeline ≥ 60% of the lowest ceiling', value: `median of ${r0.perRound.length} rounds ${pct(m)} (rounds: ${r0.perRound.map(pct).join(', ')})`, met: m >= 0.6 });
  } else if (r0?.ofLowestCeiling != null) {
    targets.push({ target: '0 ms: pipeline ≥ 60% of the lowest ceiling', value: `${pct(r0.ofLowestCeiling)} of ${r0.lowestCeiling}`, met: r0.ofLowestCeiling >= 0.6 });
  }
  if (speedup['50ms'] !== undefined) targets.push({ target: '50 ms: concurrency 8 ≥ 6× sequential', value: `${speedup['50ms'].toFixed(2)}× (run-reported durations: ${speedupRunReported['50ms']?.toFixed(2) ?? '?'}×)`, met: speedup['50ms'] >= 6 });
  for (const id of ['pipeline-0ms', 'sequential-0ms', 'pipeline-50ms', 'sequential-50ms']) {
    const r = runs.filter((x) => x.scenario === id && x.peakRssMb !== null).reduce<ScenarioResult | undefined>((worst, x) => (worst && worst.peakRssMb! >= x.peakRssMb! ? worst : x), undefined);
    if (r?.peakRssMb == null) continue;
    // The target is for 1,000,000 records; a scaled-down run says less about it.
    targets.push({ target: `${id}: peak RSS ≤ 256 MB${r.records < 1_000_000 ? ` (only ${r.records} records)` : ''}`, value: `${r.peakRssMb.toFixed(0)} MB`, met: r.peakRssMb <= 256 });
  }
  const limited = byId(results, 'ratelimit-960')?.extra.rateLimit as { ofAllowance: number; ofNominal: number; share429: number } | undefined;
  if (limited) {
    targets.push({
      target: 'rate limit: ≥ 90% of the allowed request rate, ≤ 1% answered 429',
      value: `${pct(limited.ofAllowance)} of allowance (${pct(limited.ofNominal)} of the nominal rate), ${pct(limited.share429)} 429s`,
      met: limited.ofAllowance >= 0.9 && limited.share429 <= 0.01,
    });
  }
  targets.push(...comparisonTargets(results, runs));
  if (scale !== 1) targets.push({ target: `scale ${scale}: counts are not the issue's`, value: '', met: null });
  return { ratios, speedup, speedupRunReported, targets };
}

export function formatTable(results: readonly ScenarioResult[], failures: readonly { scenario: string; error: string }[], skipped: readonly { scenario: string; reason: string }[] = []): string {
  const header = ['scenario', 'records', 'seconds', 'records/s', 'MB/s', 'peak RSS MB', 'CPU s', 'sim CPU s', 'load', 'notes'];
  const num = (x: number | null, digits = 0) => (x === null ? '-' : x.toFixed(digits));
  const rows = results.map((r) => [
    r.round === undefined ? r.scenario : `${r.scenario} #${r.round}`,
    String(r.records),
    num(r.seconds, 1),
    num(r.recordsPerSecond),
    num(r.mbPerSecond, 1),
    num(r.peakRssMb),
    num(r.cpuSeconds, 1),
    num(r.simCpuSeconds, 1),
    `${r.load1Before.toFixed(1)}→${r.load1After.toFixed(1)}`,
    r.notes.join('; '),
  ]);
  for (const f of failures) rows.push([f.scenario, '-', '-', '-', '-', '-', '-', '-', '-', `FAILED: ${f.error.split('\n')[0]}`]);
  for (const s of skipped) rows.push([s.scenario, '-', '-', '-', '-', '-', '-', '-', '-', `SKIPPED: ${s.reason}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === header.length - 1 ? 0 : r[i].length))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === cells.length - 1 ? c : i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => '-'.repeat(i === header.length - 1 ? 7 : w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function formatAnalysis(analysis: Analysis): string {
  const lines: string[] = [];
  for (const r of analysis.ratios) {
    if (r.ofLowestCeiling === null) continue;
    const rounds = r.perRound ? `; per round: ${r.perRound.map(pct).join(', ')}` : '';
    lines.push(`${r.scenario}: ${pct(r.ofLowestCeiling)} of the lowest ceiling (${r.lowestCeiling}${r.perRound ? ', median runs' : ''})${rounds}`);
  }
  for (const [latency, x] of Object.entries(analysis.speedup)) {
    const own = analysis.speedupRunReported[latency];
    lines.push(`${latency}: concurrency 8 / sequential = ${x.toFixed(2)}× by wall clock${own ? `, ${own.toFixed(2)}× by the runs' own durations` : ''}`);
  }
  for (const t of analysis.targets) lines.push(`${t.met === null ? '  ' : t.met ? 'ok' : 'NO'}  ${t.target}${t.value ? `: ${t.value}` : ''}`);
  return lines.join('\n');
}
