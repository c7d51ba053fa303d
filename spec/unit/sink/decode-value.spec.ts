import { createAvroValueDecoder } from '../../../lib/sink/decode-value';
import { createValueEncoder } from '../../../lib/sink/encode';
import type { SchemaRegistry } from '../../../lib/sink/schema-registry';
import { compileSchema } from '../../../lib/validation/schemas';

const json = { type: 'record', name: 'incidents', fields: [{ name: 'id', type: 'string' }, { name: 'urgency', type: ['null', 'string'], default: null }] };
const schema = compileSchema('incidents', json, 'test');
const records = [{ id: 'P1', urgency: 'high' }, { id: 'P2', urgency: null }];
const headers = (contentType: string, fingerprint = schema.fingerprint) => ({ 'content-type': Buffer.from(contentType), 'r2k-schema-fingerprint': Buffer.from(fingerprint) });

function fakeRegistry(): SchemaRegistry & { lookups: number[] } {
  const lookups: number[] = [];
  return { lookups, register: () => Promise.reject(new Error('not here')), schemaById: (id) => (lookups.push(id), Promise.resolve(json)) };
}

describe('createAvroValueDecoder', () => {
  it('decodes framed values by schema id from the registry, fetching each id once', async () => {
    const values = createValueEncoder('avro', schema, 11).encodePage(records);
    const registry = fakeRegistry();
    const decoder = createAvroValueDecoder({ registry });
    const messages = values.map((value) => ({ value, headers: headers('application/vnd.confluent.avro', 'unknown') }));
    await decoder.prefetch(messages);
    await decoder.prefetch(messages);
    expect(messages.map((m) => decoder.decode(m.value, m.headers))).toEqual(records);
    expect(registry.lookups).toEqual([11]);
  });

  it('decodes framed values from the schema files by fingerprint when there is no registry', async () => {
    const [value] = createValueEncoder('avro', schema, 11).encodePage(records);
    const decoder = createAvroValueDecoder({ schemas: [schema] });
    await decoder.prefetch([{ value, headers: headers('application/vnd.confluent.avro') }]);
    expect(decoder.decode(value, headers('application/vnd.confluent.avro'))).toEqual(records[0]);
  });

  it('decodes bare Avro by fingerprint', () => {
    const [value] = createValueEncoder('avro', schema).encodePage(records);
    expect(createAvroValueDecoder({ schemas: [schema] }).decode(value, headers('avro/binary'))).toEqual(records[0]);
  });

  it('gives undefined for JSON, an unknown fingerprint, or an id not prefetched', () => {
    const decoder = createAvroValueDecoder({ schemas: [schema], registry: fakeRegistry() });
    expect(decoder.decode(Buffer.from('{}'), headers('application/json'))).toBeUndefined();
    const [bare] = createValueEncoder('avro', schema).encodePage(records);
    expect(decoder.decode(bare, headers('avro/binary', 'ffff'))).toBeUndefined();
    const [framed] = createValueEncoder('avro', schema, 12).encodePage(records);
    expect(decoder.decode(framed, headers('application/vnd.confluent.avro', 'ffff'))).toBeUndefined();
  });
});
