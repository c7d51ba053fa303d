/**
 * Publishing: a page batch's data records and the state record that covers them.
 *
 * Transactional (default): data and state commit in one Kafka transaction, so read_committed
 * consumers never see half a page and the state can never be ahead of the data (KIP-618's
 * pattern for exactly-once source connectors). The producer fences older instances with the
 * same transactional id before the first page.
 *
 * Idempotent (delivery.transactions: false): data is sent with acks=-1 and acknowledged
 * before the state record is sent; a crash in between re-sends that page (harmless upserts).
 *
 * kafkajs leaves a transactional producer unusable after a failed commit or abort, so any
 * failure marks the publisher broken; the run ends and the next run resumes from the state
 * topic (which settles the unknown outcome of the failed commit).
 */
// First: the kafkajs fast paths must be in the module cache before kafkajs loads (preload.ts).
import { kafkajsFastPaths } from '../preload';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, CompressionTypes, ICustomPartitioner, Kafka, Partitioners, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import type { Compression } from '../config/types';
import { KafkaError } from '../errors';
import { crashPoint, crashPointSoon } from '../observability/crash-points';
import type { Logger } from '../observability/logger';
import { encodesPackedSends, fastPathsWarning } from './kafkajs-fast-paths';
import { COMPRESSION_TYPES } from './codecs';
import { kafkaFailure, type KafkaTarget } from './kafka';
import { MAX_SEND_BYTES, toSends, type PackedMessages } from './message-pack';

export interface PublisherOptions {
  /** The brokers and settings a failure's message names. */
  kafka: KafkaTarget;
  transactional: boolean;
  transactionalId: string;
  transactionTimeoutMs: number;
  compression: Compression;
  /** Told, at start-up, when this thread publishes without the kafkajs fast paths. */
  logger?: Logger;
}

export interface Publisher {
  /**
   * Publishes `data`, then `state`; resolves once both are durable (committed or acknowledged).
   * The packs are consumed: a publisher on another thread takes their buffers.
   */
  publish(data: readonly PackedMessages[], state: readonly PackedMessages[]): Promise<void>;
  /**
   * Per partition of `topic`, the base offset of the last record batch this publisher wrote.
   * A committed transaction becomes readable only once its markers are written, which happens
   * after commit() resolves: a reader that needs our own writes waits until the partition's
   * last stable offset is past these (see {@link waitUntilReadable}).
   */
  written(topic: string): ReadonlyMap<number, bigint>;
  close(): Promise<void>;
}

/**
 * kafkajs's DefaultPartitioner (murmur2 of the key, as the Java client), except that a topic
 * with one partition — the default `topics.partitions: 1` — gets partition 0 without hashing:
 * the default would compute `murmur2(key) % 1` (and filter the partition list) for every record,
 * which profiled at ~5% of a run's CPU; the answer is the same. Measured with kafkajs alone
 * (transactional, 1,700-record sends, 4 headers): ~45 → ~39 µs of CPU per record.
 */
const singlePartitionShortcut: ICustomPartitioner = () => {
  const hashed = Partitioners.DefaultPartitioner();
  return (args) => (args.partitionMetadata.length === 1 && args.message.partition == null ? args.partitionMetadata[0].partitionId : hashed(args));
};

/** @example const publisher = await createPublisher(kafka, { transactional: true, transactionalId: 'rest2kafka-demo', ... }) */
export async function createPublisher(kafka: Kafka, options: PublisherOptions): Promise<KafkaPublisher> {
  const warning = fastPathsWarning(kafkajsFastPaths);
  if (warning) options.logger?.warn(warning);
  else options.logger?.debug('kafkajs fast paths', { status: kafkajsFastPaths });
  const producer = kafka.producer(
    options.transactional
      ? {
          transactionalId: options.transactionalId,
          transactionTimeout: options.transactionTimeoutMs,
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: singlePartitionShortcut,
        }
      : { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: singlePartitionShortcut },
  );
  try {
    await producer.connect();
    if (options.transactional) {
      // The first transaction() runs InitProducerId: it fences any older instance with this
      // transactional id and aborts its open transaction. Aborting an empty one is local.
      const fence = await producer.transaction();
      await fence.abort();
    }
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    throw kafkaFailure(error, 'connecting the Kafka producer', options.kafka);
  }
  return new KafkaPublisher(producer, options);
}

