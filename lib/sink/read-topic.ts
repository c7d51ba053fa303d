/**
 * Reads a topic from given offsets (default: the beginning) to its current end — the state
 * topic at start-up, `replay`, and the key inventory of a full refresh all need exactly this.
 *
 * The end is the last stable offset (kafkajs's ListOffsets is read_committed), and a
 * partition is done when the consumer's *position* reaches it, not when a record with
 * offset end-1 arrives: a transactional topic usually ends in a commit marker that is never
 * delivered (Kafka Connect's KafkaBasedLog.readToLogEnd works the same way).
 * kafkajs has no manual assignment, so a throwaway consumer group is used and deleted after;
 * start offsets other than the beginning are committed for that group before it joins.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { AbortedError, KafkaError } from '../errors';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  /** `null` is a tombstone. */
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
}

/** Where each partition's read starts and stops: `from` inclusive, `end` exclusive. */
export interface PartitionRange {
  from: number;
  end: number;
}

export interface ReadTopicOptions {
  /** Default false: read_committed, what downstream consumers are told to use. */
  readUncommitted?: boolean;
  /** Give up after this long without any progress towards the end. Default 60000. */
  timeoutMs?: number;
  /**
   * Partitions to read and their offsets. Default: every partition from its first offset to
   * its current end ({@link topicRanges}). A second pass over a topic passes the first
   * pass's ranges, so both see the same records.
   */
  ranges?: ReadonlyMap<number, PartitionRange>;
  /** kafkajs's per-partition fetch size. Default 1 MiB (kafkajs's). */
  maxBytesPerPartition?: number;
  /** Aborting it stops the read (the consumer leaves and its group is deleted) with an {@link AbortedError}. */
  signal?: AbortSignal;
}

/**
 * Fails at once when `topic` does not exist. One metadata request for the topic names: asking
 * for the topic itself (fetchTopicOffsets, fetchTopicMetadata) makes kafkajs retry
 * UNKNOWN_TOPIC_OR_PARTITION for ~6 s before it gives up.
 *
 * @throws {KafkaError} KAFKA_TOPIC_MISSING
 * @example await requireTopic(kafka, 'incidents')
 */
export async function requireTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) return;
  } finally {
    await admin.disconnect();
  }
  throw new KafkaError(`topic "${topic}" does not exist`, { code: 'KAFKA_TOPIC_MISSING', retriable: false });
}

/**
 * Every partition of `topic` with records, from its low watermark to its last stable offset.
 * Offsets are numbers: exact up to 2^53, far beyond any partition's life.
 *
 * @example const ranges = await topicRanges(kafka, 'incidents') // Map { 0 => { from: 0, end: 1042 } }
 */
export async function topicRanges(kafka: Kafka, topic: string): Promise<Map<number, PartitionRange>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await listOffsets(admin, topic);
    const ranges = new Map<number, PartitionRange>();
    for (const p of offsets) ranges.set(p.partition, { from: Number(p.low), end: Number(p.high) });
    return ranges;
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs error types that mean a partition's leadership is moving or not served yet. */
const LEADERSHIP = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE']);
const LEADERSHIP_WAIT_MS = 10_000;

/**
 * ListOffsets, how every reader starts. A topic another process created a moment ago is listed
 * before its partition's leader serves it, and kafkajs's admin does not retry the
 * NOT_LEADER_FOR_PARTITION it then answers (topics.ts waits the same out after creating one):
 * `status` polled while a first run created the state topic failed with exit 5. Retried, bounded.
 */
async function listOffsets(admin: Admin, topic: string): Promise<Awaited<ReturnType<Admin['fetchTopicOffsets']>>> {
  const deadline = Date.now() + LEADERSHIP_WAIT_MS;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const type = (error as { type?: string }).type ?? (error as { cause?: { type?: string } }).cause?.type;
      if (type === undefined || !LEADERSHIP.has(type) || Date.now() > deadline) throw error;
    }
    await sleep(delay);
  }
}

