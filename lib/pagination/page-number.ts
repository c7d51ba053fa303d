/** dlt's `page_number` paginator: the counter is a page number advanced by 1. */
import type { PageNumberPaginatorConfig } from '../config/types';
import type { Paginator } from './types';
import { createRangePaginator, integerSetting } from './range';
import type { RangeSpec } from './range';
import { optionalPath } from './response-values';
import { resolveTarget } from './target';

/** The range spec of a page-number config (shared with auto-detection). */
export function pageNumberSpec(config: PageNumberPaginatorConfig): RangeSpec {
  const basePage = integerSetting('base_page', config.base_page) ?? 0;
  return {
    type: 'page_number',
    counter: resolveTarget({
      param: config.page_param,
      bodyPath: config.page_body_path,
      defaultParam: 'page',
      paramKey: 'page_param',
      bodyPathKey: 'page_body_path',
    }),
    initial: integerSetting('page', config.page) ?? basePage,
    step: 1,
    baseIndex: basePage,
    maximum: integerSetting('maximum_page', config.maximum_page),
    total: optionalPath(config.total_path === undefined ? 'total' : config.total_path),
    hasMore: optionalPath(config.has_more_path),
    stopAfterEmptyPage: config.stop_after_empty_page ?? true,
    noun: 'pages',
    maximumKey: 'maximum_page',
    fixed: null,
  };
}

/**
 * Page-number pagination. The default `total_path` is `"total"` (a number of pages); with
 * `base_page: 1` it stops after page `total`.
 *
 * @example pageNumberPaginator({ type: 'page_number', base_page: 1, total_path: 'meta.pages' })
 */
export function pageNumberPaginator(config: PageNumberPaginatorConfig): Paginator {
  return createRangePaginator(pageNumberSpec(config));
}
