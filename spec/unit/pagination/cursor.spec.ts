import { ConfigError, ResponseError } from '../../../lib/errors';
import type { CursorPaginatorConfig } from '../../../lib/config/types';
import { cursorPaginator } from '../../../lib/pagination/cursor';
import { EMPTY, frozen, page, request } from './fixtures';

type Config = Omit<CursorPaginatorConfig, 'type'>;
const cursor = (config: Config = {}) => cursorPaginator({ type: 'cursor', ...config });
const previous = frozen(request({ params: { status: 'open', cursor: 'old' } }));

describe('cursor paginator', () => {
  it('sends no cursor on the first request (and keeps a user one)', () => {
    const input = frozen(request({ params: { cursor: 'start-here' } }));
    expect(cursor().first(input)).toEqual(input);
  });

  it.each<[string, Config, unknown, string | null]>([
    ['reads cursors.next by default', {}, { cursors: { next: 'abc' } }, 'abc'],
    ['reads the configured cursor_path', { cursor_path: 'pagination_meta.after' }, { pagination_meta: { after: 'id-9' } }, 'id-9'],
    ['sends a numeric cursor as text', { cursor_path: 'next_id' }, { next_id: 33 }, '33'],
    ['stops on a missing cursor', {}, { items: [] }, null],
    ['stops on a null cursor', {}, { cursors: { next: null } }, null],
    ['stops on an empty-string cursor', {}, { cursors: { next: '' } }, null],
    ['stops on a zero cursor', {}, { cursors: { next: 0 } }, null],
    ['stops on a false cursor', {}, { cursors: { next: false } }, null],
    ['stops on an empty-list cursor (Python falsy)', {}, { cursors: { next: [] } }, null],
    ['stops on an empty-object cursor (Python falsy)', {}, { cursors: { next: {} } }, null],
    ['continues on the string "0" (truthy)', {}, { cursors: { next: '0' } }, '0'],
  ])('%s', (_name, config, body, expected) => {
    const next = cursor(config).next(previous, page(body));
    expect(next === null ? null : next.params.cursor).toBe(expected);
  });

  it('writes the cursor into cursor_param and keeps the other params, headers and body', () => {
    const input = frozen(request({ params: { status: 'open' }, json: { q: 1 } }));
    const next = cursor({ cursor_param: 'after', cursor_path: 'meta.after' }).next(input, page({ meta: { after: 'x' } }));
    expect(next).toEqual({ ...input, params: { status: 'open', after: 'x' } });
  });

  it('does not stop on an empty page by default', () => {
    expect(cursor().next(previous, page({ cursors: { next: 'abc' } }, { records: EMPTY }))?.params.cursor).toBe('abc');
  });

  it('stops on an empty page when stop_after_empty_page is true, even with a cursor', () => {
    expect(cursor({ stop_after_empty_page: true }).next(previous, page({ cursors: { next: 'abc' } }, { records: EMPTY }))).toBeNull();
  });

  describe('has_more_path decides', () => {
    const paginator = cursor({ has_more_path: 'has_more' });
    it('continues with a null cursor (dropped from the query) when has_more is true and no cursor', () => {
      const next = paginator.next(previous, page({ has_more: true }));
      expect(next?.params).toEqual({ status: 'open', cursor: null });
    });
    it('stops when has_more is false despite a cursor', () => {
      expect(paginator.next(previous, page({ has_more: false, cursors: { next: 'abc' } }))).toBeNull();
    });
    it('parses has_more strings', () => {
      expect(paginator.next(previous, page({ has_more: 'Yes', cursors: { next: 'c' } }))?.params.cursor).toBe('c');
    });
    it.each<[unknown, RegExp]>([
      [{ cursors: { next: 'c' } }, /Has-more flag not found at "has_more"/],
      [{ has_more: 'perhaps' }, /Has-more flag at "has_more" is not a boolean \(got "perhaps"\)/],
      [{ has_more: 0 }, /is not a boolean \(got 0\)/],
    ])('raises a ResponseError for %j', (body, message) => {
      const attempt = () => paginator.next(previous, page(body));
      expect(attempt).toThrow(ResponseError);
      expect(attempt).toThrow(message);
    });
    it('stops on an empty page with stop_after_empty_page before reading has_more', () => {
      expect(cursor({ has_more_path: 'has_more', stop_after_empty_page: true }).next(previous, page({}, { records: EMPTY }))).toBeNull();
    });
  });

  describe('cursor_body_path', () => {
    const paginator = cursor({ cursor_path: 'nextPageToken', cursor_body_path: 'paging.token' });
    it('writes the cursor into the json body with its native type, not the query', () => {
      const input = frozen(request({ method: 'POST', json: { query: 'x' }, params: { a: '1' } }));
      expect(paginator.next(input, page({ nextPageToken: 7 }))).toEqual({ ...input, json: { query: 'x', paging: { token: 7 } } });
    });
    it('creates the body when there is none', () => {
      expect(paginator.next(request({ method: 'POST' }), page({ nextPageToken: 'abc' }))?.json).toEqual({ paging: { token: 'abc' } });
    });
    it('writes null when has_more continues without a cursor', () => {
      const withMore = cursor({ cursor_body_path: 'token', has_more_path: 'more' });
      expect(withMore.next(request({ json: { token: 'old' } }), page({ more: true }))?.json).toEqual({ token: null });
    });
  });

  it.each<[Config, RegExp]>([
    [{ cursor_param: 'c', cursor_body_path: 'c' }, /either cursor_param or cursor_body_path, not both/],
    [{ cursor_param: '' }, /paginator.cursor_param: must not be empty/],
    [{ cursor_path: 'a..' }, /Invalid JSONPath/],
  ])('rejects %j', (config, message) => {
    expect(() => cursor(config)).toThrow(ConfigError);
    expect(() => cursor(config)).toThrow(message);
  });
});
