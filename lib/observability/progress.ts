/** Progress on long runs and the end-of-run summary table. */
import type { ResourceSummary } from '../delivery';

/** A progress callback: one rewritten line on a terminal, a line every 5 s otherwise. */
export function progressReporter(stream: NodeJS.WritableStream, tty: boolean): (summaries: readonly ResourceSummary[]) => void {
  let last = 0;
  return (summaries) => {
    const now = Date.now();
    if (now - last < (tty ? 200 : 5000)) return;
    last = now;
    const line = summaries.map((s) => progressOf(s, now)).join(' | ');
    stream.write(tty ? `\r\x1b[2K${line}` : `progress ${line}\n`);
  };
}

/** `incidents: 12/30 pages, 1200 records (3400/s, ETA 5s)`; pages and ETA only when the total is known. */
export function progressOf(s: ResourceSummary, now: number): string {
  const elapsed = now - s.startedAt;
  const pages = s.expectedPages ? `${s.pages}/${s.expectedPages}` : String(s.pages);
  let eta = '';
  if (s.expectedPages && s.pages > 0 && s.pages < s.expectedPages) {
    eta = `, ETA ${Math.ceil(((s.expectedPages - s.pages) * elapsed) / s.pages / 1000)}s`;
  }
  return `${s.resource}: ${pages} pages, ${s.records} records (${rate(s.records, elapsed)}/s${eta})`;
}

export function formatSummary(summaries: readonly ResourceSummary[], dryRun: boolean): string {
  const header = ['resource', 'topic', 'pages', 'records', 'tombstones', 'dead-lettered', 'trimmed', 'duration', 'records/s'];
  const rows = summaries.map((s) => [
    s.resource + (s.resumed ? ' (resumed)' : '') + (s.fullRefresh ? ' (full refresh)' : ''),
    dryRun ? '(dry run)' : s.topic,
    String(s.pages),
    String(s.records),
    String(s.tombstones),
    String(s.deadLettered),
    String(s.trimmed),
    `${(s.durationMs / 1000).toFixed(1)}s`,
    rate(s.records, s.durationMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return `\n${[fmt(header), ...rows.map(fmt)].join('\n')}\n`;
}

function rate(records: number, ms: number): string {
  return ms > 0 ? String(Math.round((records * 1000) / ms)) : '-';
}
