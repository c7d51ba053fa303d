/**
 * Short renderings of response values for error messages. They show shapes and scalars, never
 * whole records, so a message stays one line and leaks no record data.
 */
import { isJsonObject } from './json-object';

/** A scalar as JSON (cut at 60 characters); a container by its size. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isJsonObject(value)) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * What a response body looks like: its top-level keys (at most 10), or its kind.
 *
 * @example describeShape({ items: [], total: 3 }) // 'top-level keys: items, total'
 */
export function describeShape(body: unknown): string {
  if (!isJsonObject(body)) return `the body is ${describeValue(body)}`;
  const keys = Object.keys(body);
  if (keys.length === 0) return 'the body is an empty object';
  return `top-level keys: ${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', …' : ''}`;
}
