/**
 * Replaces every secret reference in a validated config with its value: `{ $secret: name }`
 * markers, `${NAME}` templates, and auth fields left out for dlt's credentials lookup
 * (`auth: "bearer"`). Every value found is returned beside the tree, for the loader to register
 * for redaction.
 */
import { SecretMissingError } from '../errors';
import { interpolate } from './interpolate';
import { credentialCandidates, lookup, secretCandidates, type SecretSources } from './secrets';
import { join } from './validator';
import { isPlainObject, isSecretRef } from './values';

interface Missing {
  path: string;
  name: string;
  tried: string[];
}

/** Fields dlt resolves from `credentials` secrets when an auth leaves them out. */
const REQUIRED_AUTH_FIELDS: Record<string, readonly string[]> = {
  bearer: ['token'],
  api_key: ['api_key'],
  http_basic: ['username', 'password'],
  oauth2_client_credentials: ['access_token_url', 'client_id', 'client_secret'],
};

/**
 * Subtrees where a `${NAME}` value may be a credential, so it is a secret to redact.
 * Elsewhere (base_url, paths, names, topics) it stays readable in logs; a `$secret` value is
 * a secret wherever it is used.
 */
const SENSITIVE_KEYS = new Set(['auth', 'headers', 'params', 'json', 'data', 'sasl', 'ssl']);

/**
 * Resolves every secret in `root` (a validated pipeline or bare source config; `sourceKey` is
 * `'source'` for a pipeline file, `null` for a bare source). Returns a new tree and the secret
 * values it holds. Throws one SecretMissingError listing every secret that could not be found and where it was looked for.
 */
export function resolveSecrets<T>(root: T, sources: SecretSources, sourceKey: 'source' | null): { resolved: T; secrets: string[] } {
  const missing: Missing[] = [];
  const secrets: string[] = [];
  const find = (name: string): string | undefined => lookup(secretCandidates(name), sources).value;

  const walk = (value: unknown, path: string, sensitive: boolean): unknown => {
    if (isSecretRef(value)) {
      const name = value.$secret;
      const found = lookup(secretCandidates(name), sources);
      if (found.value === undefined) {
        missing.push({ path, name, tried: found.tried });
        return value;
      }
      secrets.push(found.value);
      return found.value;
    }
    if (typeof value === 'string') {
      const result = interpolate(value, find);
      if (sensitive) secrets.push(...result.used.map((u) => u.value));
      for (const name of result.missing) missing.push({ path, name, tried: lookup(secretCandidates(name), sources).tried });
      return result.text;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, join(path, i), sensitive));
    // Custom paginators/auth and functions belong to the module that made them.
    if (!isPlainObject(value) || value.type === 'custom') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, join(path, k), sensitive || SENSITIVE_KEYS.has(k))]));
  };

  const resolved = walk(root, '', false) as T;
  const src = (sourceKey ? (resolved as Record<string, unknown>)[sourceKey] : resolved) as Record<string, unknown>;
  for (const [auth, path] of authLocations(src, sourceKey ?? '')) secrets.push(...fillAuth(auth, path, sources, missing));

  if (missing.length > 0) {
    const lines = missing.map((m) => `  ${m.path}: secret "${m.name}" not found; tried ${m.tried.join('; ')}`);
    throw new SecretMissingError(`${missing.length === 1 ? 'A secret' : `${missing.length} secrets`} could not be resolved:\n${lines.join('\n')}`, {
      context: { path: missing[0].path, secrets: missing.map(({ path, name, tried }) => ({ path, name, tried })) },
    });
  }
  return { resolved, secrets };
}

/** Every auth object of a source: client, resource_defaults and each resource endpoint. */
function authLocations(source: Record<string, unknown>, path: string): [Record<string, unknown>, string][] {
  const found: [Record<string, unknown>, string][] = [];
  const take = (holder: unknown, at: string): void => {
    if (isPlainObject(holder) && isPlainObject(holder.auth)) found.push([holder.auth, join(at, 'auth')]);
  };
  take(source.client, join(path, 'client'));
  const defaults = source.resource_defaults;
  if (isPlainObject(defaults)) take(defaults.endpoint, join(join(path, 'resource_defaults'), 'endpoint'));
  const resources = Array.isArray(source.resources) ? source.resources : [];
  resources.forEach((r, i) => {
    if (isPlainObject(r)) take(r.endpoint, join(join(join(path, 'resources'), i), 'endpoint'));
  });
  return found;
}

/** dlt's shorthand: required auth fields left out come from `credentials` secrets. Returns the values filled in. */
function fillAuth(auth: Record<string, unknown>, path: string, sources: SecretSources, missing: Missing[]): string[] {
  const filled: string[] = [];
  for (const field of REQUIRED_AUTH_FIELDS[auth.type as string] ?? []) {
    if (auth[field] !== undefined) continue;
    const found = lookup(credentialCandidates(field), sources);
    if (found.value === undefined) {
      missing.push({ path: join(path, field), name: `credentials.${field}`, tried: found.tried });
    } else {
      filled.push(found.value);
      auth[field] = found.value;
    }
  }
  return filled;
}
