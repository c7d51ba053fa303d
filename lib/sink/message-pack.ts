/**
 * Outgoing records, and the packed form in which they wait for their commit and cross to the
 * publisher thread: a page's keys and values copied into one buffer, described by one
 * Int32Array, both transferable (moved to the thread, not cloned).
 *
 * Packing right after a page is prepared keeps the run's memory flat: the page's message
 * objects and encoded buffer die young, and what waits for the commit is two compact buffers
 * per page. Unpacked, a page waiting in the queue outlived V8's young generation, and the
 * dead buffers of promoted pages piled up until a full collection (~50 MB more peak RSS).
 */
import type { Message, TopicMessages } from 'kafkajs';
import { KafkaError } from '../errors';
import { emptyRun, headersField, packedMessages, type PackedRun } from './packed-produce';

export interface OutgoingMessage {
  topic: string;
  key: string | null;
  /** `null` publishes a tombstone. */
  value: Buffer | null;
  headers?: Record<string, string>;
  /** Milliseconds since the epoch, as a string (kafkajs's form). */
  timestamp?: string;
}

/**
 * kafkajs sends one record batch per partition per request and never splits it, so sends are
 * cut below the broker's default max.message.bytes (1 MiB), with room for the batch framing.
 */
export const MAX_SEND_BYTES = 900 * 1024;

export interface PackedMessages {
  /** Per record, its key's UTF-8 bytes then its value's, record after record. */
  bytes: ArrayBuffer;
  /** {@link FIELDS} numbers per record: see the offsets below. */
  meta: Int32Array;
  topics: string[];
  /** Distinct header objects (a page shares one among its records). */
  headerSets: Record<string, string>[];
  timestamps: string[];
}

const FIELDS = 5;
const TOPIC = 0;
const KEY_LENGTH = 1; // -1: null key
const VALUE_LENGTH = 2; // -1: tombstone
const HEADERS = 3; // -1: none
const TIMESTAMP = 4; // -1: none
const ABSENT = -1;
/** A record's framing in a batch (length, attributes, deltas, varints), estimated. */
const RECORD_OVERHEAD = 80;

/**
 * Packs `messages`, refusing (before anything is sent) a record that could never fit a send.
 *
 * @example queue.push(packMessages([...prepared.data, ...prepared.deadLetters]))
 */
export function packMessages(messages: readonly OutgoingMessage[], maxSendBytes = MAX_SEND_BYTES): PackedMessages {
  let capacity = 0;
  // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
  for (const m of messages) capacity += (m.key === null ? 0 : m.key.length * 3) + (m.value === null ? 0 : m.value.length);
  // Unpooled, so its ArrayBuffer is this buffer alone and can be transferred.
  const bytes = Buffer.allocUnsafeSlow(capacity);
  const meta = new Int32Array(messages.length * FIELDS);
  const topics = new Interner<string>();
  const timestamps = new Interner<string>();
  const headerSets = new Interner<Record<string, string>>();
  const headerSizes: number[] = [];
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const keyLength = m.key === null ? ABSENT : bytes.write(m.key, at, 'utf8');
    at += Math.max(keyLength, 0);
    const valueLength = m.value === null ? ABSENT : m.value.copy(bytes, at);
    at += Math.max(valueLength, 0);
    let headers = ABSENT;
    if (m.headers) {
      headers = headerSets.index(m.headers);
      if (headers === headerSizes.length) headerSizes.push(headerBytes(m.headers));
    }
    const size = recordBytes(keyLength, valueLength, headers === ABSENT ? 0 : headerSizes[headers]);
    if (size > maxSendBytes) throw recordTooLarge(m, size, maxSendBytes);
    const o = i * FIELDS;
    meta[o + TOPIC] = topics.index(m.topic);
    meta[o + KEY_LENGTH] = keyLength;
    meta[o + VALUE_LENGTH] = valueLength;
    meta[o + HEADERS] = headers;
    meta[o + TIMESTAMP] = m.timestamp === undefined ? ABSENT : timestamps.index(m.timestamp);
  }
  return { bytes: bytes.buffer as ArrayBuffer, meta, topics: topics.values, headerSets: headerSets.values, timestamps: timestamps.values };
}

