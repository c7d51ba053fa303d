/** Following a next-page link (json_link, header_link). */
import { ResponseError } from '../errors';
import type { PageRequest } from '../http/request';
import { redact } from '../secrets/redact';

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The request for `link`: its URL is the link resolved against the previous URL, and every
 * query parameter is dropped (the link carries its own; re-sending static or incremental params
 * would duplicate them). Headers and body are kept; auth is applied again by its own stage.
 *
 * @example followLink(req, '/items?page=2').url // 'https://api.example.com/items?page=2'
 */
export function followLink(previous: PageRequest, link: string): PageRequest {
  return { ...previous, url: resolveLink(previous.url, link), params: {} };
}

/**
 * An absolute link as is (not re-serialised, so signed URLs stay byte-identical); a relative one
 * resolved with WHATWG URL rules: `/p?x` replaces the path, `?x` the query, `p` the last segment.
 */
export function resolveLink(base: string, link: string): string {
  if (HAS_SCHEME.test(link)) return link;
  try {
    return new URL(link, base).href;
  } catch (cause) {
    throw new ResponseError(`The next-page link ${JSON.stringify(redact(link))} cannot be resolved against the request URL`, { cause });
  }
}
