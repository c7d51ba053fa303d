import { secret, type SecretsFile } from '../../../lib/config/secrets';
import { validateConfig, type ValidateOptions, type ValidatedConfig } from '../../../lib/config/validate';
import type { ApiKeyAuthConfig, BearerAuthConfig, HttpBasicAuthConfig } from '../../../lib/config/types';
import { SecretMissingError } from '../../../lib/errors';
import { redact } from '../../../lib/secrets/redact';
import { clearSecrets, registerSecrets } from '../../../lib/secrets/registry';

const client = { base_url: 'https://api.example.com' };
const withAuth = (auth: unknown): Record<string, unknown> => ({ client: { ...client, auth }, resources: ['a'] });
const apiKeyAuth = { type: 'api_key', name: 'api_key', location: 'query', api_key: { $secret: 'api_key' } };
const file = (name: string, data: Record<string, unknown> | null): SecretsFile => ({ file: `/cfg/${name}/.dlt/secrets.toml`, data });

/** What loadConfig does with a parsed file: validate, then register the secrets found. */
function load(raw: unknown, options: ValidateOptions): ValidatedConfig {
  const validated = validateConfig(raw, options);
  registerSecrets(...validated.secrets);
  return validated;
}

function auth<T>(raw: unknown, env: NodeJS.ProcessEnv = {}, secretsFiles: SecretsFile[] = []): T {
  return load(raw, { env, secretsFiles }).config.source.client.auth as T;
}

function missing(raw: unknown, env: NodeJS.ProcessEnv = {}, secretsFiles: SecretsFile[] = []): SecretMissingError {
  try {
    validateConfig(raw, { env, secretsFiles });
  } catch (error) {
    if (error instanceof SecretMissingError) return error;
    throw error;
  }
  throw new Error('expected a SecretMissingError');
}

beforeEach(() => clearSecrets());

describe('named secrets ({ $secret } / secret())', () => {
  it('secret() returns the same marker JSON and YAML write', () => {
    expect(secret('api_key')).toEqual({ $secret: 'api_key' });
  });

  it.each<[string, NodeJS.ProcessEnv, SecretsFile[], string]>([
    ['env, upper-cased name', { API_KEY: 'from-env-1' }, [], 'from-env-1'],
    ['env, dlt SOURCES__REST_API__ form', { SOURCES__REST_API__API_KEY: 'from-env-2' }, [], 'from-env-2'],
    ['env, dlt SOURCES__ form', { SOURCES__API_KEY: 'from-env-3' }, [], 'from-env-3'],
    ['env order: API_KEY first', { SOURCES__API_KEY: 'second', API_KEY: 'first-one' }, [], 'first-one'],
    ['toml, top-level key', {}, [file('a', { api_key: 'toml-top' })], 'toml-top'],
    ['toml, [sources.rest_api]', {}, [file('a', { sources: { rest_api: { api_key: 'toml-rest' } } })], 'toml-rest'],
    ['toml, [sources]', {}, [file('a', { sources: { api_key: 'toml-sources' } })], 'toml-sources'],
    ['env wins over toml', { API_KEY: 'env-wins' }, [file('a', { api_key: 'toml-loses' })], 'env-wins'],
    ['config folder before cwd', {}, [file('cfg', { api_key: 'next-to-config' }), file('cwd', { api_key: 'in-cwd' })], 'next-to-config'],
    ['absent file skipped', {}, [file('cfg', null), file('cwd', { api_key: 'in-cwd' })], 'in-cwd'],
  ])('%s', (_name, env, files, expected) => {
    expect(auth<ApiKeyAuthConfig>(withAuth(apiKeyAuth), env, files).api_key).toBe(expected);
  });

  it('registers every resolved value for redaction', () => {
    auth(withAuth(apiKeyAuth), { API_KEY: 'sentinel-key-123' });
    expect(redact('GET https://x/v1/a?offset=0&k=sentinel-key-123 failed: sentinel-key-123')).toBe('GET https://x/v1/a?offset=0&k=*** failed: ***');
  });

  it('a missing secret names every env name, file and key tried', () => {
    const error = missing(withAuth(apiKeyAuth), {}, [file('cfg', null), file('cwd', { other: 1 })]);
    expect(error.code).toBe('SECRET_MISSING');
    expect(error.exitCode).toBe(2);
    expect(error.context.path).toBe('client.auth.api_key');
    for (const tried of [
      'env API_KEY', 'env SOURCES__REST_API__API_KEY', 'env SOURCES__API_KEY',
      '/cfg/cfg/.dlt/secrets.toml (absent) keys api_key, sources.rest_api.api_key, sources.api_key',
      '/cfg/cwd/.dlt/secrets.toml keys api_key, sources.rest_api.api_key, sources.api_key',
    ]) expect(error.message).toContain(tried);
    expect(error.message).toContain('client.auth.api_key: secret "api_key" not found');
  });

  it('collects every missing secret in one error', () => {
    const error = missing({ source: withAuth(apiKeyAuth), kafka: { sasl: { mechanism: 'plain', username: 'u', password: { $secret: 'kafka_password' } } } });
    expect(error.message).toContain('2 secrets could not be resolved');
    expect(error.message).toContain('source.client.auth.api_key: secret "api_key"');
    expect(error.message).toContain('kafka.sasl.password: secret "kafka_password"');
    expect(error.message).toContain('env KAFKA_PASSWORD');
  });
});

