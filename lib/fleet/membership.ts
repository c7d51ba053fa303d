/**
 * Membership in the pipeline's fleet through Kafka's own group protocol: every instance joins one
 * consumer group subscribed to the coordination topic, whose partitions stand for the units of
 * work (units.ts). The group's assignment says which units this instance runs; a member that
 * leaves or stops heartbeating loses its partitions at the next rebalance and a live member gets
 * them (sticky-assigner.ts keeps everything else where it runs). Nothing is ever produced to the
 * topic: the partitions are only tokens to assign.
 */
import os from 'node:os';
import { BehaviorSubject, type Observable } from 'rxjs';
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineConfig } from '../config/types';
import { ConfigError } from '../errors';
import type { Logger } from '../observability/logger';
import { ensureTopics } from '../sink/topics';
import { stickyAssigner } from './sticky-assigner';

export interface Membership {
  /** The coordination partitions this instance owns, re-emitted after every rebalance. */
  readonly owned: Observable<ReadonlySet<number>>;
  /** Leaves the group at once, so a standby takes over without waiting for the session timeout. */
  leave(): Promise<void>;
}

/** How this process shows up in the group (`status` prints it): host name and pid. */
export function instanceName(): string {
  return `${os.hostname()}:${process.pid}`;
}

/**
 * Makes sure the coordination topic has a partition per unit, then joins the group. A fatal
 * consumer crash (one kafkajs does not restart from) errors `owned`.
 *
 * @example const membership = await joinFleet(kafka, admin, pipeline, 3, log)
 */
export async function joinFleet(kafka: Kafka, admin: Admin, pipeline: PipelineConfig, units: number, log: Logger): Promise<Membership> {
  const { coordination } = pipeline;
  if (coordination.heartbeat_interval_ms * 3 > coordination.session_timeout_ms) {
    throw new ConfigError(
      `coordination.heartbeat_interval_ms (${coordination.heartbeat_interval_ms}) must be at most a third of coordination.session_timeout_ms (${coordination.session_timeout_ms}): a member must get several heartbeats in before the group gives its work away`,
      { context: { path: 'coordination.heartbeat_interval_ms' } },
    );
  }
  await ensurePartitions(admin, coordination.topic, units, pipeline.topics.replication_factor);
  const owned = new BehaviorSubject<ReadonlySet<number>>(new Set());
  const consumer = kafka.consumer({
    groupId: coordination.group_id,
    sessionTimeout: coordination.session_timeout_ms,
    heartbeatInterval: coordination.heartbeat_interval_ms,
    // A member waits this long per empty fetch and heartbeats in between: keep it under the heartbeat interval.
    maxWaitTimeInMs: coordination.heartbeat_interval_ms,
    // A restarted member must not wait for its old self's session to expire to join.
    rebalanceTimeout: coordination.session_timeout_ms * 2,
    partitionAssigners: [stickyAssigner(() => owned.value)],
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = new Set((payload.memberAssignment[coordination.topic] ?? []).filter((p) => p < units));
    log.debug('joined the fleet group', { group: coordination.group_id, member: payload.memberId, leader: payload.isLeader, partitions: [...partitions] });
    owned.next(partitions);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    // Until kafkajs has rejoined, the group may have given this member's units to another.
    owned.next(new Set());
    if (!payload.restart) owned.error(payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: coordination.topic, fromBeginning: false });
  await consumer.run({ eachMessage: async () => undefined });
  return {
    owned,
    leave: async () => {
      await consumer.disconnect().catch(() => undefined);
      owned.complete();
    },
  };
}

/** Creates the coordination topic, or adds partitions when the config gained units. */
async function ensurePartitions(admin: Admin, topic: string, units: number, replicationFactor: number): Promise<void> {
  await ensureTopics(admin, [{ topic, cleanupPolicy: 'compact', partitions: units, replicationFactor, purpose: 'coordination (holds no records)' }]);
  const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  if (meta.partitions.length < units) await admin.createPartitions({ topicPartitions: [{ topic, count: units }] });
}
