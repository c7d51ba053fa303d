/**
 * The paginator registry, by dlt type name (dlt's PAGINATOR_MAP). The config validator lists
 * {@link PAGINATOR_TYPES} in its errors; the pipeline calls {@link createPaginator} once per page
 * chain and {@link detectPaginator} on the first response when the type is `auto`.
 */
import { ConfigError } from '../errors';
import type { PaginatorConfig, PaginatorType } from '../config/types';
import type { Paginator } from './types';
import { cursorPaginator } from './cursor';
import { headerCursorPaginator } from './header-cursor';
import { headerLinkPaginator } from './header-link';
import { jsonLinkPaginator } from './json-link';
import { offsetPaginator } from './offset';
import { pageNumberPaginator } from './page-number';
import { singlePagePaginator } from './single-page';

export type { PageResponse, Paginator } from './types';
export { detectPaginator, detectPaginatorConfig } from './detect';

type Factory<T extends PaginatorType> = (config: Extract<PaginatorConfig, { type: T }>) => Paginator;

const FACTORIES: { readonly [T in PaginatorType]: Factory<T> } = {
  offset: offsetPaginator,
  page_number: pageNumberPaginator,
  cursor: cursorPaginator,
  json_link: jsonLinkPaginator,
  header_link: headerLinkPaginator,
  header_cursor: headerCursorPaginator,
  single_page: singlePagePaginator,
  auto: () => {
    throw new ConfigError('paginator type "auto" has no paginator until the first response: use detectPaginator(response)');
  },
  custom: ({ paginator }) => {
    if (typeof paginator?.first !== 'function' || typeof paginator.next !== 'function') {
      throw new ConfigError('paginator.paginator: a custom paginator must be an object with first(request) and next(request, response)');
    }
    return paginator;
  },
};

/** Every paginator type name a config may use. */
export const PAGINATOR_TYPES = Object.keys(FACTORIES) as readonly PaginatorType[];

/**
 * A paginator for `config`. Throws a ConfigError for an unknown type (listing the known ones),
 * for `auto`, and for settings the strategy rejects (e.g. an offset paginator that never stops).
 *
 * @example createPaginator({ type: 'page_number', base_page: 1, total_path: 'total_pages' }).type // 'page_number'
 */
export function createPaginator(config: PaginatorConfig): Paginator {
  const type: unknown = config?.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(FACTORIES, type)) {
    throw new ConfigError(`paginator.type: ${JSON.stringify(type)} is not a paginator; known: ${PAGINATOR_TYPES.join(', ')}`);
  }
  return (FACTORIES[type as PaginatorType] as (config: PaginatorConfig) => Paginator)(config);
}
