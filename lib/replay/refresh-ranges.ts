/**
 * Whether a DuckDB table can be refreshed from the offsets its last replay stored, and from
 * which offsets: a refresh reads only what was written since, so it must be sure nothing it
 * needs is gone from the topic.
 */
import type { PartitionRange } from '../sink/read-topic';

/** `partition → next offset`, as stored by the last replay into the table. */
export type StoredOffsets = ReadonlyMap<number, number>;

export type RefreshPlan = { refresh: true; ranges: Map<number, PartitionRange> } | { refresh: false; reason: string };

/**
 * Each partition's range for a refresh: from the stored offset (or the partition's start, for a
 * partition added since) to its current end. A full rebuild instead when a stored offset lies
 * past the partition's end (the topic was deleted and recreated) or before its first offset
 * (records not yet applied were removed by retention, so their deletes would be missed).
 *
 * @example refreshRanges(new Map([[0, 1000]]), new Map([[0, { from: 0, end: 1500 }]])) // refresh 1000–1500
 */
export function refreshRanges(stored: StoredOffsets, current: ReadonlyMap<number, PartitionRange>): RefreshPlan {
  const ranges = new Map<number, PartitionRange>();
  for (const [partition, { from, end }] of current) {
    const next = stored.get(partition);
    if (next === undefined) {
      ranges.set(partition, { from, end });
    } else if (next > end) {
      return { refresh: false, reason: `partition ${partition} ends at offset ${end}, before the stored ${next}: the topic was recreated` };
    } else if (next < from) {
      return { refresh: false, reason: `partition ${partition} now starts at offset ${from}, after the stored ${next}: records not yet applied were deleted` };
    } else {
      ranges.set(partition, { from: next, end });
    }
  }
  for (const partition of stored.keys()) {
    if (!current.has(partition)) return { refresh: false, reason: `partition ${partition} no longer exists: the topic was recreated` };
  }
  return { refresh: true, ranges };
}
