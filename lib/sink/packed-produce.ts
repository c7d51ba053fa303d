/**
 * Produce requests written straight from packed pages (message-pack.ts), one of the kafkajs fast
 * paths (kafkajs-fast-paths.ts installs it). kafkajs turns every record into a message object,
 * a copy of it with its deltas, a record buffer, then copies the records into a batch, the batch
 * into a length-prefixed field and that into the request. Profiled at API latency 0, that was
 * ~10 of the publisher thread's 13.5 s of CPU per million records (a third of it garbage
 * collection). Here a send's records stay positions in the packs' bytes until the request is
 * encoded, and each partition's batch is written once, into the request's one buffer.
 *
 * kafkajs still runs the produce: partitions and leaders, sequence numbers, transactions,
 * retries. It sees a topic's records as an array of one shared placeholder per record (so
 * counting them, for sequence numbers, works as ever) carrying the {@link PackedRun} under a
 * symbol, which only the replaced grouping and request encoder read. The bytes are kafkajs's
 * own (spec/unit/sink/packed-produce.spec.ts compares whole requests with kafkajs's encoder).
 */
import type { ICustomPartitioner, Message, PartitionMetadata } from 'kafkajs';

/** Where a placeholder array keeps its records. */
export const PACKED = Symbol('rest2kafka packed records');

/** One topic's records of one send, as positions in the packs' bytes; a length of -1 is null. */
export interface PackedRun {
  /** The packs' bytes; `source[i]` says which holds record i. */
  sources: Buffer[];
  /** Record headers, each set encoded once as a record's headers field (count, then name/value pairs). */
  headerFields: Buffer[];
  source: number[];
  /** Where record i's key starts; its value follows the key. */
  keyAt: number[];
  keyLength: number[];
  valueLength: number[];
  /** Index into `headerFields`, -1 for none. */
  headers: number[];
  /** Milliseconds since the epoch, NaN for none (kafkajs then uses the time of encoding). */
  timestamp: number[];
}

/** A partition's share of a run: the run and the indexes of its records, in order (null: all). */
interface PartitionShare {
  run: PackedRun;
  indexes: number[] | null;
}

type Placeholders = Message[] & { [PACKED]?: PartitionShare };

const PLACEHOLDER: Message = Object.freeze({ key: null, value: null }) as Message;

export function emptyRun(): PackedRun {
  return { sources: [], headerFields: [], source: [], keyAt: [], keyLength: [], valueLength: [], headers: [], timestamp: [] };
}

/** The messages kafkajs is given for `run`: one placeholder per record. */
export function packedMessages(run: PackedRun): Message[] {
  return placeholders({ run, indexes: null }, run.source.length);
}

function placeholders(share: PartitionShare, count: number): Placeholders {
  const messages: Placeholders = new Array<Message>(count).fill(PLACEHOLDER);
  messages[PACKED] = share;
  return messages;
}

/** A record's headers field for `headers` (kafkajs's order: the object's keys). */
export function headersField(headers: Readonly<Record<string, string>>): Buffer {
  const parts = Object.entries(headers).flatMap(([name, value]) => [Buffer.from(name, 'utf8'), Buffer.from(value, 'utf8')]);
  const field = Buffer.allocUnsafe(parts.reduce((n, p) => n + sizedBytes(p.length), zigZagSize(parts.length / 2)));
  let at = writeZigZag(field, 0, parts.length / 2);
  for (const part of parts) at = writeBytesAt(field, at, part, 0, part.length);
  return field;
}

interface GroupArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  messages: readonly Message[];
  partitioner: ReturnType<ICustomPartitioner>;
}

/**
 * kafkajs's grouping by partition for placeholder arrays, or null for ordinary messages. One
 * partition takes every record (any partitioner must answer it); otherwise each record's key is
 * shown to the partitioner as kafkajs would show it.
 */
export function groupPacked({ topic, partitionMetadata, messages, partitioner }: GroupArgs): Record<number, Message[]> | null {
  const share = (messages as Placeholders)[PACKED];
  if (share === undefined) return null;
  if (partitionMetadata.length === 0) return {};
  const { run } = share;
  const indexes = share.indexes ?? run.source.map((_, i) => i);
  if (partitionMetadata.length === 1) return { [partitionMetadata[0].partitionId]: placeholders(share, indexes.length) };
  const perPartition = new Map<number, number[]>();
  for (const i of indexes) {
    const at = run.keyAt[i];
    const key = run.keyLength[i] < 0 ? null : run.sources[run.source[i]].subarray(at, at + run.keyLength[i]);
    const partition = partitioner({ topic, partitionMetadata, message: { key, value: PLACEHOLDER.value } });
    let list = perPartition.get(partition);
    if (!list) perPartition.set(partition, (list = []));
    list.push(i);
  }
  const grouped: Record<number, Message[]> = {};
  for (const [partition, list] of perPartition) grouped[partition] = placeholders({ run, indexes: list }, list.length);
  return grouped;
}

