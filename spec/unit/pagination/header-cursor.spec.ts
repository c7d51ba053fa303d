import { ConfigError } from '../../../lib/errors';
import { headerCursorPaginator } from '../../../lib/pagination/header-cursor';
import { frozen, page, request } from './fixtures';

describe('header_cursor paginator', () => {
  const previous = frozen(request({ params: { status: 'open', cursor: 'old' } }));

  it('leaves the first request alone', () => {
    expect(headerCursorPaginator({ type: 'header_cursor' }).first(previous)).toEqual(previous);
  });

  it.each<[string, { cursor_key?: string; cursor_param?: string }, Record<string, string>, Record<string, string> | null]>([
    ['reads header "next" into "cursor" by default', {}, { next: 'abc' }, { status: 'open', cursor: 'abc' }],
    ['reads a configured header, matched case-insensitively', { cursor_key: 'X-Next-Token', cursor_param: 'token' }, { 'x-next-token': 't2' }, { status: 'open', cursor: 'old', token: 't2' }],
    ['stops without the header', {}, {}, null],
    ['stops on an empty header (dlt would send cursor= forever)', {}, { next: '' }, null],
  ])('%s', (_name, config, headers, expected) => {
    const next = headerCursorPaginator({ type: 'header_cursor', ...config }).next(previous, page([], { headers }));
    expect(next === null ? null : next.params).toEqual(expected);
  });

  it('rejects an empty cursor_param', () => {
    expect(() => headerCursorPaginator({ type: 'header_cursor', cursor_param: '' })).toThrow(ConfigError);
  });
});
