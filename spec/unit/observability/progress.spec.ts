import type { ResourceSummary } from '../../../lib/delivery';
import { formatSummary, progressOf } from '../../../lib/observability/progress';

const summary = (over: Partial<ResourceSummary>): ResourceSummary => ({
  resource: 'incidents', topic: 'incidents', pages: 0, records: 0, tombstones: 0, deadLettered: 0, trimmed: 0,
  resumed: false, fullRefresh: false, startedAt: 0, durationMs: 0, ...over,
});

describe('progress', () => {
  it('shows pages of the known total and an ETA from the rate so far', () => {
    expect(progressOf(summary({ pages: 10, expectedPages: 30, records: 1000 }), 5000)).toBe('incidents: 10/30 pages, 1000 records (200/s, ETA 10s)');
  });

  it('shows no total and no ETA when the API gave no total', () => {
    expect(progressOf(summary({ pages: 3, records: 300 }), 1000)).toBe('incidents: 3 pages, 300 records (300/s)');
  });

  it('prints one summary row per resource with records/s', () => {
    const text = formatSummary([summary({ pages: 10, records: 1000, tombstones: 2, deadLettered: 1, durationMs: 2000, resumed: true })], false);
    const [header, row] = text.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['resource', 'topic', 'pages', 'records', 'tombstones', 'dead-lettered', 'trimmed', 'duration', 'records/s']);
    expect(row.split(/\s{2,}/)).toEqual(['incidents (resumed)', 'incidents', '10', '1000', '2', '1', '0', '2.0s', '500']);
  });
});