describe('${NAME} substitution', () => {
  const headers = { Authorization: 'Token token=${PAGERDUTY_API_KEY}' };
  const source = (base_url: string, extraHeaders: Record<string, string> = headers): Record<string, unknown> => ({
    client: { base_url, headers: extraHeaders },
    resources: ['a'],
  });

  it('substitutes inside strings and registers credentials', () => {
    const { config } = load(source('${BASE_URL}'), { env: { PAGERDUTY_API_KEY: 'pd-secret-999', BASE_URL: 'http://localhost:9999' } });
    expect(config.source.client.headers).toEqual({ Authorization: 'Token token=pd-secret-999' });
    expect(config.source.client.base_url).toBe('http://localhost:9999');
    expect(redact('sent pd-secret-999')).toBe('sent ***');
    // A base URL is not a credential: it stays readable in logs.
    expect(redact('GET http://localhost:9999/a')).toBe('GET http://localhost:9999/a');
  });

  const toml = [file('a', { base_url: 'from-toml' })];
  it.each<[string, string, NodeJS.ProcessEnv, SecretsFile[], string]>([
    ['default when unset', '${BASE_URL:-http://127.0.0.1:8080}', {}, [], 'http://127.0.0.1:8080'],
    ['value over default', '${BASE_URL:-http://127.0.0.1:8080}', { BASE_URL: 'http://sim:1' }, [], 'http://sim:1'],
    ['$${ is a literal ${', 'http://x/$${NOT_A_VAR}', {}, [], 'http://x/${NOT_A_VAR}'],
    ['dlt braces untouched', 'http://x/{keep}', {}, [], 'http://x/{keep}'],
    ['toml value (dlt keys are lower case)', '${BASE_URL}', {}, toml, 'from-toml'],
    ['toml value over default', '${BASE_URL:-http://127.0.0.1:8080}', {}, toml, 'from-toml'],
  ])('%s', (_name, base, env, secretsFiles, expected) => {
    const { config } = validateConfig(source(base, {}), { env, secretsFiles });
    expect(config.source.client.base_url).toBe(expected);
  });

  it('an unset name without default is a missing secret', () => {
    const error = missing(source('https://x', { 'X-Key': '${PD_KEY}' }));
    expect(error.context.path).toBe('client.headers.X-Key');
    expect(error.message).toContain('secret "PD_KEY" not found; tried env PD_KEY; env SOURCES__REST_API__PD_KEY; env SOURCES__PD_KEY');
  });
});

