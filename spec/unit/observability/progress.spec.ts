import type { ResourceSummary } from '../../../lib/delivery';
import { createLogger } from '../../../lib/observability/logger';
import { formatSummary, progressDisplay, progressOf } from '../../../lib/observability/progress';

const summary = (over: Partial<ResourceSummary>): ResourceSummary => ({
  resource: 'incidents', topic: 'incidents', pages: 0, records: 0, tombstones: 0, deadLettered: 0, trimmed: 0,
  resumed: false, fullRefresh: false, startedAt: 0, durationMs: 0, ...over,
});

/** A fake stderr: what a terminal would show once \r and erase-line are applied. */
function terminal() {
  let raw = '';
  const out = { write: (chunk: string | Buffer) => ((raw += chunk.toString()), true) } as unknown as NodeJS.WritableStream;
  const screen = () =>
    raw.split('\n').map((line) => {
      let shown = '';
      for (const part of line.split('\r')) shown = part.startsWith('\x1b[2K') ? part.slice(4) : part + shown.slice(part.length);
      return shown;
    });
  return { out, raw: () => raw, screen };
}

describe('progress', () => {
  it('shows pages of the known total and an ETA from the rate as of the last commit', () => {
    expect(progressOf(summary({ pages: 10, expectedPages: 30, records: 1000, durationMs: 5000 }))).toBe('incidents: 10/30 pages, 1000 records (200/s, ETA 10s)');
  });

  it('shows no total and no ETA when the API gave no total', () => {
    expect(progressOf(summary({ pages: 3, records: 300, durationMs: 1000 }))).toBe('incidents: 3 pages, 300 records (300/s)');
    expect(progressOf(summary({ pages: 1, records: 1, durationMs: 1000 }))).toBe('incidents: 1 page, 1 record (1/s)');
  });

  it("regression: a finished resource's rate does not decay while the others run", () => {
    const done = summary({ pages: 30, expectedPages: 30, records: 3000, startedAt: 0, durationMs: 3000 });
    const later = Date.now() + 60_000;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(progressOf(done)).toBe('incidents: 30/30 pages, 3000 records (1000/s)');
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('prints one summary row per resource with records/s', () => {
    const text = formatSummary([summary({ pages: 10, records: 1000, tombstones: 2, deadLettered: 1, durationMs: 2000, resumed: true })], false);
    const [header, row] = text.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['resource', 'topic', 'pages', 'records', 'tombstones', 'dead-lettered', 'trimmed', 'duration', 'records/s']);
    expect(row.split(/\s{2,}/)).toEqual(['incidents (resumed)', 'incidents', '10', '1000', '2', '1', '0', '2.0s', '500']);
  });

  it('regression: a dry run shows the topic it would use, and says above the table that nothing was published', () => {
    const lines = formatSummary([summary({ topic: 'acme.incidents' })], true).trim().split('\n');
    expect(lines[0]).toBe('dry run: nothing was published');
    expect(lines[2].split(/\s{2,}/)[1]).toBe('acme.incidents');
  });
});

describe('progress display on a terminal', () => {
  it('regression: a log line erases the progress line, prints on a line of its own, and the progress is redrawn below it', () => {
    const term = terminal();
    let now = 0;
    const progress = progressDisplay(term.out, true, () => now);
    const logger = createLogger({ format: 'pretty', stream: progress.stream });
    progress.update([summary({ pages: 1, expectedPages: 3, records: 100, durationMs: 1000 })]);
    logger.info('resource complete', { resource: 'services' });
    now = 1000;
    progress.update([summary({ pages: 2, expectedPages: 3, records: 200, durationMs: 2000 })]);
    expect(term.screen()).toEqual(['INFO  resource complete resource=services', 'incidents: 2/3 pages, 200 records (100/s, ETA 1s)']);
  });

  it('regression: clear() erases the progress line, so the summary table replaces it and no stale ETA stays', () => {
    const term = terminal();
    const progress = progressDisplay(term.out, true, () => 0);
    progress.update([summary({ pages: 1, expectedPages: 3, records: 100, durationMs: 1000 })]);
    progress.clear();
    term.out.write(formatSummary([summary({ pages: 3, records: 300, durationMs: 3000 })], false));
    expect(term.screen()[0]).toBe('');
    expect(term.screen().join('\n')).not.toContain('ETA');
  });

  it('writes a "progress" line every 5 s when stderr is not a terminal, and passes logs through untouched', () => {
    const term = terminal();
    let now = 0;
    const progress = progressDisplay(term.out, false, () => now);
    progress.update([summary({ pages: 1, records: 100, durationMs: 1000 })]);
    now = 1000;
    progress.update([summary({ pages: 2, records: 200, durationMs: 2000 })]);
    expect(progress.stream).toBe(term.out);
    expect(term.raw()).toBe('progress incidents: 1 page, 100 records (100/s)\n');
  });
});