/** Bytes a pack holds on to while it waits. */
export function packedBytes(pack: PackedMessages): number {
  return pack.bytes.byteLength + pack.meta.byteLength;
}

/** The buffers a pack moves to another thread (the pack is unusable here afterwards). */
export function transferables(pack: PackedMessages): ArrayBuffer[] {
  return [pack.bytes, pack.meta.buffer as ArrayBuffer];
}

/**
 * The packs' records as kafkajs sends them, in order: cut into sends of at most `maxSendBytes`
 * (estimated), each send grouped by topic in order of first appearance. With `packed` (the
 * kafkajs fast paths are installed) a topic's records stay positions in the packs' bytes
 * (packed-produce.ts); otherwise they are kafkajs messages whose keys, values and header values
 * are Buffers (views of the packed bytes): the same bytes on the wire either way.
 */
export function toSends(packs: readonly PackedMessages[], maxSendBytes = MAX_SEND_BYTES, packed = false): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  const newSend = (): SendBuilder => (packed ? new PackedSend() : new MessageSend());
  let current = newSend();
  let size = 0;
  const flush = () => {
    if (!current.empty) sends.push(current.topicMessages());
    current = newSend();
    size = 0;
  };
  for (const pack of packs) {
    const view = new PackView(pack);
    let at = 0;
    for (let o = 0; o < pack.meta.length; o += FIELDS) {
      const keyLength = pack.meta[o + KEY_LENGTH];
      const valueLength = pack.meta[o + VALUE_LENGTH];
      const headers = pack.meta[o + HEADERS];
      const bytesOf = recordBytes(keyLength, valueLength, headers === ABSENT ? 0 : view.headerSizes[headers]);
      if (size + bytesOf > maxSendBytes) flush();
      size += bytesOf;
      current.add(view, o, at);
      at += Math.max(keyLength, 0) + Math.max(valueLength, 0);
    }
  }
  flush();
  return sends;
}

/** A pack as the sends read it: its bytes as a Buffer, and its header sets in the forms they need (made once). */
class PackView {
  readonly bytes: Buffer;
  readonly headerSizes: number[];
  /** The pack's interned timestamps as numbers (kafkajs's strings), converted once per pack. */
  readonly timestampValues: number[];
  private headerBuffers?: Record<string, Buffer>[];
  private fields?: Buffer[];

  constructor(readonly pack: PackedMessages) {
    this.bytes = Buffer.from(pack.bytes);
    this.headerSizes = pack.headerSets.map(headerBytes);
    this.timestampValues = pack.timestamps.map(Number);
  }

  /** The header sets with Buffer values, kafkajs's message form. */
  headerObjects(): Record<string, Buffer>[] {
    return (this.headerBuffers ??= this.pack.headerSets.map((set) => Object.fromEntries(Object.entries(set).map(([name, value]) => [name, Buffer.from(value, 'utf8')]))));
  }

  /** The header sets as records' encoded headers fields. */
  headerFields(): Buffer[] {
    return (this.fields ??= this.pack.headerSets.map(headersField));
  }
}

/** One send's records, grouped by topic, in the form kafkajs is given them. */
interface SendBuilder {
  readonly empty: boolean;
  /** The record at `meta[o]` of `view`, whose key starts at `at`. */
  add(view: PackView, o: number, at: number): void;
  topicMessages(): TopicMessages[];
}

class MessageSend implements SendBuilder {
  private readonly topics = new Map<string, Message[]>();

  get empty(): boolean {
    return this.topics.size === 0;
  }

