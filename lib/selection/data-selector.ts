/**
 * dlt's `data_selector`: which part of a response body holds the page's records, compiled once
 * per resource, plus dlt's auto-detection for endpoints that configure none.
 * See shared/reference/dlt-rest-api.md §6.
 */
import { compileJsonPath, formatJsonPath } from './json-path';
import { describeShape } from './describe';
import { isJsonObject } from './json-object';

/**
 * What the selector found, so the pipeline can tell an empty page from a wrong selector:
 * - `list`: exactly one match, a list: its elements are the records;
 * - `many`: several matches: each match is a record (dlt's rule, even when they are lists);
 * - `single`: exactly one match that is neither a list nor null: one record;
 * - `null`: exactly one match, `null`: an empty page (a last page with `"users": null`);
 * - `none`: no match: an empty page in dlt, usually a wrong selector when one was configured.
 */
export type SelectionMatch = 'list' | 'many' | 'single' | 'null' | 'none';

export interface Selection {
  records: unknown[];
  matched: SelectionMatch;
}

/**
 * Compiles `expression` into a function from a response body to its {@link Selection}.
 * Throws a ConfigError when the JSONPath is invalid.
 *
 * @example compileSelection('data')({ data: [{ id: 1 }] }) // { records: [{ id: 1 }], matched: 'list' }
 */
export function compileSelection(expression: string): (body: unknown) => Selection {
  const query = compileJsonPath(expression);
  return (body) => {
    const matches = query(body);
    if (matches.length === 0) return { records: [], matched: 'none' };
    if (matches.length > 1) return { records: matches, matched: 'many' };
    const [value] = matches;
    if (value === null) return { records: [], matched: 'null' };
    if (Array.isArray(value)) return { records: value, matched: 'list' };
    return { records: [value], matched: 'single' };
  };
}

/**
 * Compiles `expression` into a function returning the page's records, with dlt's rules: one
 * match is the value, several matches are the list of matches; then `null` → no records, a list
 * → its elements, anything else → one record; no match → no records.
 *
 * @example compileSelector('results.posts')({ results: { posts: [1, 2] } }) // [1, 2]
 */
export function compileSelector(expression: string): (body: unknown) => unknown[] {
  const select = compileSelection(expression);
  return (body) => select(body).records;
}

/**
 * The problem with a selection made by a selector the user configured explicitly, or `null`
 * when there is none: matching nothing (usually a wrong selector; dlt silently yields an empty
 * page), or matching one non-list value with a selector other than `$` (a single-entity
 * endpoint legitimately selects `$`). The pipeline prefixes the resource and page.
 *
 * @example selectionProblem('data', { items: [] }, compileSelection('data')({ items: [] }))
 * // 'data_selector "data" matched nothing in the response (top-level keys: items)'
 */
export function selectionProblem(expression: string, body: unknown, selection: Selection): string | null {
  const quoted = JSON.stringify(expression);
  if (selection.matched === 'none') return `data_selector ${quoted} matched nothing in the response (${describeShape(body)})`;
  if (selection.matched === 'single' && expression.trim() !== '$') {
    const value = selection.records[0];
    return `data_selector ${quoted} matched a single ${isJsonObject(value) ? 'object' : typeof value}, not a list of records`;
  }
  return null;
}

/** Lists whose key is one of these are preferred by auto-detection (case-sensitive, as dlt). */
const RECORD_KEYS = new Set(['data', 'items', 'results', 'entries', 'records', 'rows', 'entities', 'payload', 'content', 'objects', 'values']);
/** Lists are searched for in objects nested at most this many keys deep (so paths of ≤ 3 keys). */
const MAX_OBJECT_DEPTH = 2;

/**
 * dlt's auto selector, computed from the first response of a chain: `$` for a non-object body
 * or one without lists; otherwise the first list (depth-first, document order, at most 3 keys
 * deep) whose key is a well-known record key, else the first list found.
 *
 * @example detectSelector({ _embedded: { items: [] }, _links: {} }) // '_embedded.items'
 */
export function detectSelector(body: unknown): string {
  if (!isJsonObject(body)) return '$';
  const lists: string[][] = [];
  collectLists(body, [], lists);
  const preferred = lists.find((keys) => RECORD_KEYS.has(keys[keys.length - 1]));
  const chosen = preferred ?? lists[0];
  return chosen ? formatJsonPath(chosen) : '$';
}

function collectLists(object: Record<string, unknown>, path: string[], out: string[][]): void {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (Array.isArray(value)) out.push([...path, key]);
    else if (isJsonObject(value) && path.length < MAX_OBJECT_DEPTH) collectLists(value, [...path, key], out);
  }
}
