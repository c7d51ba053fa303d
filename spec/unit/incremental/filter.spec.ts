import type { IncrementalConfig } from '../../../lib/config/types';
import { ResponseError } from '../../../lib/errors';
import { createIncrementalFilter } from '../../../lib/incremental/filter';
import { recordHash } from '../../../lib/incremental/record-hash';
import type { IncrementalState } from '../../../lib/incremental/types';

type Rec = { id: number; t?: unknown; [k: string]: unknown };
const recs = (...pairs: [number, unknown][]): Rec[] => pairs.map(([id, t]) => ({ id, t }));
const ids = (records: readonly Rec[]): number[] => records.map((r) => r.id);
const cfg = (extra: Partial<IncrementalConfig> = {}): IncrementalConfig => ({ cursor_path: 't', ...extra });

describe('createIncrementalFilter: record rules', () => {
  it.each<[string, Partial<IncrementalConfig>, Rec[], number[]]>([
    ['drops below start, keeps equal (closed) and above', { initial_value: 10 }, recs([1, 5], [2, 10], [3, 12], [4, 11]), [2, 3, 4]],
    ['no initial value keeps everything', {}, recs([1, 5], [2, 1], [3, 7]), [1, 2, 3]],
    ['range_start open drops cursor == start', { initial_value: 10, range_start: 'open' }, recs([1, 10], [2, 11]), [2]],
    ['end_value with range_end open drops cursor == end', { initial_value: 10, end_value: 20 }, recs([1, 9], [2, 10], [3, 15], [4, 20], [5, 25]), [2, 3]],
    ['end_value with range_end closed keeps cursor == end', { initial_value: 10, end_value: 20, range_end: 'closed' }, recs([3, 15], [4, 20], [5, 25]), [3, 4]],
    ['min mirrors every comparison', { initial_value: 100, last_value_func: 'min' }, recs([1, 150], [2, 100], [3, 90], [4, 80]), [2, 3, 4]],
    ['min with end_value', { initial_value: 100, end_value: 50, last_value_func: 'min' }, recs([1, 100], [2, 60], [3, 50], [4, 40]), [1, 2]],
    ['ISO strings compare lexicographically', { initial_value: '2024-01-02T00:00:00Z' }, recs([1, '2024-01-01T23:59:59Z'], [2, '2024-01-02T00:00:00Z'], [3, '2024-01-10T00:00:00Z']), [2, 3]],
    ['on_cursor_value_missing include keeps null and absent cursors', { initial_value: 10, on_cursor_value_missing: 'include' }, [{ id: 1 }, { id: 2, t: null }, { id: 3, t: 5 }], [1, 2]],
    ['on_cursor_value_missing exclude drops them', { initial_value: 10, on_cursor_value_missing: 'exclude' }, [{ id: 1 }, { id: 2, t: null }, { id: 3, t: 11 }], [3]],
  ])('%s', (_name, extra, records, expected) => {
    const filter = createIncrementalFilter(cfg(extra), null, ['id']);
    expect(ids(filter.filterPage(records).kept)).toEqual(expected);
  });

  it('an included record without a cursor does not move last_value', () => {
    const filter = createIncrementalFilter(cfg({ initial_value: 10, on_cursor_value_missing: 'include' }), null, ['id']);
    filter.filterPage([{ id: 1 }]);
    expect(filter.state().last_value).toBe(10);
  });

  it.each<[string, Rec, RegExp]>([
    ['absent', { id: 1 }, /cursor "t" is missing from a record/],
    ['null', { id: 1, t: null }, /cursor "t" is null in a record/],
  ])('raises by default on a %s cursor, naming resource and cursor', (_name, record, message) => {
    const filter = createIncrementalFilter(cfg({ initial_value: 1 }), null, ['id'], { resource: 'posts' });
    expect(() => filter.filterPage([record])).toThrow(ResponseError);
    expect(() => filter.filterPage([record])).toThrow(message);
    expect(() => filter.filterPage([record])).toThrow(/"posts"/);
  });

  it('raises on mixed cursor types', () => {
    const filter = createIncrementalFilter(cfg({ initial_value: '2024-01-01' }), null, ['id']);
    expect(() => filter.filterPage(recs([1, 5]))).toThrow(/cannot be compared/);
  });

  it('reads dotted and indexed cursor paths', () => {
    const filter = createIncrementalFilter({ cursor_path: 'meta.versions[0].at', initial_value: 5 }, null, ['id']);
    const records = [
      { id: 1, meta: { versions: [{ at: 4 }] } },
      { id: 2, meta: { versions: [{ at: 6 }] } },
    ];
    expect(filter.filterPage(records).kept.map((r) => r.id)).toEqual([2]);
    expect(filter.state().last_value).toBe(6);
  });
});

