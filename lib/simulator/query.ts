/** Parsing and validating the data endpoints' query parameters (pure). */
import type { AlertsQuery } from './alerts';
import { decodeCursor } from './cursor';
import type { ListFilter, SortKey } from './view';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 100;

export interface Paging {
  offset: number;
  limit: number;
}

export interface ListQuery extends Paging {
  filter: ListFilter;
}

/** A 400 answer: which parameter, and what is wrong with it. */
export interface QueryProblem {
  parameter: string;
  message: string;
}

export type Parsed<Q> = { ok: true; query: Q } | { ok: false; problem: QueryProblem };

export type QueryResult = Parsed<ListQuery>;

const INTEGER = /^\d{1,15}$/;
// A date, or a date-time with an explicit zone: JavaScript reads a zone-less time as local time,
// which would make the filter depend on the machine's time zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const SORTS: readonly string[] = ['created_at', 'updated_at'];

function problem(parameter: string, message: string): { ok: false; problem: QueryProblem } {
  return { ok: false, problem: { parameter, message: `${parameter}: ${message}` } };
}

function parseLimit(params: URLSearchParams): Parsed<number> {
  const text = params.get('limit');
  if (text === null) return { ok: true, query: DEFAULT_LIMIT };
  if (!(INTEGER.test(text) && Number(text) >= 1 && Number(text) <= MAX_LIMIT)) return problem('limit', `must be an integer between 1 and ${MAX_LIMIT}`);
  return { ok: true, query: Number(text) };
}

/**
 * Reads `offset` and `limit`, as every offset-paged endpoint takes them.
 *
 * @example parsePaging(new URLSearchParams('offset=200&limit=50')) // { ok: true, query: { offset: 200, limit: 50 } }
 */
export function parsePaging(params: URLSearchParams): Parsed<Paging> {
  const offsetText = params.get('offset');
  if (offsetText !== null && !INTEGER.test(offsetText)) return problem('offset', 'must be a non-negative integer');
  const limit = parseLimit(params);
  if (!limit.ok) return limit;
  return { ok: true, query: { offset: offsetText === null ? 0 : Number(offsetText), limit: limit.query } };
}

/**
 * Reads `offset`, `limit`, `updated_since` and `sort`; other parameters are ignored, as real
 * APIs ignore parameters they do not know.
 *
 * @example parseListQuery(new URLSearchParams('offset=200&limit=50&sort=updated_at'))
 */
export function parseListQuery(params: URLSearchParams): QueryResult {
  const paging = parsePaging(params);
  if (!paging.ok) return paging;
  const sinceText = params.get('updated_since');
  const sortText = params.get('sort');
  let since: number | null = null;
  if (sinceText !== null) {
    const ms = ISO_TIME.test(sinceText) ? Date.parse(sinceText) : NaN;
    if (Number.isNaN(ms)) return problem('updated_since', 'must be an ISO-8601 date or date-time with a zone, e.g. 2024-01-01T00:00:00Z');
    since = ms / 1000;
  }
  if (sortText !== null && !SORTS.includes(sortText)) return problem('sort', `must be one of ${SORTS.join(', ')}`);
  return { ok: true, query: { ...paging.query, filter: { sort: (sortText ?? 'id') as SortKey, since } } };
}

/**
 * Reads `cursor` (absent or empty: the first page) and `limit`.
 *
 * @example parseAlertsQuery(new URLSearchParams('limit=50')) // { ok: true, query: { after: null, limit: 50 } }
 */
export function parseAlertsQuery(params: URLSearchParams): Parsed<AlertsQuery> {
  const limit = parseLimit(params);
  if (!limit.ok) return limit;
  const cursor = params.get('cursor');
  if (cursor === null || cursor === '') return { ok: true, query: { after: null, limit: limit.query } };
  const after = decodeCursor(cursor);
  if (!after) return problem('cursor', 'not a cursor this API issued; pass next_cursor from the previous page as is');
  return { ok: true, query: { after, limit: limit.query } };
}
