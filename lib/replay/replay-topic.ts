/**
 * A replay in two passes over the same offsets, so memory is bounded by the number of keys:
 * the first reads keys and offsets and finds each key's latest record ({@link KeyIndex}); the
 * second reads the records again and hands only those latest ones to the sink, as they arrive.
 *
 * Output order: partition by partition as the consumer fetches them (interleaved when the topic
 * has several), and within a partition in offset order — the order of each key's latest write,
 * not key order. Sorting by key would need every line at once, the memory this avoids.
 */
import type { Kafka } from 'kafkajs';
import { topicRanges, type PartitionRange } from '../sink/read-topic';
import type { KafkaRecord, RecordView } from '../sink/record-batch';
import { scanTopic } from '../sink/scan-topic';
import { KeyIndex, WinnerCursor } from './key-index';

/** A winning record, as the sinks get it (a tombstone only with {@link ReplayOptions.tombstones}). */
export type ReplayRecord = KafkaRecord;

/** Receives the winning records of one partition's fetched chunk, in offset order; may be async (back-pressure). */
export interface ReplaySink {
  (partition: number, records: ReplayRecord[]): void | Promise<void>;
  /**
   * Takes a winning record during the visit, from the fetched bytes, rather than as a kept
   * {@link ReplayRecord} in the chunk's call (a record object and slices per record cost
   * JSONL ~0.3 s of CPU per 1M). False leaves it, and the rest of its chunk so that the order
   * holds, to that call, which comes after the chunk's direct records.
   */
  direct?(partition: number, record: RecordView): boolean;
}

export type ReplayPhase = 'keys' | 'values';

export interface ReplayProgress {
  phase: ReplayPhase;
  /** Records read in this phase. */
  records: number;
  /** Offsets passed in this phase, and in all: markers take offsets too, so this is what an ETA can use. */
  position: number;
  total: number;
}

export interface ReplayOptions {
  /** Default: each partition from its first offset to its current end. A refresh starts where the last one stopped. */
  ranges?: ReadonlyMap<number, PartitionRange>;
  /** Without one, only the first pass runs (counts only). */
  sink?: ReplaySink;
  /** Also hand the sink the tombstones that are their key's latest record (a refresh deletes those keys). Default false. */
  tombstones?: boolean;
  onProgress?: (progress: ReplayProgress) => void;
  /** Stall timeout of each pass; see {@link scanTopic}. */
  timeoutMs?: number;
  /** Fetch size per partition and request. */
  maxBytesPerPartition?: number;
  /** Aborting it (Ctrl-C) stops the replay with an AbortedError; the sink gets nothing more. */
  signal?: AbortSignal;
}

export interface ReplayCounts {
  /** Records read by the first pass (markers excluded). */
  records: number;
  unkeyed: number;
  liveKeys: number;
  tombstonedKeys: number;
  /** Records handed to the sink. */
  written: number;
  /**
   * Latest records that were gone by the second pass: a newer record for the key was written
   * after the replay started and the log cleaner compacted this one away. Their keys are
   * missing from the output; a replay started now would have their newer values.
   */
  vanished: number;
  /** The offsets read, per partition; a later refresh starts at each `end`. */
  ranges: Map<number, PartitionRange>;
}

/**
 * Replays `topic` into `options.sink`, reading it twice between the same offsets.
 *
 * @example
 * const counts = await replayTopic(kafka, 'incidents', { sink: jsonlSink(replayOutput(process.stdout)) });
 */
export async function replayTopic(kafka: Kafka, topic: string, options: ReplayOptions = {}): Promise<ReplayCounts> {
  const ranges = new Map(options.ranges ?? (await topicRanges(kafka, topic)));
  const scan = { ranges, timeoutMs: options.timeoutMs, maxBytesPerPartition: options.maxBytesPerPartition, signal: options.signal };
  const index = new KeyIndex(new Map([...ranges].map(([partition, r]) => [partition, r.end - r.from])));
  let progress = tracker('keys', ranges, options.onProgress);
  await scanTopic(kafka, topic, { record: (partition, record) => (index.add(partition, record), progress.record()), chunkEnd: progress.chunkEnd }, scan);
  const { winners, ...counts } = index.finish(options.tombstones ?? false);
  const result: ReplayCounts = { ...counts, written: 0, vanished: 0, ranges };
  const { sink } = options;
  if (!sink || [...winners.values()].every((w) => w.length === 0)) return result;

  const cursors = new Map([...winners].map(([partition, offsets]) => [partition, new WinnerCursor(offsets)]));
  progress = tracker('values', ranges, options.onProgress);
  const latest = new Map([...winners.keys()].map((partition) => [partition, [] as ReplayRecord[]]));
  // Winners the sink took directly from the chunk being visited, per partition.
  const taken = new Map<number, number>();
  await scanTopic(
    kafka,
    topic,
    {
      record(partition, record) {
        progress.record();
        if (!cursors.get(partition)?.isWinner(record.offset)) return;
        const kept = latest.get(partition)!;
        if (kept.length === 0 && sink.direct?.(partition, record)) taken.set(partition, (taken.get(partition) ?? 0) + 1);
        else kept.push(record.keep());
      },
      async chunkEnd(partition, position) {
        progress.chunkEnd(partition, position);
        const records = latest.get(partition);
        const direct = taken.get(partition) ?? 0;
        if (!records || records.length + direct === 0) return;
        latest.set(partition, []);
        taken.delete(partition);
        result.written += records.length + direct;
        await sink(partition, records);
      },
    },
    scan,
  );
  for (const cursor of cursors.values()) result.vanished += cursor.missing;
  return result;
}

/** Counts records and offsets passed per partition and reports them to `onProgress`. */
function tracker(phase: ReplayPhase, ranges: ReadonlyMap<number, PartitionRange>, onProgress?: (p: ReplayProgress) => void) {
  const passed = new Map<number, number>();
  let total = 0;
  for (const r of ranges.values()) total += Math.max(0, r.end - r.from);
  let position = 0;
  let records = 0;
  return {
    record: () => void records++,
    chunkEnd: (partition: number, reached: number): void => {
      if (!onProgress) return;
      const now = reached - ranges.get(partition)!.from;
      position += now - (passed.get(partition) ?? 0);
      passed.set(partition, now);
      onProgress({ phase, records, position, total });
    },
  };
}
