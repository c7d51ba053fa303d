import { detectPaginator, detectPaginatorConfig } from '../../../lib/pagination/detect';
import type { PageRequest } from '../../../lib/http/request';
import type { Paginator } from '../../../lib/pagination/types';
import { EMPTY, page, request } from './fixtures';

describe('detectPaginatorConfig (dlt §4.6 order)', () => {
  it.each<[string, unknown, Record<string, string>, object]>([
    ['a Link rel=next header', [{ id: 1 }], { link: '<https://a.example/items?page=2>; rel="next"' }, { type: 'header_link' }],
    ['the header before any body key', { next_cursor: 'abc' }, { link: '<https://a.example/2>; rel="next"' }, { type: 'header_link' }],
    ['a Link header without rel=next is ignored', { items: [] }, { link: '<https://a.example/1>; rel="prev"' }, { type: 'single_page' }],
    ['an absolute next URL', { items: [], next: 'https://a.example/items?page=2' }, {}, { type: 'json_link', next_url_path: 'next' }],
    ['a root-relative next URL', { items: [], next: '/items?page=2' }, {}, { type: 'json_link', next_url_path: 'next' }],
    ['a nested next URL', { data: [], paging: { next: 'https://a.example/2' } }, {}, { type: 'json_link', next_url_path: 'paging.next' }],
    ['a nextLink key', { value: [], nextLink: 'https://a.example/2' }, {}, { type: 'json_link', next_url_path: 'nextLink' }],
    ['a next_page key', { results: [], next_page: '/p/2' }, {}, { type: 'json_link', next_url_path: 'next_page' }],
    ['a next object with href', { data: [], links: { next: { href: 'https://a.example/2' } } }, {}, { type: 'json_link', next_url_path: 'links.next.href' }],
    ['a next object with url', { data: [], next: { title: 'more', url: '/items?p=2' } }, {}, { type: 'json_link', next_url_path: 'next.url' }],
    ['a key with a dot is bracket-quoted', { data: [], paging: { 'next.url': 'https://a.example/2' } }, {}, { type: 'json_link', next_url_path: "paging['next.url']" }],
    ['document order, depth first', { meta: { next_page: 'https://a.example/2' }, next: 'https://b.example/2' }, {}, { type: 'json_link', next_url_path: 'meta.next_page' }],
    ['a null next is skipped', { items: [], next: null, total_pages: 4 }, {}, { type: 'page_number', total_path: 'total_pages' }],
    ['total_pages nested', { items: [], page_info: { current_page: 1, items_per_page: 2, total_pages: 50 } }, {}, { type: 'page_number', total_path: 'page_info.total_pages' }],
    ['pages as a numeric string', { data: [], meta: { pages: '4' } }, {}, { type: 'page_number', total_path: 'meta.pages' }],
    ['totalPages (case-insensitive)', { content: [], totalPages: 3 }, {}, { type: 'page_number', total_path: 'totalPages' }],
    ['a non-URL next yields to total pages', { items: [], next: 'abc', total_pages: 3 }, {}, { type: 'page_number', total_path: 'total_pages' }],
    ['a next_cursor string', { products: [{ id: 101 }], next_cursor: 'eyJpZCI6MTAyfQ==' }, {}, { type: 'cursor', cursor_path: 'next_cursor' }],
    ['a nested cursors.next', { results: [], cursors: { next: 'NjM=', previous: 'MTk=' } }, {}, { type: 'cursor', cursor_path: 'cursors.next' }],
    ['a numeric next_id', { entries: [], next_id: 33, limit: 2 }, {}, { type: 'cursor', cursor_path: 'next_id' }],
    ['a non-numeric pages value falls through to the cursor', { items: [], pages: 'many', next: 'tok' }, {}, { type: 'cursor', cursor_path: 'next' }],
    ['offset pagination is never detected', { data: [{ id: 1 }], pagination: { offset: 0, limit: 2, total: 100 } }, {}, { type: 'single_page' }],
    ['@odata.nextLink does not start with "next" (as dlt)', { value: [], '@odata.nextLink': 'https://a.example/2' }, {}, { type: 'single_page' }],
    ['a next object without href/url is searched like any object', { next: { page: 2 } }, {}, { type: 'single_page' }],
    ['a next list is skipped', { next: ['https://a.example/2'] }, {}, { type: 'single_page' }],
    ['a root list', [{ id: 1 }], {}, { type: 'single_page' }],
    ['a single entity', { id: 101, name: 'x' }, {}, { type: 'single_page' }],
    ['a null body', null, {}, { type: 'single_page' }],
    ['has_next is not a next key', { items: [], has_next: true }, {}, { type: 'single_page' }],
  ])('%s', (_name, body, headers, expected) => {
    expect(detectPaginatorConfig({ headers, body })).toEqual(expected);
  });
});