/** What kafkajs's produce request (v3, which v4–v7 reuse) is built from. */
export interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: { partition: number; firstSequence?: number; messages: readonly Message[] }[] }[];
}

/** What the request encoder needs of kafkajs: its Long, its CRC32C and a codec per compression type. */
export interface KafkajsParts {
  longFrom(value: unknown): { getHighBits(): number; getLowBits(): number };
  crc32C(buffer: Buffer): number;
  codec(compression: number): { compress(encoder: { buffer: Buffer }): Promise<Buffer> } | null;
}

/** Whether the request holds placeholder arrays (then every partition must). */
export function isPacked(args: ProduceArgs): boolean {
  let packed = 0;
  let plain = 0;
  for (const t of args.topicData) {
    for (const p of t.partitions) {
      if ((p.messages as Placeholders)[PACKED]) packed++;
      else plain++;
    }
  }
  if (packed > 0 && plain > 0) throw new Error('kafkajs packed fast path: a produce request mixes packed and plain messages (a rest2kafka bug)');
  return packed > 0;
}

const RECORD_BATCH_OVERHEAD = 61; // base offset 8, length 4, leader epoch 4, magic 1, crc 4, attributes .. count 40
const TRANSACTIONAL = 16;

/**
 * The produce request's body, as kafkajs's encoder writes it: transactional id, acks, timeout,
 * then per topic and partition one record batch (v2) of the partition's records.
 */
export async function encodeProduceRequest(args: ProduceArgs, kafkajs: KafkajsParts, now = Date.now()): Promise<Buffer> {
  const compression = args.compression ?? 0;
  const attributes = (compression & 0x07) | (args.transactionalId ? TRANSACTIONAL : 0);
  const producerId = kafkajs.longFrom(args.producerId ?? -1);
  const batches: { partition: number; records: Buffer | null; share: PartitionShare; count: number; first: number; max: number; firstSequence: number; batchSize: number }[][] = [];
  let size = stringSize(args.transactionalId ?? null) + 2 + 4 + 4;
  for (const t of args.topicData) {
    size += stringSize(t.topic) + 4;
    const topicBatches = [];
    for (const p of t.partitions) {
      const share = (p.messages as Placeholders)[PACKED]!;
      const indexes = share.indexes ?? share.run.source.map((_, i) => i);
      const { first, max } = timestampRange(share.run, indexes, now);
      let recordsSize = 0;
      for (let d = 0; d < indexes.length; d++) {
        const body = recordBodySize(share.run, indexes[d], d, timestampOf(share.run, indexes[d], now) - first);
        recordsSize += zigZagSize(body) + body;
      }
      let records: Buffer | null = null;
      if (compression !== 0) {
        const raw = Buffer.allocUnsafe(recordsSize);
        writeRecords(raw, 0, share.run, indexes, first, now);
        const codec = kafkajs.codec(compression);
        if (!codec) throw new Error(`kafkajs packed fast path: no codec for compression type ${compression}`);
        records = await codec.compress({ buffer: raw });
      }
      const batchSize = RECORD_BATCH_OVERHEAD + (records ? records.length : recordsSize);
      size += 4 + 4 + batchSize;
      topicBatches.push({ partition: p.partition, records, share: { run: share.run, indexes }, count: indexes.length, first, max, firstSequence: p.firstSequence ?? 0, batchSize });
    }
    batches.push(topicBatches);
  }

  const buf = Buffer.allocUnsafe(size);
  let at = writeString(buf, 0, args.transactionalId ?? null);
  at = buf.writeInt16BE(args.acks, at);
  at = buf.writeInt32BE(args.timeout, at);
  at = buf.writeInt32BE(args.topicData.length, at);
  for (let t = 0; t < args.topicData.length; t++) {
    at = writeString(buf, at, args.topicData[t].topic);
    at = buf.writeInt32BE(batches[t].length, at);
    for (const b of batches[t]) {
      at = buf.writeInt32BE(b.partition, at);
      at = buf.writeInt32BE(b.batchSize, at);
      at = writeInt64(buf, at, kafkajs.longFrom(0)); // base offset: the broker assigns it
      at = buf.writeInt32BE(b.batchSize - 12, at);
      at = buf.writeInt32BE(0, at); // partition leader epoch
      at = buf.writeInt8(2, at); // magic
      const crcAt = at;
      at += 4;
      const bodyAt = at;
      at = buf.writeInt16BE(attributes, at);
      at = buf.writeInt32BE(b.count - 1, at); // last offset delta
      at = writeInt64(buf, at, kafkajs.longFrom(b.first));
      at = writeInt64(buf, at, kafkajs.longFrom(b.max));
      at = writeInt64(buf, at, producerId);
      at = buf.writeInt16BE(args.producerEpoch ?? 0, at);
      at = buf.writeInt32BE(b.firstSequence, at);
      at = buf.writeInt32BE(b.count, at);
      if (b.records) at += b.records.copy(buf, at);
      else at = writeRecords(buf, at, b.share.run, b.share.indexes!, b.first, now);
      buf.writeUInt32BE(kafkajs.crc32C(buf.subarray(bodyAt, at)), crcAt);
    }
  }
  // A size mismatch would send a corrupt request (and stale pool memory): never let it out.
  if (at !== size) throw new Error(`kafkajs packed fast path: request encoded to ${at} bytes, expected ${size}`);
  return buf;
}

