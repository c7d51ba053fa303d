/** Small value helpers shared by the validator, the secret resolver and the defaults. */
import type { SecretRef } from './types';

/**
 * A plain object of the config (a literal or JSON/YAML mapping). Stricter than
 * `selection/json-object.ts`'s isJsonObject, on purpose: a module config may hold class
 * instances (a custom auth or paginator, a Date), and those are values, not config objects.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // Compared structurally, not with `=== Object.prototype`: a module config is evaluated by
  // jiti, possibly in another realm (jest's sandbox) with its own Object.prototype.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** `{ $secret: ... }` — the marker JSON/YAML configs and `secret()` use for a named secret. */
export function isSecretRef(value: unknown): value is SecretRef & Record<string, unknown> {
  return isPlainObject(value) && '$secret' in value;
}

/**
 * dlt's mask for secret values in validation messages: first char + `*****` + last char,
 * or just `*****` when the value is shorter than 3 characters.
 */
export function maskSecret(value: string): string {
  return value.length < 3 ? '*****' : `${value[0]}*****${value[value.length - 1]}`;
}

/** How a value is shown after "got" in a message; secret values are masked. */
export function describeValue(value: unknown, secret = false): string {
  if (typeof value === 'string') return JSON.stringify(secret ? maskSecret(value) : value);
  if (typeof value === 'number' || typeof value === 'boolean') return secret ? '"*****"' : String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  if (isSecretRef(value)) return 'a secret reference';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A key as it appears in a path: `name`, or `["a.b"]` when it is not a plain identifier. */
export function formatKey(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}
