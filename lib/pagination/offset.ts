/** dlt's `offset` paginator: the counter is an item offset advanced by `limit`. */
import { ConfigError } from '../errors';
import type { OffsetPaginatorConfig } from '../config/types';
import type { Paginator } from './types';
import { createRangePaginator, integerSetting } from './range';
import { optionalPath } from './response-values';
import { resolveTarget } from './target';

/**
 * Offset pagination. `limit` is sent on every request and is the step; the default
 * `total_path` is `"total"` (set it to null for APIs without totals).
 *
 * @example offsetPaginator({ type: 'offset', limit: 100, total_path: null, has_more_path: 'more' })
 */
export function offsetPaginator(config: OffsetPaginatorConfig): Paginator {
  const limit = integerSetting('limit', config.limit, 1);
  if (limit === null) throw new ConfigError('paginator.limit: required for the offset paginator (the page size)');
  return createRangePaginator({
    type: 'offset',
    counter: resolveTarget({
      param: config.offset_param,
      bodyPath: config.offset_body_path,
      defaultParam: 'offset',
      paramKey: 'offset_param',
      bodyPathKey: 'offset_body_path',
    }),
    initial: integerSetting('offset', config.offset, 0) ?? 0,
    step: limit,
    baseIndex: 0,
    maximum: integerSetting('maximum_offset', config.maximum_offset),
    total: optionalPath(config.total_path === undefined ? 'total' : config.total_path),
    hasMore: optionalPath(config.has_more_path),
    stopAfterEmptyPage: config.stop_after_empty_page ?? true,
    noun: 'items',
    maximumKey: 'maximum_offset',
    fixed: {
      target: resolveTarget({
        param: config.limit_param,
        bodyPath: config.limit_body_path,
        defaultParam: 'limit',
        paramKey: 'limit_param',
        bodyPathKey: 'limit_body_path',
      }),
      value: limit,
    },
  });
}
