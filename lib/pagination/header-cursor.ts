/** dlt's `header_cursor` paginator: the next cursor is a response header. */
import { ConfigError } from '../errors';
import type { HeaderCursorPaginatorConfig } from '../config/types';
import type { Paginator } from './types';
import { writeTarget } from './target';

/**
 * Sends the value of response header `cursor_key` (default `next`) as query parameter
 * `cursor_param` (default `cursor`), keeping the other parameters. An absent header stops; so
 * does an empty one, which dlt would send as `cursor=` (typically the first page again, forever).
 *
 * @example headerCursorPaginator({ type: 'header_cursor', cursor_key: 'NextPageToken', cursor_param: 'page_token' })
 */
export function headerCursorPaginator(config: HeaderCursorPaginatorConfig): Paginator {
  const header = (config.cursor_key ?? 'next').toLowerCase();
  const target = { param: config.cursor_param ?? 'cursor' };
  if (header === '' || target.param === '') throw new ConfigError('paginator: cursor_key and cursor_param must not be empty');
  return {
    type: 'header_cursor',
    first: (request) => request,
    next(previous, response) {
      const cursor = response.headers[header];
      return cursor ? writeTarget(previous, target, cursor) : null;
    },
  };
}
