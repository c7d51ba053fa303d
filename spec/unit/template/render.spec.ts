import { ConfigError } from '../../../lib/errors';
import { placeholdersIn, render, renderDeep } from '../../../lib/template/render';

const ctx = {
  resources: { posts: { id: 3, title: 'hi', ok: true, none: null, tags: ['a', "b'c"], items: [{ id: 11 }], meta: { score: 3.14 } } },
  incremental: { start_value: '2024-01-01T00:00:00Z', lag: 3600 },
  page_size: 50,
};

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
