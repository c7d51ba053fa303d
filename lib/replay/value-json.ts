/**
 * A record value as JSON text, for the JSONL output and the DuckDB staging file, without
 * parsing what is already JSON: rest2kafka's JSON values are compact and spelled as
 * `JSON.stringify` spells them (README, "Topics, keys and what consumers see"), so their bytes
 * are copied as they are. Parsing and re-serialising every value measured as most of the time
 * of a replay.
 */
import type { IHeaders } from 'kafkajs';
import { CONFLUENT_AVRO, CONTENT_TYPES } from '../sink/encode';
import type { KafkaRecord } from '../sink/record-batch';
import { bytesOf, type LineBatch } from './lines';

/** Bare Avro (schema named by the fingerprint header) and the Confluent wire format (schema id in the value). */
const AVRO_TYPES = new Set([CONTENT_TYPES.avro, CONFLUENT_AVRO]);
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const QUOTE_BYTES = bytesOf('"');

/** Turns an Avro value into a plain object, or `undefined` when it cannot (no schema for it). */
export type AvroDecoder = (value: Buffer, headers: IHeaders) => unknown;

/** What {@link valueJson} reads of a record ({@link KafkaRecord} has it). */
export type ValueRecord = Pick<KafkaRecord, 'value' | 'headers' | 'header' | 'headerIs'>;

/**
 * The JSON text of a non-null value. Values labelled `application/json` (and holding no
 * newline, which would break a JSON line) are used as they are; Avro values are decoded by
 * `avro` when it can, else given as `{"avro_base64": "…"}`; anything else is parsed and
 * re-serialised when it is JSON, else given as base64 too.
 *
 * @example valueJson(message) // <Buffer 7b 22 69 64 22 3a ...>
 */
export function valueJson(message: ValueRecord, avro?: AvroDecoder): Buffer | string {
  const value = message.value!;
  if (message.headerIs('content-type', CONTENT_TYPES.json) && value.indexOf(NEWLINE) < 0) return value;
  const type = message.header('content-type');
  if (type !== undefined && AVRO_TYPES.has(type)) {
    const decoded = avro?.(value, message.headers);
    return decoded === undefined ? base64(value) : JSON.stringify(decoded, bytesAsBase64);
  }
  try {
    return JSON.stringify(JSON.parse(value.toString('utf8')));
  } catch {
    return base64(value);
  }
}

/**
 * Appends `text` (UTF-8 bytes, a record key) to `batch` as a JSON string. Printable ASCII
 * without a quote or a backslash is copied between quotes as it is (what JSON.stringify would
 * write, and rest2kafka's keys are such text); anything else goes through JSON.stringify.
 */
export function pushJsonString(batch: LineBatch, text: Buffer): void {
  if (!plainText(text, 0, text.length)) return batch.push(JSON.stringify(text.toString('utf8')));
  batch.push(QUOTE_BYTES, text, QUOTE_BYTES);
}

/** Whether `buffer[from .. to)` is printable ASCII without a quote or a backslash: a JSON string's text as it is. */
export function plainText(buffer: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buffer[i];
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}

function base64(value: Buffer): string {
  return `{"avro_base64":"${value.toString('base64')}"}`;
}

/** Avro `bytes` and `fixed` decode to buffers; JSON has no bytes, so they become base64 text. */
function bytesAsBase64(this: unknown, _key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
