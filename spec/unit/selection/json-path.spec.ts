import { ConfigError } from '../../../lib/errors';
import { compileJsonPath, firstMatch, formatJsonPath, parseJsonPath } from '../../../lib/selection/json-path';

const doc = {
  data: [
    { id: 1, status: 'open', priority: 3, tags: ['a'], assignee: { name: 'ann' } },
    { id: 2, status: 'closed', priority: '5', tags: [] },
    { id: 3, status: 'open', priority: 7, assignee: null },
  ],
  meta: { total: 3, 'many-results': [10, 20], 'a.b': 'dotted', "it's": 'quoted' },
  '@odata.nextLink': 'https://api.example.com/next',
  '@odata': { count: 9 },
  empty: [],
  nothing: null,
  zero: 0,
  single: { id: 9 },
};

describe('compileJsonPath', () => {
  it.each<[string, unknown[]]>([
    ['$', [doc]],
    ['@', [doc]],
    ['data', [doc.data]],
    ['$.data', [doc.data]],
    ['meta.total', [3]],
    ['$.meta.total', [3]],
    ['meta.missing', []],
    ['missing.total', []],
    ['nothing', [null]],
    ['nothing.deeper', []],
    ['data[*].id', [1, 2, 3]],
    ['$.data[*].id', [1, 2, 3]],
    ['data.*.id', [1, 2, 3]],
    ['meta.*', [3, [10, 20], 'dotted', 'quoted']],
    ['data[0].id', [1]],
    ['data.[1].id', [2]],
    ['data[-1].id', [3]],
    ['data[3]', []],
    ['data[-4]', []],
    ['data[0:2].id', [1, 2]],
    ['data[1:].id', [2, 3]],
    ['data[:-1].id', [1, 2]],
    ['data[0,2].id', [1, 3]],
    ['meta.many-results', [[10, 20]]],
    ['meta.many-results[1]', [20]],
    ["meta['a.b']", ['dotted']],
    ['meta["a.b"]', ['dotted']],
    ["meta['it\\'s']", ['quoted']],
    ['meta."a.b"', ['dotted']],
    ['"meta".total', [3]],
    ["['@odata.nextLink']", ['https://api.example.com/next']],
    ["$['@odata.nextLink']", ['https://api.example.com/next']],
    ['$["@odata.nextLink"]', ['https://api.example.com/next']],
    ['@odata.count', [9]],
    ["meta['total','a.b']", [3, 'dotted']],
    ['$..id', [1, 2, 3, 9]],
    ['data..name', ['ann']],
    ['$..assignee', [{ name: 'ann' }, null]],
    ['meta..[0]', [10]],
    ['$.data[?(@.status == "open")].id', [1, 3]],
    ["data[?(@.status == 'closed')].id", [2]],
    ['data[?(@.status = "open")].id', [1, 3]],
    ['data[?status = "open"].id', [1, 3]],
    ['data[?(@.status != "open")].id', [2]],
    ['data[?(@.priority > 4)].id', [2, 3]],
    ['data[?(@.priority >= 3)].id', [1, 2, 3]],
    ['data[?(@.priority < 4)].id', [1]],
    ['data[?(@.priority <= 5)].id', [1, 2]],
    ['data[?(@.priority == 5)].id', [2]],
    ['data[?(@.assignee)].id', [1, 3]],
    ['data[?(@.assignee.name == "ann")].id', [1]],
    ['data[?(@.assignee == null)].id', [3]],
    ['data[?(@.status == "open" && @.priority > 5)].id', [3]],
    ['data[?(@.status == "open" & @.priority < 5)].id', [1]],
    ['data[?(@.tags[0] == "a")].id', [1]],
    ['single[?(@ == 9)]', [9]],
    [' data[ 0 ].id ', [1]],
  ])('%s', (expression, expected) => {
    expect(compileJsonPath(expression)(doc)).toEqual(expected);
  });

  // jsonpath-ng (dlt's engine) wraps a non-list in a one-element list for [*] and slices.
  it.each<[string, string, unknown, unknown[]]>([
    ['[*] on an object matches the object', 'data[*]', { data: { id: 1 } }, [{ id: 1 }]],
    ['[*] on a string matches the string', 'data[*]', { data: 'x' }, ['x']],
    ['[*] on an empty list matches nothing', 'data[*]', { data: [] }, []],
    ['[*] on null matches nothing', 'data[*]', { data: null }, []],
    ['[*] on an empty object matches nothing', 'data[*]', { data: {} }, []],
    ['[*] on 0 matches nothing', 'data[*]', { data: 0 }, []],
    ['.* on an object yields its values', 'data.*', { data: { a: 1, b: 2 } }, [1, 2]],
    ['.* on a scalar matches nothing', 'data.*', { data: 5 }, []],
    ['an index on an object matches nothing', 'data[0]', { data: { 0: 'x' } }, []],
    ['a name on a list matches nothing', 'data.id', { data: [{ id: 1 }] }, []],
    ['a filter on an object tests its values', 'data[?(@.id > 1)]', { data: { a: { id: 1 }, b: { id: 2 } } }, [{ id: 2 }]],
  ])('%s (%s)', (_name, expression, body, expected) => {
    expect(compileJsonPath(expression)(body)).toEqual(expected);
  });

  it('never matches inherited properties', () => {
    expect(compileJsonPath('constructor')({})).toEqual([]);
    expect(compileJsonPath('a.__proto__')({ a: {} })).toEqual([]);
    expect(compileJsonPath('toString')({ toString: 1 })).toEqual([1]);
  });

  it('reads a root that is a list or a scalar', () => {
    expect(compileJsonPath('$')([1, 2])).toEqual([[1, 2]]);
    expect(compileJsonPath('[*]')([1, 2])).toEqual([1, 2]);
    expect(compileJsonPath('data')([1, 2])).toEqual([]);
    expect(compileJsonPath('data')(null)).toEqual([]);
    expect(compileJsonPath('$[1]')(['a', 'b'])).toEqual(['b']);
  });

  it('handles lists too large to spread into a call', () => {
    const big = { data: Array.from({ length: 300_000 }, (_, i) => i) };
    expect(compileJsonPath('data[*]')(big)).toHaveLength(300_000);
    expect(compileJsonPath('data.*')(big)).toHaveLength(300_000);
  });

  it('returns a fresh array on every call', () => {
    const query = compileJsonPath('data[*].id');
    const first = query(doc);
    first.push('mutated');
    expect(query(doc)).toEqual([1, 2, 3]);
  });
});

