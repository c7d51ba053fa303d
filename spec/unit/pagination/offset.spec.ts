import { ConfigError, ResponseError } from '../../../lib/errors';
import type { OffsetPaginatorConfig } from '../../../lib/config/types';
import { offsetPaginator } from '../../../lib/pagination/offset';
import { EMPTY, frozen, page, request } from './fixtures';

type Config = Omit<OffsetPaginatorConfig, 'type'>;
const offset = (config: Config) => offsetPaginator({ type: 'offset', ...config });
const at = (value: number, limit = 10) => request({ params: { offset: String(value), limit: String(limit) } });

describe('offset paginator: first()', () => {
  it('writes offset 0 and the limit, keeping other params', () => {
    const first = offset({ limit: 10 }).first(frozen(request({ params: { status: 'open' } })));
    expect(first.params).toEqual({ status: 'open', offset: '0', limit: '10' });
  });

  it('overwrites a user param of the same name', () => {
    const first = offset({ limit: 10 }).first(request({ params: { offset: '500', limit: '1' } }));
    expect(first.params).toEqual({ offset: '0', limit: '10' });
  });

  it('starts at the configured offset under the configured names', () => {
    const first = offset({ limit: 25, offset: 50, offset_param: 'start', limit_param: 'count' }).first(request());
    expect(first.params).toEqual({ start: '50', count: '25' });
  });

  it('writes body paths into a copy of the json body, creating objects as needed', () => {
    const input = frozen(request({ method: 'POST', json: { query: 'x', paging: { size: 'ignored' } } }));
    const first = offset({ limit: 10, offset_body_path: 'paging.offset', limit_body_path: 'paging.limit' }).first(input);
    expect(first.json).toEqual({ query: 'x', paging: { size: 'ignored', offset: 0, limit: 10 } });
    expect(first.params).toEqual({});
    expect(input.json).toEqual({ query: 'x', paging: { size: 'ignored' } });
  });

  it('creates the json body when the request has none', () => {
    const first = offset({ limit: 5, offset_body_path: 'offset', limit_param: 'limit' }).first(request({ method: 'POST' }));
    expect(first.json).toEqual({ offset: 0 });
    expect(first.params).toEqual({ limit: '5' });
  });
});

