/** The replacement record decoder returns what kafkajs's own returns, for the records kafkajs's encoder writes. */
import { createRequire } from 'node:module';
import { recordDecoder } from '../../../lib/sink/kafkajs-record-decoder';

const load = createRequire(require.resolve('kafkajs/package.json'));
const Encoder = load('./src/protocol/encoder.js');
const Decoder = load('./src/protocol/decoder.js');
const encodeRecord = load('./src/protocol/recordBatch/record/v0/index.js');
const original = load('./src/protocol/recordBatch/record/v0/decoder.js');
const fast = recordDecoder(load('./src/utils/long.js'));

function bytesOf(args: object): Buffer {
  const record = encodeRecord(args);
  // The batch decoder reads the record's length first; the record decoder starts after it.
  const decoder = new Decoder(new Encoder().writeEncoder(record).buffer);
  decoder.readVarInt();
  return decoder.buffer.subarray(decoder.offset);
}

it.each([
  ['four headers', { offsetDelta: 3, timestampDelta: 17, key: 'INC1', value: '{"id":"INC1"}', headers: { 'content-type': 'application/json', 'r2k-resource': 'incidents', 'r2k-run-id': 'r', 'r2k-schema-fingerprint': 'f' } }, { firstOffset: '1000', firstTimestamp: '1700000000000' }],
  ['a tombstone without headers', { offsetDelta: 0, timestampDelta: 0, key: 'k', value: null }, { firstOffset: '0', firstTimestamp: '1700000000000', isControlBatch: false }],
  ['offsets past 2^53 (Long arithmetic)', { offsetDelta: 9, timestampDelta: 1, key: 'k', value: 'v' }, { firstOffset: '9007199254740993', firstTimestamp: '1700000000000' }],
  ['log-append time', { offsetDelta: 1, timestampDelta: 5, key: 'k', value: 'v' }, { firstOffset: '5', firstTimestamp: '1', timestampType: 1, maxTimestamp: '1700000000999' }],
])('%s', (_name, args, context) => {
  const bytes = bytesOf(args);
  expect(fast(new Decoder(bytes), context)).toEqual(original(new Decoder(bytes), context));
});

it('a repeated header becomes an array, as in kafkajs', () => {
  // kafkajs's encoder cannot write a repeated header; write one by hand.
  const enc = new Encoder().writeInt8(0).writeVarLong(0).writeVarInt(0).writeVarIntBytes(Buffer.from('k')).writeVarIntBytes(Buffer.from('v'))
    .writeVarInt(3).writeVarIntString('h').writeVarIntBytes(Buffer.from('1')).writeVarIntString('h').writeVarIntBytes(Buffer.from('2')).writeVarIntString('h').writeVarIntBytes(Buffer.from('3'));
  const context = { firstOffset: '0', firstTimestamp: '0' };
  const got = fast(new Decoder(enc.buffer), context);
  expect(got).toEqual(original(new Decoder(enc.buffer), context));
  expect(got.headers.h).toHaveLength(3);
});
