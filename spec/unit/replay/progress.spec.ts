import { formatReplaySummary, replayProgressText } from '../../../lib/replay/progress';

it('shows the pass, records, share of offsets, rate and ETA', () => {
  expect(replayProgressText('incidents', { phase: 'keys', records: 400, position: 500, total: 1000 }, 2000)).toBe('incidents: pass 1/2 keys, 400 records, 50% (200/s, ETA 2s)');
  expect(replayProgressText('incidents', { phase: 'values', records: 1000, position: 1000, total: 1000 }, 1000)).toBe('incidents: pass 2/2 values, 1000 records, 100% (1000/s)');
});

it('the summary is one row per resource under a header', () => {
  const text = formatReplaySummary([{ name: 'incidents', topic: 't.incidents', target: 'jsonl', records: 1200, liveKeys: 997, tombstonedKeys: 3, written: 997, durationMs: 2000 }]);
  expect(text.split('\n').filter(Boolean)).toEqual([
    'resource   topic        target  records read  live keys  tombstoned keys  written  duration  records/s',
    'incidents  t.incidents  jsonl   1200          997        3                997      2.0s      600',
  ]);
});
