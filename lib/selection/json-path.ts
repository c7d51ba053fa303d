/**
 * JSONPath, compiled once into a plain function. Covers the part of jsonpath-ng's "extended"
 * syntax that dlt configs use (data selectors, `total_path`, `cursor_path`, …); anything else is
 * rejected at parse time with a ConfigError naming the unsupported syntax, so a bad path fails
 * at start-up, never on page 7.
 *
 * Supported: `$` / `@`, dotted names (hyphens allowed: `many-results`), quoted names
 * (`"a.b"`, `['@odata.nextLink']`), `*`, `[*]`, `[n]` (negative counts from the end),
 * `[a:b]`, unions `['a','b']` / `[0,2]`, recursive descent `..name` / `..*` / `..[…]`, and
 * filters `[?(@.f == v)]` with `== = != < <= > >=`, existence `[?(@.f)]` and `&`/`&&`.
 */
import { ConfigError } from '../errors';
import { compileSegments } from './json-path-eval';
import { parseSegments } from './json-path-parse';
import type { Segment } from './json-path-parse';

export type { Segment, Selector, Condition, Literal } from './json-path-parse';

/** A compiled JSONPath: every match in document order (`[]` when nothing matches). */
export type JsonPathQuery = (document: unknown) => unknown[];

/** A syntactically valid JSONPath. */
export interface ParsedJsonPath {
  readonly expression: string;
  readonly segments: readonly Segment[];
}

/**
 * Parses `expression`, throwing a ConfigError that names the unsupported or malformed part.
 * The config stage calls it to reject bad paths at start-up.
 *
 * @example parseJsonPath('$.items[*].id').segments.length // 3
 */
export function parseJsonPath(expression: string): ParsedJsonPath {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw new ConfigError(`JSONPath must be a non-empty string, got ${JSON.stringify(expression)}`);
  }
  return { expression, segments: parseSegments(expression.trim()) };
}

/**
 * Compiles `expression` into a function returning all matches. Plain dotted names (`data`,
 * `meta.total`) compile to direct property reads: the selector runs once per page.
 *
 * @example compileJsonPath('data[*].id')({ data: [{ id: 1 }, { id: 2 }] }) // [1, 2]
 */
export function compileJsonPath(expression: string): JsonPathQuery {
  return compileSegments(parseJsonPath(expression).segments);
}

/** The first match of `query` in `document`, or `undefined` when nothing matches. */
export function firstMatch(query: JsonPathQuery, document: unknown): unknown {
  return query(document)[0];
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * The JSONPath that reads the nested key path `keys`: plain names are dotted, anything else is
 * bracket-quoted so keys containing dots or quotes survive. `[]` is `$`.
 *
 * @example formatJsonPath(['paging', '@odata.nextLink']) // "paging['@odata.nextLink']"
 */
export function formatJsonPath(keys: readonly string[]): string {
  if (keys.length === 0) return '$';
  return keys
    .map((key, i) => {
      if (PLAIN_NAME.test(key)) return i === 0 ? key : `.${key}`;
      return `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
    })
    .join('');
}
