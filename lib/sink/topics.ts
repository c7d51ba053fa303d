/**
 * Topic creation and verification. A data topic's cleanup policy must match its resource's
 * write disposition: compaction is what turns keyed records into merge (upsert) semantics,
 * so appending into a compacted topic, or merging into a delete-policy one, is refused.
 */
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

/** Creates missing topics and verifies the cleanup policy of every topic. */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<{ created: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries({ ...s.configs, 'cleanup.policy': s.cleanupPolicy }).map(([name, value]) => ({ name, value })),
      })),
    });
  }
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
  return { created: missing.map((s) => s.topic) };
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
