import { ConfigError, ResponseError } from '../../../lib/errors';
import type { PageNumberPaginatorConfig } from '../../../lib/config/types';
import { pageNumberPaginator } from '../../../lib/pagination/page-number';
import type { Paginator } from '../../../lib/pagination/types';
import type { PageRequest } from '../../../lib/http/request';
import { EMPTY, frozen, page, request } from './fixtures';

type Config = Omit<PageNumberPaginatorConfig, 'type'>;
const pages = (config: Config) => pageNumberPaginator({ type: 'page_number', ...config });
const at = (value: number) => request({ params: { page: String(value) } });

/** Page numbers requested after the first, following `next` on full pages with this body. */
function follow(paginator: Paginator, body: unknown): string[] {
  const seen: string[] = [];
  let current: PageRequest | null = paginator.first(request());
  seen.push(current.params.page as string);
  while ((current = paginator.next(current, page(body))) && seen.length < 50) seen.push(current.params.page as string);
  return seen;
}

describe('page_number paginator: first()', () => {
  it.each<[string, Config, Record<string, string>]>([
    ['defaults to page 0 in "page"', {}, { page: '0' }],
    ['starts at base_page', { base_page: 1 }, { page: '1' }],
    ['page overrides base_page for the first request', { base_page: 1, page: 3 }, { page: '3' }],
    ['uses page_param', { page_param: 'p' }, { p: '0' }],
  ])('%s', (_name, config, params) => {
    expect(pages(config).first(frozen(request())).params).toEqual(params);
  });

  it('overwrites a user param of the same name and keeps the others', () => {
    expect(pages({ base_page: 1 }).first(request({ params: { page: '9', per_page: '50' } })).params).toEqual({ page: '1', per_page: '50' });
  });

  it('writes page_body_path into the json body instead of the query', () => {
    const first = pages({ page_body_path: 'pagination.page', base_page: 1 }).first(frozen(request({ method: 'POST', json: { filter: 'x' } })));
    expect(first.json).toEqual({ filter: 'x', pagination: { page: 1 } });
    expect(first.params).toEqual({});
  });
});

describe('page_number paginator: next()', () => {
  it.each<[string, Config, unknown, string[]]>([
    ['1-based stops after page total', { base_page: 1 }, { total: 3 }, ['1', '2', '3']],
    ['0-based stops after page total - 1', {}, { total: 3 }, ['0', '1', '2']],
    ['a numeric-string total', { base_page: 1, total_path: 'meta.pages' }, { meta: { pages: '2' } }, ['1', '2']],
    ['a total of one page', { base_page: 1 }, { total: 1 }, ['1']],
    ['a total of zero pages', { base_page: 1 }, { total: 0 }, ['1']],
    ['maximum_page is exclusive', { base_page: 1, total_path: null, maximum_page: 3 }, {}, ['1', '2']],
    ['the lower of total and maximum stops it', { base_page: 1, maximum_page: 10 }, { total: 2 }, ['1', '2']],
    ['a first page beyond base_page', { base_page: 1, page: 3 }, { total: 4 }, ['3', '4']],
  ])('%s', (_name, config, body, expected) => {
    expect(follow(pages(config), body)).toEqual(expected);
  });

  it('stops on an empty page before reading the total', () => {
    expect(pages({}).next(at(0), page({}, { records: EMPTY }))).toBeNull();
  });

  it('reads past an empty page when stop_after_empty_page is false', () => {
    expect(pages({ stop_after_empty_page: false }).next(at(0), page({ total: 5 }, { records: EMPTY }))?.params.page).toBe('1');
  });

  it('lets has_more override the total and the maximum', () => {
    const paginator = pages({ base_page: 1, maximum_page: 2, has_more_path: 'has_more' });
    expect(paginator.next(at(2), page({ total: 2, has_more: true }))?.params.page).toBe('3');
    expect(paginator.next(at(1), page({ total: 9, has_more: false }))).toBeNull();
    expect(paginator.next(at(1), page({ total: 9, has_more: 'no' }))).toBeNull();
  });

  it('names pages in the missing-total error', () => {
    const attempt = () => pages({}).next(at(0), page({ data: [] }));
    expect(attempt).toThrow(ResponseError);
    expect(attempt).toThrow('Total "pages" not found at "total" in the response (top-level keys: data)');
  });

  it('advances the counter in the body for page_body_path', () => {
    const paginator = pages({ page_body_path: 'page', base_page: 1 });
    const next = paginator.next(frozen(paginator.first(request({ json: { q: 1 } }))), page({ total: 5 }));
    expect(next?.json).toEqual({ q: 1, page: 2 });
  });

  it('starts from the initial page when the previous request carries none (uninitialised)', () => {
    expect(pages({}).next(request(), page({ total: 5 }))?.params.page).toBe('1');
  });
});

describe('page_number paginator: config errors', () => {
  it.each<[string, Config, RegExp]>([
    ['no stop condition', { total_path: null, stop_after_empty_page: false }, /set one of total_path, maximum_page, has_more_path or stop_after_empty_page: true; otherwise the page_number paginator never stops/],
    ['both page_param and page_body_path', { page_param: 'p', page_body_path: 'p' }, /either page_param or page_body_path, not both/],
    ['an empty page_param', { page_param: '' }, /paginator.page_param: must not be empty/],
    ['a fractional base_page', { base_page: 0.5 }, /paginator.base_page: expected an integer/],
    ['an invalid total_path', { total_path: 'a b' }, /Invalid JSONPath/],
  ])('%s', (_name, config, message) => {
    const attempt = () => pages(config);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
