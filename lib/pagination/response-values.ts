/**
 * The values paginators read from a response body (a total, a has-more flag), converted as dlt
 * converts them, with errors that say what was expected, where, and which setting to change.
 * The pipeline adds the resource and page URL to the error's context.
 */
import { ResponseError } from '../errors';
import { compileJsonPath } from '../selection/json-path';
import type { JsonPathQuery } from '../selection/json-path';
import { describeShape, describeValue } from '../selection/describe';

/** A JSONPath compiled once, remembered with its text for messages. */
export interface ResponsePath {
  readonly expression: string;
  readonly query: JsonPathQuery;
}

/** Compiles a config path; throws a ConfigError for invalid syntax. */
export function responsePath(expression: string): ResponsePath {
  return { expression, query: compileJsonPath(expression) };
}

/** {@link responsePath} for a setting where `null` (or absence) disables the feature. */
export function optionalPath(expression: string | null | undefined): ResponsePath | null {
  return expression == null ? null : responsePath(expression);
}

const INTEGER_STRING = /^\s*[+-]?\d+\s*$/;
const TRUE_WORDS = new Set(['yes', 'true', 't', 'y', '1']);
const FALSE_WORDS = new Set(['no', 'false', 'f', 'n', '0']);

/**
 * The total at `path` as an integer, converted like Python's `int()`: integer strings are
 * accepted (`"20"`), floats are truncated. Unlike dlt a boolean is rejected, not read as 0/1.
 */
export function readTotal(path: ResponsePath, body: unknown, noun: 'items' | 'pages'): number {
  const value = path.query(body)[0];
  if (value === undefined || value === null) {
    throw new ResponseError(
      `Total "${noun}" not found at "${path.expression}" in the response (${describeShape(body)}): ` +
        'set paginator.total_path to the field holding the total, or null if the API has none',
    );
  }
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && INTEGER_STRING.test(value)) return Number(value);
  throw new ResponseError(
    `Total "${noun}" at "${path.expression}" is not an integer (got ${describeValue(value)}): ` +
      `set paginator.total_path to the field holding the number of ${noun}`,
  );
}

/**
 * The has-more flag at `path`: a boolean as is, a string parsed case-insensitively
 * (`yes/true/t/y/1`, `no/false/f/n/0`), anything else an error, as dlt.
 */
export function readHasMore(path: ResponsePath, body: unknown): boolean {
  const value = path.query(body)[0];
  if (value === undefined || value === null) {
    throw new ResponseError(
      `Has-more flag not found at "${path.expression}" in the response (${describeShape(body)}): ` +
        'set paginator.has_more_path to the boolean field that says whether more pages exist',
    );
  }
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new ResponseError(
    `Has-more flag at "${path.expression}" is not a boolean (got ${describeValue(value)}): ` +
      'expected true/false or one of the strings yes/no, true/false, t/f, y/n, 1/0',
  );
}
