/**
 * Serialising one page. Records are written by hand-written templates (or from the JSON
 * stored with a changed record) and whole pages are cached per state, so a retried or
 * concurrently requested page costs one string lookup.
 */
import type { ListQuery } from './query';
import { jsonAt, type ResourceState } from './state';
import { sliceView, viewOf } from './view';

const cache = new WeakMap<ResourceState, Map<string, string>>();
const MAX_PAGES_PER_STATE = 32;

/** The envelope `{"data": [...], "total": N, "offset": O, "limit": L}` for `query`. */
export function renderPage(state: ResourceState, query: ListQuery): string {
  let pages = cache.get(state);
  if (!pages) cache.set(state, (pages = new Map()));
  const key = `${query.filter.sort}|${query.filter.since ?? ''}|${query.offset}|${query.limit}`;
  let body = pages.get(key);
  if (body === undefined) {
    const view = viewOf(state, query.filter);
    const records = sliceView(view, query.offset, query.limit).map((i) => jsonAt(state, i));
    body = `{"data":[${records.join(',')}],"total":${view.total},"offset":${query.offset},"limit":${query.limit}}`;
    // Oldest first out: a sequential reader never comes back to early pages.
    if (pages.size >= MAX_PAGES_PER_STATE) pages.delete(pages.keys().next().value as string);
    pages.set(key, body);
  }
  return body;
}
