import { ConfigError } from '../../../lib/errors';
import { compileFieldPath, getPath, MISSING } from '../../../lib/selection/field-path';

describe('field paths', () => {
  it.each<[string, (string | number)[]]>([
    ['id', ['id']],
    ['blog.id', ['blog', 'id']],
    ['items[0].id', ['items', 0, 'id']],
    ["['@odata.id']", ['@odata.id']],
    ['$.a["b c"][2]', ['a', 'b c', 2]],
    ['many-results', ['many-results']],
  ])('%s', (path, segments) => {
    expect(compileFieldPath(path)).toEqual(segments);
  });

  it.each(['a[*]', '*', 'a..b', 'a[?(@.x)]', '', 'a[0]b'])('rejects %s', (path) => {
    expect(() => compileFieldPath(path)).toThrow(ConfigError);
  });

  it('tells a null value from a missing one', () => {
    const record = { a: { b: null }, list: [1] };
    expect(getPath(record, compileFieldPath('a.b'))).toBeNull();
    expect(getPath(record, compileFieldPath('a.c'))).toBe(MISSING);
    expect(getPath(record, compileFieldPath('list[1]'))).toBe(MISSING);
    expect(getPath(record, compileFieldPath('list.x'))).toBe(MISSING);
  });
});