describe('createIncrementalFilter: closed-start deduplication across runs', () => {
  const run = (state: IncrementalState | null, records: Rec[], primaryKey: string[] = ['id'], extra: Partial<IncrementalConfig> = {}) => {
    const filter = createIncrementalFilter(cfg({ initial_value: 0, ...extra }), state, primaryKey);
    const kept = filter.filterPage(records).kept;
    return { kept: ids(kept), state: filter.state() };
  };

  it('drops boundary records loaded by the previous run, keeps new ones at the boundary', () => {
    const first = run(null, recs([1, 1], [2, 2], [3, 2]));
    expect(first.kept).toEqual([1, 2, 3]);
    expect(first.state.last_value).toBe(2);
    expect(new Set(first.state.unique_hashes)).toEqual(new Set([recordHash({ id: 2 }, ['id']), recordHash({ id: 3 }, ['id'])]));

    const second = run(first.state, recs([1, 1], [2, 2], [3, 2], [4, 2], [5, 3]));
    expect(second.kept).toEqual([4, 5]);
    expect(second.state).toEqual({ initial_value: 0, last_value: 3, unique_hashes: [recordHash({ id: 5 }, ['id'])] });
  });

  it('accumulates boundary hashes while last_value stays put', () => {
    const first = run(null, recs([2, 2], [3, 2]));
    const second = run(first.state, recs([2, 2], [3, 2], [4, 2]));
    expect(second.kept).toEqual([4]);
    expect(new Set(second.state.unique_hashes)).toEqual(new Set([2, 3, 4].map((id) => recordHash({ id }, ['id']))));
    expect(run(second.state, recs([2, 2], [3, 2], [4, 2])).kept).toEqual([]);
  });

  it('hashes the whole record when the resource has no primary key', () => {
    const first = run(null, [{ id: 1, t: 2, v: 'a' }], []);
    expect(run(first.state, [{ id: 1, t: 2, v: 'a' }, { id: 1, t: 2, v: 'changed' }], []).kept).toEqual([1]);
    expect(first.state.unique_hashes).toEqual([recordHash({ id: 1, t: 2, v: 'a' }, [])]);
  });

  it('incremental.primary_key overrides the resource key', () => {
    const first = run(null, [{ id: 1, t: 2, k: 'x' }], ['id'], { primary_key: 'k' });
    expect(first.state.unique_hashes).toEqual([recordHash({ k: 'x' }, ['k'])]);
    expect(run(first.state, [{ id: 9, t: 2, k: 'x' }], ['id'], { primary_key: 'k' }).kept).toEqual([]);
  });

  it.each<[string, Partial<IncrementalConfig>]>([
    ['primary_key []', { primary_key: [] }],
    ['range_start open', { range_start: 'open' }],
    ['lag', { lag: 1 }],
  ])('%s disables deduplication (no hashes kept)', (_name, extra) => {
    const first = run(null, recs([1, 2], [2, 2]), ['id'], extra);
    expect(first.state.unique_hashes).toEqual([]);
  });

  it('with dedup disabled by primary_key [], boundary records come again', () => {
    const first = run(null, recs([1, 2]), ['id'], { primary_key: [] });
    expect(run(first.state, recs([1, 2]), ['id'], { primary_key: [] }).kept).toEqual([1]);
  });
});

