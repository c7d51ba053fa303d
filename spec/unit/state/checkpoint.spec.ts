import { advance, beginRun, canResume, complete, emptyState } from '../../../lib/state/checkpoint';

const request = (offset: number) => ({ method: 'GET' as const, url: 'http://api/v1/incidents', params: { offset: String(offset), limit: '100' }, headers: {} });
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('state checkpoints', () => {
  const begun = beginRun(emptyState('demo', 'incidents'), {
    id: 'run-1', now: t(0), fullRefresh: false, fingerprint: 'fp', startValue: '2024-01-01', incremental: { last_value: null }, snapshotOffsets: null, startOffsets: { '0': '42' },
  });

  it('advances page by page, keeping the resume point and counts', () => {
    const one = advance(begun, { now: t(1), resume: request(100), nextIndex: 1, records: 100, incremental: { last_value: 'a' }, deadLetteredKeys: [] });
    const two = advance(one, { now: t(2), resume: request(200), nextIndex: 2, records: 50, incremental: { last_value: 'b' }, deadLetteredKeys: ['k'] });
    expect(two.run).toMatchObject({ resume: request(200), next_index: 2, pages: 2, records: 150, incremental: { last_value: 'b' } });
    // Dead-lettered keys are only remembered for full refreshes (they must not be tombstoned).
    expect(two.run!.dead_lettered_keys).toEqual([]);
    // The committed cursor does not move until the run completes.
    expect(two.incremental).toBeNull();
    // Where the run began writing stays for the whole run: a restart reads back from there.
    expect(two.run!.start_offsets).toEqual({ '0': '42' });
  });

  it('promotes the running cursor only on completion', () => {
    const one = advance(begun, { now: t(1), resume: null, nextIndex: 1, records: 3, incremental: { last_value: 'z' }, deadLetteredKeys: [] });
    const done = complete(one, t(2));
    expect(done.run).toBeNull();
    expect(done.incremental).toEqual({ last_value: 'z' });
    expect(done.last_completed_run).toMatchObject({ id: 'run-1', pages: 1, records: 3, full_refresh: false });
  });

  it('remembers dead-lettered keys during a full refresh', () => {
    const full = beginRun(emptyState('demo', 'incidents'), { id: 'r', now: t(0), fullRefresh: true, fingerprint: 'fp', startValue: null, incremental: null, snapshotOffsets: { '0': '10' }, startOffsets: { '0': '10' } });
    const one = advance(full, { now: t(1), resume: null, nextIndex: 1, records: 1, incremental: null, deadLetteredKeys: ['INC1'] });
    expect(one.run!.dead_lettered_keys).toEqual(['INC1']);
  });

  it.each([
    [false, 'fp', true],
    [true, 'fp', false],
    [false, 'other', false],
  ])('resumes only the same kind of run with the same config (fullRefresh=%s, fingerprint=%s)', (fullRefresh, fingerprint, expected) => {
    expect(canResume(begun, fullRefresh, fingerprint)).toBe(expected);
    expect(canResume(emptyState('demo', 'incidents'), false, 'fp')).toBe(false);
  });
});
