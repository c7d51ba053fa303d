/**
 * dlt's paginator auto-detection, run once on the first response of a chain when no paginator
 * is configured. Detectors in dlt's order, first hit wins: `Link: rel="next"` header →
 * header_link; a `next…` key holding a URL → json_link; a total-pages key → page_number; a
 * `next…` key holding anything else → cursor; otherwise single_page. Offset is never detected.
 * See shared/reference/dlt-rest-api.md §4.6.
 */
import type { PaginatorConfig } from '../config/types';
import { formatJsonPath } from '../selection/json-path';
import { isJsonObject } from '../selection/json-object';
import type { PageResponse, Paginator } from './types';
import { cursorPaginator } from './cursor';
import { headerLinkPaginator } from './header-link';
import { jsonLinkPaginator } from './json-link';
import { findLink } from './link-header';
import { pageNumberSpec } from './page-number';
import { createRangePaginator } from './range';
import { singlePagePaginator } from './single-page';

type DetectedConfig = Extract<PaginatorConfig, { type: 'header_link' | 'json_link' | 'page_number' | 'cursor' | 'single_page' }>;

interface KeyHit {
  keys: string[];
  value: string | number | boolean;
}

const TOTAL_PAGES_KEYS = new Set(['total_pages', 'pages', 'totalpages']);
const INTEGER_STRING = /^\s*[+-]?\d+\s*$/;

/**
 * The config dlt would build from this first response, for logs ("detected json_link with
 * next_url_path=paging.next"). Paths are valid JSONPaths even for keys containing dots.
 *
 * @example detectPaginatorConfig({ headers: {}, body: { items: [], next_cursor: 'abc' } })
 * // { type: 'cursor', cursor_path: 'next_cursor' }
 */
export function detectPaginatorConfig(response: Pick<PageResponse, 'headers' | 'body'>): DetectedConfig {
  if (findLink(response.headers['link'], 'next') !== null) return { type: 'header_link' };
  const next = findNextKey(response.body, []);
  if (next && typeof next.value === 'string' && (next.value.startsWith('http') || next.value.startsWith('/'))) {
    return { type: 'json_link', next_url_path: formatJsonPath(next.keys) };
  }
  const totalPages = findTotalPagesKey(response.body, []);
  if (totalPages && isIntegerLike(totalPages.value)) return { type: 'page_number', total_path: formatJsonPath(totalPages.keys) };
  if (next) return { type: 'cursor', cursor_path: formatJsonPath(next.keys) };
  return { type: 'single_page' };
}

/**
 * The paginator for the rest of the chain, detected from its first response. It is not
 * initialised: the first request went out without paging parameters, as in dlt.
 *
 * Deliberate difference for a detected page_number: dlt sends `page=1, 2, …` after the unpaged
 * first request and stops when the counter reaches `total_pages`, which for a 1-based API
 * re-reads page 1 and never reads the last page. Here the stop comes one page later (base
 * index 1), so a 1-based API is read completely (page 1 twice: same keys, harmless on a
 * compacted topic) and a 0-based API costs at most one extra, empty request, which
 * `stop_after_empty_page` ends.
 */
export function detectPaginator(response: Pick<PageResponse, 'headers' | 'body'>): Paginator {
  const config = detectPaginatorConfig(response);
  switch (config.type) {
    case 'header_link':
      return headerLinkPaginator(config);
    case 'json_link':
      return jsonLinkPaginator(config);
    case 'page_number':
      return createRangePaginator({ ...pageNumberSpec(config), baseIndex: 1 });
    case 'cursor':
      return cursorPaginator(config);
    case 'single_page':
      return singlePagePaginator();
  }
}

/**
 * Depth-first, document order: the first key starting with `next` (case-insensitive) whose
 * value is a scalar, or an object with a scalar under a key starting with `href`/`url`.
 * `"next": null` is skipped; an object under a `next…` key is also searched like any other.
 */
function findNextKey(node: unknown, path: string[]): KeyHit | null {
  if (!isJsonObject(node)) return null;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (key.toLowerCase().startsWith('next')) {
      if (isScalar(value)) return { keys: [...path, key], value };
      if (isJsonObject(value)) {
        const inner = Object.keys(value).find((k) => /^(href|url)/.test(k.toLowerCase()) && isScalar(value[k]));
        if (inner !== undefined) return { keys: [...path, key, inner], value: value[inner] as KeyHit['value'] };
      }
    }
    const nested = findNextKey(value, [...path, key]);
    if (nested) return nested;
  }
  return null;
}

/** The first key (any depth) named `total_pages`, `pages` or `totalpages` with a scalar value. */
function findTotalPagesKey(node: unknown, path: string[]): KeyHit | null {
  if (!isJsonObject(node)) return null;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (TOTAL_PAGES_KEYS.has(key.toLowerCase()) && isScalar(value)) return { keys: [...path, key], value };
    const nested = findTotalPagesKey(value, [...path, key]);
    if (nested) return nested;
  }
  return null;
}

function isScalar(value: unknown): value is KeyHit['value'] {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** What `readTotal` accepts (booleans excluded, unlike Python's `int(True)`). */
function isIntegerLike(value: KeyHit['value']): boolean {
  return typeof value === 'number' || (typeof value === 'string' && INTEGER_STRING.test(value));
}
