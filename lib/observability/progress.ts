/** Progress on long runs and the end-of-run summary table. */
import { Writable } from 'node:stream';
import type { ResourceSummary } from '../delivery';

const ERASE_LINE = '\r\x1b[2K';

/**
 * The progress of a run on stderr. On a terminal it is one line kept at the bottom: whatever
 * else is written through {@link ProgressDisplay.stream} (the logger) erases it first and
 * redraws it after, so a log line never lands on the end of the progress line. Elsewhere (a
 * file, a log shipper) it is a `progress …` line every 5 s.
 */
export interface ProgressDisplay {
  /** Where logs go while the display is up. */
  readonly stream: NodeJS.WritableStream;
  /** The progress callback of a run. */
  update(summaries: readonly ResourceSummary[]): void;
  /** Shows any progress text (replay's); {@link update} shows a run's. */
  show(text: string): void;
  /** Erases the progress line, so the summary table or an error takes its place. */
  clear(): void;
}

/** @example const progress = progressDisplay(process.stderr, process.stderr.isTTY) */
export function progressDisplay(out: NodeJS.WritableStream, tty: boolean, now: () => number = Date.now): ProgressDisplay {
  let line = '';
  let last = -Infinity;
  const stream = tty
    ? new Writable({
        decodeStrings: false,
        write(chunk: Buffer | string, _encoding, done) {
          out.write(line ? `${ERASE_LINE}${chunk.toString()}${line}` : chunk);
          done();
        },
      })
    : out;
  const display: ProgressDisplay = {
    stream,
    update(summaries) {
      display.show(summaries.map(progressOf).join(' | '));
    },
    show(text) {
      const at = now();
      if (at - last < (tty ? 200 : 5000)) return;
      last = at;
      if (!tty) {
        out.write(`progress ${text}\n`);
        return;
      }
      line = text;
      out.write(`${ERASE_LINE}${line}`);
    },
    clear() {
      if (line) out.write(ERASE_LINE);
      line = '';
      last = -Infinity;
    },
  };
  return display;
}

/**
 * `incidents: 12/30 pages, 1200 records (3400/s, ETA 5s)`; pages and ETA only when the total
 * is known. The rate is as of the last committed page (`durationMs`), so a finished resource
 * keeps its final rate instead of decaying while the others run.
 */
export function progressOf(s: ResourceSummary): string {
  // "1/3 pages" reads as a fraction; a bare count agrees with its noun ("1 page", issue 13).
  const pages = s.expectedPages ? `${s.pages}/${s.expectedPages} pages` : `${s.pages} ${s.pages === 1 ? 'page' : 'pages'}`;
  let eta = '';
  if (s.expectedPages && s.pages > 0 && s.pages < s.expectedPages) {
    eta = `, ETA ${Math.ceil(((s.expectedPages - s.pages) * s.durationMs) / s.pages / 1000)}s`;
  }
  return `${s.resource}: ${pages}, ${s.records} ${s.records === 1 ? 'record' : 'records'} (${rate(s.records, s.durationMs)}/s${eta})`;
}

/** The end-of-run table; a dry run says so above it (the topics are the ones a real run would use). */
export function formatSummary(summaries: readonly ResourceSummary[], dryRun: boolean): string {
  const header = ['resource', 'topic', 'pages', 'records', 'tombstones', 'dead-lettered', 'trimmed', 'duration', 'records/s'];
  const rows = summaries.map((s) => [
    s.resource + (s.resumed ? ' (resumed)' : '') + (s.fullRefresh ? ' (full refresh)' : ''),
    s.topic,
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
  const note = dryRun ? 'dry run: nothing was published\n' : '';
  return `\n${note}${[fmt(header), ...rows.map(fmt)].join('\n')}\n`;
}

function rate(records: number, ms: number): string {
  return ms > 0 ? String(Math.round((records * 1000) / ms)) : '-';
}
