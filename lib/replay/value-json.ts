/**
 * A record value as JSON text, for the JSONL output and the DuckDB staging file, without
 * parsing what is already JSON: rest2kafka's JSON values are compact and spelled as
 * `JSON.stringify` spells them (README, "Topics, keys and what consumers see"), so their bytes
 * are copied as they are. Parsing and re-serialising every value measured as most of the time
 * of a replay.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { CONFLUENT_AVRO, CONTENT_TYPES } from '../sink/encode';

/** Bare Avro (schema named by the fingerprint header) and the Confluent wire format (schema id in the value). */
const AVRO_TYPES = new Set([CONTENT_TYPES.avro, CONFLUENT_AVRO]);
const NEWLINE = 0x0a;

/** Turns an Avro value into a plain object, or `undefined` when it cannot (no schema for it). */
export type AvroDecoder = (value: Buffer, headers: IHeaders) => unknown;

/**
 * The JSON text of a non-null value. Values labelled `application/json` (and holding no
 * newline, which would break a JSON line) are used as they are; Avro values are decoded by
 * `avro` when it can, else given as `{"avro_base64": "…"}`; anything else is parsed and
 * re-serialised when it is JSON, else given as base64 too.
 *
 * @example valueJson(message) // <Buffer 7b 22 69 64 22 3a ...>
 */
export function valueJson(message: KafkaMessage, avro?: AvroDecoder): Buffer | string {
  const value = message.value!;
  const type = header(message.headers, 'content-type');
  if (type === CONTENT_TYPES.json && value.indexOf(NEWLINE) < 0) return value;
  if (type !== undefined && AVRO_TYPES.has(type)) {
    const decoded = avro?.(value, message.headers ?? {});
    return decoded === undefined ? base64(value) : JSON.stringify(decoded, bytesAsBase64);
  }
  try {
    return JSON.stringify(JSON.parse(value.toString('utf8')));
  } catch {
    return base64(value);
  }
}

/** A header's text (the first value when repeated); kafkajs gives header values as buffers. */
export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
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
