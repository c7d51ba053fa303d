import { rngFor } from '../../../lib/simulator/random';
import type { Dataset } from '../../../lib/simulator/resource';
import { RESOURCES } from '../../../lib/simulator/resources';
import { initialState, isLive, liveCount, recordAt, withDeletes, withInserts, withUpdates, type ResourceState } from '../../../lib/simulator/state';
import { CLOCK_START, baseUpdatedAt, INCIDENT_TIMELINE } from '../../../lib/simulator/timeline';
import { buildView, rankBelow, sliceView, type ListFilter } from '../../../lib/simulator/view';

const dataset: Dataset = { seed: 3, incidents: 500, services: 20, pageTies: 7 };
const seconds = (iso: string) => Date.parse(iso) / 1000;

/** The obvious implementation: materialise every live record, filter, sort. */
function reference(state: ResourceState, filter: ListFilter): number[] {
  const live = Array.from({ length: state.next }, (_, i) => i).filter((i) => isLive(state, i));
  const updated = (i: number) => seconds(recordAt(state, i).updated_at);
  const matching = live.filter((i) => filter.since === null || updated(i) >= filter.since);
  if (filter.sort === 'updated_at') matching.sort((a, b) => updated(a) - updated(b) || a - b);
  return matching;
}

/** A state after a seeded mix of updates, deletes and inserts (clock ticking as the simulator's does). */
function mutated(seed: number, steps: number): ResourceState {
  const rng = rngFor(seed, 0, 99);
  let state = initialState(RESOURCES.incidents, dataset);
  let clock = CLOCK_START;
  const someLive = (n: number) => {
    const out: number[] = [];
    while (out.length < n) {
      const i = Math.floor(rng() * state.next);
      if (isLive(state, i)) out.push(i);
    }
    return out;
  };
  for (let s = 0; s < steps; s++) {
    const r = rng();
    if (r < 0.4) state = withUpdates(state, someLive(1 + Math.floor(rng() * 20)), clock++);
    else if (r < 0.7) state = withDeletes(state, someLive(1 + Math.floor(rng() * 20)));
    else state = withInserts(state, 1 + Math.floor(rng() * 10), clock++).state;
  }
  return state;
}

const pivot = baseUpdatedAt(INCIDENT_TIMELINE, dataset.incidents, dataset.pageTies, 250);
const filters: ListFilter[] = [
  { sort: 'id', since: null },
  { sort: 'created_at', since: null },
  { sort: 'updated_at', since: null },
  { sort: 'id', since: pivot },
  { sort: 'updated_at', since: pivot },
  { sort: 'updated_at', since: CLOCK_START + 3 },
  { sort: 'id', since: CLOCK_START + 3 },
];

describe('views page exactly like the materialised, filtered, sorted list', () => {
  it.each([0, 1, 2, 3])('after mutation sequence %i', (seed) => {
    const state = mutated(seed, 30);
    for (const filter of filters) {
      const expected = reference(state, filter);
      const view = buildView(state, filter);
      expect(view.total).toBe(expected.length);
      for (const limit of [1, 7, 100]) {
        const pages: number[] = [];
        for (let offset = 0; offset < view.total + limit; offset += limit) pages.push(...sliceView(view, offset, limit));
        expect(pages).toEqual(expected);
      }
    }
  });
});

describe('rankBelow', () => {
  it.each([0, 1, 2, 3])('counts the live records below an index, deleted or not, after mutation sequence %i', (seed) => {
    const state = mutated(seed, 30);
    const live = reference(state, { sort: 'id', since: null });
    const view = buildView(state, { sort: 'id', since: null });
    for (let index = 0; index <= state.next + 1; index++) {
      expect(rankBelow(view, index)).toBe(live.filter((i) => i < index).length);
    }
  });
});

describe('sliceView', () => {
  const state = withDeletes(initialState(RESOURCES.incidents, dataset), [0, 1, 5, 99, 100, 101, 499]);
  const view = buildView(state, { sort: 'id', since: null });

  it.each([
    { offset: 0, limit: 3, expected: [2, 3, 4] },
    { offset: 3, limit: 2, expected: [6, 7] },
    { offset: 95, limit: 3, expected: [98, 102, 103] },
    { offset: 492, limit: 100, expected: [498] },
    { offset: 493, limit: 100, expected: [] },
    { offset: 10_000, limit: 100, expected: [] },
  ])('skips deleted indexes: offset $offset limit $limit', ({ offset, limit, expected }) => {
    expect(sliceView(view, offset, limit)).toEqual(expected);
  });

  it('counts live records only', () => {
    expect(view.total).toBe(493);
    expect(liveCount(state)).toBe(493);
  });
});

describe('updated_since', () => {
  it('is inclusive: a record updated exactly at the given time is returned', () => {
    const state = initialState(RESOURCES.incidents, dataset);
    const first = sliceView(buildView(state, { sort: 'updated_at', since: pivot }), 0, 1)[0] as number;
    expect(seconds(recordAt(state, first).updated_at)).toBe(pivot);
  });

  it('puts changed records after all base records when sorting by updated_at', () => {
    const state = withUpdates(initialState(RESOURCES.incidents, dataset), [3, 1], CLOCK_START);
    const order = sliceView(buildView(state, { sort: 'updated_at', since: null }), 496, 100);
    expect(order).toEqual([498, 499, 1, 3]);
  });
});

it('keeps every base timestamp before the clock start, even at the largest sizes', () => {
  expect(baseUpdatedAt(INCIDENT_TIMELINE, 99_999_999, 1000, 99_999_998)).toBeLessThan(CLOCK_START);
  expect(baseUpdatedAt(RESOURCES.services.timeline, 99_999, 1000, 99_998)).toBeLessThan(CLOCK_START);
});
