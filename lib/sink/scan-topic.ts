/**
 * Reads a topic's partitions between given offsets with plain Fetch requests to each leader,
 * the records visited in place ({@link RecordView}) — `replay`'s reader. Unlike
 * {@link readTopicBatches} it joins no consumer group and builds no kafkajs message objects:
 * measured on 1M incidents, kafkajs's consumer spent ~6 s of CPU per pass where kcat reads the
 * whole topic in ~2.5 s.
 *
 * kafkajs still owns the connections (TLS, SASL, API versions, metadata): its `Cluster` is made
 * through the client's private factory, which kafkajs 2.2.4 (the version package.json pins, and
 * the one lib/sink/kafkajs-fast-paths.ts is checked against) keeps under a symbol. Only the Fetch
 * response is decoded here (Fetch v4: read_committed with the aborted-transaction list).
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { AbortedError, KafkaError } from '../errors';
import { batchHeaders, visitRecords, type AbortedTransaction, type RecordView } from './record-batch';
import type { PartitionRange } from './read-topic';

export interface TopicScanner {
  /** Called for each committed record in offset order per partition; the view is valid only during the call. */
  record(partition: number, record: RecordView): void;
  /**
   * Called after each fetched chunk of a partition, with the offset reached; a returned promise
   * is awaited before that chunk's buffer is let go and the next but one fetch is sent (back-pressure).
   */
  chunkEnd?(partition: number, position: number): void | Promise<void>;
}

export interface ScanOptions {
  ranges: ReadonlyMap<number, PartitionRange>;
  /** Give up after this long without progress towards the end. Default 60000. */
  timeoutMs?: number;
  /** Bytes fetched per partition and request. Default 2 MiB: larger chunks measured no faster, and each one is garbage the collector frees only later. */
  maxBytesPerPartition?: number;
  /** Aborting it stops the scan with an {@link AbortedError} once the chunk in hand is visited. */
  signal?: AbortSignal;
}

interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<{ connectionPool: { send(request: unknown): Promise<FetchResponse> } }>;
  fetchTopicsOffset(topics: { topic: string; partitions: { partition: number }[]; fromBeginning: boolean }[]): Promise<{ partitions: { partition: number; offset: string }[] }[]>;
}

interface PartitionChunk {
  partition: number;
  errorCode: number;
  aborted: AbortedTransaction[] | null;
  records: Buffer | null;
}

interface FetchResponse {
  partitions: PartitionChunk[];
}

const PRIVATE_CLUSTER_FACTORY = 'private:Kafka:createCluster';
const READ_COMMITTED = 1;
const FETCH_API_KEY = 1;
const MAX_WAIT_MS = 100;
const OFFSET_OUT_OF_RANGE = 1;
/** Leadership moving or not yet known: refresh the metadata and fetch again. */
const LEADERSHIP = new Set([3, 5, 6, 74, 75]); // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH
const kafkajsRequire = createRequire(require.resolve('kafkajs/package.json'));
const { createErrorFromCode } = kafkajsRequire('./src/protocol/error.js') as { createErrorFromCode(code: number): Error };
/** As kafkajs times its own fetches: the wait the broker may take, plus the network's. */
const REQUEST_TIMEOUT_MS = MAX_WAIT_MS + 30000;

/**
 * Visits every committed record of `topic` in `options.ranges` (read_committed), then resolves.
 *
 * @example await scanTopic(kafka, 'incidents', { record: (p, r) => count++ }, { ranges: await topicRanges(kafka, 'incidents') })
 */