describe('auth shorthand: fields from dlt credentials', () => {
  it.each<[string, NodeJS.ProcessEnv, SecretsFile[]]>([
    ['SOURCES__REST_API__CREDENTIALS__TOKEN', { SOURCES__REST_API__CREDENTIALS__TOKEN: 'cred-token-1' }, []],
    ['SOURCES__CREDENTIALS__TOKEN', { SOURCES__CREDENTIALS__TOKEN: 'cred-token-1' }, []],
    ['CREDENTIALS__TOKEN', { CREDENTIALS__TOKEN: 'cred-token-1' }, []],
    ['[sources.rest_api.credentials]', {}, [file('a', { sources: { rest_api: { credentials: { token: 'cred-token-1' } } } })]],
    ['[credentials]', {}, [file('a', { credentials: { token: 'cred-token-1' } })]],
  ])('auth: "bearer" with %s', (_name, env, files) => {
    expect(auth<BearerAuthConfig>(withAuth('bearer'), env, files)).toEqual({ type: 'bearer', token: 'cred-token-1' });
    expect(redact('cred-token-1')).toBe('***');
  });

  it('fills only the missing fields of an auth object', () => {
    const env = { CREDENTIALS__PASSWORD: 'cred-pass-1', CREDENTIALS__USERNAME: 'not-used' };
    expect(auth<HttpBasicAuthConfig>(withAuth({ type: 'http_basic', username: 'me' }), env)).toEqual({ type: 'http_basic', username: 'me', password: 'cred-pass-1' });
  });

  it('fills endpoint and resource_defaults auth too', () => {
    const raw = {
      client,
      resource_defaults: { endpoint: { auth: 'api_key' } },
      resources: [{ name: 'a', endpoint: { auth: { type: 'bearer' } } }],
    };
    const { config } = validateConfig(raw, { env: { CREDENTIALS__API_KEY: 'cred-key-1', CREDENTIALS__TOKEN: 'cred-token-2' } });
    expect(config.source.resource_defaults?.endpoint).toEqual({ auth: { type: 'api_key', api_key: 'cred-key-1' } });
    expect(config.source.resources[0]).toEqual({ name: 'a', endpoint: { auth: { type: 'bearer', token: 'cred-token-2' } } });
  });

  it('an auth object without type is bearer', () => {
    expect(auth<BearerAuthConfig>(withAuth({ token: { $secret: 'token' } }), { TOKEN: 'bearer-tok-1' })).toEqual({ type: 'bearer', token: 'bearer-tok-1' });
  });

  it('a missing credential names the credentials env names', () => {
    const error = missing(withAuth('oauth2_client_credentials'), { CREDENTIALS__ACCESS_TOKEN_URL: 'https://auth/token', CREDENTIALS__CLIENT_ID: 'cid' });
    expect(error.context.path).toBe('client.auth.client_secret');
    expect(error.message).toContain('env SOURCES__REST_API__CREDENTIALS__CLIENT_SECRET; env SOURCES__CREDENTIALS__CLIENT_SECRET; env CREDENTIALS__CLIENT_SECRET');
  });
});

describe('literal secrets in the file', () => {
  const LITERAL = 'literal-secret-777';
  it.each<[string, unknown, string]>([
    ['auth api_key', withAuth({ type: 'api_key', api_key: LITERAL }), 'client.auth.api_key'],
    ['bearer token', withAuth({ type: 'bearer', token: LITERAL }), 'client.auth.token'],
    ['basic password', withAuth({ type: 'http_basic', username: 'u', password: LITERAL }), 'client.auth.password'],
    ['oauth client_secret', withAuth({ type: 'oauth2_client_credentials', access_token_url: 'https://t', client_id: 'c', client_secret: LITERAL }), 'client.auth.client_secret'],
    ['endpoint auth', { client, resources: [{ name: 'a', endpoint: { auth: { token: LITERAL } } }] }, 'resources[0].endpoint.auth.token'],
    ['kafka sasl password', { source: { client, resources: ['a'] }, kafka: { sasl: { mechanism: 'plain', username: 'u', password: LITERAL } } }, 'kafka.sasl.password'],
  ])('%s: a warning names the path, never the value', (_name, raw, path) => {
    const { warnings } = load(raw, { env: {} });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${path}: a literal secret is written in the config file`);
    expect(warnings[0]).toContain('{ "$secret": ');
    expect(warnings[0]).not.toContain(LITERAL);
    expect(redact(`x ${LITERAL} y`)).toBe('x *** y');
  });

  it('references and templates draw no warning', () => {
    const { warnings } = validateConfig(withAuth({ type: 'bearer', token: 'Bearer ${TOKEN}' }), { env: { TOKEN: 'tok-tok-1' } });
    expect(warnings).toEqual([]);
  });
});
