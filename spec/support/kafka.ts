/**
 * Helpers for integration tests against the real broker that globalSetup starts
 * (or the one `KAFKA_BROKERS` names). The reader here is the tests' oracle: it shares no code
 * with lib/sink or lib/state, so a bug there cannot hide itself.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, IHeaders, ITopicConfig, Kafka, logLevel } from 'kafkajs';

/** One record as a from-the-beginning read returns it. */
export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  /** `null` is a tombstone; an empty Buffer is an ordinary (empty) value. */
  value: Buffer | null;
  headers: Record<string, string | string[]>;
  /** The record's timestamp, milliseconds since the epoch as a string (kafkajs's form). */
  timestamp: string;
}

export interface ReadOptions {
  /** Also return records of aborted and still-open transactions. Default false (read_committed). */
  readUncommitted?: boolean;
  /** Default 30 s; the read fails rather than returning a partial result. */
  timeoutMs?: number;
  /** Default {@link testBrokers}. */
  brokers?: string[];
}

/** The brokers globalSetup exported, e.g. `['127.0.0.1:41234']`. */
export function testBrokers(): string[] {
  const list = process.env.KAFKA_BROKERS;
  if (!list) throw new Error('KAFKA_BROKERS is not set: run integration tests with `jest --selectProjects integration`');
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}

/** A topic name no other test (or earlier run against the same broker) uses: `<prefix>-<time>-<random>`. */
export function uniqueTopic(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 180);
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A kafkajs client that logs nothing unless `KAFKA_TEST_LOG_LEVEL` (error|warn|info|debug) asks for it. */
export function createTestKafka(clientId = 'rest2kafka-test', brokers: string[] = testBrokers()): Kafka {
  const levels: Record<string, logLevel> = { error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };
  return new Kafka({ clientId, brokers, logLevel: levels[process.env.KAFKA_TEST_LOG_LEVEL ?? ''] ?? logLevel.NOTHING });
}

/**
 * Creates a topic and waits until every partition has a leader. kafkajs's own
 * `waitForLeaders` gives up with UNKNOWN_TOPIC_OR_PARTITION when the broker's metadata lags the
 * KRaft controller for a moment after creation, so this polls metadata itself. Fails if the topic exists.
 */
export async function createTopic(admin: Admin, topic: ITopicConfig, timeoutMs = 15_000): Promise<void> {
  if (!(await admin.createTopics({ topics: [topic], waitForLeaders: false }))) throw new Error(`topic ${topic.topic} already exists`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await admin
      .fetchTopicMetadata({ topics: [topic.topic] })
      .then(({ topics: [t] }) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic.topic} has no leader for every partition after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Creates a `cleanup.policy=compact` topic (plus `extraConfigs`) with `partitions` partitions; see {@link createTopic}. */
export async function createCompactedTopic(admin: Admin, name: string, extraConfigs: Record<string, string> = {}, partitions = 1): Promise<void> {
  const configEntries = Object.entries({ 'cleanup.policy': 'compact', ...extraConfigs }).map(([n, value]) => ({ name: n, value }));
  await createTopic(admin, { topic: name, numPartitions: partitions, replicationFactor: 1, configEntries });
}

/**
 * Reads every partition of `topic` from its start to the end offset of the moment the read
 * began, with a throwaway consumer group that commits nothing. The end is the last stable
 * offset for read_committed (once committed transactions' markers have landed, see
 * {@link MARKER_SETTLE_MS}) and the high watermark for read_uncommitted. A partition is done
 * when the consumer's position reaches the end, not when the last record arrives: a trailing
 * commit or abort marker occupies an offset but is never delivered (kafka.md §5.2), and
 * compaction and transactions leave offset gaps, so counting records would stop early or hang.
 * Records come back ordered by partition, then offset.
 *
 * @example
 * const records = await readAllFromStart(topic);
 * expect(latestByKey(records).get('42')?.toString()).toBe('{"id":42}');
 */
export async function readAllFromStart(topic: string, options: ReadOptions = {}): Promise<ReadRecord[]> {
  const kafka = createTestKafka('rest2kafka-oracle', options.brokers);
  const ends = await endOffsets(kafka, topic, options.readUncommitted ?? false);
  const pending = new Map([...ends].filter(([, end]) => end.end > end.start).map(([p, end]) => [p, end.end]));
  if (pending.size === 0) return [];

  const records: ReadRecord[] = [];
  const consumer = kafka.consumer({
    groupId: `rest2kafka-oracle-${randomBytes(6).toString('hex')}`,
    readUncommitted: options.readUncommitted ?? false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const timeoutMs = options.timeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const left = [...pending].map(([p, end]) => `partition ${p} short of ${end}`).join(', ');
        reject(new Error(`readAllFromStart(${topic}): not at the end after ${timeoutMs} ms (${left})`));
      }, timeoutMs);
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      // Fired for batches that held only control or aborted records too, which eachBatch never sees.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = pending.get(payload.partition);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(payload.partition);
        if (pending.size === 0) settle();
      });
      // kafkajs restarts the consumer itself after retriable errors (e.g. the coordinator still loading).
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) settle(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              records.push({ partition: batch.partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: m.value, headers: decodeHeaders(m.headers), timestamp: m.timestamp });
            }
          },
        })
        .catch(settle);
    });
  } finally {
    await consumer.disconnect();
  }
  return records
    .filter((r) => BigInt(r.offset) < (ends.get(r.partition)?.end ?? 0n))
    .sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}

