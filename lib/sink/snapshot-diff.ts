/**
 * Full refresh: which keys a completed snapshot did not contain. Records the API no longer
 * has never come back from it, so their keys must be tombstoned explicitly.
 */
import type { Kafka } from 'kafkajs';
import { readTopic } from './read-topic';

/**
 * Keys that were live in the topic before the snapshot started and were not written by it:
 * records the API no longer has. Offsets at or past `snapshot` were written by this snapshot.
 */
export async function keysMissingFromSnapshot(kafka: Kafka, topic: string, snapshot: Record<string, string>, keep: ReadonlySet<string>): Promise<string[]> {
  const before = new Map<string, boolean>(); // key → live (not tombstoned) before the snapshot
  const seen = new Set<string>();
  await readTopic(kafka, topic, (records) => {
    for (const r of records) {
      if (!r.key) continue;
      const key = r.key.toString('utf8');
      if (BigInt(r.offset) >= BigInt(snapshot[String(r.partition)] ?? '0')) seen.add(key);
      else before.set(key, r.value !== null);
    }
  });
  return [...before].filter(([key, live]) => live && !seen.has(key) && !keep.has(key)).map(([key]) => key);
}

