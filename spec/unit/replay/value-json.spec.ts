import { PassThrough } from 'node:stream';
import { Type } from 'avsc';
import { appendLine, jsonlSink } from '../../../lib/replay/jsonl';
import { replayOutput } from '../../../lib/replay/output';
import { createAvroValueDecoder } from '../../../lib/sink/decode-value';
import type { SchemaRegistry } from '../../../lib/sink/schema-registry';
import { MAGIC_BYTE } from '../../../lib/sink/wire-format';
import { LineBatch } from '../../../lib/replay/lines';
import { valueJson } from '../../../lib/replay/value-json';

import { kafkaRecord } from '../../support/record-batch';

const msg = (value: Buffer | null, contentType?: string, key = 'K1') => kafkaRecord(0, key, value, contentType ? { 'content-type': contentType } : {});

describe('valueJson', () => {
  it('returns a JSON value labelled application/json as the same bytes, unparsed', () => {
    const value = Buffer.from('{"id":"a","n":1}');
    expect(valueJson(msg(value, 'application/json'))).toBe(value);
  });

  it('re-serialises a labelled JSON value that holds a newline (it would split the line)', () => {
    expect(valueJson(msg(Buffer.from('{\n "id": "a"\n}'), 'application/json'))).toBe('{"id":"a"}');
  });

  it('parses an unlabelled value when it is JSON, else gives it as base64', () => {
    expect(valueJson(msg(Buffer.from(' {"id": 1} ')))).toBe('{"id":1}');
    expect(valueJson(msg(Buffer.from([0xff, 0x01])))).toBe('{"avro_base64":"/wE="}');
  });

  it('gives Avro values as base64 without a decoder, decoded with one (bytes as base64)', () => {
    const value = Buffer.from([0x02, 0x34]);
    expect(valueJson(msg(value, 'avro/binary'))).toBe('{"avro_base64":"AjQ="}');
    expect(valueJson(msg(value, 'avro/binary'), () => ({ id: 'x', raw: Buffer.from([1, 2]) }))).toBe('{"id":"x","raw":"AQI="}');
    expect(valueJson(msg(value, 'avro/binary'), () => undefined)).toBe('{"avro_base64":"AjQ="}');
  });

  it('hands values in the Confluent wire format to the Avro decoder too', () => {
    const value = Buffer.from([MAGIC_BYTE, 0, 0, 0, 7, 0x02, 0x34]);
    expect(valueJson(msg(value, 'application/vnd.confluent.avro'), () => ({ id: 'x' }))).toBe('{"id":"x"}');
    expect(valueJson(msg(value, 'application/vnd.confluent.avro'))).toBe(`{"avro_base64":"${value.toString('base64')}"}`);
  });
});

describe('JSONL lines', () => {
  it('writes {"key","value"} per live record, the same text as JSON.stringify of the parsed value, and nothing for a tombstone', () => {
    const batch = new LineBatch();
    const record = { id: 'INC1', title: 'é "quoted"', n: 1.5, tags: ['a'] };
    appendLine(batch, msg(Buffer.from(JSON.stringify(record)), 'application/json', 'INC"1'));
    appendLine(batch, msg(Buffer.from('{}'), 'application/json', 'plain-ASCII_key.1'));
    appendLine(batch, msg(Buffer.from('{}'), 'application/json', 'clé\t'));
    appendLine(batch, msg(null, 'application/json'));
    const text = batch.take().toString('utf8');
    expect(text).toBe([{ key: 'INC"1', value: record }, { key: 'plain-ASCII_key.1', value: {} }, { key: 'clé\t', value: {} }].map((l) => `${JSON.stringify(l)}\n`).join(''));
    expect(batch.take().length).toBe(0);
  });
});

describe('jsonlSink with an Avro decoder', () => {
  const schema = { type: 'record', name: 'Incident', fields: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }] };
  const framed = (id: number, record: object): Buffer => {
    const prefix = Buffer.alloc(5);
    prefix.writeUInt8(MAGIC_BYTE, 0);
    prefix.writeUInt32BE(id, 1);
    return Buffer.concat([prefix, Type.forSchema(schema as never).toBuffer(record)]);
  };

  it("fetches each batch's unknown schema ids once, before its lines, and prints the records as JSON", async () => {
    const schemaById = jest.fn(async () => schema);
    const registry: SchemaRegistry = { register: jest.fn(), schemaById };
    const out = new PassThrough();
    const sink = jsonlSink(replayOutput(out), createAvroValueDecoder({ registry }));
    const type = 'application/vnd.confluent.avro';
    await sink(0, [msg(framed(7, { id: 'a', n: 1 }), type, 'a'), msg(framed(7, { id: 'b', n: 2 }), type, 'b'), msg(null, type, 'c')]);
    await sink(0, [msg(framed(7, { id: 'd', n: 3 }), type, 'd')]);
    expect(schemaById.mock.calls).toEqual([[7]]);
    expect(out.read().toString('utf8')).toBe(
      ['{"key":"a","value":{"id":"a","n":1}}', '{"key":"b","value":{"id":"b","n":2}}', '{"key":"d","value":{"id":"d","n":3}}', ''].join('\n'),
    );
  });
});
