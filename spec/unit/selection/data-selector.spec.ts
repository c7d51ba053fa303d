import { ConfigError } from '../../../lib/errors';
import {
  compileSelection,
  compileSelector,
  detectSelector,
  selectionProblem,
} from '../../../lib/selection/data-selector';
import type { SelectionMatch } from '../../../lib/selection/data-selector';

describe('compileSelection / compileSelector (dlt §6 rules)', () => {
  it.each<[string, string, unknown, unknown[], SelectionMatch]>([
    ['a list', 'data', { data: [{ id: 1 }, { id: 2 }] }, [{ id: 1 }, { id: 2 }], 'list'],
    ['an empty list', 'data', { data: [] }, [], 'list'],
    ['a nested dotted path', 'results.posts', { results: { posts: [{ id: 1 }] } }, [{ id: 1 }], 'list'],
    ['a hyphenated name', 'many-results', { 'many-results': [{ id: 1 }] }, [{ id: 1 }], 'list'],
    ['a bracket-quoted name', "['@odata.value']", { '@odata.value': [1, 2] }, [1, 2], 'list'],
    ['null → empty page', 'users', { users: null }, [], 'null'],
    ['no match → empty page', 'data', { items: [1] }, [], 'none'],
    ['an object → one record', 'data', { data: { id: 7 } }, [{ id: 7 }], 'single'],
    ['a scalar → one record', 'count', { count: 3 }, [3], 'single'],
    ['$ on a list body', '$', [{ id: 1 }, { id: 2 }], [{ id: 1 }, { id: 2 }], 'list'],
    ['$ on an object body → one record', '$', { id: 101, name: 'x' }, [{ id: 101, name: 'x' }], 'single'],
    ['$ on a null body', '$', null, [], 'null'],
    ['several matches → each match a record', 'data[*].id', { data: [{ id: 1 }, { id: 2 }] }, [1, 2], 'many'],
    // dlt's rule: one match is taken as the value, so [*] over a one-element list yields the element itself.
    ['one match of [*] → that value', 'data[*]', { data: [{ id: 1 }] }, [{ id: 1 }], 'single'],
    ['one list match of [*] → its elements', 'pages[*]', { pages: [[1, 2]] }, [1, 2], 'list'],
    ['several list matches stay lists', 'pages[*].items', { pages: [{ items: [1] }, { items: [2] }] }, [[1], [2]], 'many'],
    ['a filter', 'data[?(@.live == true)]', { data: [{ id: 1, live: true }, { id: 2, live: false }, { id: 3, live: true }] }, [{ id: 1, live: true }, { id: 3, live: true }], 'many'],
  ])('%s', (_name, expression, body, records, matched) => {
    expect(compileSelection(expression)(body)).toEqual({ records, matched });
    expect(compileSelector(expression)(body)).toEqual(records);
  });

  it('returns the matched list itself, without copying (hot path)', () => {
    const body = { data: [{ id: 1 }] };
    expect(compileSelector('data')(body)).toBe(body.data);
  });

  it('rejects an invalid JSONPath when compiling', () => {
    expect(() => compileSelector('data[')).toThrow(ConfigError);
  });
});

describe('selectionProblem', () => {
  it.each<[string, unknown, string | null]>([
    ['data', { items: [], total: 0 }, 'data_selector "data" matched nothing in the response (top-level keys: items, total)'],
    ['data', [1, 2], 'data_selector "data" matched nothing in the response (the body is a list of 2)'],
    ['data', {}, 'data_selector "data" matched nothing in the response (the body is an empty object)'],
    ['data', { data: { id: 1 } }, 'data_selector "data" matched a single object, not a list of records'],
    ['data', { data: 'x' }, 'data_selector "data" matched a single string, not a list of records'],
    ['$', { id: 1 }, null],
    ['data', { data: [] }, null],
    ['data', { data: null }, null],
  ])('%s on %j', (expression, body, problem) => {
    expect(selectionProblem(expression, body, compileSelection(expression)(body))).toBe(problem);
  });
});

describe('detectSelector (dlt auto selector)', () => {
  it.each<[string, unknown, string]>([
    ['HAL _embedded.items', { _embedded: { items: [{ id: 1 }] }, _links: { self: { href: '/x' } } }, '_embedded.items'],
    ['first list when no preferred key', { products: [{ id: 101 }], next_cursor: 'abc' }, 'products'],
    ['a root list', [{ id: 1 }], '$'],
    ['a single entity', { id: 101, name: 'x' }, '$'],
    ['null body', null, '$'],
    ['scalar body', 'text', '$'],
    ['preferred key beats an earlier list', { tags: ['x'], data: [{ id: 1 }] }, 'data'],
    ['preferred key deeper beats an earlier shallow list', { warnings: [], response: { results: [] } }, 'response.results'],
    ['every preferred name', { a: [], values: [] }, 'values'],
    ['preferred key match is case-sensitive', { Data: [], other: [] }, 'Data'],
    ['document order, depth first, among non-preferred', { meta: { tags: [] }, incidents: [] }, 'meta.tags'],
    ['lists at 3 keys deep are found', { a: { b: { items: [] } } }, 'a.b.items'],
    ['lists at 4 keys deep are not', { a: { b: { c: { items: [] } } } }, '$'],
    ['a shallower non-preferred list wins over a too-deep preferred one', { a: { b: { c: { data: [] } } }, rows_x: [] }, 'rows_x'],
    ['lists inside lists are not searched', { outer: [{ data: [] }] }, 'outer'],
    ['dotted keys are bracket-quoted', { 'odata.list': [1] }, "['odata.list']"],
    ['an object without lists', { pagination: { total: 3 } }, '$'],
    ['an empty object', {}, '$'],
  ])('%s', (_name, body, expected) => {
    expect(detectSelector(body)).toBe(expected);
  });

  it('produces a selector that extracts the detected list', () => {
    const body = { meta: { count: 2 }, _embedded: { items: [{ id: 1 }, { id: 2 }] } };
    expect(compileSelector(detectSelector(body))(body)).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
