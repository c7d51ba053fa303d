/**
 * The incremental record filter (dlt §8.4–8.5), one page at a time. Its state after each page
 * covers exactly the records handed out so far, so the delivery stage can commit that state in
 * the same Kafka transaction as the page's records.
 */
import type { IncrementalConfig, JsonValue } from '../config/types';
import { ResponseError } from '../errors';
import { MISSING } from '../selection/field-path';
import { compareCursor, describeCursor } from './compare';
import { compileCursor } from './cursor';
import { recordHash } from './record-hash';
import { directionOf, hasLag, isStateless, startValue } from './start-value';
import type { IncrementalState, IncrementalValues } from './types';

export interface IncrementalFilterOptions {
  /** Resource name, for error messages. */
  resource?: string;
  /** Dependent resources never stop early on `row_order` (dlt §8.5). */
  dependent?: boolean;
}

export interface PageFilterResult<T> {
  kept: T[];
  /** `row_order` says no later page can hold wanted records: request no further pages. */
  stop: boolean;
}

export interface IncrementalFilter {
  /** The run's start value (after lag): the filter's lower bound and the first request's value. */
  readonly startValue: JsonValue;
  readonly endValue: JsonValue;
  /**
   * True when `end_value` is set: dlt neither reads nor writes state for such a run, so the
   * caller must not persist {@link IncrementalFilter.state}.
   */
  readonly stateless: boolean;
  /** Filters one page (records after processing steps), advancing the running state. */
  filterPage<T>(records: readonly T[]): PageFilterResult<T>;
  /** The state covering every page filtered so far; cheap, valid after each `filterPage`. */
  state(): IncrementalState;
  /** Values for `{incremental.*}` placeholders and start/end params (raw, before `convert`). */
  values(): IncrementalValues;
}

/**
 * Creates the filter for one run of one resource.
 *
 * `primaryKey` is the resource's key (`[]` = none, so boundary records are hashed whole);
 * `config.primary_key`, when set, overrides it, and `[]` there disables deduplication.
 *
 * @example
 * const filter = createIncrementalFilter({ cursor_path: 'updated_at', initial_value: '2024-01-01' }, storedState, ['id']);
 * const { kept, stop } = filter.filterPage(records);
 * await commit(kept, filter.state());
 */
export function createIncrementalFilter(
  config: IncrementalConfig,
  startState: IncrementalState | null,
  primaryKey: readonly string[],
  options: IncrementalFilterOptions = {},
): IncrementalFilter {
  const resource = options.resource ?? '';
  const direction = directionOf(config);
  const stateless = isStateless(config);
  const stored = stateless ? null : startState;
  const start = startValue(config, stored);
  const end: JsonValue = config.end_value ?? null;
  const initial: JsonValue = stored ? stored.initial_value : (config.initial_value ?? null);
  const keyFields =
    config.primary_key === undefined ? primaryKey : typeof config.primary_key === 'string' ? [config.primary_key] : config.primary_key;
  const dedup =
    !(Array.isArray(config.primary_key) && config.primary_key.length === 0) &&
    config.range_start !== 'open' &&
    !stateless &&
    !hasLag(config);
  const startOpen = config.range_start === 'open';
  const endClosed = config.range_end === 'closed';
  const onMissing = config.on_cursor_value_missing ?? 'raise';
  const readCursor = compileCursor(config.cursor_path);
  // With lag the stored last_value only moves forward: a re-read window must not pull it back.
  const forwardOnlyFloor = hasLag(config) && stored ? stored.last_value : null;
  const stopOnEnd = (config.row_order === 'asc') === (direction === 1);
  const mayStop = !options.dependent && (config.row_order === 'asc' || config.row_order === 'desc');

  const startHashes: ReadonlySet<string> = new Set(dedup && stored ? stored.unique_hashes : []);
  let last: JsonValue = start;
  let hashes = new Set(startHashes);

  const hashOf = (record: unknown): string => recordHash(record, keyFields, resource);
  const compare = (value: JsonValue, bound: JsonValue, role: string): number => {
    const c = compareCursor(value, bound);
    if (c === null) {
      throw new ResponseError(
        `resource "${resource}": cursor "${config.cursor_path}" value ${describeCursor(value)} cannot be compared with ${role} ${describeCursor(bound)}`,
        { context: { resource, cursor_path: config.cursor_path } },
      );
    }
    return c * direction;
  };

  function filterPage<T>(records: readonly T[]): PageFilterResult<T> {
    const kept: T[] = [];
    const boundary: T[] = [];
    let resetHashes = false;
    let startOut = false;
    let endOut = false;
    for (const record of records) {
      const raw = readCursor(record);
      if (raw === MISSING || raw === null || raw === undefined) {
        if (onMissing === 'include') kept.push(record);
        else if (onMissing === 'raise') throw missingCursor(raw === MISSING);
        continue;
      }
      const value = raw as JsonValue;
      if (end !== null) {
        const c = compare(value, end, 'end_value');
        if (c > 0 || (c === 0 && !endClosed)) {
          endOut = true;
          continue;
        }
      }
      if (last === null || compare(value, last, 'last_value') > 0) {
        last = value;
        resetHashes = true;
        boundary.length = 0;
        if (dedup) boundary.push(record);
        kept.push(record);
        continue;
      }
      if (start !== null) {
        const c = compare(value, start, 'start value');
        if (c < 0) {
          startOut = true;
          continue;
        }
        if (c === 0 && (startOpen || (dedup && startHashes.has(hashOf(record))))) continue;
      }
      if (dedup && compare(value, last, 'last_value') === 0) boundary.push(record);
      kept.push(record);
    }
    if (resetHashes) hashes = new Set();
    for (const record of boundary) hashes.add(hashOf(record));
    const stop = mayStop && (stopOnEnd ? endOut : startOut);
    return { kept, stop };
  }

  function missingCursor(absent: boolean): ResponseError {
    const why = absent ? 'is missing from' : 'is null in';
    return new ResponseError(
      `resource "${resource}": incremental cursor "${config.cursor_path}" ${why} a record; set on_cursor_value_missing to "include" or "exclude" to accept such records`,
      { context: { resource, cursor_path: config.cursor_path } },
    );
  }

  function state(): IncrementalState {
    const lastValue =
      forwardOnlyFloor !== null && (last === null || compare(last, forwardOnlyFloor, 'stored last_value') < 0)
        ? forwardOnlyFloor
        : last;
    return { initial_value: initial, last_value: lastValue, unique_hashes: [...hashes] };
  }

  return {
    startValue: start,
    endValue: end,
    stateless,
    filterPage,
    state,
    values: () => ({ initial_value: initial, start_value: start, last_value: state().last_value, end_value: end }),
  };
}