/**
 * Calls `onBatch` with the records of each fetched batch of one partition, in offset order per
 * partition, then resolves. A returned promise is awaited before that partition is fetched
 * further: a slow writer holds the read back instead of piling records up. `messages` are
 * kafkajs's own objects, none at or past the partition's end.
 *
 * @example await readTopicBatches(kafka, 'incidents', (partition, messages) => count += messages.length)
 */
export async function readTopicBatches(
  kafka: Kafka,
  topic: string,
  onBatch: (partition: number, messages: KafkaMessage[]) => void | Promise<void>,
  options: ReadTopicOptions = {},
): Promise<void> {
  const ranges = new Map([...(options.ranges ?? (await topicRanges(kafka, topic)))].filter(([, r]) => r.end > r.from));
  if (ranges.size === 0) return;
  const groupId = `rest2kafka-read-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: options.readUncommitted ?? false,
      maxWaitTimeInMs: 100,
      ...(options.maxBytesPerPartition !== undefined && { maxBytesPerPartition: options.maxBytesPerPartition, maxBytes: Math.max(options.maxBytesPerPartition, 10 << 20) }),
    });
    await consumer.connect();
    try {
      await consumeToEnd(consumer, topic, ranges, onBatch, options.timeoutMs ?? 60000, options.signal);
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
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
  await readTopicBatches(
    kafka,
    topic,
    (partition, messages) =>
      onBatch(messages.map((m) => ({ partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {}, timestamp: m.timestamp }))),
    options,
  );
}

async function consumeToEnd(
  consumer: ReturnType<Kafka['consumer']>,
  topic: string,
  ranges: Map<number, PartitionRange>,
  onBatch: (partition: number, messages: KafkaMessage[]) => void | Promise<void>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const remaining = new Set(ranges.keys());
  // From the beginning when there is no committed offset, or when it is out of range (a
  // retention or compaction cleaner removed it): the earliest record is the next one anyway.
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    // The timeout measures a stall, not the whole read: a topic of millions of records takes
    // minutes and is fine as long as it keeps moving.
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => reject(new KafkaError(`reading topic ${topic} made no progress for ${timeoutMs} ms before reaching its end (partitions left: ${[...remaining].join(',')})`, { code: 'KAFKA_READ_TIMEOUT', retriable: true })),
        timeoutMs,
      );
    };
    arm();
    const interrupted = () => finish(new AbortedError(`reading topic ${topic} was interrupted before reaching its end (partitions left: ${[...remaining].join(',')})`, { cause: signal?.reason }));
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', interrupted);
      if (error) reject(error);
      else resolve();
    };
    if (signal?.aborted) return interrupted();
    signal?.addEventListener('abort', interrupted, { once: true });
    // The position test runs on END_BATCH_PROCESS, not in eachBatch: kafkajs never calls
    // eachBatch for a fetch that held only aborted records and markers (a killed run's aborted
    // transaction at the end of the topic), but emits this event for it too (kafkajs#1256).
    // lastOffset() counts control and aborted records, so this is the position test.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== topic || !remaining.has(payload.partition)) return;
      arm();
      if (Number(payload.lastOffset) + 1 >= ranges.get(payload.partition)!.end) {
        remaining.delete(payload.partition);
        if (remaining.size === 0) finish();
      }
    });
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          const range = ranges.get(batch.partition);
          if (range === undefined || !remaining.has(batch.partition) || batch.messages.length === 0) return;
          let messages = batch.messages;
          // Usually the whole batch is inside the range; only the first and last ones need cutting
          // (a fetch that started before the seek below took effect begins before `from`).
          if (Number(messages[0].offset) < range.from || Number(messages[messages.length - 1].offset) >= range.end) {
            messages = messages.filter((m) => Number(m.offset) >= range.from && Number(m.offset) < range.end);
          }
          if (messages.length > 0) await onBatch(batch.partition, messages);
        },
      })
      // Seek once the group has assigned the partitions (run() resolves after the join). Not
      // admin.setOffsets before joining: kafkajs joins and leaves a throwaway consumer for it,
      // which cost 5 s on every read that started past offset 0 (every run's shared-topic check).
      .then(() => {
        for (const [partition, range] of ranges) if (range.from > 0) consumer.seek({ topic, partition, offset: String(range.from) });
      })
      .catch(finish);
  });
}
