/**
 * The packed produce path against kafkajs's own encoder: for random pages (tombstones, null and
 * non-ASCII keys, empty values, shared and absent headers, records with and without timestamps),
 * the whole produce request written from the packs is byte for byte the one kafkajs writes from
 * the same records as messages — uncompressed and gzip, transactional or not, one partition and
 * several. In jest kafkajs loads as shipped, so its modules here are the unpatched reference.
 */
import { Partitioners, type Message } from 'kafkajs';
import { rngFor, type Rng } from '../../../lib/simulator/random';
import { packMessages, toSends, type OutgoingMessage } from '../../../lib/sink/message-pack';
import { encodeProduceRequest, groupPacked, isPacked, type KafkajsParts, type ProduceArgs } from '../../../lib/sink/packed-produce';

/* eslint-disable @typescript-eslint/no-require-imports */
const kafkajsProduceRequest = require('kafkajs/src/protocol/requests/produce/v3/request') as (args: ProduceArgs) => { encode(): Promise<{ buffer: Buffer }> };
const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition') as (args: object) => Record<number, Message[]>;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: unknown): ReturnType<KafkajsParts['longFrom']> };
const { lookupCodec, Types } = require('kafkajs/src/protocol/message/compression') as { lookupCodec: KafkajsParts['codec']; Types: Record<string, number> };
/* eslint-enable @typescript-eslint/no-require-imports */
const parts: KafkajsParts = { longFrom: (v) => Long.fromValue(v), crc32C: require('kafkajs/src/protocol/recordBatch/crc32C') as KafkajsParts['crc32C'], codec: lookupCodec }; // eslint-disable-line @typescript-eslint/no-require-imports

const SEED = Number(process.env.R2K_FAULT_SEED ?? 20261205);
const NOW = 1_764_900_000_000;

function text(rng: Rng, max: number): string {
  const alphabet = ['a', 'Z', '0', '-', ' ', 'é', '€', '漢', '😀'];
  return Array.from({ length: Math.floor(rng() * max) }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
}

/** A page as rest2kafka packs it: records sharing a header object, some without, across two topics. */
function randomPage(rng: Rng): OutgoingMessage[] {
  const shared = { 'r2k-run-id': text(rng, 12), 'content-type': 'application/json', 'r2k-résource': text(rng, 8) };
  return Array.from({ length: 1 + Math.floor(rng() * 60) }, () => {
    const r = rng();
    const message: OutgoingMessage = {
      topic: rng() < 0.8 ? 'incidents' : 'r2k.dead-letter',
      key: r < 0.05 ? null : text(rng, 16) || 'k',
      value: r > 0.9 ? null : Buffer.from(rng() < 0.05 ? '' : text(rng, rng() < 0.03 ? 5000 : 300), 'utf8'),
    };
    if (rng() < 0.8) message.headers = rng() < 0.9 ? shared : { 'r2k-reason': text(rng, 20) };
    if (rng() < 0.9) message.timestamp = String(NOW + Math.floor((rng() - 0.5) * 100_000));
    return message;
  });
}

function args(topicData: ProduceArgs['topicData'], compression: number, transactional: boolean): ProduceArgs {
  return {
    acks: -1,
    timeout: 30000,
    compression,
    transactionalId: transactional ? 'rest2kafka-demo' : null,
    producerId: transactional ? Long.fromValue(4242) : undefined,
    producerEpoch: transactional ? 3 : undefined,
    topicData,
  };
}

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

it.each([
  ['uncompressed, transactional', Types.None, true],
  ['uncompressed, idempotent only', Types.None, false],
  ['gzip, transactional', Types.GZIP, true],
])(`writes kafkajs's produce request byte for byte, one partition per topic: %s (seed ${SEED})`, async (_label, compression, transactional) => {
  const rng = rngFor(SEED, 1, compression + (transactional ? 10 : 0));
  for (let round = 0; round < 20; round++) {
    const packs = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => packMessages(randomPage(rng)));
    const maxSendBytes = rng() < 0.5 ? 900 * 1024 : 4096;
    const plain = toSends(packs, maxSendBytes, false);
    const packed = toSends(packs, maxSendBytes, true);
    expect(packed.map((s) => s.map((t) => [t.topic, t.messages.length]))).toEqual(plain.map((s) => s.map((t) => [t.topic, t.messages.length])));
    for (let s = 0; s < plain.length; s++) {
      const topicData = (sends: typeof plain) => sends[s].map(({ topic, messages }, t) => ({ topic, partitions: [{ partition: t, firstSequence: 17 * s, messages }] }));
      const expected = (await kafkajsProduceRequest(args(topicData(plain), compression, transactional)).encode()).buffer;
      const request = args(topicData(packed), compression, transactional);
      expect(isPacked(request)).toBe(true);
      const actual = await encodeProduceRequest(request, parts, NOW);
      expect(actual.equals(expected) ? 'same' : `round ${round}, send ${s}: ${actual.length} bytes, kafkajs ${expected.length}`).toBe('same');
    }
  }
});

