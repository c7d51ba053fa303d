/**
 * Drop-in replacements for kafkajs 2.2.4 internals, installed before kafkajs loads. Profiles of
 * `rest2kafka run` (bench/, `--cpu-prof`) put over half of the pipeline's CPU in kafkajs, and
 * two of its hot spots are accidental:
 *
 * - `producer/groupMessagesPerPartition` copies the partition's whole array for every message
 *   (`[...current, message]`), quadratic in the records of one send (a 900 KiB send holds
 *   ~2,000 records: ~4 µs per record).
 * - `recordBatch/record/v0` builds every record, and each of its headers, in a new 512-byte
 *   `Encoder`, growing and copying it; with rest2kafka's four headers a record costs ~20 µs,
 *   ~8 µs without headers.
 *
 * The replacements write the same bytes (spec/unit/sink/kafkajs-fast-paths.spec.ts compares
 * them with kafkajs's own functions on random input): one exactly-sized buffer per record, one
 * pass to group. Anything unusual (a number as key, a null header value, a timestamp delta past
 * 2^52) goes to the original encoder. The grouping and the produce request encoder also take
 * rest2kafka's packed sends, whose records never become messages at all (packed-produce.ts); the
 * record decoder is the consume path's (kafkajs-record-decoder.ts). They are installed only for
 * the exact kafkajs version they were checked against, only if kafkajs has not been loaded yet,
 * and not at all with `R2K_KAFKAJS_FAST_PATHS=0`; in every other case kafkajs runs as shipped.
 */
import Module, { createRequire } from 'node:module';
import { recordDecoder } from './kafkajs-record-decoder';
import { encodeProduceRequest, groupPacked, isPacked, sizedBytes, writeZigZag, zigZagSize, type KafkajsParts, type ProduceArgs } from './packed-produce';

const CHECKED_VERSION = '2.2.4';
const GROUPING = './src/producer/groupMessagesPerPartition.js';
const RECORD = './src/protocol/recordBatch/record/v0/index.js';
const ENCODER = './src/protocol/encoder.js';
const RECORD_DECODER = './src/protocol/recordBatch/record/v0/decoder.js';
const LONG = './src/utils/long.js';
const PRODUCE_REQUEST = './src/protocol/requests/produce/v3/request.js';
const CRC32C = './src/protocol/recordBatch/crc32C/index.js';
const COMPRESSION = './src/protocol/message/compression/index.js';

export type FastPathsStatus = 'installed' | 'disabled' | 'kafkajs already loaded' | `kafkajs ${string} is not ${typeof CHECKED_VERSION}`;

interface KafkajsMessage {
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
  [field: string]: unknown;
}

interface GroupArgs {
  topic: string;
  partitionMetadata: readonly unknown[];
  messages: readonly KafkajsMessage[];
  partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: KafkajsMessage }) => number;
}

/** kafkajs's grouping of one topic's messages by partition, in one pass; order within a partition kept. */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupArgs): Record<number, KafkajsMessage[]> {
  const grouped: Record<number, KafkajsMessage[]> = {};
  if (partitionMetadata.length === 0) return grouped;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (grouped[partition] ??= []).push(message);
  }
  return grouped;
}

export interface RecordArgs {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
}

/** What kafkajs's record encoder returns: its `Encoder`, read through `buf` and `buffer`. */
interface EncoderLike {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
}

type RecordEncoder = (args: RecordArgs) => EncoderLike;

/**
 * Encodes one v2 record (Kafka's DefaultRecord: length, attributes, timestamp and offset deltas,
 * key, value, headers) into an exactly-sized buffer wrapped in kafkajs's `Encoder`, or returns
 * `null` for input the fast path does not cover.
 */
