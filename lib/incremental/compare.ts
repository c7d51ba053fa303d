/**
 * Cursor comparison on raw JSON values, as dlt compares them: numbers numerically (booleans count
 * as 0/1, as Python's `bool` is an `int`), strings by code point — so ISO 8601 timestamps compare
 * lexicographically, which is right only when they share one format and offset.
 */
import type { JsonValue } from '../config/types';

/**
 * -1, 0 or 1 as `a` is below, equal to or above `b`; `null` when the two cannot be compared
 * (a string against a number, or an object/array): dlt raises on such mixed types.
 *
 * @example
 * compareCursor('2024-01-02T00:00:00Z', '2024-01-10T00:00:00Z'); // -1
 * compareCursor(5, '5'); // null
 */
export function compareCursor(a: JsonValue, b: JsonValue): -1 | 0 | 1 | null {
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  return null;
}

/** A short description of a cursor value's type for error messages. */
export function describeCursor(value: unknown): string {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${JSON.stringify(value)} (${type})`;
}
