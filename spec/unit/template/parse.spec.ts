import { ConfigError } from '../../../lib/errors';
import { parseTemplate, scanTemplate } from '../../../lib/template/parse';

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
