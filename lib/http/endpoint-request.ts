/**
 * The first request of a resource (or of one parent record of a dependent resource), built from
 * its endpoint config (pure): placeholders, static and `resolve` path params, incremental params,
 * headers and bodies. See shared/reference/dlt-rest-api.md §5, §7, §8.1 and §9.
 */
import type { ClientConfig, IncrementalConfig, JsonValue, ParamValue, ResolvedResource, ResolveParamConfig } from '../config/types';
import { ConfigError, ResponseError } from '../errors';
import { incrementalParamOf, isIncrementalParam } from '../incremental/forms';
import type { IncrementalValues } from '../incremental/types';
import { compileFieldPath, getPath, MISSING } from '../selection/field-path';
import { pythonStr } from '../template/python';
import { placeholdersIn, render, renderDeep, type MissingPlaceholder, type PlaceholderContext } from '../template/render';
import type { PageRequest } from './request';
import { joinUrl } from './url';

export interface RequestContext {
  /** The parent record this request is made for (dependent resources only). */
  parent?: { name: string; record: Record<string, unknown> };
  /**
   * Incremental values; when the resource is incremental and these are absent, the no-state
   * values are used (start = last = `initial_value`).
   */
  incremental?: IncrementalValues;
}

/**
 * Builds the first PageRequest of a resource; the paginator then adds its own parameters.
 *
 * @example
 * buildInitialRequest(comments, { base_url: 'https://api.example.com/v1' }, { parent: { name: 'posts', record: { id: 7 } } });
 * // { method: 'GET', url: 'https://api.example.com/v1/posts/7/comments', params: {}, headers: {} }
 */
export function buildInitialRequest(
  resource: ResolvedResource,
  client: ClientConfig,
  context: RequestContext = {},
): PageRequest {
  const endpoint = resource.endpoint;
  const params = endpoint.params ?? {};
  const incremental = incrementalParamOf(resource);
  const onMissing = missingParentField(resource, context);

  const base: Record<string, unknown> = {};
  if (context.parent) base.resources = { [context.parent.name]: context.parent.record };
  const values = incremental ? runValues(incremental.config, context.incremental) : null;
  if (incremental && values) base.incremental = incrementalContext(incremental.config, values);

  // Undotted `{name}` placeholders are only meaningful in the path (static and resolve params).
  const pathContext: Record<string, unknown> = {};
  const boundInPath = new Set<string>();
  const pathNames = new Set(placeholdersIn(endpoint.path));
  for (const [name, value] of Object.entries(params)) {
    if (isResolveParam(value)) {
      if (!pathNames.has(name)) {
        throw new ConfigError(
          `resource "${resource.name}" defines resolve param "${name}" that is not bound in path "${endpoint.path}"; use {resources.<parent>.<field>} to reference a parent field in query params`,
          { context: { resource: resource.name, path: `endpoint.params.${name}` } },
        );
      }
      pathContext[name] = resolveParam(resource, name, value, context);
      boundInPath.add(name);
    } else if (!isIncrementalParam(value) && pathNames.has(name)) {
      pathContext[name] = value;
      boundInPath.add(name);
    }
  }
  Object.assign(pathContext, base);
  const url = joinUrl(client.base_url, render(endpoint.path, pathContext, onMissing));

  const query: Record<string, string | null> = {};
  for (const [rawName, value] of Object.entries(params)) {
    if (boundInPath.has(rawName)) continue;
    if (isIncrementalParam(value)) {
      // Only the winning form (C) param carries a value; incrementalParamOf rejects a second one.
      if (incremental && values) setIncrementalParam(query, rawName, incremental.config, values.start_value);
      continue;
    }
    const name = render(rawName, base, onMissing);
    const rendered = paramText(value, base, onMissing);
    if (rendered !== null) query[name] = rendered;
  }
  if (incremental?.form === 'endpoint' && values) {
    const { config, startParam, endParam } = incremental;
    if (startParam) setIncrementalParam(query, startParam, config, values.start_value);
    if (endParam) setIncrementalParam(query, endParam, config, values.end_value);
  }

  const request: PageRequest = {
    method: endpoint.method,
    url,
    params: query,
    headers: mergeHeaders(client.headers ?? {}, endpoint.headers ?? {}, base, onMissing),
  };
  const json = endpoint.json === undefined || endpoint.json === null ? undefined : (renderDeep(endpoint.json, base, { native: true, onMissing }) as JsonValue);
  const data = formBody(endpoint.data, base, onMissing);
  if (data !== undefined && json !== undefined && !isEmptyJson(json)) {
    throw new ConfigError(`resource "${resource.name}": endpoint.json and endpoint.data cannot both be set`, {
      context: { resource: resource.name, path: 'endpoint.data' },
    });
  }
  if (data !== undefined) request.data = data;
  else if (json !== undefined) request.json = json;
  return request;
}

// ---------------------------------------------------------------- helpers

function isResolveParam(value: ParamValue | undefined): value is ResolveParamConfig {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'resolve';
}

