/**
 * The JSONL target: one `{"key": "<key>", "value": <record>}` line per live key, on stdout.
 */
import type { AvroValueDecoder } from '../sink/decode-value';
import { bytesOf, LineBatch, writeWithBackPressure } from './lines';
import type { ReplayRecord, ReplaySink } from './replay-topic';
import { pushJsonString, valueJson, type AvroDecoder } from './value-json';

const KEY = bytesOf('{"key":');
const VALUE = bytesOf(',"value":');
const END = bytesOf('}\n');

/**
 * A sink writing each batch of winning records as JSON lines to `out`. Avro values are decoded
 * by `avro` (their registry schemas fetched once per batch, before the lines are built);
 * without it, or when it knows no schema for a value, they are given as `{"avro_base64": "…"}`.
 *
 * @example await replayTopic(kafka, topic, { sink: jsonlSink(process.stdout, decoder) })
 */
export function jsonlSink(out: NodeJS.WritableStream, avro?: AvroValueDecoder): ReplaySink {
  const batch = new LineBatch();
  return async (_partition, messages) => {
    await avro?.prefetch(messages);
    for (const m of messages) appendLine(batch, m, avro?.decode);
    await writeWithBackPressure(out, batch.take());
  };
}

/** One JSON line for a live record; tombstones have no line. */
export function appendLine(batch: LineBatch, m: ReplayRecord, avro?: AvroDecoder): void {
  if (m.value === null || m.key === null) return;
  batch.push(KEY);
  pushJsonString(batch, m.key);
  batch.push(VALUE, valueJson(m, avro), END);
}
