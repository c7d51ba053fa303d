/**
 * One resource's data: base records are computed on demand from (seed, index); only the
 * changes live in memory. States are immutable — every mutation returns a new state — so a
 * page or snapshot being written keeps reading the state it started with, and cached views
 * are keyed by state identity.
 */
import { rngFor } from './random';
import type { Dataset, ResourceSpec } from './resource';
import { includesSorted, unionSorted } from './sorted';
import { isoSeconds } from './timeline';
import type { SimRecord } from './types';

/** A record that differs from the base data: updated, patched or inserted. */
export interface StoredRecord {
  record: SimRecord;
  json: string;
  /** `updated_at` in epoch seconds. */
  updatedAt: number;
  /** Set by a patch: the record may hold any JSON value, so the templates must not serialise it. */
  patched: boolean;
}

export interface ResourceState {
  readonly spec: ResourceSpec;
  readonly dataset: Dataset;
  /** Number of base records (indexes 0 … base−1); inserts take indexes from `base` up. */
  readonly base: number;
  /** Counts mutations; also salts the randomness of the next update. */
  readonly version: number;
  /** Changed and inserted records by index (deleted ones removed). */
  readonly overrides: ReadonlyMap<number, StoredRecord>;
  /** Deleted indexes, ascending. */
  readonly deleted: readonly number[];
  /** Live indexes in `overrides`, in (`updated_at`, index) order — the tail of an `updated_at` sort. */
  readonly changed: readonly number[];
  /** The index the next insert takes. */
  readonly next: number;
}

const UPDATE_SALT = 0x0bd0;

export function initialState(spec: ResourceSpec, dataset: Dataset): ResourceState {
  const base = spec.count(dataset);
  return { spec, dataset, base, version: 0, overrides: new Map(), deleted: [], changed: [], next: base };
}

export function liveCount(state: ResourceState): number {
  return state.next - state.deleted.length;
}

export function isLive(state: ResourceState, index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < state.next && !includesSorted(state.deleted, index);
}

export function recordAt(state: ResourceState, index: number): SimRecord {
  return state.overrides.get(index)?.record ?? state.spec.generate(state.dataset, index);
}

export function jsonAt(state: ResourceState, index: number): string {
  const stored = state.overrides.get(index);
  return stored ? stored.json : state.spec.toJson(state.spec.generate(state.dataset, index));
}

/**
 * Applies the resource's natural change (or `patch`, field by field) to each live index, all
 * stamped with one clock time `now` (epoch seconds): a batch of updates shares an `updated_at`,
 * as a bulk operation on a real API does, which gives cursors a tie to cope with.
 */
export function withUpdates(state: ResourceState, indexes: readonly number[], now: number, patch?: Readonly<Record<string, unknown>>): ResourceState {
  const touched = [...new Set(indexes)].sort((a, b) => a - b);
  const overrides = new Map(state.overrides);
  const nowIso = isoSeconds(now);
  for (const index of touched) {
    const previous = recordAt(state, index);
    const patched = patch !== undefined || (state.overrides.get(index)?.patched ?? false);
    const record = patch
      ? ({ ...previous, ...patch, updated_at: nowIso } as SimRecord)
      : state.spec.updated(previous, nowIso, rngFor(state.dataset.seed, index, UPDATE_SALT + state.version));
    // A patch may carry any JSON value (fuzz tests use it), which the templates do not escape.
    const json = patched ? JSON.stringify(record) : state.spec.toJson(record);
    overrides.set(index, { record, json, updatedAt: now, patched });
  }
  const touchedSet = new Set(touched);
  const changed = state.changed.filter((i) => !touchedSet.has(i)).concat(touched);
  return { ...state, version: state.version + 1, overrides, changed };
}

export function withDeletes(state: ResourceState, indexes: readonly number[]): ResourceState {
  const removed = [...new Set(indexes)].sort((a, b) => a - b);
  const overrides = new Map(state.overrides);
  for (const index of removed) overrides.delete(index);
  const removedSet = new Set(removed);
  return {
    ...state,
    version: state.version + 1,
    overrides,
    deleted: unionSorted(state.deleted, removed),
    changed: state.changed.filter((i) => !removedSet.has(i)),
  };
}

/** Appends `count` new records created at `now` (epoch seconds); returns their indexes too. */
export function withInserts(state: ResourceState, count: number, now: number): { state: ResourceState; indexes: number[] } {
  const overrides = new Map(state.overrides);
  const indexes = Array.from({ length: count }, (_, k) => state.next + k);
  const nowIso = isoSeconds(now);
  for (const index of indexes) {
    const record = state.spec.inserted(state.dataset, index, nowIso);
    overrides.set(index, { record, json: state.spec.toJson(record), updatedAt: now, patched: false });
  }
  return {
    state: { ...state, version: state.version + 1, overrides, changed: state.changed.concat(indexes), next: state.next + count },
    indexes,
  };
}

/** Deleted ids, ascending. */
export function deletedIds(state: ResourceState): string[] {
  return state.deleted.map((i) => state.spec.idOf(i));
}