export class KafkaPublisher implements Publisher {
  private broken: unknown = null;
  private readonly lastBatch = new Map<string, Map<number, bigint>>();
  private readonly compression: CompressionTypes;
  private readonly packed = encodesPackedSends();

  constructor(
    private readonly producer: Producer,
    private readonly options: PublisherOptions,
  ) {
    this.compression = COMPRESSION_TYPES[options.compression];
  }

  async publish(data: readonly PackedMessages[], state: readonly PackedMessages[]): Promise<void> {
    // Transactional: data and state in one transaction. Otherwise the data is acknowledged
    // before the state that covers it is sent.
    // Straight from the packs when the fast paths are there to encode them (packed-produce.ts).
    const sends = (packs: readonly PackedMessages[]) => toSends(packs, MAX_SEND_BYTES, this.packed);
    await this.publishSends(this.options.transactional ? [sends([...data, ...state])] : [sends(data), sends(state)]);
  }

  private async publishSends(groups: readonly TopicMessages[][][]): Promise<void> {
    if (this.broken) throw kafkaFailure(this.broken, 'publishing (the producer failed earlier)', this.options.kafka);
    try {
      if (this.options.transactional) await this.publishInTransaction(groups.flat());
      else for (const sends of groups) await this.send((batch) => this.producer.sendBatch(batch), sends);
    } catch (error) {
      this.broken = error;
      // Name the topics: "does not host this topic-partition" alone does not say which one.
      const topics = [...new Set(groups.flat(2).map((t) => t.topic))].join(', ');
      throw kafkaFailure(error, `publishing to Kafka (topics ${topics})`, this.options.kafka);
    }
  }

  private async publishInTransaction(sends: readonly TopicMessages[][]): Promise<void> {
    const transaction = await this.producer.transaction();
    try {
      await this.send((batch) => transaction.sendBatch(batch), sends);
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    crashPoint('before-commit'); // test hook (R2K_CRASH_AT): data sent inside the transaction, not committed
    const committing = transaction.commit();
    crashPointSoon('during-commit'); // test hook (R2K_CRASH_AT): EndTxn(commit) in flight
    await committing;
  }

  private async send(
    send: (batch: { topicMessages: TopicMessages[]; acks: number; compression: CompressionTypes }) => Promise<unknown>,
    sends: readonly TopicMessages[][],
  ): Promise<void> {
    for (const topicMessages of sends) {
      const metadata = (await send({ topicMessages, acks: -1, compression: this.compression })) as RecordMetadata[] | undefined;
      for (const m of metadata ?? []) {
        let partitions = this.lastBatch.get(m.topicName);
        if (!partitions) this.lastBatch.set(m.topicName, (partitions = new Map()));
        if (m.baseOffset !== undefined) partitions.set(m.partition, BigInt(m.baseOffset));
      }
    }
  }

  /** Every topic's {@link written} offsets. */
  allWritten(): ReadonlyMap<string, ReadonlyMap<number, bigint>> {
    return this.lastBatch;
  }

  written(topic: string): ReadonlyMap<number, bigint> {
    return this.lastBatch.get(topic) ?? new Map();
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}

/**
 * Waits until every record batch in `written` is below the partition's last stable offset,
 * i.e. readable by read_committed consumers (bounded).
 */
export async function waitUntilReadable(admin: Admin, topic: string, written: ReadonlyMap<number, bigint>, timeoutMs = 30000): Promise<void> {
  if (written.size === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const stable = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    if ([...written].every(([partition, base]) => (stable.get(partition) ?? 0n) > base)) return;
    if (Date.now() > deadline) {
      throw new KafkaError(`records written to ${topic} did not become readable within ${timeoutMs} ms (transaction markers not written?)`, { code: 'KAFKA_NOT_STABLE', retriable: true });
    }
    await sleep(delay);
  }
}
