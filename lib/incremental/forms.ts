/**
 * Which of dlt's three ways of configuring incremental loading a resource uses (dlt §8.1):
 * `endpoint.incremental` alone (A), with `start_param`/`end_param` (B), or a
 * `{ type: "incremental" }` query param (C). The request builder reads the params it names;
 * the run plans build the record filter from its config.
 */
import type { IncrementalConfig, IncrementalParamConfig, ParamValue, ResolvedResource } from '../config/types';
import { ConfigError } from '../errors';

/** The incremental config a resource runs with, and the query params that carry it. */
export interface EffectiveIncremental {
  config: IncrementalConfig;
  /** Query param receiving `convert(start value)`: form (C)'s param name or form (B)'s `start_param`. */
  startParam: string | null;
  /** Query param receiving `convert(end_value)`: form (B)'s `end_param`. */
  endParam: string | null;
  /** `param` for form (C), `endpoint` for forms (A)/(B). */
  form: 'param' | 'endpoint';
}

/** A form (C) param: `{ type: "incremental", cursor_path, … }`. */
export function isIncrementalParam(value: ParamValue | undefined): value is IncrementalParamConfig {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'incremental';
}

/**
 * The effective incremental config: a `{type: "incremental"}` param (form C) wins over
 * `endpoint.incremental` (forms A/B). More than one such param is a ConfigError.
 *
 * @example
 * incrementalParamOf(resourceWith({ params: { since: { type: 'incremental', cursor_path: 'updated_at' } } }));
 * // { config: { cursor_path: 'updated_at' }, startParam: 'since', endParam: null, form: 'param' }
 */
export function incrementalParamOf(resource: ResolvedResource): EffectiveIncremental | null {
  const params = resource.endpoint.params ?? {};
  const forms = Object.entries(params).filter((entry): entry is [string, IncrementalParamConfig] => isIncrementalParam(entry[1]));
  if (forms.length > 1) {
    throw new ConfigError(
      `resource "${resource.name}": only one incremental param is allowed per endpoint; found ${forms.map(([k]) => k).join(', ')}`,
      { context: { resource: resource.name, path: 'endpoint.params' } },
    );
  }
  if (forms.length === 1) {
    const [name, param] = forms[0];
    const config: IncrementalConfig = { ...param };
    delete (config as Partial<IncrementalParamConfig>).type;
    return { config, startParam: name, endParam: null, form: 'param' };
  }
  const config = resource.endpoint.incremental;
  if (!config) return null;
  return { config, startParam: config.start_param ?? null, endParam: config.end_param ?? null, form: 'endpoint' };
}
