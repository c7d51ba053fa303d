/** Type guards shared by the JSONPath evaluator, the data selector and paginator detection. */

/** A JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own-property check: `constructor` or `__proto__` must never match a path. */
export function hasOwn(object: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * Python truthiness of a parsed JSON value. dlt decides several things with it (a falsy cursor
 * ends pagination, `[*]` on a falsy value matches nothing), and `[]`/`{}` are falsy there but
 * truthy in JavaScript.
 */
export function isPythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}
