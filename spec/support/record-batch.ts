/**
 * Kafka v2 record batches built byte for byte, for the specs of lib/sink/record-batch.ts and the
 * replay code that reads its records (https://kafka.apache.org/documentation/#recordbatch).
 */
import { KafkaRecord } from '../../lib/sink/record-batch';

export interface RecordSpec {
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface BatchSpec {
  baseOffset: number;
  records: RecordSpec[];
  /** Offsets of the records relative to baseOffset; default 0, 1, 2… (compaction leaves gaps). */
  deltas?: number[];
  producerId?: bigint;
  transactional?: boolean;
  /** A control batch: one marker record, 0 abort or 1 commit. */
  control?: 0 | 1;
}

/** A record kept from a batch, as replay's sinks get it. */
export function kafkaRecord(offset: number, key: string | null, value: string | Buffer | null, headers: Record<string, string> = {}): KafkaRecord {
  const encoded = headerBytes(headers);
  return new KafkaRecord(offset, bytes(key), bytes(value), encoded, 0, Object.keys(headers).length);
}

/** One batch's bytes; concatenate several for a record set. */
export function encodeBatch(spec: BatchSpec): Buffer {
  const deltas = spec.deltas ?? spec.records.map((_, i) => i);
  const records =
    spec.control === undefined
      ? spec.records.map((r, i) => encodeRecord(deltas[i], bytes(r.key), bytes(r.value), r.headers ?? {}))
      : [encodeRecord(0, controlKey(spec.control), Buffer.from([0, 0, 0, 0, 0, 0]), {})];
  const body = Buffer.concat(records);
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(BigInt(spec.baseOffset), 0);
  header.writeInt32BE(61 - 12 + body.length, 8);
  header.writeInt8(2, 16); // magic
  const attributes = (spec.transactional || spec.control !== undefined ? 0x10 : 0) | (spec.control !== undefined ? 0x20 : 0);
  header.writeInt16BE(attributes, 21);
  header.writeInt32BE(spec.control === undefined ? Math.max(0, ...deltas) : 0, 23);
  header.writeBigInt64BE(spec.producerId ?? -1n, 43);
  header.writeInt32BE(records.length, 57);
  return Buffer.concat([header, body]);
}

function encodeRecord(offsetDelta: number, key: Buffer | null, value: Buffer | null, headers: Record<string, string>): Buffer {
  const body = Buffer.concat([Buffer.from([0]), varint(0), varint(offsetDelta), sized(key), sized(value), headerBytes(headers, true)]);
  return Buffer.concat([varint(body.length), body]);
}

function headerBytes(headers: Record<string, string>, withCount = false): Buffer {
  const parts = Object.entries(headers).flatMap(([name, value]) => [sized(Buffer.from(name)), sized(Buffer.from(value))]);
  return Buffer.concat([...(withCount ? [varint(Object.keys(headers).length)] : []), ...parts]);
}

function controlKey(type: 0 | 1): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type, 2);
  return key;
}

function bytes(text: string | Buffer | null): Buffer | null {
  return text === null ? null : Buffer.isBuffer(text) ? text : Buffer.from(text);
}

function sized(data: Buffer | null): Buffer {
  return data === null ? varint(-1) : Buffer.concat([varint(data.length), data]);
}

function varint(n: number): Buffer {
  let zz = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (zz >= 128) {
    out.push((zz % 128) | 0x80);
    zz = Math.floor(zz / 128);
  }
  out.push(zz);
  return Buffer.from(out);
}
