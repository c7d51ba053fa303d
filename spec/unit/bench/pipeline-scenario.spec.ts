import { parseSummary, statusDelta } from '../../../bench/pipeline-scenario';
import type { ResourceSummary } from '../../../lib/delivery';
import { formatSummary } from '../../../lib/observability/progress';
import type { SimulatorStats } from '../../../lib/simulator';

function row(resource: string, records: number, durationMs: number, more: Partial<ResourceSummary> = {}): ResourceSummary {
  return { resource, topic: `bench.${resource}`, pages: Math.ceil(records / 100), records, tombstones: 0, deadLettered: 0, trimmed: 0, resumed: false, fullRefresh: false, startedAt: 0, durationMs, ...more };
}

describe('parseSummary', () => {
  it('reads every resource of the last summary table, whatever the width of the names', () => {
    const first = formatSummary([row('incidents', 1, 1000)], false);
    const last = formatSummary([row('incidents', 2000, 1500), row('log_entries', 127482, 17_250, { deadLettered: 3, resumed: true })], false);
    const stderr = `{"level":30,"msg":"run started"}\n${first}{"level":30,"msg":"again"}\n${last}`;
    const rows = parseSummary(stderr);
    expect([...rows.keys()]).toEqual(['incidents', 'log_entries']);
    expect(rows.get('incidents')).toEqual({ pages: 20, records: 2000, deadLettered: 0, seconds: 1.5 });
    expect(rows.get('log_entries')).toEqual({ pages: 1275, records: 127482, deadLettered: 3, seconds: 17.3 });
  });

  it('finds nothing in a run that printed no summary', () => {
    expect(parseSummary('{"level":50,"msg":"broker unreachable"}\n').size).toBe(0);
  });
});

describe('statusDelta', () => {
  const stats = (byPath: SimulatorStats['byPath']): SimulatorStats => ({ requests: 0, dataRequests: 0, byPath, faults: {} });

  it('adds up the answers of every endpoint since the snapshot before the run', () => {
    const before = stats({ '/v1/incidents': { 200: 10, 429: 1 } });
    const after = stats({ '/v1/incidents': { 200: 30, 429: 2 }, '/v1/services': { 200: 1 }, '/v1/incidents/{id}/log_entries': { 200: 40, 404: 0 } });
    expect(statusDelta(before, after)).toEqual({ 200: 61, 429: 1 });
  });
});