export function encodeRecordFast(args: RecordArgs, EncoderClass: new (initialSize?: number) => EncoderLike): EncoderLike | null {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = args;
  if (!isSmallInt(offsetDelta) || !Number.isSafeInteger(timestampDelta) || Math.abs(timestampDelta) > 2 ** 52) return null;
  const keyLength = bytesLength(key);
  const valueLength = bytesLength(value);
  if (keyLength === undefined || valueLength === undefined) return null;

  const headerNames = Object.keys(headers);
  // Each header's name and value, and their byte lengths (measured once: sized, then written).
  const headerParts: (string | Buffer)[] = [];
  const partLengths: number[] = [];
  for (const name of headerNames) {
    const values = headers[name];
    for (const one of Array.isArray(values) ? values : [values]) {
      if (typeof one !== 'string' && !Buffer.isBuffer(one)) return null;
      headerParts.push(name, one);
      partLengths.push(byteLengthOf(name), byteLengthOf(one));
    }
  }
  let headersSize = zigZagSize(headerParts.length / 2);
  for (const length of partLengths) headersSize += sizedBytes(length);

  const bodySize = 1 + zigZagSize(timestampDelta) + zigZagSize(offsetDelta) + sizedBytes(keyLength) + sizedBytes(valueLength) + headersSize;
  const total = zigZagSize(bodySize) + bodySize;
  const buf = Buffer.allocUnsafe(total);
  let at = writeZigZag(buf, 0, bodySize);
  buf[at++] = 0; // attributes: none are used per record
  at = writeZigZag(buf, at, timestampDelta);
  at = writeZigZag(buf, at, offsetDelta);
  at = writeBytes(buf, at, key, keyLength);
  at = writeBytes(buf, at, value, valueLength);
  at = writeZigZag(buf, at, headerParts.length / 2);
  for (let i = 0; i < headerParts.length; i++) at = writeBytes(buf, at, headerParts[i], partLengths[i]);
  // A size mismatch would send a corrupt batch (and expose stale pool memory): never let it out.
  if (at !== total) throw new Error(`kafkajs fast path: record encoded to ${at} bytes, expected ${total}`);

  const encoder = new EncoderClass(0);
  encoder.buf = buf;
  encoder.offset = total;
  return encoder;
}

/**
 * The start-up warning for a thread that publishes without the fast paths, or null when they
 * are installed or were turned off on purpose (`R2K_KAFKAJS_FAST_PATHS=0`). Publishing still
 * works either way; it costs more CPU, and saying so beats a silent slowdown.
 *
 * @example const warning = fastPathsWarning('kafkajs already loaded'); if (warning) log.warn(warning);
 */
export function fastPathsWarning(status: FastPathsStatus): string | null {
  if (status === 'installed' || status === 'disabled') return null;
  const why = status === 'kafkajs already loaded' ? 'kafkajs was loaded before lib/preload.ts (an entry point must import it first)' : status;
  return `kafkajs fast paths are off: ${why}. Publishing uses kafkajs as shipped, which costs more CPU per record (bench: produce-kafkajs vs produce-kafkajs-stock); set R2K_KAFKAJS_FAST_PATHS=0 to run without them knowingly.`;
}

/**
 * Seeds Node's module cache with the two replacements before kafkajs is first required. Call it
 * before anything imports kafkajs (the CLI does, first thing).
 */
export function installKafkajsFastPaths(env: NodeJS.ProcessEnv = process.env): FastPathsStatus {
  if (env.R2K_KAFKAJS_FAST_PATHS === '0') return 'disabled';
  const load = createRequire(require.resolve('kafkajs/package.json'));
  const version = (load('./package.json') as { version: string }).version;
  if (version !== CHECKED_VERSION) return `kafkajs ${version} is not ${CHECKED_VERSION}`;
  const groupingFile = load.resolve(GROUPING);
  const recordFile = load.resolve(RECORD);
  const recordDecoderFile = load.resolve(RECORD_DECODER);
  const produceFile = load.resolve(PRODUCE_REQUEST);
  if ([groupingFile, recordFile, recordDecoderFile, produceFile].some((file) => require.cache[file])) return 'kafkajs already loaded';

  const original = load(recordFile) as RecordEncoder;
  const EncoderClass = load(ENCODER) as new (initialSize?: number) => EncoderLike;
  const record: RecordEncoder = (args) => encodeRecordFast(args, EncoderClass) ?? original(args);
  preload(recordFile, record);
  preload(groupingFile, (args: GroupArgs) => groupPacked(args as unknown as Parameters<typeof groupPacked>[0]) ?? groupMessagesPerPartition(args));
  preload(produceFile, packedProduceRequest(load(produceFile) as ProduceRequest, kafkajsParts(load), EncoderClass));
  // The consume path's (replay, state at start-up): see kafkajs-record-decoder.ts.
  preload(recordDecoderFile, recordDecoder(load(LONG) as Parameters<typeof recordDecoder>[0]));
  return 'installed';
}

