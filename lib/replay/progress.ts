/** Replay's progress line and end summary, in the style of `run`'s (observability/progress.ts). */
import type { ReplayProgress } from './replay-topic';

const PHASES = { keys: 'pass 1/2 keys', values: 'pass 2/2 values' } as const;

/**
 * `incidents: pass 1/2 keys, 420000 records, 42% (210000/s, ETA 3s)`. The share and ETA are
 * of offsets, the one total known before reading (transaction markers take offsets too).
 *
 * @example replayProgressText('incidents', progress, 2000)
 */
export function replayProgressText(name: string, p: ReplayProgress, elapsedMs: number): string {
  const share = p.total > 0 ? Math.floor((p.position * 100) / p.total) : 100;
  const rate = elapsedMs > 0 ? Math.round((p.records * 1000) / elapsedMs) : 0;
  const eta = p.position > 0 && p.position < p.total ? `, ETA ${Math.ceil(((p.total - p.position) * elapsedMs) / p.position / 1000)}s` : '';
  return `${name}: ${PHASES[p.phase]}, ${p.records} records, ${share}% (${rate}/s${eta})`;
}

export interface ReplaySummaryRow {
  name: string;
  topic: string;
  /** `jsonl`, `duckdb (full)`, `duckdb (refresh)`. */
  target: string;
  records: number;
  liveKeys: number;
  tombstonedKeys: number;
  written: number;
  durationMs: number;
}

/** The end-of-replay table, on stderr like `run`'s. */
export function formatReplaySummary(rows: readonly ReplaySummaryRow[]): string {
  const header = ['resource', 'topic', 'target', 'records read', 'live keys', 'tombstoned keys', 'written', 'duration', 'records/s'];
  const cells = rows.map((r) => [
    r.name,
    r.topic,
    r.target,
    String(r.records),
    String(r.liveKeys),
    String(r.tombstonedKeys),
    String(r.written),
    `${(r.durationMs / 1000).toFixed(1)}s`,
    r.durationMs > 0 ? String(Math.round((r.records * 1000) / r.durationMs)) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (line: string[]) => line.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `\n${[fmt(header), ...cells.map(fmt)].join('\n')}\n`;
}
