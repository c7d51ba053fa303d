import { parentsOf, scanTemplate } from '../../../lib/config/placeholders';

describe('scanTemplate', () => {
  it.each<[string, string[], string | undefined]>([
    ['issues/{resources.issues.id}/comments', ['resources.issues.id'], undefined],
    ['{a}{b!r}{c!s}', ['a', 'b', 'c'], undefined],
    ['{resources.p.items[0].id}', ['resources.p.items[0].id'], undefined],
    ["{resources.p['a}b']}", ["resources.p['a}b']"], undefined],
    ['{c:>10}', [], 'format spec in "{c:…}" is not supported'],
    ['{c!x}', [], 'unsupported conversion in "{c!…}" (supported: !s, !r)'],
    ['{}', [], 'empty placeholder "{}"; placeholders need a name'],
    ['{{literal}} and {x}', ['x'], undefined],
    ['{{a {{b}} }}', [], undefined],
    ['plain', [], undefined],
    ['a}b', [], 'single "}" (write "}}" for a literal brace)'],
    ['{ query { id } }', [], 'unmatched "{" (write "{{" for a literal brace)'],
    ['{open', [], 'unmatched "{" (write "{{" for a literal brace)'],
  ])('%s', (text, fields, problem) => {
    expect(scanTemplate(text)).toEqual(problem ? { fields, problem } : { fields });
  });
});

describe('parentsOf', () => {
  it('finds parents in path, params (names too), headers, json and data, once each', () => {
    expect(parentsOf({
      path: 'x/{resources.a.id}',
      params: { '{resources.b.key}': 1, q: '{resources.a.name}' },
      headers: { H: '{resources.c.h}' },
      json: { deep: [{ v: '{resources.d.v}' }], type: '{resources.e.t}' },
      data: [['f', '{resources.f.x}']],
    })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('ignores incremental params and escaped braces', () => {
    expect(parentsOf({ params: { s: { type: 'incremental', cursor_path: 'u' }, q: '{{resources.a.id}}' } })).toEqual([]);
  });
});
