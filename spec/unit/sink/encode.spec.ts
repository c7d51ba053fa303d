import { ConfigError } from '../../../lib/errors';
import { createValueEncoder, decodeValue } from '../../../lib/sink/encode';
import { compileSchema } from '../../../lib/validation/schemas';

const schema = compileSchema('services', {
  type: 'record',
  name: 'services',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'description', type: ['null', 'string'], default: null },
    { name: 'team', type: ['null', { type: 'record', name: 'team', fields: [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }] }], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
  ],
}, 'test');

function services(count: number, size = 10): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `SVC${i}`,
    name: `service ${i} ${'x'.repeat(size)}`,
    description: i % 2 === 0 ? null : `described ${i}`,
    team: i % 3 === 0 ? null : { id: `T${i}`, name: `team ${i}` },
    tags: i % 4 === 0 ? [] : ['prod', `tier-${i % 3}`],
  }));
}

const FORMATS = ['json', 'avro'] as const;

describe('createValueEncoder', () => {
  it.each([
    ['json', 'application/json'],
    ['avro', 'avro/binary'],
  ] as const)('%s values have content type %s', (format, contentType) => {
    expect(createValueEncoder(format, schema).contentType).toBe(contentType);
  });

  it('refuses avro without a schema', () => {
    expect(() => createValueEncoder('avro')).toThrow(ConfigError);
  });

  it.each(FORMATS)('%s: round-trips a page, one value per record in order', (format) => {
    const records = services(25);
    const encoder = createValueEncoder(format, schema);
    const values = encoder.encodePage(records);
    expect(values).toHaveLength(25);
    expect(values.map((v) => decodeValue(v, format, schema))).toEqual(records);
  });

  it.each(FORMATS)('%s: encodes an empty page as no values', (format) => {
    expect(createValueEncoder(format, schema).encodePage([])).toEqual([]);
  });

  it.each(FORMATS)('%s: hands out non-overlapping views that each decode alone', (format) => {
    const records = services(10);
    const values = createValueEncoder(format, schema).encodePage(records);
    const copies = values.map((v) => Buffer.from(v));
    values[3].fill(0);
    copies.forEach((copy, i) => {
      if (i !== 3) expect(decodeValue(values[i], format, schema)).toEqual(records[i]);
      if (i !== 3) expect(values[i].equals(copy)).toBe(true);
    });
  });

  it.each(FORMATS)('%s: gives each page its own memory, so earlier values survive later pages', (format) => {
    const encoder = createValueEncoder(format, schema);
    const first = encoder.encodePage(services(5));
    encoder.encodePage(services(5).map((s) => ({ ...s, id: 'OVERWRITTEN' })));
    expect(first.map((v) => decodeValue(v, format, schema))).toEqual(services(5));
  });

  it.each(FORMATS)('%s: grows past its size estimate for a page of large records', (format) => {
    const encoder = createValueEncoder(format, schema);
    encoder.encodePage(services(2));
    const big = services(50, 5000);
    expect(encoder.encodePage(big).map((v) => decodeValue(v, format, schema))).toEqual(big);
  });

  it('json: keeps byte boundaries right with multi-byte characters', () => {
    const records = [{ id: 'é', name: '服务' }, { id: '😀', name: 'plain' }, { id: 'a', name: 'b' }];
    const values = createValueEncoder('json').encodePage(records);
    expect(values.map((v) => v.toString('utf8'))).toEqual(records.map((r) => JSON.stringify(r)));
  });

  it('json: keeps fields the schema does not declare', () => {
    const [value] = createValueEncoder('json', schema).encodePage([{ id: 'a', extra: 1 }]);
    expect(decodeValue(value, 'json')).toEqual({ id: 'a', extra: 1 });
  });

  it("json: takes the records' text from the response where it has one, and serialises the rest, in order", () => {
    const records = services(6);
    const response = Buffer.from(JSON.stringify({ data: records }));
    // Texts for records 1 and 4 only, as cut from the response.
    const json = new Map<object, Buffer>([1, 4].map((i) => [records[i], cutOut(response, JSON.stringify(records[i]))]));
    const values = createValueEncoder('json').encodePage(records, json);
    expect(values.map((v) => v.toString('utf8'))).toEqual(records.map((r) => JSON.stringify(r)));
    expect(values.map((v) => isViewOf(v, response))).toEqual([false, true, false, false, true, false]);
  });

  it('json: a page whose every record has a text allocates nothing more', () => {
    const records = services(3);
    const response = Buffer.from(JSON.stringify(records));
    const json = new Map<object, Buffer>(records.map((r) => [r, cutOut(response, JSON.stringify(r))]));
    const values = createValueEncoder('json').encodePage(records, json);
    expect(values.every((v) => isViewOf(v, response))).toBe(true);
  });

  it('avro: ignores record texts', () => {
    const records = services(2);
    const json = new Map<object, Buffer>(records.map((r) => [r, Buffer.from(JSON.stringify(r))]));
    const values = createValueEncoder('avro', schema).encodePage(records, json);
    expect(values.map((v) => decodeValue(v, 'avro', schema))).toEqual(records);
    expect(createValueEncoder('avro', schema).usesRecordJson).toBe(false);
    expect(createValueEncoder('json').usesRecordJson).toBe(true);
  });

  it('avro: writes defaults for omitted nullable fields and bare binary with no header', () => {
    const [value] = createValueEncoder('avro', schema).encodePage([{ id: 'a', name: 'b' }]);
    expect(decodeValue(value, 'avro', schema)).toEqual({ id: 'a', name: 'b', description: null, team: null, tags: [] });
    expect(value.equals(schema.type.toBuffer({ id: 'a', name: 'b', description: null, team: null, tags: [] }))).toBe(true);
  });
});

describe('decodeValue', () => {
  it('refuses avro without a schema', () => {
    expect(() => decodeValue(Buffer.from([0]), 'avro')).toThrow(ConfigError);
  });

  it('rejects avro bytes with trailing data', () => {
    const [value] = createValueEncoder('avro', schema).encodePage([{ id: 'a', name: 'b' }]);
    expect(() => decodeValue(Buffer.concat([value, Buffer.from([1])]), 'avro', schema)).toThrow(/trailing data/);
  });
});

/** The view of `text`'s bytes inside `buffer` (it must occur there). */
function cutOut(buffer: Buffer, text: string): Buffer {
  const start = buffer.indexOf(text);
  expect(start).toBeGreaterThanOrEqual(0);
  return buffer.subarray(start, start + Buffer.byteLength(text));
}

/** Whether `value` is a view into `buffer`'s bytes rather than a copy of them. */
function isViewOf(value: Buffer, buffer: Buffer): boolean {
  return value.buffer === buffer.buffer && value.byteOffset >= buffer.byteOffset && value.byteOffset + value.length <= buffer.byteOffset + buffer.length;
}

describe('createValueEncoder with a registry id (Confluent wire format)', () => {
  it('frames every value as magic byte 0, the id big-endian, then the same Avro body, across page growth', () => {
    const records = services(300, 200); // past the first page buffer, so it grows mid-page
    const framed = createValueEncoder('avro', schema, 0x01020304);
    const bare = createValueEncoder('avro', schema).encodePage(records);
    expect(framed.contentType).toBe('application/vnd.confluent.avro');
    const values = framed.encodePage(records);
    values.forEach((value, i) => {
      expect(value.subarray(0, 5)).toEqual(Buffer.from([0, 1, 2, 3, 4]));
      expect(value.subarray(5)).toEqual(bare[i]);
      expect(schema.type.fromBuffer(value.subarray(5))).toEqual(records[i]);
    });
  });
});
