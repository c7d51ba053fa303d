/** Helpers for the hand-written JSON templates: they must write exactly what `JSON.stringify` would. */

// Control characters are exactly what JSON must escape, so the regex has to name them.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal; the regex test is cheaper than `JSON.stringify` for plain ASCII. */
export function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** A JSON string literal or `null`. */
export function jsonNullableString(value: string | null): string {
  return value === null ? 'null' : jsonString(value);
}
