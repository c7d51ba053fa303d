/** dlt's `cursor` paginator (JSONResponseCursorPaginator): the next cursor comes from the body. */
import type { CursorPaginatorConfig, JsonValue } from '../config/types';
import { isPythonTruthy } from '../selection/json-object';
import type { Paginator } from './types';
import { optionalPath, readHasMore, responsePath } from './response-values';
import { resolveTarget, writeTarget } from './target';

/**
 * Cursor pagination. A missing or falsy cursor (`null`, `""`, `0`, `false`, and as in Python
 * `[]`/`{}`) ends pagination unless `has_more_path` says otherwise; with has-more true and no
 * cursor the next request carries a null cursor, which is left out of the query.
 *
 * @example cursorPaginator({ type: 'cursor', cursor_path: 'pagination_meta.after', cursor_param: 'after' })
 */
export function cursorPaginator(config: CursorPaginatorConfig): Paginator {
  const cursorPath = responsePath(config.cursor_path ?? 'cursors.next');
  const target = resolveTarget({
    param: config.cursor_param,
    bodyPath: config.cursor_body_path,
    defaultParam: 'cursor',
    paramKey: 'cursor_param',
    bodyPathKey: 'cursor_body_path',
  });
  const hasMore = optionalPath(config.has_more_path);
  const stopAfterEmptyPage = config.stop_after_empty_page ?? false;
  return {
    type: 'cursor',
    first: (request) => request,
    next(previous, response) {
      const found = cursorPath.query(response.body)[0];
      const cursor = isPythonTruthy(found) ? (found as JsonValue) : null;
      if (stopAfterEmptyPage && response.records.length === 0) return null;
      const hasNext = hasMore ? readHasMore(hasMore, response.body) : cursor !== null;
      return hasNext ? writeTarget(previous, target, cursor) : null;
    },
  };
}
