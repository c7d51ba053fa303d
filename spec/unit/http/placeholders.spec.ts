import { ConfigError } from '../../../lib/errors';
import {
  compileFieldPath,
  getPath,
  MISSING,
  parseTemplate,
  placeholdersIn,
  pythonRepr,
  pythonStr,
  render,
  renderDeep,
} from '../../../lib/http/placeholders';

const ctx = {
  resources: { posts: { id: 3, title: 'hi', ok: true, none: null, tags: ['a', "b'c"], items: [{ id: 11 }], meta: { score: 3.14 } } },
  incremental: { start_value: '2024-01-01T00:00:00Z', lag: 3600 },
  page_size: 50,
};

describe('parseTemplate', () => {
  it.each([
    ['plain', ['plain']],
    ['a/{x}/b', ['a/', { name: 'x', conversion: null }, '/b']],
    ['{{not_this}}', ['{not_this}']],
    ['{{a {{b}} }}', ['{a {b} }']],
    ['{resources.p.items[0].id}', [{ name: 'resources.p.items[0].id', conversion: null }]],
    ["{x['a:b']}", [{ name: "x['a:b']", conversion: null }]],
    ['{x!r}', [{ name: 'x', conversion: 'r' }]],
    ['', []],
  ])('%s', (template, expected) => {
    expect(parseTemplate(template)).toEqual(expected);
  });

  it.each([
    ['a}b', /single "}"/],
    ['a{b', /expected "}"/],
    ['{}', /empty placeholder/],
    ['{x:>10}', /format spec/],
    ['{x!a}', /unsupported conversion/],
    ['{a{b}}', /unexpected "\{"/],
  ])('rejects %s', (template, message) => {
    expect(() => parseTemplate(template)).toThrow(ConfigError);
    expect(() => parseTemplate(template)).toThrow(message);
  });
});

describe('pythonStr (Python str() of JSON values)', () => {
  it.each<[unknown, string]>([
    ['text', 'text'],
    [true, 'True'],
    [false, 'False'],
    [null, 'None'],
    [3, '3'],
    [-0, '0'],
    [3.14, '3.14'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [-2.5e-10, '-2.5e-10'],
    // Deliberate difference: the JSON int/float distinction is lost, so 1e10 is '10000000000', not '10000000000.0'.
    [1e10, '10000000000'],
    [1e21, '1000000000000000000000'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
    [[1, 'a', null, true], "[1, 'a', None, True]"],
    [{ a: 1, b: [1, 2], c: { d: null } }, "{'a': 1, 'b': [1, 2], 'c': {'d': None}}"],
    [[], '[]'],
    [{}, '{}'],
    [["it's"], '["it\'s"]'],
    [['say "hi" it\'s'], "['say \"hi\" it\\'s']"],
    [['a\nb\\c\t'], "['a\\nb\\\\c\\t']"],
    [['\u0001\u00a0é\u2028'], "['\\x01\\xa0é\\u2028']"],
  ])('%p → %s', (value, expected) => {
    expect(pythonStr(value)).toBe(expected);
  });

  it('pythonRepr quotes strings', () => {
    expect(pythonRepr('x')).toBe("'x'");
  });
});

describe('render', () => {
  it.each<[string, string]>([
    ['posts/{resources.posts.id}/comments', 'posts/3/comments'],
    ['{resources.posts.ok}|{resources.posts.none}', 'True|None'],
    ['{resources.posts.tags}', "['a', \"b'c\"]"],
    ['{resources.posts.items[0].id}', '11'],
    ['{resources.posts.meta.score}', '3.14'],
    ['{resources.posts.title!r}', "'hi'"],
    ['since={incremental.start_value}&lag={incremental.lag}', 'since=2024-01-01T00:00:00Z&lag=3600'],
    ['{page_size}', '50'],
    ['{{not_this}}', '{not_this}'],
    ['{{a {{b}} }}', '{a {b} }'],
    ['{{{resources.posts.id}}}', '{3}'],
  ])('%s → %s', (template, expected) => {
    expect(render(template, ctx)).toBe(expected);
  });

  it('a missing name is a ConfigError naming the placeholder', () => {
    expect(() => render('x/{resources.posts.nope}', ctx)).toThrow(ConfigError);
    expect(() => render('x/{resources.posts.nope}', ctx)).toThrow('{resources.posts.nope}');
  });

  it('uses the caller’s error for a missing name', () => {
    const err = new Error('custom');
    expect(() => render('{nope}', ctx, () => err)).toThrow(err);
  });
});

describe('renderDeep', () => {
  it('keeps native types for a lone placeholder in json, deep over objects and arrays', () => {
    const body = {
      id: '{resources.posts.id}',
      ok: '{resources.posts.ok}',
      none: '{resources.posts.none}',
      tags: '{resources.posts.tags}',
      nested: [{ at: '{incremental.start_value}' }, 'id-{resources.posts.id}', 7, null],
      '{resources.posts.title}': 'key',
      literal: '{{x}}',
      repr: '{resources.posts.id!r}',
    };
    expect(renderDeep(body, ctx, { native: true })).toEqual({
      id: 3,
      ok: true,
      none: null,
      tags: ['a', "b'c"],
      nested: [{ at: '2024-01-01T00:00:00Z' }, 'id-3', 7, null],
      hi: 'key',
      literal: '{x}',
      repr: '3',
    });
  });

  it('renders text without native', () => {
    expect(renderDeep({ id: '{resources.posts.id}', n: 1 }, ctx)).toEqual({ id: '3', n: 1 });
  });
});

describe('placeholdersIn', () => {
  it('lists names from strings, keys and nested values, once, in order', () => {
    expect(
      placeholdersIn({
        path: 'p/{resources.posts.id}/{x}',
        '{resources.posts.key}': ['{incremental.start_value}', { a: '{resources.posts.id}' }],
        escaped: '{{not_a_placeholder}}',
        n: 5,
      }),
    ).toEqual(['resources.posts.id', 'x', 'resources.posts.key', 'incremental.start_value']);
  });
});

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