/** kafkajs's batch timestamps: the records' smallest and largest, or the time of encoding when none has one. */
function timestampRange(run: PackedRun, indexes: readonly number[], now: number): { first: number; max: number } {
  let first = Infinity;
  let max = -Infinity;
  for (const i of indexes) {
    const ts = run.timestamp[i];
    if (Number.isNaN(ts)) continue;
    if (ts < first) first = ts;
    if (ts > max) max = ts;
  }
  return first === Infinity ? { first: now, max: now } : { first, max };
}

function timestampOf(run: PackedRun, i: number, now: number): number {
  const ts = run.timestamp[i];
  return Number.isNaN(ts) ? now : ts;
}

/** A record's size after its length field: attributes, deltas, key, value, headers. */
function recordBodySize(run: PackedRun, i: number, offsetDelta: number, timestampDelta: number): number {
  const h = run.headers[i];
  return 1 + zigZagSize(timestampDelta) + zigZagSize(offsetDelta) + sizedBytes(run.keyLength[i]) + sizedBytes(run.valueLength[i]) + (h < 0 ? 1 : run.headerFields[h].length);
}

function writeRecords(buf: Buffer, at: number, run: PackedRun, indexes: readonly number[], first: number, now: number): number {
  for (let d = 0; d < indexes.length; d++) {
    const i = indexes[d];
    const timestampDelta = timestampOf(run, i, now) - first;
    const h = run.headers[i];
    const keyLength = run.keyLength[i];
    const valueLength = run.valueLength[i];
    at = writeZigZag(buf, at, recordBodySize(run, i, d, timestampDelta));
    buf[at++] = 0; // attributes: none are used per record
    at = writeZigZag(buf, at, timestampDelta);
    at = writeZigZag(buf, at, d);
    const source = run.sources[run.source[i]];
    const keyAt = run.keyAt[i];
    at = writeBytesAt(buf, at, source, keyAt, keyLength);
    at = writeBytesAt(buf, at, source, keyAt + Math.max(keyLength, 0), valueLength);
    if (h < 0) buf[at++] = 0; // no headers: a count of 0
    else at += run.headerFields[h].copy(buf, at);
  }
  return at;
}

function stringSize(text: string | null): number {
  return 2 + (text === null ? 0 : Buffer.byteLength(text, 'utf8'));
}

function writeString(buf: Buffer, at: number, text: string | null): number {
  if (text === null) return buf.writeInt16BE(-1, at);
  const length = buf.write(text, at + 2, 'utf8');
  buf.writeInt16BE(length, at);
  return at + 2 + length;
}

function writeInt64(buf: Buffer, at: number, long: { getHighBits(): number; getLowBits(): number }): number {
  at = buf.writeInt32BE(long.getHighBits(), at);
  return buf.writeInt32BE(long.getLowBits(), at);
}

/** Size of a length-prefixed byte field: the zigzag varint length, then the bytes (none for null). */
export function sizedBytes(length: number): number {
  return length < 0 ? 1 : zigZagSize(length) + length;
}

function zigZag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

export function zigZagSize(n: number): number {
  let zz = zigZag(n);
  let size = 1;
  while (zz >= 128) {
    zz = Math.floor(zz / 128);
    size++;
  }
  return size;
}

/** Zigzag LEB128, Kafka's varint and varlong alike; exact for |n| ≤ 2^52. */
export function writeZigZag(buf: Buffer, at: number, n: number): number {
  let zz = zigZag(n);
  while (zz >= 128) {
    buf[at++] = (zz % 128) | 0x80;
    zz = Math.floor(zz / 128);
  }
  buf[at++] = zz;
  return at;
}

/** A length-prefixed byte field from `length` bytes of `source` at `from` (-1: null). */
function writeBytesAt(buf: Buffer, at: number, source: Buffer, from: number, length: number): number {
  at = writeZigZag(buf, at, length);
  if (length <= 0) return at;
  return at + source.copy(buf, at, from, from + length);
}
