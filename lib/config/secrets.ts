/**
 * Named secrets, found where dlt users already keep them: the environment (dlt's names) and
 * `.dlt/secrets.toml`. This file only knows the lookup order; reading the TOML files is
 * `load.ts`'s job, and walking a config is `resolve-secrets.ts`'s.
 */
import type { SecretRef } from './types';

/**
 * The marker a module config uses for a named secret; JSON/YAML write `{ "$secret": name }`.
 *
 * @example
 * export default { client: { base_url: 'https://api.example.com',
 *   auth: { type: 'api_key', name: 'api_key', location: 'query', api_key: secret('api_key') } },
 *   resources: ['incidents'] };
 */
export function secret(name: string): SecretRef {
  return { $secret: name };
}

/** One `.dlt/secrets.toml` candidate; `data` is null when the file does not exist. */
export interface SecretsFile {
  file: string;
  data: Record<string, unknown> | null;
}

export interface SecretSources {
  env: NodeJS.ProcessEnv;
  /** In lookup order: next to the config file, then the working directory. */
  files: readonly SecretsFile[];
}

export interface Lookup {
  /** Undefined when no candidate held a value. */
  value: string | undefined;
  /** Every env name and file/key tried, for the error message. */
  tried: string[];
}

interface Candidates {
  env: string[];
  keys: string[];
}

const envName = (dotted: string): string => dotted.toUpperCase().replace(/\./g, '__').replace(/-/g, '_');

/**
 * Where a named secret (`{ $secret: "api_key" }`, `${API_KEY}`) is looked for: env `API_KEY`,
 * `SOURCES__REST_API__API_KEY`, `SOURCES__API_KEY`, then TOML keys `api_key`,
 * `sources.rest_api.api_key`, `sources.api_key`.
 */
export function secretCandidates(name: string): Candidates {
  const env = envName(name);
  const lower = name.toLowerCase();
  const keyForms = lower === name ? [name] : [name, lower];
  return {
    env: [env, `SOURCES__REST_API__${env}`, `SOURCES__${env}`],
    keys: keyForms.flatMap((n) => [n, `sources.rest_api.${n}`, `sources.${n}`]),
  };
}

/** Where dlt looks for a field of an auth given only as a type name (`auth: "bearer"`). */
export function credentialCandidates(field: string): Candidates {
  return {
    env: [`SOURCES__REST_API__CREDENTIALS__${envName(field)}`, `SOURCES__CREDENTIALS__${envName(field)}`, `CREDENTIALS__${envName(field)}`],
    keys: [`sources.rest_api.credentials.${field}`, `sources.credentials.${field}`, `credentials.${field}`],
  };
}

/** The first candidate that holds a value: environment first, then each file in order. */
export function lookup(candidates: Candidates, sources: SecretSources): Lookup {
  const tried: string[] = [];
  for (const name of candidates.env) {
    tried.push(`env ${name}`);
    const value = sources.env[name];
    if (value !== undefined && value !== '') return { value, tried };
  }
  for (const { file, data } of sources.files) {
    tried.push(`${file}${data ? '' : ' (absent)'} keys ${candidates.keys.join(', ')}`);
    if (!data) continue;
    for (const key of candidates.keys) {
      const value = tomlGet(data, key);
      if (value !== undefined) return { value, tried };
    }
  }
  return { value: undefined, tried };
}

/** A dotted key in a parsed TOML document; scalars are read as text. */
function tomlGet(data: Record<string, unknown>, dotted: string): string | undefined {
  let node: unknown = data;
  for (const part of dotted.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint') return String(node);
  return undefined;
}