describe('firstMatch', () => {
  it('returns the first match or undefined', () => {
    expect(firstMatch(compileJsonPath('data[*].id'), doc)).toBe(1);
    expect(firstMatch(compileJsonPath('nothing'), doc)).toBeNull();
    expect(firstMatch(compileJsonPath('missing'), doc)).toBeUndefined();
  });
});

describe('parseJsonPath', () => {
  it.each<[string, RegExp]>([
    ['', /non-empty/],
    ['   ', /non-empty/],
    ['data[', /position 5: expected "\*", a quoted name/],
    ['data[0', /expected "\]", found the end/],
    ['data.', /expected a name, found the end/],
    ['data..', /expected a name/],
    ["data['x", /expected a closing '/],
    ['data items', /unexpected " "/],
    ['data]', /unexpected "\]"/],
    ['data[?(@.a == )]', /expected a string, number, true, false or null/],
    ['data[?(@.a == 1]', /expected "\)"/],
    ['data[(@.length-1)]', /Unsupported JSONPath syntax .*script expressions/],
    ['data[0:10:2]', /Unsupported .*slice steps/],
    ['data[?(@.a =~ "x")]', /Unsupported .*"=~" operator/],
    ['data[?(@.a == 1 || @.b == 2)]', /Unsupported .*"\|\|"/],
    ['a | b', /Unsupported .*path unions/],
    ['a where b', /Unsupported .*"where"/],
    ['a.`this`', /Unsupported .*named operators/],
    ['length()', /Unsupported .*function calls/],
  ])('rejects %j', (expression, message) => {
    const attempt = () => parseJsonPath(expression);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('names the expression and the supported syntax in the error', () => {
    expect(() => parseJsonPath('data[0:1:2]')).toThrow(/"data\[0:1:2\]".*supported: \$, dotted names/);
  });

  it('returns the segments of a valid path', () => {
    expect(parseJsonPath('$.items[*].id')).toEqual({
      expression: '$.items[*].id',
      segments: [
        { descendant: false, selectors: [{ kind: 'name', name: 'items' }] },
        { descendant: false, selectors: [{ kind: 'slice', start: null, end: null }] },
        { descendant: false, selectors: [{ kind: 'name', name: 'id' }] },
      ],
    });
  });
});

describe('formatJsonPath', () => {
  it.each<[string[], string]>([
    [[], '$'],
    [['data'], 'data'],
    [['paging', 'next'], 'paging.next'],
    [['meta', 'many-results'], 'meta.many-results'],
    [['@odata.nextLink'], "['@odata.nextLink']"],
    [['a', "it's"], "a['it\\'s']"],
    [['links', 'next page'], "links['next page']"],
  ])('%j → %s, which reads the same keys back', (keys, expected) => {
    expect(formatJsonPath(keys)).toBe(expected);
    const nested = keys.reduceRight<unknown>((value, key) => ({ [key]: value }), 'found');
    expect(compileJsonPath(expected)(nested)).toEqual(keys.length === 0 ? [nested] : ['found']);
  });
});
