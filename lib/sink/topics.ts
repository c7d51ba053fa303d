/**
 * Topic creation and verification. A data topic's cleanup policy must match its resource's
 * write disposition: compaction is what turns keyed records into merge (upsert) semantics,
 * so appending into a compacted topic, or merging into a delete-policy one, is refused.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { KafkaError } from '../errors';

export type CleanupPolicy = 'compact' | 'delete';

export interface TopicSpec {
  topic: string;
  cleanupPolicy: CleanupPolicy;
  partitions: number;
  replicationFactor: number;
  /** Extra configs applied only when the topic is created. */
  configs?: Record<string, string>;
  /** Why this topic exists, for error messages (e.g. `resource incidents (merge)`). */
  purpose: string;
}

/**
 * Verifies the cleanup policy of every existing topic, then creates the missing ones (and
 * verifies them too: another process may have created one first). Existing topics are checked
 * before anything is created so that a refused run leaves no new topics behind.
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<{ created: string[] }> {
  const { missing } = await verifyExistingTopics(admin, specs);
  if (missing.length > 0) {
    await admin.createTopics({
      // kafkajs's own leader wait can fail on KRaft 4.x with "This server does not host this
      // topic-partition" right after creation; waitForLeaders() below polls metadata instead.
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries({ ...s.configs, 'cleanup.policy': s.cleanupPolicy }).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForLeaders(admin, missing.map((s) => s.topic));
    await verifyPolicies(admin, missing);
  }
  return { created: missing.map((s) => s.topic) };
}

/**
 * Splits `specs` into topics that exist, whose cleanup policy is verified (a mismatch throws
 * TOPIC_POLICY_MISMATCH), and topics that do not exist yet. Creates nothing (`check` uses it as is).
 *
 * @example const { present, missing } = await verifyExistingTopics(admin, topicSpecs(pipeline, resources, sinks))
 */
export async function verifyExistingTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<{ present: TopicSpec[]; missing: TopicSpec[] }> {
  const existing = new Set(await admin.listTopics());
  const present = specs.filter((s) => existing.has(s.topic));
  if (present.length > 0) await verifyPolicies(admin, present);
  return { present, missing: specs.filter((s) => !existing.has(s.topic)) };
}

async function verifyPolicies(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const policies = await describeCleanupPolicies(admin, specs.map((s) => s.topic));
  for (const spec of specs) {
    const actual = policies.get(spec.topic);
    if (!actual || !policyMatches(actual, spec.cleanupPolicy)) {
      throw new KafkaError(
        `topic ${spec.topic} (${spec.purpose}) has cleanup.policy=${actual ?? 'unknown'} but needs ${spec.cleanupPolicy}: ` +
          (spec.cleanupPolicy === 'compact'
            ? 'merge and replace rely on compaction to keep the latest record per key. '
            : 'append keeps every record, which compaction would discard. ') +
          `Use another topic name (topics.name / topics.prefix), change the resource's write_disposition, or alter the topic: kafka-configs --alter --entity-type topics --entity-name ${spec.topic} --add-config cleanup.policy=${spec.cleanupPolicy}`,
        { code: 'TOPIC_POLICY_MISMATCH', context: { topic: spec.topic } },
      );
    }
  }
}

/** `compact,delete` satisfies neither: it both compacts and expires records. */
function policyMatches(actual: string, wanted: CleanupPolicy): boolean {
  return actual.split(',').map((p) => p.trim()).join(',') === wanted;
}

async function describeCleanupPolicies(admin: Admin, topics: readonly string[]): Promise<Map<string, string>> {
  const result = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
  });
  const policies = new Map<string, string>();
  for (const resource of result.resources) {
    const entry = resource.configEntries.find((e) => e.configName === 'cleanup.policy');
    if (entry) policies.set(resource.resourceName, entry.configValue);
  }
  return policies;
}

/** Polls until every partition of `topics` has a leader that serves it (bounded). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        // A KRaft broker can name a partition's leader in metadata a moment before it serves the
        // partition: ListOffsets (how every reader starts, e.g. the state topic's) then fails with
        // NOT_LEADER_FOR_PARTITION, which kafkajs's admin does not retry. Answered offsets prove it.
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new KafkaError(`topics ${topics.join(', ')} were created but have no partition leader after ${timeoutMs} ms; check the broker log`, { code: 'KAFKA_TOPIC_NOT_READY', retriable: true });
    await sleep(delay);
  }
}
