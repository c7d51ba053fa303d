/**
 * dlt's `{placeholder}` templates, parsed the way Python's `str.format` parses them: `{name}` or
 * `{name!r}`, `{{`/`}}` for literal braces, brackets in a field name kept intact
 * (`{resources.p.items[0].id}`). Format specs (`{x:>10}`) and empty `{}` are rejected: dlt
 * configs have no use for them. One parser serves both the config check at start-up
 * ({@link scanTemplate}) and request rendering ({@link parseTemplate}).
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

/** The placeholders of one string, or why it is not a template (the config check's view). */
export interface TemplateScan {
  /** Field names in order of appearance, without `!conversion`; on a problem, those before it. */
  fields: string[];
  /** Why the string is not a valid template, if it is not. */
  problem?: string;
}

interface Failure {
  /** What is wrong, as config validation reports it next to the config path. */
  problem: string;
  /** Where the parser stopped, for an error raised while rendering (no config path to point at). */
  detail?: string;
}

const LITERAL_OPEN = 'unmatched "{" (write "{{" for a literal brace)';

/**
 * The placeholders of `text`, or why it is not a template; never throws, so config validation
 * reports every bad template with its path.
 *
 * @example
 * scanTemplate('a/{x}/{y!r}'); // { fields: ['x', 'y'] }
 * scanTemplate('a}b').problem; // 'single "}" (write "}}" for a literal brace)'
 */
export function scanTemplate(text: string): TemplateScan {
  const { parts, failure } = scan(text);
  const fields = parts.filter((p): p is Placeholder => typeof p !== 'string').map((p) => p.name);
  return failure ? { fields, problem: failure.problem } : { fields };
}

const parsed = new Map<string, readonly TemplatePart[]>();
// Templates come from the config, so the cache stays small; the cap only guards misuse.
const PARSE_CACHE_LIMIT = 1024;

/**
 * The parts of a template, cached; a malformed one throws a ConfigError.
 *
 * @example
 * parseTemplate('a/{x}/{{y}}'); // ['a/', { name: 'x', conversion: null }, '/{y}']
 */
export function parseTemplate(template: string): readonly TemplatePart[] {
  const cached = parsed.get(template);
  if (cached) return cached;
  const { parts, failure } = scan(template);
  if (failure) {
    throw new ConfigError(`invalid placeholder template "${template}": ${failure.problem}${failure.detail ? `; ${failure.detail}` : ''}`);
  }
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear();
  parsed.set(template, parts);
  return parts;
}

function scan(text: string): { parts: TemplatePart[]; failure?: Failure } {
  const parts: TemplatePart[] = [];
  let literal = '';
  const fail = (problem: string, detail?: string) => ({ parts, failure: { problem, detail } });
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '}') {
      if (text[i + 1] !== '}') return fail('single "}" (write "}}" for a literal brace)', `at position ${i}`);
      literal += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      literal += c;
      continue;
    }
    if (text[i + 1] === '{') {
      literal += '{';
      i++;
      continue;
    }
    let j = i + 1;
    for (let inBracket = false; j < text.length; j++) {
      const d = text[j];
      if (d === '[') inBracket = true;
      else if (d === ']') inBracket = false;
      else if (!inBracket && (d === '}' || d === '!' || d === ':')) break;
      else if (!inBracket && d === '{') return fail(LITERAL_OPEN, `unexpected "{" in field name at position ${j}`);
    }
    if (j >= text.length) return fail(LITERAL_OPEN, 'expected "}" before end of string');
    const name = text.slice(i + 1, j);
    if (name === '') return fail('empty placeholder "{}"; placeholders need a name');
    let conversion: Placeholder['conversion'] = null;
    if (text[j] === '!') {
      const conv = text[j + 1];
      if (conv !== 's' && conv !== 'r') return fail(`unsupported conversion in "{${name}!…}" (supported: !s, !r)`);
      conversion = conv;
      j += 2;
    }
    if (text[j] === ':') return fail(`format spec in "{${name}:…}" is not supported`);
    if (text[j] !== '}') return fail(`expected "}" after "{${name}"`);
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push({ name, conversion });
    i = j;
  }
  if (literal !== '') parts.push(literal);
  return { parts };
}
