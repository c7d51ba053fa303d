import { interpolate } from '../../../lib/config/interpolate';

describe('interpolate', () => {
  const values: Record<string, string> = { KEY: 'k-1', URL: 'http://sim' };
  const resolve = (name: string): string | undefined => values[name];
  it.each<[string, string, string[]]>([
    ['Token token=${KEY}', 'Token token=k-1', []],
    ['${URL}/v1/${KEY}', 'http://sim/v1/k-1', []],
    ['${NOPE:-fallback}', 'fallback', []],
    ['${NOPE:-}', '', []],
    ['${URL:-fallback}', 'http://sim', []],
    ['$${KEY}', '${KEY}', []],
    ['{resources.a.id}', '{resources.a.id}', []],
    ['a ${NOPE} b', 'a ${NOPE} b', ['NOPE']],
  ])('%s → %s', (text, expected, missing) => {
    const result = interpolate(text, resolve);
    expect(result.text).toBe(expected);
    expect(result.missing).toEqual(missing);
  });

  it('reports the values it used', () => {
    expect(interpolate('${KEY}:${URL}', resolve).used).toEqual([{ name: 'KEY', value: 'k-1' }, { name: 'URL', value: 'http://sim' }]);
  });
});