describe('createIncrementalFilter: state after each page', () => {
  it('covers exactly the pages filtered so far', () => {
    const filter = createIncrementalFilter(cfg({ initial_value: 0 }), null, ['id']);
    expect(filter.state()).toEqual({ initial_value: 0, last_value: 0, unique_hashes: [] });

    filter.filterPage(recs([1, 5], [2, 7]));
    expect(filter.state()).toEqual({ initial_value: 0, last_value: 7, unique_hashes: [recordHash({ id: 2 }, ['id'])] });

    filter.filterPage(recs([3, 6], [4, 7]));
    const afterTwo = filter.state();
    expect(afterTwo.last_value).toBe(7);
    expect(new Set(afterTwo.unique_hashes)).toEqual(new Set([2, 4].map((id) => recordHash({ id }, ['id']))));

    filter.filterPage(recs([5, 9]));
    expect(filter.state()).toEqual({ initial_value: 0, last_value: 9, unique_hashes: [recordHash({ id: 5 }, ['id'])] });
  });

  it('hands out copies: mutating a returned state changes nothing', () => {
    const filter = createIncrementalFilter(cfg({ initial_value: 0 }), null, ['id']);
    filter.filterPage(recs([1, 5]));
    filter.state().unique_hashes.push('x');
    expect(filter.state().unique_hashes).toEqual([recordHash({ id: 1 }, ['id'])]);
  });

  it('keeps the stored initial_value once state exists', () => {
    const filter = createIncrementalFilter(cfg({ initial_value: 99 }), { initial_value: 1, last_value: 5, unique_hashes: [] }, ['id']);
    expect(filter.startValue).toBe(5);
    expect(filter.state().initial_value).toBe(1);
  });

  it('with lag, re-reads the window but never moves last_value back', () => {
    const stored: IncrementalState = { initial_value: 0, last_value: 40, unique_hashes: [] };
    const filter = createIncrementalFilter(cfg({ initial_value: 0, lag: 5 }), stored, ['id']);
    expect(filter.startValue).toBe(35);
    expect(ids(filter.filterPage(recs([1, 34], [2, 36], [3, 40])).kept)).toEqual([2, 3]);
    expect(filter.state().last_value).toBe(40);
    filter.filterPage(recs([4, 45]));
    expect(filter.state().last_value).toBe(45);
  });

  it('is stateless with end_value: stored state ignored, flag set', () => {
    const stored: IncrementalState = { initial_value: 0, last_value: 40, unique_hashes: ['h'] };
    const filter = createIncrementalFilter(cfg({ initial_value: 10, end_value: 20 }), stored, ['id']);
    expect(filter.stateless).toBe(true);
    expect(filter.startValue).toBe(10);
    expect(ids(filter.filterPage(recs([1, 10], [2, 15])).kept)).toEqual([1, 2]);
    expect(filter.state().unique_hashes).toEqual([]);
  });

  it('exposes values for placeholders, last_value live', () => {
    const filter = createIncrementalFilter(cfg({ initial_value: 1, end_value: 100 }), null, ['id']);
    filter.filterPage(recs([1, 5]));
    expect(filter.values()).toEqual({ initial_value: 1, start_value: 1, last_value: 5, end_value: 100 });
  });
});

describe('createIncrementalFilter: row_order early stop', () => {
  it.each<[string, Partial<IncrementalConfig>, Rec[][], boolean[], number[][]]>([
    ['asc stops on the page reaching end_value, after processing it', { initial_value: 10, end_value: 20, row_order: 'asc' },
      [recs([1, 10], [2, 15]), recs([3, 18], [4, 21], [5, 19])], [false, true], [[1, 2], [3, 5]]],
    ['desc stops on the page going below start', { initial_value: 10, row_order: 'desc' },
      [recs([1, 30], [2, 20]), recs([3, 12], [4, 5], [5, 11])], [false, true], [[1, 2], [3, 5]]],
    ['asc does not stop on records below start', { initial_value: 10, row_order: 'asc' },
      [recs([1, 5], [2, 15])], [false], [[2]]],
    ['no row_order never stops', { initial_value: 10, end_value: 20 },
      [recs([1, 25], [2, 5])], [false], [[]]],
    ['min + desc stops at end_value (desc is ascending for min)', { initial_value: 100, end_value: 50, last_value_func: 'min', row_order: 'desc' },
      [recs([1, 90], [2, 40])], [true], [[1]]],
    ['min + asc stops past start', { initial_value: 100, last_value_func: 'min', row_order: 'asc' },
      [recs([1, 90], [2, 120])], [true], [[1]]],
  ])('%s', (_name, extra, pages, stops, kept) => {
    const filter = createIncrementalFilter(cfg(extra), null, ['id']);
    const results = pages.map((page) => filter.filterPage(page));
    expect(results.map((r) => r.stop)).toEqual(stops);
    expect(results.map((r) => ids(r.kept))).toEqual(kept);
  });

  it('never stops a dependent resource', () => {
    const filter = createIncrementalFilter(cfg({ initial_value: 10, row_order: 'desc' }), null, ['id'], { dependent: true });
    expect(filter.filterPage(recs([1, 5])).stop).toBe(false);
  });
});
