/**
 * Renders dlt's `{placeholder}` templates against a context such as
 * `{ resources: { posts: record }, incremental: {...} }` (pure). A placeholder's name is a field
 * path into the context (`resources.posts.items[0].id`); its value is written as Python's
 * `str()` would write it.
 */
import { ConfigError } from '../errors';
import { compileFieldPath, getPath, MISSING } from '../selection/field-path';
import { isJsonObject } from '../selection/json-object';
import { parseTemplate } from './parse';
import { pythonRepr, pythonStr } from './python';

/** Values placeholders resolve against, e.g. `{ resources: { posts: record }, incremental: {...} }`. */
export type PlaceholderContext = Readonly<Record<string, unknown>>;

/** Builds the error thrown when a placeholder has no value (default: a ConfigError). */
export type MissingPlaceholder = (name: string) => Error;

/**
 * Renders a template to text: escapes undone, each placeholder replaced by Python's `str()` of
 * its value ({@link pythonStr}), or `repr()` with `!r`.
 *
 * @example
 * render('posts/{resources.posts.id}?x={{1}}', { resources: { posts: { id: 7 } } }); // 'posts/7?x={1}'
 */
export function render(template: string, context: PlaceholderContext, onMissing?: MissingPlaceholder): string {
  const parts = parseTemplate(template);
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else {
      const value = resolvePlaceholder(part.name, context, onMissing);
      out += part.conversion === 'r' ? pythonRepr(value) : pythonStr(value);
    }
  }
  return out;
}

/**
 * Renders every string in a JSON-like value, object keys included (dlt interpolates keys too).
 * With `native`, a string that is exactly one placeholder (no text around it, no conversion) is
 * replaced by the value itself, keeping its type: dlt's rule for `json` bodies.
 *
 * @example
 * renderDeep({ id: '{resources.p.id}', q: 'id={resources.p.id}' }, ctx, { native: true }); // { id: 3, q: 'id=3' }
 */
export function renderDeep(
  value: unknown,
  context: PlaceholderContext,
  options: { native?: boolean; onMissing?: MissingPlaceholder } = {},
): unknown {
  if (typeof value === 'string') {
    if (options.native) {
      const parts = parseTemplate(value);
      const only = parts.length === 1 ? parts[0] : null;
      if (only !== null && typeof only !== 'string' && only.conversion === null) {
        return resolvePlaceholder(only.name, context, options.onMissing);
      }
    }
    return render(value, context, options.onMissing);
  }
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, context, options));
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[render(k, context, options.onMissing)] = renderDeep(v, context, options);
    return out;
  }
  return value;
}

/**
 * Every placeholder name used in a value: strings, and the keys and items of objects and arrays,
 * in first-seen order without duplicates. The config validator uses it to find parents.
 *
 * @example
 * placeholdersIn({ path: 'p/{resources.posts.id}', q: ['{incremental.start_value}'] });
 * // ['resources.posts.id', 'incremental.start_value']
 */
export function placeholdersIn(value: unknown): string[] {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const part of parseTemplate(v)) if (typeof part !== 'string') names.add(part.name);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isJsonObject(v)) {
      for (const [k, item] of Object.entries(v)) {
        visit(k);
        visit(item);
      }
    }
  };
  visit(value);
  return [...names];
}

/** The value of one placeholder name; a missing value throws `onMissing(name)` or a ConfigError. */
export function resolvePlaceholder(name: string, context: PlaceholderContext, onMissing?: MissingPlaceholder): unknown {
  const value = getPath(context, compileFieldPath(name));
  if (value !== MISSING) return value;
  if (onMissing) throw onMissing(name);
  throw new ConfigError(
    `placeholder "{${name}}" has no value; available names start with: ${Object.keys(context).join(', ') || '(none)'}`,
  );
}