type ProduceRequest = (args: ProduceArgs) => { encode(): Promise<EncoderLike> };

/** kafkajs's produce request (v3, which v4–v7 extend), encoding packed sends itself (packed-produce.ts). */
function packedProduceRequest(original: ProduceRequest, parts: KafkajsParts, EncoderClass: new (initialSize?: number) => EncoderLike): ProduceRequest {
  return (args) => {
    const request = original(args);
    if (!isPacked(args)) return request;
    return {
      ...request,
      encode: async () => {
        const encoder = new EncoderClass(0);
        encoder.buf = await encodeProduceRequest(args, parts);
        encoder.offset = encoder.buf.length;
        return encoder;
      },
    };
  };
}

function kafkajsParts(load: NodeJS.Require): KafkajsParts {
  const Long = load(LONG) as { fromValue(value: unknown): ReturnType<KafkajsParts['longFrom']> };
  const { lookupCodec } = load(COMPRESSION) as { lookupCodec: KafkajsParts['codec'] };
  return { longFrom: (value) => Long.fromValue(value), crc32C: load(CRC32C) as KafkajsParts['crc32C'], codec: lookupCodec };
}

/**
 * Whether the kafkajs this module loads encodes packed sends, i.e. its produce request is the
 * replacement. Asked of the module system that loads kafkajs for the producer, not of the install's
 * status: a registry of its own (jest's) loads kafkajs as shipped even where the install succeeded
 * in Node's cache, and kafkajs as shipped would send the placeholders as empty records.
 */
export function encodesPackedSends(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the loader kafkajs comes from, as above
  return isFastPath(require('kafkajs/src/protocol/requests/produce/v3/request.js'));
}

/**
 * Marks what {@link installKafkajsFastPaths} put in kafkajs's place. A registered symbol, read
 * as a property: it survives a second copy of this module and loaders that wrap exports (jiti).
 */
const FAST_PATH = Symbol.for('rest2kafka.kafkajs-fast-path');

/** Whether `exports` (a kafkajs module's) is one of the fast paths. */
export function isFastPath(exports: unknown): boolean {
  return typeof exports === 'function' && (exports as { [FAST_PATH]?: boolean })[FAST_PATH] === true;
}

function preload(filename: string, exports: object): void {
  Object.defineProperty(exports, FAST_PATH, { value: true });
  const entry = new Module(filename, module);
  entry.filename = filename;
  entry.exports = exports;
  entry.loaded = true;
  require.cache[filename] = entry;
}

function isSmallInt(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < 2 ** 30;
}

/** Byte length of a key or value, -1 for null, `undefined` when the fast path does not cover it. */
function bytesLength(data: unknown): number | undefined {
  if (data === null || data === undefined) return -1;
  if (typeof data === 'string' || Buffer.isBuffer(data)) return byteLengthOf(data);
  return undefined;
}

function byteLengthOf(data: string | Buffer): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
}

function writeBytes(buf: Buffer, at: number, data: unknown, length: number): number {
  at = writeZigZag(buf, at, length);
  if (length <= 0) return at;
  return at + (typeof data === 'string' ? buf.write(data, at, length, 'utf8') : (data as Buffer).copy(buf, at));
}
