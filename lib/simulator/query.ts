/** Parsing and validating the list endpoints' query parameters (pure). */
import type { ListFilter, SortKey } from './view';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 100;

export interface ListQuery {
  offset: number;
  limit: number;
  filter: ListFilter;
}

/** A 400 answer: which parameter, and what is wrong with it. */
export interface QueryProblem {
  parameter: string;
  message: string;
}

export type QueryResult = { ok: true; query: ListQuery } | { ok: false; problem: QueryProblem };

const INTEGER = /^\d{1,15}$/;
// A date, or a date-time with an explicit zone: JavaScript reads a zone-less time as local time,
// which would make the filter depend on the machine's time zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const SORTS: readonly string[] = ['created_at', 'updated_at'];

function problem(parameter: string, message: string): QueryResult {
  return { ok: false, problem: { parameter, message: `${parameter}: ${message}` } };
}

/**
 * Reads `offset`, `limit`, `updated_since` and `sort`; other parameters are ignored, as real
 * APIs ignore parameters they do not know.
 *
 * @example parseListQuery(new URLSearchParams('offset=200&limit=50&sort=updated_at'))
 */
export function parseListQuery(params: URLSearchParams): QueryResult {
  const offsetText = params.get('offset');
  const limitText = params.get('limit');
  const sinceText = params.get('updated_since');
  const sortText = params.get('sort');
  if (offsetText !== null && !INTEGER.test(offsetText)) return problem('offset', 'must be a non-negative integer');
  if (limitText !== null && !(INTEGER.test(limitText) && Number(limitText) >= 1 && Number(limitText) <= MAX_LIMIT)) {
    return problem('limit', `must be an integer between 1 and ${MAX_LIMIT}`);
  }
  let since: number | null = null;
  if (sinceText !== null) {
    const ms = ISO_TIME.test(sinceText) ? Date.parse(sinceText) : NaN;
    if (Number.isNaN(ms)) return problem('updated_since', 'must be an ISO-8601 date or date-time with a zone, e.g. 2024-01-01T00:00:00Z');
    since = ms / 1000;
  }
  if (sortText !== null && !SORTS.includes(sortText)) return problem('sort', `must be one of ${SORTS.join(', ')}`);
  return {
    ok: true,
    query: {
      offset: offsetText === null ? 0 : Number(offsetText),
      limit: limitText === null ? DEFAULT_LIMIT : Number(limitText),
      filter: { sort: (sortText ?? 'id') as SortKey, since },
    },
  };
}