/** The run values to use: the caller's, else the no-state ones (start = last = `initial_value`). */
function runValues(config: IncrementalConfig, values: IncrementalValues | undefined): IncrementalValues {
  if (values) return values;
  const initial = config.initial_value ?? null;
  return { initial_value: initial, start_value: initial, last_value: initial, end_value: config.end_value ?? null };
}

/** `{incremental.*}` values: the four run values through `convert` (skipped for null), plus the config's own fields. */
function incrementalContext(config: IncrementalConfig, raw: IncrementalValues): Record<string, unknown> {
  const { convert, ...fields } = config;
  const conv = (v: JsonValue): JsonValue => (v === null || !convert ? v : convert(v));
  return {
    ...fields,
    initial_value: conv(raw.initial_value),
    start_value: conv(raw.start_value),
    last_value: conv(raw.last_value),
    end_value: conv(raw.end_value),
  };
}

/** Form (B)/(C): the param gets `convert(value)` — called even for null, as dlt does; null is then omitted. */
function setIncrementalParam(
  query: Record<string, string | null>,
  name: string,
  config: IncrementalConfig,
  raw: JsonValue,
): void {
  const value = config.convert ? config.convert(raw) : raw;
  if (value === null) delete query[name];
  else query[name] = pythonStr(value);
}

function paramText(value: ParamValue, context: PlaceholderContext, onMissing: MissingPlaceholder): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return render(value, context, onMissing);
  return pythonStr(value);
}

function mergeHeaders(
  clientHeaders: Record<string, string>,
  endpointHeaders: Record<string, string>,
  context: PlaceholderContext,
  onMissing: MissingPlaceholder,
): Record<string, string> {
  // Client headers are sent verbatim: dlt never interpolates them, escapes included.
  const headers: Record<string, string> = { ...clientHeaders };
  for (const [rawName, rawValue] of Object.entries(endpointHeaders)) {
    const name = render(rawName, context, onMissing);
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    }
    headers[name] = typeof rawValue === 'string' ? render(rawValue, context, onMissing) : pythonStr(rawValue);
  }
  return headers;
}

function formBody(
  data: Record<string, string> | [string, string][] | string | undefined,
  context: PlaceholderContext,
  onMissing: MissingPlaceholder,
): [string, string][] | string | undefined {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return data === '' ? undefined : render(data, context, onMissing);
  const pairs = Array.isArray(data) ? data : Object.entries(data);
  if (pairs.length === 0) return undefined;
  return pairs.map(([k, v]) => [render(k, context, onMissing), pythonStr(typeof v === 'string' ? render(v, context, onMissing) : v)]);
}

function isEmptyJson(json: JsonValue): boolean {
  if (Array.isArray(json)) return json.length === 0;
  return typeof json === 'object' && json !== null && Object.keys(json).length === 0;
}

function resolveParam(resource: ResolvedResource, name: string, param: ResolveParamConfig, context: RequestContext): unknown {
  const parent = requireParent(resource, param.resource, `params.${name}`, context);
  const value = getPath(parent.record, compileFieldPath(param.field));
  if (value === MISSING) throw missingFieldError(resource, parent, param.field, `{${name}}`);
  return value;
}

function requireParent(
  resource: ResolvedResource,
  parentName: string,
  usedIn: string,
  context: RequestContext,
): NonNullable<RequestContext['parent']> {
  const parent = context.parent;
  if (!parent) {
    throw new ConfigError(
      `resource "${resource.name}" depends on resource "${parentName}" (${usedIn}) but no parent record was given`,
      { context: { resource: resource.name } },
    );
  }
  if (parent.name !== parentName) {
    throw new ConfigError(
      `resource "${resource.name}" refers to parent "${parentName}" (${usedIn}) but runs under parent "${parent.name}"`,
      { context: { resource: resource.name } },
    );
  }
  return parent;
}

/** Turns an unresolvable `{resources.P.f}` into dlt's "expects a field" error; other names stay config errors. */
function missingParentField(resource: ResolvedResource, context: RequestContext): MissingPlaceholder {
  return (name) => {
    const match = /^resources\.([^.]+)\.(.+)$/.exec(name);
    if (!match) {
      return new ConfigError(`resource "${resource.name}": placeholder "{${name}}" has no value`, {
        context: { resource: resource.name },
      });
    }
    const parent = requireParent(resource, match[1], `{${name}}`, context);
    return missingFieldError(resource, parent, match[2], `{${name}}`);
  };
}

function missingFieldError(
  resource: ResolvedResource,
  parent: NonNullable<RequestContext['parent']>,
  field: string,
  usedBy: string,
): ResponseError {
  return new ResponseError(
    `resource "${resource.name}" expects a field "${field}" in the records of parent resource "${parent.name}" (to fill ${usedBy}); available parent fields: ${Object.keys(parent.record).join(', ') || '(none)'}`,
    { context: { resource: resource.name, parent: parent.name, field } },
  );
}
