import { LineCounter, parseDocument } from 'yaml';
import { describeYamlError, yamlLocator } from '../../../lib/config/yaml-position';

const TEXT = [
  'pipeline_name: demo', //                          1
  'source:', //                                      2
  '  client:', //                                    3
  '    base_url: https://api.example.com', //        4
  '  resources:', //                                 5
  '    - incidents', //                              6
  '    - name: services', //                         7
  '      endpoint: { path: /v1/services, "a.b": 1 }', // 8
  'defaults: &d { limit: 5 }', //                    9
  'other: *d', //                                    10
].join('\n');

function locator(text: string) {
  const lineCounter = new LineCounter();
  return yamlLocator(parseDocument(text, { lineCounter }), lineCounter);
}

describe('yamlLocator', () => {
  const locate = locator(TEXT);
  it.each<[string, string | undefined]>([
    ['pipeline_name', 'line 1, column 1'],
    ['source.client.base_url', 'line 4, column 5'],
    ['source.resources[0]', 'line 6, column 7'],
    ['source.resources[1].endpoint.path', 'line 8, column 19'],
    ['source.resources[1].endpoint["a.b"]', 'line 8, column 39'],
    ['other.limit', 'line 9, column 16'],
    // Missing keys and items: the deepest node that exists, where they belong.
    ['source.client.timeout_ms', 'line 3, column 3'],
    ['source.resources[5].name', 'line 5, column 3'],
    ['source.resources[0].endpoint', 'line 6, column 7'],
    ['nothing', undefined],
    ['', undefined],
  ])('%s → %s', (path, expected) => {
    expect(locate(path)).toBe(expected);
  });
});

describe('describeYamlError', () => {
  const error = (text: string) => {
    const problem = parseDocument(text).errors[0];
    return describeYamlError(text, problem);
  };

  it.each([
    ['double quote', 'a: 1\nb: "open\nc: 3\nd: 4\n', ' at line 2, column 4: the quoted string that starts here is never closed (the parser gave up at line 5, column 1)'],
    ['single quote in a list', "a:\n  - 'open\n  - b\n", ' at line 2, column 5: the quoted string that starts here is never closed (the parser gave up at line 4, column 1)'],
  ])('an unclosed %s is reported where it opens', (_name, text, expected) => {
    expect(error(text)).toBe(expected);
  });

  it('any other error keeps the parser position and its first line', () => {
    expect(error('a: 1\na: 2\n')).toBe(' at line 2, column 1: Map keys must be unique');
  });
});
