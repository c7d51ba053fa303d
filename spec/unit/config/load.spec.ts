import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../lib/config/load';
import type { OffsetPaginatorConfig } from '../../../lib/config/types';
import { ConfigError } from '../../../lib/errors';
import { redact } from '../../../lib/secrets/redact';
import { clearSecrets } from '../../../lib/secrets/registry';
import { useTempDir } from '../../support/temp-dir';

const REPO = resolve(__dirname, '../../..');
const SECRETS_MODULE = join(REPO, 'lib/config/secrets').replace(/\\/g, '/');

const temp = useTempDir('rest2kafka-config-');
const write = temp.write;
beforeEach(() => clearSecrets());

async function loadError(file: string, options: Parameters<typeof loadConfig>[1] = {}): Promise<ConfigError> {
  try {
    await loadConfig(file, { env: {}, cwd: temp.path, ...options });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SOURCE = { client: { base_url: 'https://api.example.com' }, resources: [{ name: 'incidents', endpoint: { paginator: { type: 'offset', limit: 50 } } }] };
const YAML_SOURCE = 'client:\n  base_url: https://api.example.com\nresources:\n  - name: incidents\n    endpoint:\n      paginator: { type: offset, limit: 50 }\n';
const MODULE_BODY = JSON.stringify(SOURCE);

describe('loadConfig: formats', () => {
  it.each<[string, string]>([
    ['source.json', MODULE_BODY],
    ['source.yaml', YAML_SOURCE],
    ['source.yml', YAML_SOURCE],
    ['source.ts', `const config: Record<string, unknown> = ${MODULE_BODY};\nexport default config;\n`],
    ['source.mts', `export default ${MODULE_BODY};\n`],
    ['source.mjs', `export default ${MODULE_BODY};\n`],
    ['source.js', `module.exports = ${MODULE_BODY};\n`],
    ['source.cjs', `module.exports = ${MODULE_BODY};\n`],
    ['function.ts', `export default () => (${MODULE_BODY});\n`],
    ['async.ts', `export default async () => { await Promise.resolve(); return ${MODULE_BODY}; };\n`],
  ])('%s loads with the same schema', async (name, text) => {
    const loaded = await loadConfig(write(name, text), { env: {} });
    expect(loaded.file).toBe(join(temp.path, name));
    expect(loaded.resources.map((r) => [r.name, (r.endpoint.paginator as OffsetPaginatorConfig).limit])).toEqual([['incidents', 50]]);
    expect(loaded.pipeline.pipeline_name).toBe('rest2kafka');
  });

  it('resolves a relative file against cwd', async () => {
    write('conf/source.json', MODULE_BODY);
    expect((await loadConfig('conf/source.json', { cwd: temp.path, env: {} })).file).toBe(join(temp.path, 'conf/source.json'));
  });

  it('a module config may hold functions, custom paginators and custom auth', async () => {
    const file = write('custom.ts', `
      import { secret } from '${SECRETS_MODULE}';
      const paginator = { type: 'mine', first: (r: unknown) => r, next: () => null };
      export default {
        client: { base_url: 'https://x', auth: { apply: (r: unknown) => r } },
        resources: [{
          name: 'a',
          endpoint: { paginator, headers: { 'X-Key': secret('x_key') }, response_actions: [(r: unknown) => r],
            incremental: { cursor_path: 'u', convert: (v: unknown) => v } },
          processing_steps: [{ filter: (r: { id?: number }) => r.id !== 1 }],
        }],
      };
    `);
    const { resources, pipeline } = await loadConfig(file, { env: { X_KEY: 'module-secret-1' } });
    expect(resources[0].endpoint.paginator).toMatchObject({ type: 'custom', paginator: { type: 'mine' } });
    expect(pipeline.source.client.auth).toMatchObject({ type: 'custom' });
    expect(resources[0].endpoint.headers).toEqual({ 'X-Key': 'module-secret-1' });
    expect(resources[0].processingSteps).toHaveLength(1);
    expect(redact('module-secret-1')).toBe('***');
  });
});

describe('loadConfig: file errors name the file', () => {
  it('missing file', async () => {
    const error = await loadError(join(temp.path, 'nope.yaml'));
    expect(error.message).toBe(`${join(temp.path, 'nope.yaml')}: config file not found`);
    expect(error.context.file).toBe(join(temp.path, 'nope.yaml'));
  });

  it('missing module file', async () => {
    expect((await loadError(join(temp.path, 'nope.ts'))).message).toContain('config file not found');
  });

  it('unsupported extension', async () => {
    expect((await loadError(write('config.toml', ''))).message).toContain('unsupported config file type ".toml"; use one of .json, .yaml');
  });

  it('JSON syntax error with line and column', async () => {
    const file = write('bad.json', '{\n  "client": {,\n}');
    const error = await loadError(file);
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON at line 2, column 14`));
  });

  it('YAML syntax error with line and column', async () => {
    const file = write('bad.yaml', 'client:\n  base_url: "x\nresources: []\n');
    expect((await loadError(file)).message).toMatch(/bad\.yaml: invalid YAML at line \d+, column \d+/);
  });

  it('a quote left open is reported where it opens, not where the parser gave up (issue 13)', async () => {
    const file = write('open-quote.yaml', 'client:\n  base_url: https://api.example.com\nresources:\n  - name: "incidents\n    endpoint: /v1/incidents\n  - services\n');
    expect((await loadError(file)).message).toBe(
      `${file}: invalid YAML at line 4, column 11: the quoted string that starts here is never closed (the parser gave up at line 7, column 1)`,
    );
  });

  it("a YAML config's validation errors give each path's line and column (issue 13)", async () => {
    const file = write(
      'invalid.yaml',
      'pipeline_name: demo\nsource:\n  client:\n    base_url: https://api.example.com\n  resources:\n    - name: incidents\n      endpoint:\n        paginator: { type: offset, limit: "100" }\n    - name: services\n      endpoint: { pth: /v1/services }\n',
    );
    const lines = (await loadError(file)).message.split('\n').slice(1);
    expect(lines).toEqual([
      '  source.resources[0].endpoint.paginator.limit (line 8, column 36): expected an integer, got "100"',
      '  source.resources[1].endpoint.pth (line 10, column 19): unknown key; did you mean "path"?',
    ]);
  });

  it('a JSON config names the paths only: JSON.parse keeps no positions', async () => {
    const file = write('invalid.json', JSON.stringify({ client: { base_url: 'https://api.example.com' }, resources: [{ name: 'incidents', endpoint: { paginator: { type: 'offset', limit: '100' } } }] }));
    expect((await loadError(file)).message).toContain('\n  resources[0].endpoint.paginator.limit: expected an integer, got "100"');
  });

  it('YAML duplicate keys are an error', async () => {
    expect((await loadError(write('dup.yaml', 'client: {}\nclient: {}\n'))).message).toContain('invalid YAML at line 2');
  });

  it('a module that throws', async () => {
    const error = await loadError(write('throws.ts', 'throw new Error("boom");\n'));
    expect(error.message).toContain('the config module failed to load: boom');
  });

  it('a module without a default export', async () => {
    expect((await loadError(write('empty.mjs', 'export const x = 1;\n'))).message).toContain('has no default export');
  });

  it('validation errors carry the file', async () => {
    const error = await loadError(write('invalid.yaml', 'client: {}\nresources: [a]\n'));
    expect(error.message).toContain(`Invalid configuration in ${join(temp.path, 'invalid.yaml')} (1 problem):\n  client.base_url (line 1, column 1): required`);
  });
});

describe('loadConfig: .dlt/secrets.toml', () => {
  const config = JSON.stringify({ client: { base_url: 'https://x', auth: { type: 'bearer', token: { $secret: 'api_token' } } }, resources: ['a'] });

  it('reads the file next to the config', async () => {
    const file = write('project/source.json', config);
    write('project/.dlt/secrets.toml', '[sources.rest_api]\napi_token = "toml-next-1"\n');
    const { pipeline } = await loadConfig(file, { env: {}, cwd: temp.path });
    expect(pipeline.source.client.auth).toEqual({ type: 'bearer', token: 'toml-next-1' });
  });

  it('falls back to the one in cwd', async () => {
    const file = write('project/source.json', config);
    write('.dlt/secrets.toml', 'api_token = "toml-cwd-1"\n');
    const { pipeline } = await loadConfig(file, { env: {}, cwd: temp.path });
    expect(pipeline.source.client.auth).toEqual({ type: 'bearer', token: 'toml-cwd-1' });
  });

  it('a missing secret lists both files', async () => {
    const file = write('project/source.json', config);
    await expect(loadConfig(file, { env: {}, cwd: temp.path })).rejects.toThrow(
      `${join(temp.path, 'project/.dlt/secrets.toml')} (absent) keys api_token, sources.rest_api.api_token, sources.api_token; ${join(temp.path, '.dlt/secrets.toml')} (absent)`,
    );
  });

  it('an invalid secrets.toml names the file and position but echoes no content', async () => {
    const file = write('source.json', config);
    write('.dlt/secrets.toml', 'api_token = "toml-leak-1\n');
    const error = await loadError(file);
    expect(error.message).toMatch(/\.dlt\/secrets\.toml: invalid TOML at line 1, column \d+$/);
    expect(error.message).not.toContain('toml-leak-1');
  });
});

describe('loadConfig: schemas_dir', () => {
  const pipelineWith = (delivery: Record<string, unknown>): string => JSON.stringify({ source: SOURCE, delivery });

  it('is resolved against the config folder', async () => {
    const file = write('p/pipeline.json', pipelineWith({ schemas_dir: 'my-schemas' }));
    mkdirSync(join(temp.path, 'p/my-schemas'));
    expect((await loadConfig(file, { env: {} })).pipeline.delivery.schemas_dir).toBe(join(temp.path, 'p/my-schemas'));
  });

  it('uses a schemas folder next to the config', async () => {
    const file = write('p/pipeline.json', pipelineWith({}));
    mkdirSync(join(temp.path, 'p/schemas'));
    expect((await loadConfig(file, { env: {} })).pipeline.delivery.schemas_dir).toBe(join(temp.path, 'p/schemas'));
  });

  // Regression: an unset schemas_dir fell back to the package's demo schemas, so a user's own
  // `incidents` resource was validated against the demo's schema and all of it dead-lettered.
  it('never falls back to the package schemas when the default folder is absent', async () => {
    const file = write('p/pipeline.json', pipelineWith({}));
    expect((await loadConfig(file, { env: {} })).pipeline.delivery.schemas_dir).toBe(join(temp.path, 'p/schemas'));
  });

  it.each([
    ['a missing folder', 'nope', 'does not exist'],
    ['a file', 'pipeline.json', 'is not a folder'],
  ])('set to %s is a config error naming delivery.schemas_dir', async (_what, dir, reason) => {
    const file = write('p/pipeline.json', pipelineWith({ schemas_dir: dir }));
    const error = await loadConfig(file, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).context.path).toBe('delivery.schemas_dir');
    expect((error as ConfigError).message).toContain(`delivery.schemas_dir: ${join(temp.path, 'p', dir)} ${reason}`);
  });
});

describe('examples', () => {
  const env = { API_KEY: 'demo-key-sentinel' };

  it.each(['examples/pipeline.yaml', 'examples/source.json', 'examples/pipeline.ts'])('%s validates as the seed config', async (example) => {
    const { resources, pipeline, warnings } = await loadConfig(join(REPO, example), { env });
    expect(warnings).toEqual([]);
    expect(pipeline.source.client.base_url).toBe('http://127.0.0.1:8080');
    expect(pipeline.source.client.auth).toEqual({ type: 'api_key', name: 'api_key', api_key: 'demo-key-sentinel', location: 'query' });
    expect(pipeline.source.client).toMatchObject({ max_retries: 3, backoff_factor: 2, retry_statuses: [429, 500, 502, 503, 504] });
    expect(resources.map((r) => [r.name, r.endpoint.path, r.primaryKey, r.writeDisposition, r.endpoint.data_selector, r.endpoint.paginator])).toEqual([
      ['incidents', '/v1/incidents', ['id'], 'merge', 'data', { type: 'offset', limit: 100 }],
      ['services', '/v1/services', ['id'], 'merge', 'data', { type: 'offset', limit: 100 }],
    ]);
    // The demo's schemas only where the example names them; the bare source config has none.
    expect(pipeline.delivery.schemas_dir).toBe(join(REPO, example === 'examples/source.json' ? 'examples/schemas' : 'schemas'));
    expect(redact('api_key=demo-key-sentinel')).toBe('api_key=***');
  });

  it('examples/pipeline-avro.yaml: Avro values through the registry, zstd, the demo schemas', async () => {
    const { pipeline, warnings } = await loadConfig(join(REPO, 'examples/pipeline-avro.yaml'), { env });
    expect(warnings).toEqual([]);
    expect(pipeline.delivery).toMatchObject({
      value_format: 'avro',
      compression: 'zstd',
      schemas_dir: join(REPO, 'schemas'),
      schema_registry: { url: 'http://127.0.0.1:8081/apis/ccompat/v7', subject_name_strategy: 'topic' },
    });
    expect((await loadConfig(join(REPO, 'examples/pipeline-avro.yaml'), { env: { ...env, REGISTRY_URL: 'http://registry:8080/apis/ccompat/v7' } })).pipeline.delivery.schema_registry?.url).toBe('http://registry:8080/apis/ccompat/v7');
  });

  it('BASE_URL overrides the simulator default', async () => {
    const { pipeline } = await loadConfig(join(REPO, 'examples/pipeline.yaml'), { env: { ...env, BASE_URL: 'http://sim:9' } });
    expect(pipeline.source.client.base_url).toBe('http://sim:9');
  });

  it('pipeline.ts has an incremental cursor on updated_at and a map step', async () => {
    const { resources } = await loadConfig(join(REPO, 'examples/pipeline.ts'), { env });
    expect(resources[0].endpoint.incremental).toMatchObject({ cursor_path: 'updated_at', start_param: 'updated_since' });
    const [step] = resources[0].processingSteps;
    expect('map' in step && step.map({ id: 1, title: '  Disk full ' })).toEqual({ id: 1, title: 'Disk full' });
  });

  it('a missing API key fails before any request, naming what was tried', async () => {
    await expect(loadConfig(join(REPO, 'examples/pipeline.yaml'), { env: {}, cwd: temp.path })).rejects.toThrow('secret "api_key" not found; tried env API_KEY');
  });
});
