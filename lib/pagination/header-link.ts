/** dlt's `header_link` paginator: the next page's URL is in the `Link` response header. */
import type { HeaderLinkPaginatorConfig } from '../config/types';
import type { Paginator } from './types';
import { followLink } from './follow-link';
import { findLink } from './link-header';

/**
 * Follows the `Link` header entry whose rel is `links_next_key` (default `next`) until there is
 * none. An empty target (`<>`) also stops, where dlt would request the URL `""` and fail.
 *
 * @example headerLinkPaginator({ type: 'header_link' })
 */
export function headerLinkPaginator(config: HeaderLinkPaginatorConfig): Paginator {
  const rel = config.links_next_key ?? 'next';
  return {
    type: 'header_link',
    first: (request) => request,
    next(previous, response) {
      const link = findLink(response.headers['link'], rel);
      return link ? followLink(previous, link) : null;
    },
  };
}
