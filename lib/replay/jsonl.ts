/**
 * The JSONL target: one `{"key": "<key>", "value": <record>}` line per live key, on stdout.
 */
import type { KafkaMessage } from 'kafkajs';
import { LineBatch, writeWithBackPressure } from './lines';
import type { ReplaySink } from './replay-topic';
import { valueJson } from './value-json';

/**
 * A sink writing each batch of winning records as JSON lines to `out`. Avro values are given
 * as `{"avro_base64": "…"}`.
 *
 * @example await replayTopic(kafka, topic, { sink: jsonlSink(process.stdout) })
 */
export function jsonlSink(out: NodeJS.WritableStream): ReplaySink {
  const batch = new LineBatch();
  return async (_partition, messages) => {
    for (const m of messages) appendLine(batch, m);
    await writeWithBackPressure(out, batch.take());
  };
}

/** One JSON line for a live record; tombstones have no line. */
export function appendLine(batch: LineBatch, m: KafkaMessage): void {
  if (m.value === null || m.key === null) return;
  batch.push(`{"key":${JSON.stringify(m.key.toString('utf8'))},"value":`, valueJson(m), '}\n');
}
