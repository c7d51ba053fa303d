/**
 * Field paths: JSONPath restricted to names and indexes (RFC 9535's "singular queries"), so a
 * path names at most one value. dlt reads a parent's field (`{resources.posts.id}`, a resolve
 * param's `field`) and a record's cursor (`cursor_path`) with JSONPath; these are parsed by the
 * same parser as every other JSONPath here. They differ from a compiled query in two ways, on
 * purpose: wildcards, slices, filters and `..` are rejected when the path is compiled (a
 * placeholder or a cursor stands for one value, not whichever match came first), and reading
 * tells a `null` value from a missing one ({@link MISSING}), which the cursor rules need.
 */
import { ConfigError } from '../errors';
import { hasOwn, isJsonObject } from './json-object';
import { parseJsonPath } from './json-path';

/** One step of a field path: an object key or an array index (negative counts from the end). */
export type PathSegment = string | number;

/** Returned by {@link getPath} when the path matches nothing (distinct from a `null` value). */
export const MISSING: unique symbol = Symbol('missing');

const compiled = new Map<string, readonly PathSegment[]>();
// Paths come from the config and placeholder names, so the cache stays small; the cap only guards misuse.
const CACHE_LIMIT = 1024;

/**
 * Compiles a field path: dotted names (`blog.id`), indexes (`items[0]`), quoted names
 * (`['@odata.id']`) and an optional leading `$`. Anything else throws a ConfigError.
 *
 * @example
 * compileFieldPath("items[0]['@id']"); // ['items', 0, '@id']
 */
export function compileFieldPath(path: string): readonly PathSegment[] {
  const cached = compiled.get(path);
  if (cached) return cached;
  const segments = compileUncached(path);
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(path, segments);
  return segments;
}

function compileUncached(path: string): PathSegment[] {
  const fail = (why: string): never => {
    throw new ConfigError(`field path "${path}" is not supported: ${why} (supported: a.b, a[0], a['x.y'])`);
  };
  const { segments } = parseJsonPath(path);
  if (segments.length === 0) fail('empty path');
  return segments.map(({ descendant, selectors }) => {
    if (descendant) fail('recursive descent ".."');
    if (selectors.length !== 1) fail('a union of several selectors');
    const [selector] = selectors;
    if (selector.kind === 'name') return selector.name;
    if (selector.kind === 'index') return selector.index;
    return fail(selector.kind === 'filter' ? 'a filter' : 'a wildcard or slice');
  });
}

/** Follows compiled segments through objects and arrays; {@link MISSING} when any step is absent. */
export function getPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return MISSING;
      const i = segment < 0 ? current.length + segment : segment;
      if (i < 0 || i >= current.length) return MISSING;
      current = current[i];
    } else {
      if (!isJsonObject(current) || !hasOwn(current, segment)) return MISSING;
      current = current[segment];
    }
  }
  return current;
}
