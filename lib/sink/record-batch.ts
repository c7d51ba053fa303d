/**
 * Kafka's record batches (message format v2, https://kafka.apache.org/documentation/#recordbatch)
 * read straight from a Fetch response's bytes, for `replay`. kafkajs's consumer builds an object
 * per record, a buffer per key, value and header, and offsets as decimal strings; over 1M records
 * that was most of a replay's time. Here a record is a {@link RecordView} over the batch's bytes:
 * a reader that only wants keys and offsets allocates nothing per record, and one that wants a
 * record asks the view for it.
 *
 * read_committed filtering follows the Java consumer (Fetcher's CompletedFetch): a batch of a
 * producer whose transaction the response lists as aborted is skipped up to that producer's
 * abort marker; control batches (the markers) are never records.
 */
import { CompressionCodecs, type IHeaders } from 'kafkajs';
import { KafkaError } from '../errors';

/** A transaction the broker reports as aborted in the fetched range: its producer and first offset. */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: number;
}

/** One record's parts as positions in its batch's buffer; a length of -1 is null. Valid only during the visit. */
export class RecordView {
  buffer: Buffer = Buffer.alloc(0);
  offset = 0;
  keyAt = 0;
  keyLength = -1;
  valueAt = 0;
  valueLength = -1;
  headersAt = 0;
  headerCount = 0;

  /** Whether the first header named `name` has the text `value` (both ASCII); allocates nothing. */
  headerIs(name: string, value: string): boolean {
    return headerIs(this.buffer, this.headersAt, this.headerCount, name, value);
  }

  /** The record, kept past the visit: slices of the batch's buffer, no copy. */
  keep(): KafkaRecord {
    const { buffer, keyAt, keyLength, valueAt, valueLength } = this;
    const key = keyLength < 0 ? null : buffer.subarray(keyAt, keyAt + keyLength);
    const value = valueLength < 0 ? null : buffer.subarray(valueAt, valueAt + valueLength);
    return new KafkaRecord(this.offset, key, value, buffer, this.headersAt, this.headerCount);
  }
}

/**
 * A record kept from a fetched chunk. Its headers stay bytes until asked for: a JSON replay
 * reads one of them per record, and building kafkajs's headers object for every record
 * (a string and a buffer per header) measured as a tenth of a replay's time.
 */
export class KafkaRecord {
  constructor(
    readonly offset: number,
    readonly key: Buffer | null,
    /** `null` is a tombstone. */
    readonly value: Buffer | null,
    private readonly buffer: Buffer,
    private readonly headersAt: number,
    private readonly headerCount: number,
  ) {}

  /** The text of the first header named `name` (ASCII), without decoding the others. */
  header(name: string): string | undefined {
    const at = headerValueAt(this.buffer, this.headersAt, this.headerCount, name);
    return at < 0 ? undefined : this.buffer.toString('utf8', at, headerValueEnd);
  }

  /** Whether the first header named `name` has the text `value` (both ASCII); allocates nothing. */
  headerIs(name: string, value: string): boolean {
    return headerIs(this.buffer, this.headersAt, this.headerCount, name, value);
  }