/**
 * Folds records in order into the value each key ends with: a later record replaces an
 * earlier one and a tombstone removes the key, as compaction would. Keyless records cannot be
 * compacted, so one is an error here rather than something to skip.
 */
export function latestByKey(records: readonly ReadRecord[]): Map<string, Buffer> {
  const latest = new Map<string, Buffer>();
  for (const r of records) {
    if (r.key === null) throw new Error(`record at ${r.partition}:${r.offset} has no key`);
    if (r.value === null) latest.delete(r.key);
    else latest.set(r.key, r.value);
  }
  return latest;
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string | string[]> {
  const decoded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    decoded[name] = Array.isArray(value) ? value.map((v) => v.toString()) : value.toString();
  }
  return decoded;
}

interface PartitionRange {
  start: bigint;
  end: bigint;
}

/**
 * How long a read_committed read waits for the last stable offset to reach the high watermark.
 * A producer's commit returns once the coordinator has logged it; the commit markers reach the
 * partitions a moment later. A reader that takes its end in between misses a transaction the
 * producer already saw committed, and reading the state topic then the data topic could see one
 * without the other (CI caught exactly that: the data of page 0 without the state that covers
 * it). Past this wait the LSO is an open transaction's (a killed producer's), whose records no
 * reader sees until it is aborted, so the read proceeds.
 */
const MARKER_SETTLE_MS = 2_000;

async function endOffsets(kafka: Kafka, topic: string, readUncommitted: boolean): Promise<Map<number, PartitionRange>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + MARKER_SETTLE_MS;
    for (;;) {
      const [offsets, high] = await Promise.all([admin.fetchTopicOffsets(topic), highWatermarks(kafka, topic)]);
      const settled = offsets.every((o) => BigInt(o.offset) >= BigInt(high.get(o.partition) ?? '0'));
      if (readUncommitted || settled || Date.now() > deadline) {
        return new Map(offsets.map((o) => [o.partition, { start: BigInt(o.low), end: BigInt(readUncommitted ? high.get(o.partition) ?? o.offset : o.offset) }]));
      }
      await sleep(50);
    }
  } finally {
    await admin.disconnect();
  }
}

/** The subset of kafkajs's internal Cluster (v2.2.4, pinned) that listing offsets needs. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  fetchTopicsOffset(request: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[]): Promise<{ partitions: { partition: number; offset: string }[] }[]>;
}

/**
 * High watermarks for read_uncommitted ends. kafkajs's admin lists offsets only at
 * read_committed (the LSO), which stops short of an open transaction's records, and its public
 * API has no other way to ask; its Kafka object does build clusters for any isolation level
 * behind a private symbol, used here. kafkajs is pinned to 2.2.4, and this fails loudly if
 * that ever changes.
 */
export async function highWatermarks(kafka: Kafka, topic: string): Promise<Map<number, string>> {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof create !== 'function') throw new Error('kafkajs internals changed: cannot list high watermarks for readUncommitted reads');
  const readUncommittedLevel = 0;
  const cluster = (create as (o: object) => InternalCluster)({ isolationLevel: readUncommittedLevel, allowAutoTopicCreation: false });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
    const [result] = await cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]);
    return new Map(result.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await cluster.disconnect();
  }
}
