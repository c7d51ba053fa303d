/**
 * Reads a whole topic from the beginning to its current end — the state topic at start-up,
 * `replay`, and the key inventory of a full refresh all need exactly this.
 *
 * The end is the last stable offset (kafkajs's ListOffsets is read_committed), and a
 * partition is done when the consumer's *position* reaches it, not when a record with
 * offset end-1 arrives: a transactional topic usually ends in a commit marker that is never
 * delivered (Kafka Connect's KafkaBasedLog.readToLogEnd works the same way).
 * kafkajs has no manual assignment, so a throwaway consumer group is used and deleted after.
 */
import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { KafkaError } from '../errors';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  /** `null` is a tombstone. */
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
}

export interface ReadTopicOptions {
  /** Default false: read_committed, what downstream consumers are told to use. */
  readUncommitted?: boolean;
  /** Give up after this long without reaching the end. Default 60000. */
  timeoutMs?: number;
}

/**
 * Calls `onBatch` with every record of `topic`, in offset order per partition, then resolves.
 * @example await readTopic(kafka, 'incidents', (records) => records.forEach(apply))
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  onBatch: (records: TopicRecord[]) => void,
  options: ReadTopicOptions = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = new Map<number, bigint>();
    for (const p of offsets) if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    if (ends.size === 0) return;
    const groupId = `rest2kafka-read-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, readUncommitted: options.readUncommitted ?? false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumeToEnd(consumer, topic, ends, onBatch, options.timeoutMs ?? 60000);
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}

async function consumeToEnd(
  consumer: ReturnType<Kafka['consumer']>,
  topic: string,
  ends: Map<number, bigint>,
  onBatch: (records: TopicRecord[]) => void,
  timeoutMs: number,
): Promise<void> {
  const remaining = new Set(ends.keys());
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new KafkaError(`reading topic ${topic} did not reach its end within ${timeoutMs} ms (partitions left: ${[...remaining].join(',')})`, { code: 'KAFKA_READ_TIMEOUT', retriable: true })),
      timeoutMs,
    );
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    // The position test runs on END_BATCH_PROCESS, not in eachBatch: kafkajs never calls
    // eachBatch for a fetch that held only aborted records and markers (a killed run's aborted
    // transaction at the end of the topic), but emits this event for it too (kafkajs#1256).
    // lastOffset() counts control and aborted records, so this is the position test.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== topic || !remaining.has(payload.partition)) return;
      if (BigInt(payload.lastOffset) + 1n >= ends.get(payload.partition)!) {
        remaining.delete(payload.partition);
        if (remaining.size === 0) finish();
      }
    });
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition);
          if (end === undefined || !remaining.has(batch.partition)) return;
          const records: TopicRecord[] = [];
          for (const m of batch.messages) {
            if (BigInt(m.offset) >= end) break;
            records.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {}, timestamp: m.timestamp });
          }
          if (records.length > 0) onBatch(records);
        },
      })
      .catch(finish);
  });
}