describe('offset paginator: next()', () => {
  it.each<[string, Config, number, unknown, unknown[] | undefined, number | null]>([
    ['advances by limit', { limit: 10 }, 0, { total: 25 }, undefined, 10],
    ['advances again', { limit: 10 }, 10, { total: 25 }, undefined, 20],
    ['stops once offset + limit ≥ total', { limit: 10 }, 20, { total: 25 }, undefined, null],
    ['stops exactly at total', { limit: 10 }, 10, { total: 20 }, undefined, null],
    ['accepts a numeric-string total', { limit: 10 }, 0, { total: '25' }, undefined, 10],
    ['accepts a padded numeric-string total', { limit: 10 }, 10, { total: ' 30 ' }, undefined, 20],
    ['truncates a float total like int()', { limit: 10 }, 10, { total: 20.9 }, undefined, null],
    ['reads a nested total_path', { limit: 10, total_path: 'meta.total' }, 0, { meta: { total: 11 } }, undefined, 10],
    ['a short page does not stop it (no total)', { limit: 10, total_path: null }, 0, {}, [{ id: 1 }], 10],
    ['a short page does not stop it (total says more)', { limit: 10 }, 0, { total: 50 }, [{ id: 1 }], 10],
    ['an empty page stops it even when the total says more', { limit: 10 }, 0, { total: 100 }, EMPTY, null],
    ['an empty page stops it before the total is read', { limit: 10 }, 0, {}, EMPTY, null],
    ['stop_after_empty_page: false reads past an empty page', { limit: 10, stop_after_empty_page: false }, 0, { total: 100 }, EMPTY, 10],
    ['maximum_offset is exclusive (below)', { limit: 10, total_path: null, maximum_offset: 30 }, 10, {}, undefined, 20],
    ['maximum_offset is exclusive (reached)', { limit: 10, total_path: null, maximum_offset: 30 }, 20, {}, undefined, null],
    ['the lower of total and maximum stops it', { limit: 10, maximum_offset: 100 }, 10, { total: 20 }, undefined, null],
    ['has_more true continues', { limit: 10, total_path: null, has_more_path: 'more' }, 0, { more: true }, undefined, 10],
    ['has_more false stops', { limit: 10, total_path: null, has_more_path: 'more' }, 0, { more: false }, undefined, null],
    ['has_more true overrides the total', { limit: 10, has_more_path: 'more' }, 0, { total: 5, more: true }, undefined, 10],
    ['has_more false overrides the total', { limit: 10, has_more_path: 'more' }, 0, { total: 500, more: false }, undefined, null],
    ['has_more true overrides maximum_offset', { limit: 10, total_path: null, has_more_path: 'more', maximum_offset: 20 }, 10, { more: true }, undefined, 20],
    ['an empty page stops before has_more is read', { limit: 10, total_path: null, has_more_path: 'more' }, 0, {}, EMPTY, null],
    ['reads a nested has_more_path', { limit: 2, total_path: null, has_more_path: 'page.has_more' }, 4, { page: { has_more: true } }, undefined, 6],
  ])('%s', (_name, config, previousOffset, body, records, expected) => {
    const next = offset(config).next(frozen(at(previousOffset, config.limit)), page(body, { records }));
    expect(next === null ? null : Number(next.params.offset)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['yes', true],
    ['TRUE', true],
    ['t', true],
    ['Y', true],
    ['1', true],
    ['no', false],
    ['False', false],
    ['f', false],
    ['N', false],
    ['0', false],
  ])('parses the has_more string %j as %s', (flag, more) => {
    const next = offset({ limit: 10, total_path: null, has_more_path: 'more' }).next(at(0), page({ more: flag }));
    expect(next !== null).toBe(more);
  });

  it.each<[string, Config, unknown, RegExp]>([
    [
      'a missing total (with the setting to change)',
      { limit: 10 },
      { items: [], count: 3 },
      /^Total "items" not found at "total" in the response \(top-level keys: items, count\): set paginator.total_path to the field holding the total, or null if the API has none$/,
    ],
    ['a null total', { limit: 10 }, { total: null }, /Total "items" not found at "total"/],
    ['a non-integer string total', { limit: 10 }, { total: 'invalid' }, /Total "items" at "total" is not an integer \(got "invalid"\)/],
    ['a float string total (as int())', { limit: 10 }, { total: '2.5' }, /is not an integer \(got "2.5"\)/],
    ['a boolean total', { limit: 10 }, { total: true }, /is not an integer \(got true\)/],
    ['an object total', { limit: 10 }, { total: { value: 3 } }, /is not an integer \(got an object\)/],
    ['has_more without total_path: null still needs a total (dlt gotcha)', { limit: 10, has_more_path: 'more' }, { more: true }, /Total "items" not found/],
    ['a missing has_more', { limit: 10, total_path: null, has_more_path: 'more' }, { data: [] }, /^Has-more flag not found at "more" in the response \(top-level keys: data\)/],
    ['a null has_more', { limit: 10, total_path: null, has_more_path: 'more' }, { more: null }, /Has-more flag not found at "more"/],
    ['an unparsable has_more string', { limit: 10, total_path: null, has_more_path: 'more' }, { more: 'maybe' }, /Has-more flag at "more" is not a boolean \(got "maybe"\)/],
    ['a numeric has_more', { limit: 10, total_path: null, has_more_path: 'more' }, { more: 1 }, /is not a boolean \(got 1\)/],
    ['has_more is read even when the total says stop', { limit: 10, has_more_path: 'more' }, { total: 5 }, /Has-more flag not found/],
  ])('raises a ResponseError for %s', (_name, config, body, message) => {
    const attempt = () => offset(config).next(at(0), page(body));
    expect(attempt).toThrow(ResponseError);
    expect(attempt).toThrow(message);
  });

  it('keeps static params, headers and body; writes the limit again', () => {
    const previous = frozen(request({ params: { status: 'open', offset: '10', limit: 'tampered' }, json: { q: 1 } }));
    const next = offset({ limit: 10 }).next(previous, page({ total: 100 }));
    expect(next).toEqual({ ...previous, params: { status: 'open', offset: '20', limit: '10' } });
  });

  it('reads and writes the counter in the body for the body-path variant', () => {
    const paginator = offset({ limit: 10, offset_body_path: 'paging.offset', limit_body_path: 'paging.limit' });
    const first = paginator.first(request({ method: 'POST', json: { q: 'x' } }));
    const second = paginator.next(frozen(first), page({ total: 30 }));
    const third = second && paginator.next(frozen(second), page({ total: 30 }));
    expect(second?.json).toEqual({ q: 'x', paging: { offset: 10, limit: 10 } });
    expect(third?.json).toEqual({ q: 'x', paging: { offset: 20, limit: 10 } });
    expect(third && paginator.next(third, page({ total: 30 }))).toBeNull();
  });

  it('starts from the initial offset when the previous request carries none', () => {
    expect(offset({ limit: 10, offset: 40 }).next(request(), page({ total: 100 }))?.params.offset).toBe('50');
  });

  it('refuses a previous counter that is not an integer', () => {
    expect(() => offset({ limit: 10 }).next(request({ params: { offset: 'abc' } }), page({ total: 100 }))).toThrow(
      /query parameter "offset" of the previous request is "abc"/,
    );
  });
});

describe('offset paginator: config errors', () => {
  it.each<[string, Config, RegExp]>([
    [
      'no stop condition',
      { limit: 10, total_path: null, stop_after_empty_page: false },
      /set one of total_path, maximum_offset, has_more_path or stop_after_empty_page: true; otherwise the offset paginator never stops/,
    ],
    ['a missing limit', {} as Config, /paginator.limit: required/],
    ['a zero limit', { limit: 0 }, /paginator.limit: expected an integer ≥ 1, got 0/],
    ['a string limit', { limit: '100' as unknown as number }, /paginator.limit: expected an integer ≥ 1, got "100"/],
    ['a negative offset', { limit: 10, offset: -1 }, /paginator.offset: expected an integer ≥ 0/],
    ['a fractional maximum_offset', { limit: 10, maximum_offset: 1.5 }, /paginator.maximum_offset: expected an integer/],
    ['both offset_param and offset_body_path', { limit: 10, offset_param: 'o', offset_body_path: 'o' }, /either offset_param or offset_body_path, not both/],
    ['both limit_param and limit_body_path', { limit: 10, limit_param: 'l', limit_body_path: 'l' }, /either limit_param or limit_body_path, not both/],
    ['an empty offset_param', { limit: 10, offset_param: '' }, /paginator.offset_param: must not be empty/],
    ['an empty limit_body_path', { limit: 10, limit_body_path: '' }, /paginator.limit_body_path: must not be empty/],
    ['a malformed body path', { limit: 10, offset_body_path: 'a..b' }, /paginator.offset_body_path: "a..b" is not a dot path/],
    ['an invalid total_path', { limit: 10, total_path: 'meta[' }, /Invalid JSONPath "meta\["/],
    ['an invalid has_more_path', { limit: 10, has_more_path: 'x[(1)]' }, /Unsupported JSONPath syntax/],
  ])('%s', (_name, config, message) => {
    const attempt = () => offset(config);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('accepts any single stop condition', () => {
    expect(() => offset({ limit: 10, total_path: null })).not.toThrow();
    expect(() => offset({ limit: 10, total_path: null, stop_after_empty_page: false, maximum_offset: 100 })).not.toThrow();
    expect(() => offset({ limit: 10, total_path: null, stop_after_empty_page: false, has_more_path: 'more' })).not.toThrow();
    expect(() => offset({ limit: 10, stop_after_empty_page: false })).not.toThrow();
  });

  it('refuses a body path through a non-object in the request json', () => {
    const paginator = offset({ limit: 10, offset_body_path: 'paging.offset' });
    expect(() => paginator.first(request({ json: { paging: 3 } }))).toThrow(/"paging" in the request json is not an object/);
    expect(() => paginator.first(request({ json: [1] }))).toThrow(/the request json is not an object/);
  });
});