  /** All headers as kafkajs gives them: a buffer per name, an array when a name repeats. */
  get headers(): IHeaders {
    const { buffer } = this;
    const headers: Record<string, Buffer | Buffer[]> = {};
    const cursor = { at: this.headersAt };
    for (let i = 0; i < this.headerCount; i++) {
      const nameLength = readVarint(buffer, cursor);
      const name = buffer.toString('utf8', cursor.at, cursor.at + nameLength);
      cursor.at += nameLength;
      const valueLength = readVarint(buffer, cursor);
      const value = valueLength < 0 ? Buffer.alloc(0) : buffer.subarray(cursor.at, cursor.at + valueLength);
      cursor.at += Math.max(0, valueLength);
      const seen = headers[name];
      headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return headers;
  }
}

const HEADER_SIZE = 61; // baseOffset … recordsCount: the fixed part of a v2 batch
const LENGTH_PREFIX = 12; // baseOffset (8) and batchLength (4), not counted in batchLength
const COMPRESSION_MASK = 0x07;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const ABORT_MARKER = 0;

/** One batch's fixed header, and where it ends in the record set. */
interface BatchHeader {
  baseOffset: number;
  /** Offset after the batch's last record: where the next fetch starts. */
  nextOffset: number;
  attributes: number;
  producerId: bigint;
  recordsAt: number;
  end: number;
}

/**
 * The complete batches of a record set. A fetch response may end in a partial batch (the broker
 * cuts at max bytes); it is left for the next fetch, which starts at the last complete batch's end.
 */
export function batchHeaders(records: Buffer): BatchHeader[] {
  const batches: BatchHeader[] = [];
  for (let at = 0; at + HEADER_SIZE <= records.length; ) {
    const end = at + LENGTH_PREFIX + records.readInt32BE(at + 8);
    if (end > records.length) break;
    const magic = records.readInt8(at + 16);
    if (magic !== 2) throw new KafkaError(`record batch with message format v${magic}: replay reads only v2 (Kafka 0.11 and later)`, { code: 'KAFKA_MESSAGE_FORMAT', retriable: false });
    const baseOffset = Number(records.readBigInt64BE(at));
    batches.push({
      baseOffset,
      nextOffset: baseOffset + records.readInt32BE(at + 23) + 1,
      attributes: records.readInt16BE(at + 21),
      producerId: records.readBigInt64BE(at + 43),
      recordsAt: at + HEADER_SIZE,
      end,
    });
    at = end;
  }
  return batches;
}

/**
 * Visits the committed records of `batches` (from {@link batchHeaders}) at offsets in
 * [`from`, `end`), in offset order, through one reused {@link RecordView}. With `aborted`
 * (read_committed) the records of aborted transactions are skipped.
 */
export async function visitRecords(
  records: Buffer,
  batches: readonly BatchHeader[],
  range: { from: number; end: number },
  aborted: readonly AbortedTransaction[] | null,
  visit: (record: RecordView) => void,
): Promise<void> {
  const view = new RecordView();
  const pending = aborted ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<bigint>();
  for (const batch of batches) {
    if (batch.baseOffset >= range.end) return;
    if (aborted && batch.attributes & TRANSACTIONAL) {
      while (pending.length > 0 && pending[0].firstOffset < batch.nextOffset) abortedProducers.add(pending.shift()!.producerId);
      if (abortedProducers.has(batch.producerId)) {
        if (batch.attributes & CONTROL && controlType(records, batch) === ABORT_MARKER) abortedProducers.delete(batch.producerId);
        continue;
      }
    }
    if (batch.attributes & CONTROL || batch.nextOffset <= range.from) continue;
    const codec = batch.attributes & COMPRESSION_MASK;
    const body = codec === 0 ? records.subarray(batch.recordsAt, batch.end) : await decompress(codec, records.subarray(batch.recordsAt, batch.end));
    view.buffer = body;
    const cursor = { at: 0 };
    while (cursor.at < body.length) {
      const length = readVarint(body, cursor);
      const next = cursor.at + length;
      cursor.at += 1; // attributes: none are defined per record
      skipVarint(body, cursor); // timestamp delta
      view.offset = batch.baseOffset + readVarint(body, cursor);
      if (view.offset >= range.end) return;
      if (view.offset >= range.from) {
        view.keyLength = readVarint(body, cursor);
        view.keyAt = cursor.at;
        cursor.at += Math.max(0, view.keyLength);
        view.valueLength = readVarint(body, cursor);
        view.valueAt = cursor.at;
        cursor.at += Math.max(0, view.valueLength);
        view.headerCount = readVarint(body, cursor);
        view.headersAt = cursor.at;
        visit(view);
      }
      cursor.at = next;
    }
  }
}

/** A control record's type (0 abort, 1 commit) from its key: version INT16, type INT16. */
function controlType(records: Buffer, batch: BatchHeader): number {
  const cursor = { at: batch.recordsAt };
  readVarint(records, cursor); // length
  cursor.at += 1;
  skipVarint(records, cursor);
  skipVarint(records, cursor);
  const keyLength = readVarint(records, cursor);
  return keyLength >= 4 ? records.readInt16BE(cursor.at + 2) : -1;
}

async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  const factory = (CompressionCodecs as Record<number, (() => { decompress(data: Buffer): Promise<Buffer> }) | undefined>)[codec];
  if (!factory) throw new KafkaError(`record batch compressed with codec ${codec}, which this build cannot decompress`, { code: 'KAFKA_CODEC', retriable: false });
  return factory().decompress(data);
}

/** End of the value {@link headerValueAt} found last. */
let headerValueEnd = 0;
const headerCursor = { at: 0 };

/** Where the first header named `name` has its value, -1 when none has (or its value is null); its end in {@link headerValueEnd}. */
function headerValueAt(buffer: Buffer, headersAt: number, headerCount: number, name: string): number {
  const cursor = headerCursor;
  cursor.at = headersAt;
  for (let i = 0; i < headerCount; i++) {
    const nameLength = readVarint(buffer, cursor);
    const same = nameLength === name.length && asciiAt(buffer, cursor.at, name);
    cursor.at += nameLength;
    const valueLength = readVarint(buffer, cursor);
    if (same) {
      headerValueEnd = cursor.at + valueLength;
      return valueLength < 0 ? -1 : cursor.at;
    }
    cursor.at += Math.max(0, valueLength);
  }
  return -1;
}

/** Whether the first header named `name` has the text `value` (both ASCII). */
function headerIs(buffer: Buffer, headersAt: number, headerCount: number, name: string, value: string): boolean {
  const at = headerValueAt(buffer, headersAt, headerCount, name);
  return at >= 0 && headerValueEnd - at === value.length && asciiAt(buffer, at, value);
}

/** Whether `text` (ASCII) is spelled at `at` in `buf`. */
function asciiAt(buf: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Kafka's zigzag varint (and varlong, exact to 2^53), advancing `cursor`. */
export function readVarint(buf: Buffer, cursor: { at: number }): number {
  let value = 0;
  let scale = 1;
  let byte: number;
  do {
    byte = buf[cursor.at++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80);
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

function skipVarint(buf: Buffer, cursor: { at: number }): void {
  while (buf[cursor.at++] & 0x80);
}
