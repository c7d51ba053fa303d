/**
 * Where a paginator writes a value: a query parameter or a dot path into the JSON body (dlt's
 * `*_param` / `*_body_path` pairs), and reading it back, which is how the pure range paginators
 * recover their counter from the previous request.
 */
import { ConfigError } from '../errors';
import type { JsonValue } from '../config/types';
import type { PageRequest } from '../http/request';
import { getAtBodyPath, parseBodyPath, setAtBodyPath } from './body-path';

export type ValueTarget = { readonly param: string } | { readonly bodyPath: readonly string[] };

export interface TargetOptions {
  param: string | null | undefined;
  bodyPath: string | null | undefined;
  /** Used when both are null or absent. */
  defaultParam: string;
  /** Config key names for error messages, e.g. `page_param` / `page_body_path`. */
  paramKey: string;
  bodyPathKey: string;
}

/**
 * dlt's rule: both absent → the default parameter; otherwise exactly one, non-empty.
 *
 * @example resolveTarget({ param: null, bodyPath: 'page', defaultParam: 'page', paramKey: 'page_param', bodyPathKey: 'page_body_path' })
 * // { bodyPath: ['page'] }
 */
export function resolveTarget({ param, bodyPath, defaultParam, paramKey, bodyPathKey }: TargetOptions): ValueTarget {
  if (param == null && bodyPath == null) return { param: defaultParam };
  if (param != null && bodyPath != null) {
    throw new ConfigError(`paginator: set either ${paramKey} or ${bodyPathKey}, not both`);
  }
  if (param === '' || bodyPath === '') {
    throw new ConfigError(`paginator.${param === '' ? paramKey : bodyPathKey}: must not be empty`);
  }
  return param != null ? { param } : { bodyPath: parseBodyPath(bodyPathKey, bodyPath as string) };
}

/** A copy of `request` with `value` written to `target`; a query value `null` is omitted when sent. */
export function writeTarget(request: PageRequest, target: ValueTarget, value: JsonValue): PageRequest {
  if ('param' in target) return { ...request, params: { ...request.params, [target.param]: toParamValue(value) } };
  return { ...request, json: setAtBodyPath(request.json, target.bodyPath, value) };
}

/** The value at `target` in `request`, or `undefined`. Query values are strings. */
export function readTarget(request: PageRequest, target: ValueTarget): JsonValue | undefined {
  if ('param' in target) return request.params[target.param] ?? undefined;
  return getAtBodyPath(request.json, target.bodyPath);
}

/** Human form of a target for messages: `page` or `body pagination.page`. */
export function describeTarget(target: ValueTarget): string {
  return 'param' in target ? `query parameter "${target.param}"` : `body path "${target.bodyPath.join('.')}"`;
}

function toParamValue(value: JsonValue): string | null {
  if (value === null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
