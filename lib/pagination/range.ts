/**
 * The range algorithm shared by `offset` and `page_number` (dlt's RangePaginator), as pure
 * functions. The counter lives in the request itself (query parameter or body path), so `next`
 * recovers it from the previous request instead of keeping state.
 * See shared/reference/dlt-rest-api.md §4.3 "Range paginator algorithm".
 */
import { ConfigError } from '../errors';
import type { PageRequest } from '../http/request';
import type { PageResponse, Paginator } from './types';
import { readHasMore, readTotal } from './response-values';
import type { ResponsePath } from './response-values';
import { describeTarget, readTarget, writeTarget } from './target';
import type { ValueTarget } from './target';

export interface RangeSpec {
  readonly type: 'offset' | 'page_number';
  readonly counter: ValueTarget;
  /** Counter of the first request; also assumed when a request carries none (detected paginators are never initialised). */
  readonly initial: number;
  readonly step: number;
  /** Added to the total before comparing: `base_page` for page numbers, 0 for offsets. */
  readonly baseIndex: number;
  /** Exclusive. */
  readonly maximum: number | null;
  readonly total: ResponsePath | null;
  readonly hasMore: ResponsePath | null;
  readonly stopAfterEmptyPage: boolean;
  /** What the total counts, for messages. */
  readonly noun: 'items' | 'pages';
  readonly maximumKey: 'maximum_offset' | 'maximum_page';
  /** A value written on every request beside the counter: offset's limit. */
  readonly fixed: { readonly target: ValueTarget; readonly value: number } | null;
}

/** Builds a range paginator; throws a ConfigError when nothing could ever stop it. */
export function createRangePaginator(spec: RangeSpec): Paginator {
  if (!spec.total && spec.maximum === null && !spec.hasMore && !spec.stopAfterEmptyPage) {
    throw new ConfigError(
      `paginator: set one of total_path, ${spec.maximumKey}, has_more_path or stop_after_empty_page: true; ` +
        `otherwise the ${spec.type} paginator never stops`,
    );
  }
  const write = (request: PageRequest, counter: number): PageRequest => {
    const withCounter = writeTarget(request, spec.counter, counter);
    return spec.fixed ? writeTarget(withCounter, spec.fixed.target, spec.fixed.value) : withCounter;
  };
  const exhausted = (counter: number, total: number | null): boolean =>
    (total !== null && counter >= total + spec.baseIndex) || (spec.maximum !== null && counter >= spec.maximum);
  const emptyStop = (response: PageResponse): boolean => spec.stopAfterEmptyPage && response.records.length === 0;

  return {
    type: spec.type,
    first: (request) => write(request, spec.initial),
    next(previous, response) {
      if (emptyStop(response)) return null;
      const total = spec.total ? readTotal(spec.total, response.body, spec.noun) : null;
      const counter = readCounter(previous, spec) + spec.step;
      // has_more, when configured, decides alone: it overrides total and maximum (dlt step e).
      const hasNext = spec.hasMore ? readHasMore(spec.hasMore, response.body) : !exhausted(counter, total);
      return hasNext ? write(previous, counter) : null;
    },
    remaining(first, response) {
      if (!spec.total || spec.hasMore) return null;
      if (emptyStop(response)) return [];
      const total = readTotal(spec.total, response.body, spec.noun);
      const requests: PageRequest[] = [];
      for (let counter = readCounter(first, spec) + spec.step; !exhausted(counter, total); counter += spec.step) {
        requests.push(write(first, counter));
      }
      return requests;
    },
  };
}

function readCounter(request: PageRequest, spec: RangeSpec): number {
  const value = readTarget(request, spec.counter);
  if (value === undefined || value === null) return spec.initial;
  const counter = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof counter === 'number' && Number.isInteger(counter)) return counter;
  throw new ConfigError(
    `paginator: the ${describeTarget(spec.counter)} of the previous request is ${JSON.stringify(value)}, not an integer counter`,
  );
}

/**
 * A numeric setting checked to be an integer (≥ `min` when given); `null`/absent → `null`.
 *
 * @example integerSetting('limit', 100, 1) // 100
 */
export function integerSetting(key: string, value: number | null | undefined, min?: number): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || (min !== undefined && value < min)) {
    const wanted = min === undefined ? 'an integer' : `an integer ≥ ${min}`;
    throw new ConfigError(`paginator.${key}: expected ${wanted}, got ${JSON.stringify(value)}`);
  }
  return value;
}
