/** dlt's `single_page` paginator. */
import type { Paginator } from './types';

/**
 * One request, then stop, whatever links the response carries.
 *
 * @example singlePagePaginator().next(request, response) // null
 */
export function singlePagePaginator(): Paginator {
  return { type: 'single_page', first: (request) => request, next: () => null };
}
