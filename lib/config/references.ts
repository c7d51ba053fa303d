/**
 * Rules that span resources (dlt-rest-api.md §7, §9): placeholders with a known
 * context, exactly one existing parent, no cycles, resolve params bound in the path,
 * include_from_parent only with a parent. Runs on the merged resources, reports raw paths.
 */
import { resolveResources } from './defaults';
import { didYouMean } from './did-you-mean';
import { endpointTemplates, parentsOf, parseResourceField, type FoundTemplate } from './placeholders';
import type { EndpointConfig, IncrementalConfig, ResolvedResource, ResourceConfig } from './types';
import { join, report, type Ctx } from './validator';
import { isPlainObject } from './values';

const INCREMENTAL_ATTRS = [
  'initial_value', 'start_value', 'last_value', 'end_value', 'cursor_path', 'start_param', 'end_param', 'last_value_func',
  'primary_key', 'row_order', 'lag', 'on_cursor_value_missing', 'range_start', 'range_end',
] satisfies (keyof IncrementalConfig | 'start_value' | 'last_value')[];

export function checkReferences(
  resources: (ResourceConfig | string)[],
  defaults: Omit<ResourceConfig, 'name'> | undefined,
  path: string,
  ctx: Ctx,
): void {
  const resolved = resolveResources({ client: { base_url: '' }, resources, resource_defaults: defaults });
  const names = resolved.map((r) => r.name);
  const resourcePath = (i: number): string => join(join(path, 'resources'), i);
  const endpointPath = (i: number): string => {
    const raw = resources[i];
    return typeof raw === 'string' ? resourcePath(i) : join(resourcePath(i), 'endpoint');
  };
  const parentOf = new Map<string, string>();

  resolved.forEach((r, i) => {
    const parents = parentsOf(r.endpoint);
    // A path gives only the index (`resources[2]`): every message names the resource too.
    const who = parents.length === 1 && names.includes(parents[0]) ? `resource "${r.name}" (child of "${parents[0]}")` : `resource "${r.name}"`;
    checkPlaceholders(r.endpoint, endpointPath(i), stringForm(resources[i]), who, ctx);
    if (parents.length > 1) {
      report(ctx, endpointPath(i), 'CONFIG_REFERENCE', `${who} has several parent resources (${parents.join(', ')}); a resource has exactly one parent`);
    } else if (parents.length === 1 && !names.includes(parents[0])) {
      const hint = didYouMean(parents[0], names);
      report(ctx, parentPath(r.endpoint, parents[0], endpointPath(i), stringForm(resources[i])), 'CONFIG_REFERENCE',
        `${who}: parent resource "${parents[0]}" does not exist; known: ${names.join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`);
    } else if (parents.length === 1) {
      parentOf.set(r.name, parents[0]);
    }
    if (r.includeFromParent.length > 0 && parents.length === 0) {
      report(ctx, join(resourcePath(i), 'include_from_parent'), 'CONFIG_CONFLICT',
        `${who}: include_from_parent needs a parent resource (a {resources.<parent>.<field>} placeholder in the endpoint)`);
    }
  });
  checkCycles(resolved, parentOf, endpointPath, ctx);
}

/** True when the endpoint was written as a string, so its issues are reported on that string. */
const stringForm = (raw: ResourceConfig | string): boolean => typeof raw === 'string' || typeof raw.endpoint === 'string';

/** Where an endpoint first names `parent`: the placeholder's string, or the resolve param. */
function parentPath(endpoint: EndpointConfig, parent: string, at: string, stringForm: boolean): string {
  const template = endpointTemplates(endpoint).find((t) => t.scan.fields.some((f) => parseResourceField(f)?.parent === parent));
  if (template) return stringForm ? at : template.at.reduce<string>(join, at);
  const param = Object.entries(endpoint.params ?? {}).find(([, v]) => isPlainObject(v) && v.resource === parent);
  return param ? join(join(at, 'params'), param[0]) : at;
}

/** `who` names the resource (and its parent) in each message. */
function checkPlaceholders(endpoint: EndpointConfig, at: string, stringForm: boolean, who: string, ctx: Ctx): void {
  const params = endpoint.params ?? {};
  const hasIncremental = endpoint.incremental !== undefined || Object.values(params).some((v) => isPlainObject(v) && v.type === 'incremental');
  const where = (t: FoundTemplate): string => (stringForm ? at : t.at.reduce<string>(join, at));
  const pathFields: string[] = [];
  for (const t of endpointTemplates(endpoint)) {
    if (t.scan.problem) report(ctx, where(t), 'CONFIG_VALUE', `${who}: ${t.scan.problem}`);
    for (const field of t.scan.fields) {
      if (t.location === 'path') pathFields.push(field);
      const problem = placeholderProblem(field, t.location === 'path' ? Object.keys(params) : null, hasIncremental);
      if (problem) report(ctx, where(t), 'CONFIG_REFERENCE', `${who}: ${problem}`);
    }
  }
  for (const [name, value] of Object.entries(params)) {
    if (isPlainObject(value) && value.type === 'resolve' && !pathFields.includes(name)) {
      report(ctx, join(join(at, 'params'), name), 'CONFIG_REFERENCE', `${who}: resolve param "${name}" is not bound in path "${endpoint.path}"; add {${name}} to the path`);
    }
  }
}

/** Why `{field}` cannot be resolved; `pathParams` is set for the path, where param names are valid too. */
function placeholderProblem(field: string, pathParams: string[] | null, hasIncremental: boolean): string | undefined {
  if (field.startsWith('resources.')) {
    const ref = parseResourceField(field);
    return ref && ref.field !== '' ? undefined : `placeholder "{${field}}" must have the form {resources.<resource>.<field>}`;
  }
  if (field.startsWith('incremental.')) {
    if (!hasIncremental) return `placeholder "{${field}}" needs endpoint.incremental`;
    const attr = field.slice('incremental.'.length);
    return (INCREMENTAL_ATTRS as string[]).includes(attr) ? undefined : `"${attr}" is not an incremental attribute; known: ${INCREMENTAL_ATTRS.join(', ')}`;
  }
  if (pathParams && !field.includes('.')) {
    return pathParams.includes(field) ? undefined : `placeholder "{${field}}" in the path is not a param; known params: ${pathParams.join(', ') || '(none)'}`;
  }
  return `placeholder "{${field}}" has an unknown context; valid: resources.<parent>.<field>, incremental.<attr> (write {{ and }} for literal braces)`;
}

function checkCycles(resolved: ResolvedResource[], parentOf: Map<string, string>, endpointPath: (i: number) => string, ctx: Ctx): void {
  const reported = new Set<string>();
  for (const start of resolved.map((r) => r.name)) {
    const chain: string[] = [];
    for (let node: string | undefined = start; node !== undefined; node = parentOf.get(node)) {
      const seen = chain.indexOf(node);
      if (seen !== -1) {
        const cycle = chain.slice(seen);
        const key = [...cycle].sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          const first = resolved.findIndex((r) => r.name === cycle[0]);
          report(ctx, endpointPath(first), 'CONFIG_REFERENCE', `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}`);
        }
        break;
      }
      chain.push(node);
    }
  }
}
