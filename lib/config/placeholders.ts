/**
 * dlt's `{placeholder}` syntax in endpoint strings (Python `str.format` style: `{{`/`}}` are
 * literal braces). Used here to find a resource's parent and to check placeholders at load
 * time; the request stage does the actual substitution.
 */
import type { EndpointConfig } from './types';
import { isPlainObject } from './values';

export interface TemplateScan {
  /** Field names in order of appearance, without `!conversion` or `:format`. */
  fields: string[];
  /** Why the string is not a valid template, if it is not. */
  problem?: string;
}

/**
 * The placeholders of one string, or why it is not a template. Same rules as the request
 * stage's parser (lib/http/placeholders.ts), checked here so a bad template fails at start-up:
 * brackets in a field name are kept (`{resources.p.items[0].id}`), `!s`/`!r` conversions are
 * allowed, format specs and empty `{}` are not.
 */
export function scanTemplate(text: string): TemplateScan {
  const fields: string[] = [];
  const fail = (problem: string): TemplateScan => ({ fields, problem });
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '}') {
      if (text[i + 1] !== '}') return fail('single "}" (write "}}" for a literal brace)');
      i++;
    } else if (text[i] === '{') {
      if (text[i + 1] === '{') {
        i++;
        continue;
      }
      let j = i + 1;
      for (let inBracket = false; j < text.length; j++) {
        const c = text[j];
        if (c === '[') inBracket = true;
        else if (c === ']') inBracket = false;
        else if (!inBracket && (c === '}' || c === '!' || c === ':')) break;
        else if (!inBracket && c === '{') return fail('unmatched "{" (write "{{" for a literal brace)');
      }
      if (j >= text.length) return fail('unmatched "{" (write "{{" for a literal brace)');
      const field = text.slice(i + 1, j);
      if (field === '') return fail('empty placeholder "{}"; placeholders need a name');
      if (text[j] === '!') {
        if (text[j + 1] !== 's' && text[j + 1] !== 'r') return fail(`unsupported conversion in "{${field}!…}" (supported: !s, !r)`);
        j += 2;
      }
      if (text[j] === ':') return fail(`format spec in "{${field}:…}" is not supported`);
      if (text[j] !== '}') return fail(`expected "}" after "{${field}"`);
      fields.push(field);
      i = j;
    }
  }
  return { fields };
}

export type PlaceholderLocation = 'path' | 'params' | 'json' | 'data' | 'headers';

export interface FoundTemplate {
  location: PlaceholderLocation;
  /** Keys from the endpoint down to the string (e.g. `['params', 'since']`). */
  at: (string | number)[];
  scan: TemplateScan;
}

/** Every interpolated string of an endpoint with its scan (client headers are never interpolated). */
export function endpointTemplates(endpoint: EndpointConfig): FoundTemplate[] {
  const found: FoundTemplate[] = [];
  const visit = (location: PlaceholderLocation, value: unknown, at: (string | number)[], keys: boolean): void => {
    if (typeof value === 'string') {
      found.push({ location, at, scan: scanTemplate(value) });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(location, v, [...at, i], keys));
    } else if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (keys) found.push({ location, at: [...at, k], scan: scanTemplate(k) });
        // `{ type: "resolve" | "incremental" }` params are not templates.
        if (!(location === 'params' && isPlainObject(v))) visit(location, v, [...at, k], false);
      }
    }
  };
  if (endpoint.path !== undefined) visit('path', endpoint.path, ['path'], false);
  // dlt interpolates the names of params and headers too, not those of body fields.
  visit('params', endpoint.params, ['params'], true);
  visit('headers', endpoint.headers, ['headers'], true);
  visit('json', endpoint.json, ['json'], false);
  visit('data', endpoint.data, ['data'], false);
  return found;
}

/** `resources.<parent>.<field>` → `{ parent, field }`; `field` is empty when missing. */
export function parseResourceField(field: string): { parent: string; field: string } | null {
  const m = /^resources\.([^.]+)(?:\.(.*))?$/.exec(field);
  return m ? { parent: m[1], field: m[2] ?? '' } : null;
}

/**
 * The parents an endpoint depends on: `{resources.<parent>.<field>}` placeholders and legacy
 * `{ type: "resolve", resource }` params, in order of appearance, without repeats.
 */
export function parentsOf(endpoint: EndpointConfig): string[] {
  const parents = new Set<string>();
  for (const { scan } of endpointTemplates(endpoint)) {
    for (const f of scan.fields) {
      const ref = parseResourceField(f);
      if (ref) parents.add(ref.parent);
    }
  }
  for (const value of Object.values(endpoint.params ?? {})) {
    if (isPlainObject(value) && value.type === 'resolve' && typeof value.resource === 'string') parents.add(value.resource);
  }
  return [...parents];
}
