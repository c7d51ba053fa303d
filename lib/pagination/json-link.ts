/** dlt's `json_link` paginator: the next page's URL is a field of the body. */
import { ResponseError } from '../errors';
import type { JsonLinkPaginatorConfig } from '../config/types';
import { describeValue } from '../selection/describe';
import type { Paginator } from './types';
import { followLink } from './follow-link';
import { responsePath } from './response-values';

/**
 * Follows the URL at `next_url_path` (default `next`) until it is absent or null. Unlike dlt,
 * an empty string also stops: dlt would request the URL `""` and fail.
 *
 * @example jsonLinkPaginator({ type: 'json_link', next_url_path: 'paging.next' })
 */
export function jsonLinkPaginator(config: JsonLinkPaginatorConfig): Paginator {
  const path = responsePath(config.next_url_path ?? 'next');
  return {
    type: 'json_link',
    first: (request) => request,
    next(previous, response) {
      const link = path.query(response.body)[0];
      if (link === undefined || link === null || link === '') return null;
      if (typeof link !== 'string') {
        throw new ResponseError(
          `Next-page link at "${path.expression}" is not a URL string (got ${describeValue(link)}): ` +
            "set paginator.next_url_path to the field holding the next page's URL",
        );
      }
      return followLink(previous, link);
    },
  };
}
