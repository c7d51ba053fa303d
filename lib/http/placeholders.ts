/**
 * dlt's endpoint placeholders (pure): Python `str.format`-style templates such as
 * `posts/{resources.posts.id}/comments`, values rendered as Python's `str()` would, and the small
 * field-path language (`blog.id`, `items[0].id`) used to read parent fields and cursors.
 * See shared/reference/dlt-rest-api.md §7 and §9.
 */
import { ConfigError } from '../errors';

/** A parsed template: literal text and placeholders, escapes (`{{`, `}}`) already undone. */
export type TemplatePart = string | Placeholder;
export interface Placeholder {
  /** The field name, e.g. `resources.posts.id`. */
  name: string;
  /** `!s` or `!r`; `null` when none was given. */
  conversion: 's' | 'r' | null;
}

/** Values placeholders resolve against, e.g. `{ resources: { posts: record }, incremental: {...} }`. */
export type PlaceholderContext = Readonly<Record<string, unknown>>;

/** Builds the error thrown when a placeholder has no value (default: a ConfigError). */
export type MissingPlaceholder = (name: string) => Error;

/** Returned by {@link getPath} when the path matches nothing (distinct from a `null` value). */
export const MISSING: unique symbol = Symbol('missing');

const parsed = new Map<string, readonly TemplatePart[]>();
// Templates come from the config, so the cache stays small; the cap only guards misuse.
const PARSE_CACHE_LIMIT = 1024;

/**
 * Parses a template the way Python's `str.format` does: `{name}` or `{name!r}`, `{{`/`}}` for
 * literal braces, brackets in a field name kept intact (`{resources.p.items[0].id}`).
 * Format specs (`{x:>10}`) are rejected: dlt configs have no use for them.
 *
 * @example
 * parseTemplate('a/{x}/{{y}}'); // ['a/', { name: 'x', conversion: null }, '/{y}']
 */
export function parseTemplate(template: string): readonly TemplatePart[] {
  const cached = parsed.get(template);
  if (cached) return cached;
  const parts = parseUncached(template);
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear();
  parsed.set(template, parts);
  return parts;
}

function parseUncached(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  const fail = (why: string): never => {
    throw new ConfigError(`invalid placeholder template "${template}": ${why}`);
  };
  while (i < template.length) {
    const c = template[i];
    if (c === '}') {
      if (template[i + 1] !== '}') fail(`single "}" at position ${i}; write "}}" for a literal brace`);
      literal += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      literal += c;
      i += 1;
      continue;
    }
    if (template[i + 1] === '{') {
      literal += '{';
      i += 2;
      continue;
    }
    let j = i + 1;
    let inBracket = false;
    for (; j < template.length; j++) {
      const d = template[j];
      if (d === '[') inBracket = true;
      else if (d === ']') inBracket = false;
      else if (!inBracket && (d === '}' || d === '!' || d === ':')) break;
      else if (!inBracket && d === '{') fail(`unexpected "{" in field name at position ${j}`);
    }
    if (j >= template.length) fail('expected "}" before end of string');
    const name = template.slice(i + 1, j);
    if (name === '') fail('empty placeholder "{}"; placeholders need a name');
    let conversion: Placeholder['conversion'] = null;
    if (template[j] === '!') {
      const conv = template[j + 1];
      if (conv !== 's' && conv !== 'r') fail(`unsupported conversion "!${conv ?? ''}" (supported: !s, !r)`);
      conversion = conv as 's' | 'r';
      j += 2;
    }
    if (template[j] === ':') fail(`format spec in "{${name}:…}" is not supported`);
    if (template[j] !== '}') fail(`expected "}" after "{${name}"`);
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push({ name, conversion });
    i = j + 1;
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

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
  if (isPlainObject(value)) {
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
    else if (isPlainObject(v)) {
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

// ---------------------------------------------------------------- field paths

/** One step of a field path: an object key or an array index. */
export type PathSegment = string | number;

const fieldPaths = new Map<string, readonly PathSegment[]>();

/**
 * Compiles the subset of JSONPath dlt configs use to point at one field: dotted names
 * (`blog.id`), indexes (`items[0]`), bracket-quoted names (`['@odata.id']`) and an optional
 * leading `$`. Wildcards, recursive descent and filters throw a ConfigError.
 *
 * @example
 * compileFieldPath("items[0]['@id']"); // ['items', 0, '@id']
 */
export function compileFieldPath(path: string): readonly PathSegment[] {
  const cached = fieldPaths.get(path);
  if (cached) return cached;
  const segments = compileUncached(path);
  if (fieldPaths.size >= PARSE_CACHE_LIMIT) fieldPaths.clear();
  fieldPaths.set(path, segments);
  return segments;
}

function compileUncached(path: string): PathSegment[] {
  const fail = (why: string): never => {
    throw new ConfigError(`field path "${path}" is not supported: ${why} (supported: a.b, a[0], a['x.y'])`);
  };
  const segments: PathSegment[] = [];
  let i = 0;
  if (path.startsWith('$')) {
    i = 1;
    if (i < path.length && path[i] !== '.' && path[i] !== '[') fail('expected "." or "[" after "$"');
    if (path[i] === '.') i++;
  }
  let expectName = true;
  while (i < path.length) {
    const c = path[i];
    if (c === '[') {
      const close = path.indexOf(']', i);
      if (close === -1) fail('unclosed "["');
      const inner = path.slice(i + 1, close).trim();
      const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
      if (quoted) segments.push(quoted[1] ?? quoted[2]);
      else if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else fail(`"[${inner}]"`);
      i = close + 1;
      expectName = false;
      continue;
    }
    if (c === '.') {
      if (path[i + 1] === '.') fail('recursive descent ".."');
      i++;
      expectName = true;
      continue;
    }
    if (!expectName) fail(`unexpected "${c}" at position ${i}`);
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    const name = path.slice(i, j);
    if (name === '*') fail('wildcard "*"');
    segments.push(name);
    i = j;
    expectName = false;
  }
  if (segments.length === 0) fail('empty path');
  return segments;
}

/** Follows compiled segments through objects and arrays; {@link MISSING} when any step is absent. */
export function getPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return MISSING;
      current = current[segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return MISSING;
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return MISSING;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

// ---------------------------------------------------------------- Python rendering

/**
 * Python's `str()` of a JSON value: strings as they are, `None`/`True`/`False`, floats in
 * Python's notation (`1e-05`), lists and dicts in Python's repr (`{'a': [1, None]}`).
 *
 * JSON numbers arrive as JS numbers, so an integral float such as `1e10` renders as
 * `10000000000`, not Python's `10000000000.0`: the int/float distinction is lost in parsing.
 *
 * @example
 * pythonStr(true); // 'True'
 * pythonStr({ a: ['x', null] }); // "{'a': ['x', None]}"
 */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python's `repr()` of a JSON value (strings quoted as Python quotes them). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value).map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  // Python switches to exponent notation below 1e-4 (JS only below 1e-6) and pads it to 2 digits.
  // Non-integral floats are all below 2^53, so the large-exponent case never arises here.
  if (Math.abs(n) < 1e-4) {
    const [mantissa, exponent] = n.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return String(n);
}

// Python's str.isprintable() is false for these categories (space excepted).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeCodePoint(ch.codePointAt(0) ?? 0);
    else out += ch;
  }
  return out + quote;
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
