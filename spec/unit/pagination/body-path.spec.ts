import { ConfigError } from '../../../lib/errors';
import type { JsonValue } from '../../../lib/config/types';
import { getAtBodyPath, parseBodyPath, setAtBodyPath } from '../../../lib/pagination/body-path';
import { frozen } from './fixtures';

describe('body paths', () => {
  it.each<[JsonValue | undefined, string, JsonValue, JsonValue]>([
    [undefined, 'page', 1, { page: 1 }],
    [null, 'page', 1, { page: 1 }],
    [{ q: 'x' }, 'page', 1, { q: 'x', page: 1 }],
    [{ q: 'x' }, 'paging.page', 2, { q: 'x', paging: { page: 2 } }],
    [{ paging: { size: 10, page: 1 } }, 'paging.page', 2, { paging: { size: 10, page: 2 } }],
    [{ a: { b: {} } }, 'a.b.c.d', 'v', { a: { b: { c: { d: 'v' } } } }],
    [{ a: { b: null } }, 'a.b.c', 'v', { a: { b: { c: 'v' } } }],
  ])('set %j at %s', (body, path, value, expected) => {
    const input = frozen(body);
    expect(setAtBodyPath(input, parseBodyPath('page_body_path', path), value)).toEqual(expected);
  });

  it('shares untouched siblings and copies the path', () => {
    const body = { keep: { deep: [1] }, paging: { page: 1 } };
    const out = setAtBodyPath(body, ['paging', 'page'], 2) as typeof body;
    expect(out.keep).toBe(body.keep);
    expect(out.paging).not.toBe(body.paging);
    expect(body.paging.page).toBe(1);
  });

  it.each<[JsonValue, string, RegExp]>([
    [[1], 'page', /the request json is not an object/],
    ['text', 'page', /the request json is not an object/],
    [{ paging: 'x' }, 'paging.page', /"paging" in the request json is not an object/],
    [{ a: { b: [] } }, 'a.b.c', /"a.b" in the request json is not an object/],
  ])('refuses to write through %j', (body, path, message) => {
    expect(() => setAtBodyPath(body, path.split('.'), 1)).toThrow(message);
  });

  it.each(['', '.page', 'page.', 'a..b'])('rejects the malformed path %j', (path) => {
    expect(() => parseBodyPath('cursor_body_path', path)).toThrow(ConfigError);
    expect(() => parseBodyPath('cursor_body_path', path)).toThrow(/paginator.cursor_body_path/);
  });

  it('reads values back', () => {
    expect(getAtBodyPath({ a: { b: 3 } }, ['a', 'b'])).toBe(3);
    expect(getAtBodyPath({ a: { b: null } }, ['a', 'b'])).toBeNull();
    expect(getAtBodyPath({ a: 1 }, ['a', 'b'])).toBeUndefined();
    expect(getAtBodyPath(undefined, ['a'])).toBeUndefined();
    expect(getAtBodyPath({}, ['constructor'])).toBeUndefined();
  });
});