export async function scanTopic(kafka: Kafka, topic: string, scanner: TopicScanner, options: ScanOptions): Promise<void> {
  const positions = new Map<number, number>();
  for (const [partition, r] of options.ranges) if (r.end > r.from) positions.set(partition, r.from);
  if (positions.size === 0) return;
  const cluster = createCluster(kafka);
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const stall = stallTimer(topic, positions, options.timeoutMs ?? 60000);
    while (positions.size > 0) {
      const leaders = cluster.findLeaderForPartitions(topic, [...positions.keys()]);
      // Each leader's partitions are read until done, or until one needs new metadata.
      const moved = await Promise.all(
        Object.entries(leaders).map(async ([nodeId, partitions]) => readFromLeader(await cluster.findBroker({ nodeId }), topic, partitions, scanner, positions, options, stall)),
      );
      if (moved.some(Boolean)) {
        stall.check();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await cluster.refreshMetadata();
      }
      const outOfRange = [...positions.keys()].filter((p) => positions.get(p) === -1);
      if (outOfRange.length > 0) await restartAtLogStart(cluster, topic, outOfRange, positions, options.ranges);
    }
  } finally {
    await cluster.disconnect();
  }
}

/** Fetches from one leader until its partitions are done; true when leadership moved and metadata must be refreshed. */
async function readFromLeader(
  broker: Awaited<ReturnType<Cluster['findBroker']>>,
  topic: string,
  partitions: number[],
  scanner: TopicScanner,
  positions: Map<number, number>,
  options: ScanOptions,
  stall: ReturnType<typeof stallTimer>,
): Promise<boolean> {
  const maxBytes = options.maxBytesPerPartition ?? 2 << 20;
  const mine = new Set(partitions);
  const fetch = () => broker.connectionPool.send(fetchRequest(topic, [...mine].map((partition) => ({ partition, offset: positions.get(partition)! })), maxBytes));
  // One fetch ahead: the broker prepares the next chunk while this one is visited.
  let pending: Promise<FetchResponse> | null = fetch();
  try {
    while (pending) {
      if (options.signal?.aborted) throw new AbortedError(`reading topic ${topic} was interrupted before reaching its end (partitions left: ${[...positions.keys()].join(',')})`, { cause: options.signal.reason });
      const response: FetchResponse = await pending;
      pending = null;
      let moved = false;
      const work: (() => Promise<void>)[] = [];
      for (const chunk of response.partitions) {
        if (!mine.has(chunk.partition)) continue;
        if (LEADERSHIP.has(chunk.errorCode)) {
          moved = true;
          mine.delete(chunk.partition);
          continue;
        }
        if (chunk.errorCode === OFFSET_OUT_OF_RANGE) {
          positions.set(chunk.partition, -1);
          mine.delete(chunk.partition);
          continue;
        }
        if (chunk.errorCode !== 0) throw createErrorFromCode(chunk.errorCode);
        const records = chunk.records ?? Buffer.alloc(0);
        const batches = batchHeaders(records);
        if (batches.length === 0) continue;
        const range = options.ranges.get(chunk.partition)!;
        const from = positions.get(chunk.partition)!;
        const reached = batches[batches.length - 1].nextOffset;
        positions.set(chunk.partition, reached);
        stall.progress();
        if (reached >= range.end) {
          positions.delete(chunk.partition);
          mine.delete(chunk.partition);
        }
        work.push(async () => {
          await visitRecords(records, batches, { from, end: range.end }, chunk.aborted, (record) => scanner.record(chunk.partition, record));
          await scanner.chunkEnd?.(chunk.partition, Math.min(reached, range.end));
        });
      }
      if (mine.size > 0 && !moved) pending = fetch();
      for (const visit of work) await visit();
      if (moved) return true;
      if (work.length === 0) stall.check();
    }
    return false;
  } finally {
    pending?.catch(() => undefined); // a visit failed: the fetch in flight is not wanted
  }
}

/** A partition whose position the log cleaner or retention passed: continue at its log start. */
async function restartAtLogStart(cluster: Cluster, topic: string, partitions: number[], positions: Map<number, number>, ranges: ReadonlyMap<number, PartitionRange>): Promise<void> {
  const [offsets] = await cluster.fetchTopicsOffset([{ topic, partitions: partitions.map((partition) => ({ partition })), fromBeginning: true }]);
  for (const { partition, offset } of offsets.partitions) {
    const start = Number(offset);
    if (start >= ranges.get(partition)!.end) positions.delete(partition);
    else positions.set(partition, start);
  }
}

