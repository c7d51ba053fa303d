/**
 * URL building (pure): dlt's base/path joining and query-string encoding.
 * See shared/reference/dlt-rest-api.md §2.1.
 */
import type { PageRequest } from './request';

/** dlt counts a path as absolute only when its scheme is http or https. */
const ABSOLUTE_HTTP = /^https?:/i;

/**
 * Joins `client.base_url` and an endpoint path (or a next-page link) the way dlt does: string
 * concatenation, not RFC 3986 resolution, so a base path such as `/api/v2` is never dropped.
 *
 * @example
 * joinUrl('https://api.example.com/v1/', '/users'); // 'https://api.example.com/v1/users'
 * joinUrl('https://api.example.com', 'https://other.example/x'); // 'https://other.example/x'
 */
export function joinUrl(base: string, path: string): string {
  if (ABSOLUTE_HTTP.test(path)) return path;
  if (base === '') return path;
  if (path === '') return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Percent-encodes one query component as Python's `quote_plus` (what `requests` sends) does:
 * only `A–Z a–z 0–9 _ . - ~` stay literal and a space becomes `+`.
 */
export function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Encodes pairs as an `application/x-www-form-urlencoded` string (no leading `?`). */
export function encodeForm(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${encodeQueryComponent(k)}=${encodeQueryComponent(v)}`).join('&');
}

/**
 * The URL a request is sent to: `request.url` with `request.params` appended after any query it
 * already carries. A `null` param is omitted; an empty string is sent as `key=`.
 *
 * @example
 * buildUrl({ method: 'GET', url: 'https://x/a?b=1', params: { q: 'a b', skip: null }, headers: {} });
 * // 'https://x/a?b=1&q=a+b'
 */
export function buildUrl(request: Pick<PageRequest, 'url' | 'params'>): string {
  const pairs = Object.entries(request.params).filter(
    (entry): entry is [string, string] => entry[1] !== null,
  );
  if (pairs.length === 0) return request.url;
  const { head, query, fragment } = splitUrl(request.url);
  const existing = query ?? '';
  const separator = existing === '' || existing.endsWith('&') ? '' : '&';
  return `${head}?${existing}${separator}${encodeForm(pairs)}${fragment}`;
}

/**
 * Removes every occurrence of query parameter `name` from `url` (names compared after
 * decoding). Used where a value set in `params` must replace one a next-page link carried.
 */
export function removeQueryParam(url: string, name: string): string {
  const { head, query, fragment } = splitUrl(url);
  if (query === null) return url;
  const kept = query.split('&').filter((part) => part !== '' && decodeName(part) !== name);
  return kept.length === 0 ? `${head}${fragment}` : `${head}?${kept.join('&')}${fragment}`;
}

function splitUrl(url: string): { head: string; query: string | null; fragment: string } {
  const hashAt = url.indexOf('#');
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  if (queryAt === -1) return { head: beforeHash, query: null, fragment };
  return { head: beforeHash.slice(0, queryAt), query: beforeHash.slice(queryAt + 1), fragment };
}

function decodeName(part: string): string {
  const raw = part.split('=', 1)[0].replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
