import { validateConfig } from '../../../lib/config/validate';
import { ConfigError, SchemaRegistryError } from '../../../lib/errors';
import { redact } from '../../../lib/secrets/redact';
import { registerSecrets } from '../../../lib/secrets/registry';
import type { Logger } from '../../../lib/observability/logger';
import { buildSinks, registerSchemas } from '../../../lib/sink/resource-sinks';
import type { SchemaRegistry } from '../../../lib/sink/schema-registry';
import { parseFramed } from '../../../lib/sink/wire-format';
import { compileSchema } from '../../../lib/validation/schemas';

const schema = compileSchema('incidents', { type: 'record', name: 'Incident', namespace: 'pd', fields: [{ name: 'id', type: 'string' }] }, 'test');
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

function loaded(delivery: Record<string, unknown>) {
  const { config, resources, secrets } = validateConfig({
    pipeline_name: 'p',
    source: { client: { base_url: 'http://api' }, resource_defaults: { primary_key: 'id' }, resources: [{ name: 'incidents', endpoint: { path: '/i' } }] },
    topics: { prefix: 'prod.' },
    delivery,
  }, { env: {} });
  registerSecrets(...secrets); // as loadConfig does
  return { pipeline: config, resources };
}

function registry(answer: (subject: string) => Promise<number>): SchemaRegistry & { subjects: string[] } {
  const subjects: string[] = [];
  return { subjects, register: (subject) => (subjects.push(subject), answer(subject)), schemaById: () => Promise.reject(new Error('unused')) };
}

describe('registerSchemas', () => {
  it('registers each resource under its subject and frames its values with the id', async () => {
    const { pipeline, resources } = loaded({ value_format: 'avro', schema_registry: { url: 'http://sr', subject_name_strategy: 'topic_record' } });
    const sinks = buildSinks(pipeline, resources, new Map([['incidents', schema]]));
    const fake = registry(() => Promise.resolve(42));
    await registerSchemas(pipeline, sinks, silent, fake);
    expect(fake.subjects).toEqual(['prod.incidents-pd.Incident']);
    const sink = sinks.get('incidents')!;
    expect(sink.encoder.contentType).toBe('application/vnd.confluent.avro');
    expect(parseFramed(sink.encoder.encodePage([{ id: 'P1' }])[0]).schemaId).toBe(42);
  });

  it('does nothing without delivery.schema_registry', async () => {
    const { pipeline, resources } = loaded({ value_format: 'avro' });
    const sinks = buildSinks(pipeline, resources, new Map([['incidents', schema]]));
    await registerSchemas(pipeline, sinks, silent, registry(() => Promise.reject(new Error('called'))));
    expect(sinks.get('incidents')!.encoder.contentType).toBe('avro/binary');
  });

  it('a rejected schema stops set-up with the registry error', async () => {
    const { pipeline, resources } = loaded({ value_format: 'avro', schema_registry: { url: 'http://sr' } });
    const sinks = buildSinks(pipeline, resources, new Map([['incidents', schema]]));
    const incompatible = new SchemaRegistryError('incompatible', { code: 'REGISTRY_INCOMPATIBLE' });
    await expect(registerSchemas(pipeline, sinks, silent, registry(() => Promise.reject(incompatible)))).rejects.toBe(incompatible);
  });

  it('refuses a registry with JSON values at start-up', () => {
    const { pipeline, resources } = loaded({ schema_registry: { url: 'http://sr' } });
    expect(() => buildSinks(pipeline, resources, new Map())).toThrow(ConfigError);
    expect(() => buildSinks(pipeline, resources, new Map())).toThrow('delivery.schema_registry is set but delivery.value_format is json');
  });
});

it('the registry password is a secret: redacted wherever it would be printed', () => {
  loaded({ value_format: 'avro', schema_registry: { url: 'http://sr', username: 'u', password: 'sr-password-sentinel' } });
  expect(redact('basic u:sr-password-sentinel')).not.toContain('sr-password-sentinel');
});
