/**
 * The soak's verdict from its samples, pure so a table of made-up samples tests it. Growth is
 * measured between medians of whole minutes, not single samples: RSS and open sockets move with
 * each run (a page buffer, a keep-alive connection), and one sample taken mid-run would read as
 * growth or shrinkage that is not there.
 */

export interface Sample {
  /** Seconds since the run process started. */
  at: number;
  rssMb: number;
  heapUsedMb: number | null;
  fds: number;
}

export interface Span {
  start: number;
  max: number;
  end: number;
}

export interface SoakFigures {
  rssMb: Span;
  heapUsedMb: Span | null;
  fds: Span;
  /** Median RSS of minute 2 (the first minute after warm-up) and of the last minute. */
  rssWindowMb: { from: number; to: number; growthPct: number };
  fdWindow: { from: number; to: number; growth: number };
}

export interface RunCounts {
  started: number;
  finished: number;
  failed: number;
  /** Failed runs by error code, from `rest2kafka_runs_failed_total`. */
  failedByCode: Record<string, number>;
  /** Log lines at error level that are not a run failing cleanly. */
  otherErrors: number;
}

export const TARGETS = { rssGrowthPct: 10, fdGrowth: 0 };

/**
 * Start, max and end of each measure, and the growth from minute 2 to the last minute.
 * Needs samples in both windows (a soak of at least 3 minutes).
 *
 * @example soakFigures(samples, 10).rssWindowMb.growthPct // → 1.8
 */
export function soakFigures(samples: readonly Sample[], minutes: number): SoakFigures {
  if (minutes < 3) throw new Error(`a soak of ${minutes} minute(s) has no minute 2 before its last minute: run at least 3`);
  const span = (values: number[]): Span => ({ start: values[0], max: Math.max(...values), end: values[values.length - 1] });
  const window = (fromMin: number, toMin: number) => samples.filter((s) => s.at >= fromMin * 60 && s.at < toMin * 60);
  const early = window(1, 2);
  const late = window(minutes - 1, minutes);
  if (early.length === 0 || late.length === 0) throw new Error('no samples in minute 2 or in the last minute');
  const rssFrom = median(early.map((s) => s.rssMb));
  const rssTo = median(late.map((s) => s.rssMb));
  const fdFrom = median(early.map((s) => s.fds));
  const fdTo = median(late.map((s) => s.fds));
  const heaps = samples.map((s) => s.heapUsedMb).filter((h): h is number => h !== null);
  return {
    rssMb: span(samples.map((s) => s.rssMb)),
    heapUsedMb: heaps.length > 0 ? span(heaps) : null,
    fds: span(samples.map((s) => s.fds)),
    rssWindowMb: { from: rssFrom, to: rssTo, growthPct: ((rssTo - rssFrom) / rssFrom) * 100 },
    fdWindow: { from: fdFrom, to: fdTo, growth: fdTo - fdFrom },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * What fails the soak: memory or descriptors that grew, a run that neither committed nor failed
 * cleanly (at most the one in flight at the stop may be neither), an error that was not a run
 * failing, and a soak that never failed (its faults did not bite) or never recovered.
 */
export function soakFailures(figures: SoakFigures, runs: RunCounts, recovered: boolean): string[] {
  const failures: string[] = [];
  if (figures.rssWindowMb.growthPct > TARGETS.rssGrowthPct) failures.push(`RSS grew ${figures.rssWindowMb.growthPct.toFixed(1)}% from minute 2 to the last minute (target ≤ ${TARGETS.rssGrowthPct}%)`);
  if (figures.fdWindow.growth > TARGETS.fdGrowth) failures.push(`open file descriptors grew by ${figures.fdWindow.growth} from minute 2 to the last minute`);
  const unaccounted = runs.started - runs.finished - runs.failed;
  if (unaccounted < 0 || unaccounted > 1) failures.push(`${runs.started} runs started but ${runs.finished} finished and ${runs.failed} failed`);
  if (runs.otherErrors > 0) failures.push(`${runs.otherErrors} error log line(s) besides clean run failures`);
  if (runs.failed === 0) failures.push('no run failed: the injected faults did not reach a run');
  if (!recovered) failures.push('no run completed after the last fault phase');
  return failures;
}

/** The report: figures, counts, then PASS or the failures. */
export function formatSoak(figures: SoakFigures, runs: RunCounts, failures: readonly string[]): string {
  const span = (s: Span, unit: string) => `start ${s.start.toFixed(1)}${unit}, max ${s.max.toFixed(1)}${unit}, end ${s.end.toFixed(1)}${unit}`;
  const codes = Object.entries(runs.failedByCode).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  return [
    `RSS            ${span(figures.rssMb, ' MB')}`,
    `RSS growth     ${figures.rssWindowMb.from.toFixed(1)} MB (minute 2) → ${figures.rssWindowMb.to.toFixed(1)} MB (last minute): ${figures.rssWindowMb.growthPct.toFixed(1)}% (target ≤ ${TARGETS.rssGrowthPct}%)`,
    `heap used      ${figures.heapUsedMb ? span(figures.heapUsedMb, ' MB') : 'not sampled (/metrics unreachable)'}`,
    `open fds       start ${figures.fds.start}, max ${figures.fds.max}, end ${figures.fds.end}; minute 2 → last minute ${figures.fdWindow.from} → ${figures.fdWindow.to} (growth ${figures.fdWindow.growth})`,
    `runs           ${runs.started} started, ${runs.finished} committed, ${runs.failed} failed cleanly (by code: ${codes})`,
    failures.length === 0 ? 'PASS' : `FAIL\n${failures.map((f) => `  - ${f}`).join('\n')}`,
    '',
  ].join('\n');
}