/** Page numbers requested after the unpaged first request, against an API with `total_pages`. */
function pagesRequested(paginator: Paginator, totalPages: number, base: 0 | 1): (string | null)[] {
  const requested: (string | null)[] = [];
  let current: PageRequest | null = request();
  let servedPage: number = base; // an API serves its first page for a request without a page param
  const recordsOnPage = (n: number) => (n < totalPages + base ? 2 : 0);
  for (let i = 0; current && i < 20; i++) {
    const records = Array.from({ length: recordsOnPage(servedPage) }, () => ({}));
    current = paginator.next(current, page({ items: records, total_pages: totalPages }, { records }));
    if (current) {
      requested.push(current.params.page ?? null);
      servedPage = Number(current.params.page);
    }
  }
  return requested;
}

describe('detectPaginator', () => {
  it('returns a working paginator of the detected type', () => {
    const paginator = detectPaginator({ headers: {}, body: { items: [], paging: { next: '/items?page=2' } } });
    expect(paginator.type).toBe('json_link');
    expect(paginator.next(request({ params: { q: 'x' } }), page({ paging: { next: '/items?page=2' } }))).toEqual(
      request({ url: 'https://api.example.com/items?page=2', params: {} }),
    );
  });

  it.each<[object, string]>([
    [{ headers: { link: '<https://a.example/2>; rel="next"' }, body: [] }, 'header_link'],
    [{ headers: {}, body: { next_cursor: 'c' } }, 'cursor'],
    [{ headers: {}, body: { total_pages: 2 } }, 'page_number'],
    [{ headers: {}, body: { id: 1 } }, 'single_page'],
  ])('builds %j as %s', (response, type) => {
    expect(detectPaginator(response as never).type).toBe(type);
  });

  it('follows a detected cursor from the first response', () => {
    const paginator = detectPaginator({ headers: {}, body: { products: [], next_cursor: 'abc' } });
    expect(paginator.next(request(), page({ next_cursor: 'abc' }))?.params).toEqual({ cursor: 'abc' });
  });

  describe('detected page_number (deliberate fix of dlt quirk)', () => {
    const detected = () => detectPaginator({ headers: {}, body: { items: [{}], total_pages: 3 } });

    it('reads every page of a 1-based API (dlt stops before page 3)', () => {
      expect(pagesRequested(detected(), 3, 1)).toEqual(['1', '2', '3']);
    });

    it('costs a 0-based API one extra request, ended by the empty page', () => {
      // Pages 0 (unpaged), 1, 2 hold records; the extra page 3 is empty and ends the chain.
      expect(pagesRequested(detected(), 3, 0)).toEqual(['1', '2', '3']);
    });

    it('still sends no page param on the first request (not initialised)', () => {
      const paginator = detected();
      expect(paginator.next(request(), page({ total_pages: 3 }))?.params).toEqual({ page: '1' });
    });

    it('fetches the same remaining pages concurrently as sequentially', () => {
      expect(detected().remaining?.(request(), page({ total_pages: 3 }))?.map((r) => r.params.page)).toEqual(['1', '2', '3']);
    });
  });

  it('a single-page response stops', () => {
    expect(detectPaginator({ headers: {}, body: { id: 1 } }).next(request(), page({ id: 1 }, { records: EMPTY }))).toBeNull();
  });
});
