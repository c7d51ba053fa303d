/**
 * The ordered, filtered list an endpoint pages through, described without materialising it:
 * a few segments, each either a range of base indexes with holes or an explicit list of
 * changed records. Finding the record at any offset is a binary search, so page 10,000 of a
 * million-record resource costs the same as page 1.
 */
import { countBelow, rangeOf, unionSorted } from './sorted';
import type { ResourceState } from './state';
import { firstBaseIndexUpdatedSince } from './timeline';

/**
 * `id` is the default order. `created_at` yields the same order: base records are created in
 * index order, inserts get later indexes and later clock times, and updates keep `created_at`.
 */
export type SortKey = 'id' | 'created_at' | 'updated_at';

export interface ListFilter {
  sort: SortKey;
  /** Epoch seconds; keeps records with `updated_at` ≥ it (inclusive), `null` for no filter. */
  since: number | null;
}

type Segment =
  | { kind: 'range'; lo: number; hi: number; holes: readonly number[]; length: number }
  | { kind: 'list'; indexes: readonly number[]; length: number };

export interface View {
  segments: readonly Segment[];
  total: number;
}

function range(lo: number, hi: number, holes: readonly number[]): Segment {
  return { kind: 'range', lo, hi, holes, length: Math.max(0, hi - lo - holes.length) };
}

function list(indexes: readonly number[]): Segment {
  return { kind: 'list', indexes, length: indexes.length };
}

/** Builds the view; prefer {@link viewOf}, which caches it per state and filter. */
export function buildView(state: ResourceState, filter: ListFilter): View {
  const { base, spec, dataset, overrides, changed, deleted } = state;
  const since = filter.since;
  const lo = since === null ? 0 : firstBaseIndexUpdatedSince(spec.timeline, base, dataset.pageTies, since);
  const updatedAt = (i: number) => overrides.get(i)?.updatedAt ?? -Infinity;
  let segments: Segment[];
  if (filter.sort === 'updated_at') {
    // Every changed record was stamped by the clock, which is later than all base data, so
    // changed records form the tail, already in (updated_at, index) order.
    const changedBase = changed.filter((i) => i < base).sort((a, b) => a - b);
    const holes = unionSorted(rangeOf(deleted, lo, base), rangeOf(changedBase, lo, base));
    let first = 0;
    if (since !== null) {
      let hi = changed.length;
      while (first < hi) {
        const mid = (first + hi) >>> 1;
        if (updatedAt(changed[mid] as number) >= since) hi = mid;
        else first = mid + 1;
      }
    }
    segments = [range(lo, base, holes), list(changed.slice(first))];
  } else {
    // Base records at or after `lo` match whether changed or not (a change only moves
    // `updated_at` later); changed records elsewhere match on their own timestamp.
    const matches = (i: number) => since === null || updatedAt(i) >= since;
    const below = changed.filter((i) => i < lo && matches(i)).sort((a, b) => a - b);
    const above = changed.filter((i) => i >= base && matches(i)).sort((a, b) => a - b);
    segments = [list(below), range(lo, base, rangeOf(deleted, lo, base)), list(above)];
  }
  return { segments, total: segments.reduce((n, s) => n + s.length, 0) };
}

const cache = new WeakMap<ResourceState, Map<string, View>>();
const MAX_VIEWS_PER_STATE = 64;

/** The view of `state` under `filter`, built once per state and filter. */
export function viewOf(state: ResourceState, filter: ListFilter): View {
  let views = cache.get(state);
  if (!views) cache.set(state, (views = new Map()));
  const key = `${filter.sort}|${filter.since ?? ''}`;
  let view = views.get(key);
  if (!view) {
    // Distinct `updated_since` values are unbounded; a client probing many must not grow memory.
    if (views.size >= MAX_VIEWS_PER_STATE) views.clear();
    view = buildView(state, filter);
    views.set(key, view);
  }
  return view;
}

/**
 * The index at rank `p` of a range with holes: the smallest j with holes[j] − j > lo + p gives
 * the number of holes before it (holes[j] − j never decreases).
 */
function rangeIndexAt(segment: Extract<Segment, { kind: 'range' }>, p: number): number {
  const { holes, lo } = segment;
  let a = 0;
  let b = holes.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if ((holes[mid] as number) - mid > lo + p) b = mid;
    else a = mid + 1;
  }
  return lo + p + a;
}

/** The record indexes at positions [offset, offset + limit) of the view. */
export function sliceView(view: View, offset: number, limit: number): number[] {
  const out: number[] = [];
  let skip = offset;
  for (const segment of view.segments) {
    if (out.length >= limit) break;
    if (skip >= segment.length) {
      skip -= segment.length;
      continue;
    }
    const take = Math.min(limit - out.length, segment.length - skip);
    if (segment.kind === 'list') {
      for (let k = skip; k < skip + take; k++) out.push(segment.indexes[k] as number);
    } else {
      let index = rangeIndexAt(segment, skip);
      let h = countBelow(segment.holes, index);
      for (let taken = 0; taken < take; index++) {
        if (h < segment.holes.length && segment.holes[h] === index) {
          h++;
          continue;
        }
        out.push(index);
        taken++;
      }
    }
    skip = 0;
  }
  return out;
}

/**
 * How many records of `view` have an index below `index`: where a keyset cursor resumes. Only
 * for views in index order (sort `id` or `created_at`), whose segments ascend one after another.
 *
 * @example sliceView(view, rankBelow(view, 41), 10) // the first 10 records from index 41 on
 */
export function rankBelow(view: View, index: number): number {
  let rank = 0;
  for (const segment of view.segments) {
    if (segment.kind === 'list') {
      rank += countBelow(segment.indexes, index);
    } else if (index > segment.lo) {
      const end = Math.min(index, segment.hi);
      rank += end - segment.lo - countBelow(segment.holes, end);
    }
  }
  return rank;
}
