/**
 * A restarted run must not publish again what its interrupted run already committed.
 *
 * A resume normally continues after the last committed page. When that page changed in the
 * meantime, offsets shifted and the run starts over from its first page (resource-pages.ts);
 * the records it then fetches are mostly the ones already in the topic. To a consumer of a
 * compacted topic, a record published again with the value its key already has is a
 * duplicate; a record whose value changed is an update and must be published. So the restart
 * reads back, from where the run began writing, the latest value per key, and drops the
 * records that would repeat it. (A Kafka Connect source with exactly-once support, KIP-618,
 * resumes from the offset committed with its records, as a resume here does; this covers what
 * an offset cannot: the data moved under it.)
 */
import { createHash } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { readTopic, topicRanges } from '../sink/read-topic';
import type { PreparedPage } from '../sink/prepare';

/** Key → digest of the latest value committed for it (`''` for a tombstone). */
export type LatestValues = ReadonlyMap<string, string>;

/**
 * The latest committed value of every key written to `topic` at or after `from` (end offset per
 * partition when the run began), read_committed: an aborted transaction's records were never
 * seen by anyone and are published again.
 *
 * @example const latest = await latestValuesSince(kafka, 'incidents', { '0': '1042' }, signal)
 */
export async function latestValuesSince(kafka: Kafka, topic: string, from: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<LatestValues> {
  const ranges = await topicRanges(kafka, topic);
  // A partition without a start offset did not exist when the run began: all of it is the run's.
  for (const [partition, range] of ranges) range.from = Math.max(range.from, Number(from[String(partition)] ?? 0));
  const latest = new Map<string, string>();
  await readTopic(
    kafka,
    topic,
    (records) => {
      for (const r of records) if (r.key) latest.set(r.key.toString('utf8'), digestOf(r.value));
    },
    { ranges, signal },
  );
  return latest;
}

/**
 * The page without the data messages that would repeat their key's latest committed value, its
 * counts adjusted to what is left. Dead letters stay: they are not in the data topic.
 *
 * @example const toPublish = withoutUnchanged(prepared, latest)
 */
export function withoutUnchanged(page: PreparedPage, latest: LatestValues): PreparedPage {
  const data = page.data.filter((m) => m.key === null || latest.get(m.key) !== digestOf(m.value));
  if (data.length === page.data.length) return page;
  let records = 0;
  let tombstones = 0;
  let bytes = 0;
  for (const m of data) {
    if (m.value === null) tombstones += 1;
    else {
      records += 1;
      bytes += m.value.length;
    }
  }
  return { ...page, data, records, tombstones, bytes };
}

/**
 * A value's digest in {@link LatestValues}: 128 bits of SHA-256, since a collision would drop an
 * update (no short non-cryptographic hash).
 *
 * @example new Map([['INC1', digestOf(Buffer.from('{"id":"INC1"}'))]])
 */
export function digestOf(value: Buffer | null): string {
  return value === null ? '' : createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
