/**
 * `remaining` lets the pipeline fetch all pages at once when the first page reveals the total.
 * The property pinned here: it equals the requests repeated `next` calls produce on full pages.
 */
import { ResponseError } from '../../../lib/errors';
import type { OffsetPaginatorConfig, PageNumberPaginatorConfig } from '../../../lib/config/types';
import { offsetPaginator } from '../../../lib/pagination/offset';
import { pageNumberPaginator } from '../../../lib/pagination/page-number';
import type { Paginator } from '../../../lib/pagination/types';
import type { PageRequest } from '../../../lib/http/request';
import { EMPTY, frozen, page, request } from './fixtures';

function sequential(paginator: Paginator, first: PageRequest, body: unknown): PageRequest[] {
  const out: PageRequest[] = [];
  for (let current = paginator.next(first, page(body)); current; current = paginator.next(current, page(body))) {
    out.push(current);
    if (out.length > 10_000) throw new Error('runaway pagination');
  }
  return out;
}

const offsetCases: Omit<OffsetPaginatorConfig, 'type'>[] = [];
for (const limit of [1, 3, 10]) {
  for (const start of [0, 5]) {
    for (const maximum of [null, 7, 20]) offsetCases.push({ limit, offset: start, maximum_offset: maximum });
  }
}
const pageCases: Omit<PageNumberPaginatorConfig, 'type'>[] = [];
for (const base of [0, 1]) {
  for (const start of [undefined, 2]) {
    for (const maximum of [null, 3, 6]) pageCases.push({ base_page: base, page: start, maximum_page: maximum });
  }
}

describe('remaining() agrees with repeated next() on full pages', () => {
  describe.each(offsetCases)('offset %j', (config) => {
    it.each([0, 1, 9, 10, 11, 25, 100])('total %i', (total) => {
      const paginator = offsetPaginator({ type: 'offset', ...config });
      const first = frozen(paginator.first(request({ params: { q: 'x' } })));
      const all = paginator.remaining?.(first, page({ total }));
      expect(all).toEqual(sequential(paginator, first, { total }));
    });
  });

  describe.each(pageCases)('page_number %j', (config) => {
    it.each([0, 1, 3, 10])('total %i', (total) => {
      const paginator = pageNumberPaginator({ type: 'page_number', ...config });
      const first = frozen(paginator.first(request()));
      expect(paginator.remaining?.(first, page({ total }))).toEqual(sequential(paginator, first, { total }));
    });
  });

  it('holds for the body-path variant', () => {
    const paginator = offsetPaginator({ type: 'offset', limit: 4, offset_body_path: 'p.offset', limit_body_path: 'p.limit' });
    const first = frozen(paginator.first(request({ method: 'POST', json: { q: 1 } })));
    const all = paginator.remaining?.(first, page({ total: 13 }));
    expect(all?.map((r) => r.json)).toEqual([4, 8, 12].map((offset) => ({ q: 1, p: { offset, limit: 4 } })));
    expect(all).toEqual(sequential(paginator, first, { total: 13 }));
  });
});

describe('remaining() declines when the page count is unknown', () => {
  it.each<[string, Omit<OffsetPaginatorConfig, 'type'>, unknown]>([
    ['no total_path', { limit: 10, total_path: null }, {}],
    ['no total_path even with a maximum', { limit: 10, total_path: null, maximum_offset: 100 }, {}],
    ['has_more_path decides each page', { limit: 10, has_more_path: 'more' }, { total: 100, more: true }],
  ])('%s', (_name, config, body) => {
    const paginator = offsetPaginator({ type: 'offset', ...config });
    expect(paginator.remaining?.(paginator.first(request()), page(body))).toBeNull();
  });

  it('returns no requests after an empty first page', () => {
    const paginator = offsetPaginator({ type: 'offset', limit: 10 });
    expect(paginator.remaining?.(paginator.first(request()), page({ total: 100 }, { records: EMPTY }))).toEqual([]);
  });

  it('raises the same error as next() for a missing total', () => {
    const paginator = offsetPaginator({ type: 'offset', limit: 10 });
    expect(() => paginator.remaining?.(paginator.first(request()), page({}))).toThrow(ResponseError);
  });
});
