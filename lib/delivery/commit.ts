/**
 * The commit step: one Kafka transaction per batch. A batch of pages carries their data and dead
 * letters plus, per resource touched, the state after its last page in the batch; a resource's
 * completion (cursor promotion, full-refresh tombstones) is a transaction of its own.
 */
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { packMessages, type OutgoingMessage, type PackedMessages } from '../sink/message-pack';
import { waitUntilReadable } from '../sink/publish';
import { keysMissingFromSnapshot } from '../sink/snapshot-diff';
import { writerHeaders } from '../sink/topic-owner';
import { complete, type ResourceState } from '../state/checkpoint';
import { stateMessage } from '../state/store';
import type { KafkaIO, ResourceSummary, Tracker } from './types';

/** What a batch commits of one page. */
export interface PageCommit {
  tracker: Tracker;
  /** The page's data and dead letters, packed. Null in a dry run. */
  packed: PackedMessages | null;
  /** The resource's state as of this page: a batch never commits state for pages it does not hold. */
  state: ResourceState;
}

/** @example await commitPages(batch, io) */
export async function commitPages(batch: readonly PageCommit[], io: KafkaIO | null): Promise<void> {
  if (!io) return;
  const latest = new Map<string, ResourceState>();
  for (const item of batch) if (item.tracker.persist) latest.set(item.tracker.resource.name, item.state);
  const state = packMessages([...latest.values()].map((s) => stateMessage(io.stateTopic, s)));
  await io.publisher.publish(batch.map((item) => item.packed!), [state]);
}

/**
 * Ends a resource's run after all its pages are committed: tombstones for the keys a full
 * refresh did not see again, and the completed state, in one transaction.
 */
export async function completeResource(tracker: Tracker, io: KafkaIO | null, runId: string, log: Logger): Promise<void> {
  tracker.done = true;
  tracker.summary.durationMs = Date.now() - tracker.summary.startedAt;
  if (!io) return;
  const run = tracker.state.run;
  let tombstones: OutgoingMessage[] = [];
  if (tracker.snapshotTombstones && run?.snapshot_offsets) {
    const topic = tracker.sink.topic;
    await io.guard(`waiting until ${topic} is readable`, waitUntilReadable(io.admin, topic, io.publisher.written(topic)));
    const keys = await io.guard(`reading the keys of ${topic} for the full refresh`, keysMissingFromSnapshot(io.kafka, topic, run.snapshot_offsets, new Set(run.dead_lettered_keys)));
    tombstones = keys.map((key) => ({ topic: tracker.sink.topic, key, value: null, headers: { ...writerHeaders(tracker.sink.writer), 'r2k-run-id': runId, 'r2k-reason': 'full-refresh' }, timestamp: String(Date.now()) }));
    tracker.summary.tombstones += tombstones.length;
    if (tombstones.length) log.info('full refresh: tombstoning keys the snapshot did not contain', { resource: tracker.resource.name, keys: tombstones.length });
  }
  tracker.state = complete(tracker.state, new Date());
  await io.publisher.publish([packMessages(tombstones)], [packMessages(tracker.persist ? [stateMessage(io.stateTopic, tracker.state)] : [])]);
  log.info('resource complete', { resource: tracker.resource.name, pages: tracker.summary.pages, records: tracker.summary.records, tombstones: tracker.summary.tombstones, dead_lettered: tracker.summary.deadLettered });
}

/**
 * A resource all of whose records were dead-lettered almost always means a schema that does
 * not describe this API (the wrong schemas_dir, a renamed field), not bad data: say so at WARN,
 * and expose the share so an alert can catch it (issue 12: 3,000 of 3,000 records went to the
 * dead-letter topic and the run said nothing).
 */
export function reportInvalidShare(summary: ResourceSummary, log: Logger, metrics?: Metrics): void {
  const seen = summary.records + summary.deadLettered;
  metrics?.invalidShare(summary.resource, seen === 0 ? 0 : summary.deadLettered / seen);
  if (summary.deadLettered > 0 && summary.records === 0) {
    log.warn(`every record of resource "${summary.resource}" was dead-lettered (${summary.deadLettered}); first reason: ${summary.firstInvalid ?? 'unknown'}. Does its schema describe this API? Check delivery.schemas_dir and ${summary.resource}.avsc.`, { resource: summary.resource, dead_lettered: summary.deadLettered, first_reason: summary.firstInvalid });
  }
}
