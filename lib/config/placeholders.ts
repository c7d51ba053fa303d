/**
 * Where an endpoint holds `{placeholder}` templates, and the parents they name. Used here to find
 * a resource's parent and to check placeholders at load time, with the parser the request stage
 * renders with (`lib/template/parse.ts`).
 */
import { scanTemplate, type TemplateScan } from '../template/parse';
import type { EndpointConfig } from './types';
import { isPlainObject } from './values';

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