it('groups a topic over several partitions as kafkajs does (murmur2 of each key), and the batches match byte for byte', async () => {
  const rng = rngFor(SEED, 2, 1);
  const partitionMetadata = [0, 1, 2, 3].map((partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }));
  const partitioner = Partitioners.DefaultPartitioner();
  for (let round = 0; round < 10; round++) {
    // Keyed records only: kafkajs spreads null keys round robin from a random start.
    const packs = [packMessages(randomPage(rng).map((m) => ({ ...m, topic: 'incidents', key: m.key ?? 'k' })))];
    const [[plain]] = toSends(packs, 900 * 1024, false);
    const [[packed]] = toSends(packs, 900 * 1024, true);
    const byKafkajs = kafkajsGrouping({ topic: 'incidents', partitionMetadata, messages: plain.messages, partitioner });
    const byUs = groupPacked({ topic: 'incidents', partitionMetadata, messages: packed.messages, partitioner })!;
    expect(Object.fromEntries(Object.entries(byUs).map(([p, m]) => [p, m.length]))).toEqual(Object.fromEntries(Object.entries(byKafkajs).map(([p, m]) => [p, m.length])));
    const topicData = (grouped: Record<number, Message[]>) => [{ topic: 'incidents', partitions: Object.entries(grouped).map(([p, messages]) => ({ partition: Number(p), firstSequence: 0, messages })) }];
    const expected = (await kafkajsProduceRequest(args(topicData(byKafkajs), Types.None, true)).encode()).buffer;
    expect((await encodeProduceRequest(args(topicData(byUs), Types.None, true), parts, NOW)).equals(expected)).toBe(true);
  }
});

it('records without a timestamp get the time of encoding, as in kafkajs; a batch with none is stamped with it', async () => {
  const packs = [packMessages([{ topic: 't', key: 'a', value: Buffer.from('1') }, { topic: 't', key: 'b', value: Buffer.from('2'), timestamp: String(NOW - 5000) }])];
  const [[plain]] = toSends(packs, 900 * 1024, false);
  const [[packed]] = toSends(packs, 900 * 1024, true);
  const data = (messages: Message[]) => [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }];
  const expected = (await kafkajsProduceRequest(args(data(plain.messages), Types.None, false)).encode()).buffer;
  expect((await encodeProduceRequest(args(data(packed.messages), Types.None, false), parts, NOW)).equals(expected)).toBe(true);
  const none = [packMessages([{ topic: 't', key: 'a', value: Buffer.from('1') }])];
  const expectedNone = (await kafkajsProduceRequest(args(data(toSends(none, 900 * 1024, false)[0][0].messages), Types.None, false)).encode()).buffer;
  expect((await encodeProduceRequest(args(data(toSends(none, 900 * 1024, true)[0][0].messages), Types.None, false), parts, NOW)).equals(expectedNone)).toBe(true);
});

it('gives kafkajs one placeholder per record (its sequence numbers count them) and is recognised only where it was made', () => {
  const [[send]] = toSends([packMessages([{ topic: 't', key: 'a', value: Buffer.from('1') }, { topic: 't', key: 'b', value: null }])], 900 * 1024, true);
  expect(send.messages).toHaveLength(2);
  // kafkajs refuses a message whose value is undefined before sending: a placeholder passes.
  expect(send.messages.every((m) => m.value !== undefined)).toBe(true);
  expect(groupPacked({ topic: 't', partitionMetadata: [], messages: [{ key: 'a', value: 'v' }], partitioner: () => 0 })).toBeNull();
  const mixed = [{ topic: 't', partitions: [{ partition: 0, messages: send.messages }, { partition: 1, messages: [{ key: 'a', value: 'v' }] }] }];
  expect(() => isPacked(args(mixed, Types.None, false))).toThrow(/mixes packed and plain messages/);
});