  add(view: PackView, o: number, at: number): void {
    const { meta, topics, timestamps } = view.pack;
    const keyLength = meta[o + KEY_LENGTH];
    const valueLength = meta[o + VALUE_LENGTH];
    const message: Message = { key: null, value: null };
    if (keyLength !== ABSENT) message.key = view.bytes.subarray(at, (at += keyLength));
    if (valueLength !== ABSENT) message.value = view.bytes.subarray(at, at + valueLength);
    if (meta[o + HEADERS] !== ABSENT) message.headers = view.headerObjects()[meta[o + HEADERS]];
    if (meta[o + TIMESTAMP] !== ABSENT) message.timestamp = timestamps[meta[o + TIMESTAMP]];
    const topic = topics[meta[o + TOPIC]];
    let list = this.topics.get(topic);
    if (!list) this.topics.set(topic, (list = []));
    list.push(message);
  }

  topicMessages(): TopicMessages[] {
    return [...this.topics].map(([topic, messages]) => ({ topic, messages }));
  }
}

class PackedSend implements SendBuilder {
  private readonly topics = new Map<string, PackedRun>();
  /** Per run and pack: the pack's index in the run's sources, and its header sets' indexes in the run's fields. */
  private readonly placed = new Map<PackedRun, Map<PackView, { source: number; headers: number[] }>>();

  get empty(): boolean {
    return this.topics.size === 0;
  }

  add(view: PackView, o: number, at: number): void {
    const { meta, topics } = view.pack;
    const topic = topics[meta[o + TOPIC]];
    let run = this.topics.get(topic);
    if (!run) {
      this.topics.set(topic, (run = emptyRun()));
      this.placed.set(run, new Map());
    }
    const placed = this.placed.get(run)!;
    let place = placed.get(view);
    if (!place) {
      const headersAt = run.headerFields.length;
      run.headerFields.push(...view.headerFields());
      place = { source: run.sources.push(view.bytes) - 1, headers: view.pack.headerSets.map((_, i) => headersAt + i) };
      placed.set(view, place);
    }
    const headers = meta[o + HEADERS];
    run.source.push(place.source);
    run.keyAt.push(at);
    run.keyLength.push(meta[o + KEY_LENGTH]);
    run.valueLength.push(meta[o + VALUE_LENGTH]);
    run.headers.push(headers === ABSENT ? ABSENT : place.headers[headers]);
    run.timestamp.push(meta[o + TIMESTAMP] === ABSENT ? NaN : view.timestampValues[meta[o + TIMESTAMP]]);
  }

  topicMessages(): TopicMessages[] {
    return [...this.topics].map(([topic, run]) => ({ topic, messages: packedMessages(run) }));
  }
}

function recordBytes(keyLength: number, valueLength: number, headersBytes: number): number {
  return RECORD_OVERHEAD + Math.max(keyLength, 0) + Math.max(valueLength, 0) + headersBytes;
}

function headerBytes(headers: Record<string, string>): number {
  let bytes = 0;
  for (const [k, v] of Object.entries(headers)) bytes += k.length + Buffer.byteLength(v) + 8;
  return bytes;
}

function recordTooLarge(m: OutgoingMessage, bytes: number, maxBytes: number): KafkaError {
  return new KafkaError(
    `a record for topic ${m.topic} (key ${m.key ?? 'null'}) is ${bytes} bytes, more than the ${maxBytes}-byte send limit (the broker's default max.message.bytes is 1 MiB): raise max.message.bytes on the topic and the broker, or drop large fields with a processing step`,
    { code: 'RECORD_TOO_LARGE', retriable: false, context: { topic: m.topic } },
  );
}

/** Numbers distinct values (by identity) in order of first appearance. */
class Interner<T> {
  readonly values: T[] = [];
  private readonly indexes = new Map<T, number>();

  index(value: T): number {
    let i = this.indexes.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.indexes.set(value, i);
    }
    return i;
  }
}