function stallTimer(topic: string, positions: ReadonlyMap<number, number>, timeoutMs: number) {
  let last = Date.now();
  return {
    progress: () => void (last = Date.now()),
    check: () => {
      if (Date.now() - last <= timeoutMs) return;
      throw new KafkaError(`reading topic ${topic} made no progress for ${timeoutMs} ms before reaching its end (partitions left: ${[...positions.keys()].join(',')})`, { code: 'KAFKA_READ_TIMEOUT', retriable: true });
    },
  };
}

function createCluster(kafka: Kafka): Cluster {
  const factory = Object.getOwnPropertySymbols(kafka).find((s) => s.description === PRIVATE_CLUSTER_FACTORY);
  if (!factory) throw new Error(`kafkajs has no ${PRIVATE_CLUSTER_FACTORY}: scan-topic.ts needs the kafkajs version package.json pins`);
  const create = (kafka as unknown as Record<symbol, (options: object) => Cluster>)[factory];
  return create({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED, maxInFlightRequests: null });
}

/** Fetch v4 (KIP-98: isolation level and aborted transactions); the response is decoded by {@link decodeFetch}. */
function fetchRequest(topic: string, partitions: { partition: number; offset: number }[], maxBytesPerPartition: number) {
  const name = Buffer.from(topic, 'utf8');
  const body = Buffer.alloc(4 * 4 + 1 + 4 + 2 + name.length + 4 + partitions.length * 16);
  let at = body.writeInt32BE(-1, 0); // replica id: a consumer
  at = body.writeInt32BE(MAX_WAIT_MS, at);
  at = body.writeInt32BE(1, at); // min bytes
  at = body.writeInt32BE(maxBytesPerPartition * partitions.length, at);
  at = body.writeInt8(READ_COMMITTED, at);
  at = body.writeInt32BE(1, at);
  at = body.writeInt16BE(name.length, at);
  at += name.copy(body, at);
  at = body.writeInt32BE(partitions.length, at);
  for (const { partition, offset } of partitions) {
    at = body.writeInt32BE(partition, at);
    at = body.writeBigInt64BE(BigInt(offset), at);
    at = body.writeInt32BE(maxBytesPerPartition, at);
  }
  // kafkajs frames the request and reads the Encoder it gets through `buf` and `buffer`.
  return {
    request: { apiKey: FETCH_API_KEY, apiVersion: 4, apiName: 'Fetch', encode: async () => ({ buf: body, buffer: body }) },
    response: { decode: async (payload: Buffer) => decodeFetch(payload), parse: async (data: FetchResponse) => data },
    requestTimeout: REQUEST_TIMEOUT_MS,
  };
}

/**
 * Fetch v4 response: throttle_time [topic [partition error_code high_watermark
 * last_stable_offset [producer_id first_offset] records]]; one topic is asked for.
 */
export function decodeFetch(payload: Buffer): FetchResponse {
  const partitions: PartitionChunk[] = [];
  let at = 4; // throttle time
  const topics = payload.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    at += 2 + payload.readInt16BE(at);
    const count = payload.readInt32BE(at);
    at += 4;
    for (let p = 0; p < count; p++) {
      const partition = payload.readInt32BE(at);
      const errorCode = payload.readInt16BE(at + 4);
      at += 4 + 2 + 8 + 8;
      const abortedCount = payload.readInt32BE(at);
      at += 4;
      let aborted: AbortedTransaction[] | null = null;
      if (abortedCount >= 0) {
        aborted = [];
        for (let i = 0; i < abortedCount; i++, at += 16) aborted.push({ producerId: payload.readBigInt64BE(at), firstOffset: Number(payload.readBigInt64BE(at + 8)) });
      }
      const size = payload.readInt32BE(at);
      at += 4;
      partitions.push({ partition, errorCode, aborted, records: size < 0 ? null : payload.subarray(at, at + size) });
      at += Math.max(0, size);
    }
  }
  return { partitions };
}
