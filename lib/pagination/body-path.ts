/**
 * Dot paths into a JSON request body (`page_body_path: "pagination.page"`), for POST APIs that
 * take their paging parameters in the body. Never mutates: objects along the path are copied,
 * siblings are shared.
 *
 * Not JSONPath, unlike the paths that read a response (`selection/json-path.ts`): dlt's
 * `*_body_path` settings are dot-separated key paths, and they name where to write, which a
 * query language cannot say (a wildcard or filter has no single place to create).
 */
import { ConfigError } from '../errors';
import type { JsonValue } from '../config/types';
import { isJsonObject } from '../selection/json-object';

type JsonObject = { [key: string]: JsonValue };

/** Splits and checks a body path; throws a ConfigError naming `key` for `""` or `"a..b"`. */
export function parseBodyPath(key: string, path: string): string[] {
  const parts = path.split('.');
  if (parts.some((part) => part === '')) {
    throw new ConfigError(`paginator.${key}: ${JSON.stringify(path)} is not a dot path such as "pagination.page"`);
  }
  return parts;
}

/**
 * A copy of `body` with `value` at `parts`, creating objects as needed (a missing body is `{}`).
 *
 * @example setAtBodyPath({ q: 'x' }, ['page', 'number'], 2) // { q: 'x', page: { number: 2 } }
 */
export function setAtBodyPath(body: JsonValue | undefined, parts: readonly string[], value: JsonValue): JsonObject {
  const root = body ?? {};
  if (!isJsonObject(root)) throw notAnObject(parts, 0);
  return setIn(root as JsonObject, parts, 0, value);
}

function setIn(object: JsonObject, parts: readonly string[], i: number, value: JsonValue): JsonObject {
  const key = parts[i];
  if (i === parts.length - 1) return { ...object, [key]: value };
  const child = object[key] ?? {};
  if (!isJsonObject(child)) throw notAnObject(parts, i + 1);
  return { ...object, [key]: setIn(child as JsonObject, parts, i + 1, value) };
}

/** The value at `parts` in `body`, or `undefined`. */
export function getAtBodyPath(body: JsonValue | undefined, parts: readonly string[]): JsonValue | undefined {
  let node: JsonValue | undefined = body;
  for (const key of parts) {
    if (!isJsonObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as JsonObject)[key];
  }
  return node;
}

function notAnObject(parts: readonly string[], depth: number): ConfigError {
  const where = depth === 0 ? 'the request json' : `"${parts.slice(0, depth).join('.')}" in the request json`;
  return new ConfigError(`Cannot set paginator body path "${parts.join('.')}": ${where} is not an object`);
}
