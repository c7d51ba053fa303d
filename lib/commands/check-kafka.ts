/**
 * `check`'s Kafka half: what a run would find before it publishes anything. The brokers answer;
 * every topic the run would write exists with the cleanup policy it needs, or will be created;
 * and no existing data topic holds another pipeline's records (a WARN, as in a run). Nothing is
 * created or written.
 */
import type { LoadedConfig } from '../config/load';
import { wantedResources } from '../delivery/plan';
import type { Logger } from '../observability/logger';
import { createKafka, kafkaFailure } from '../sink/kafka';
import { buildSinks, loadSchemaDir, topicSpecs } from '../sink/resource-sinks';
import { warnOfSharedTopics } from '../sink/topic-owner';
import { verifyExistingTopics } from '../sink/topics';

// A check should answer within seconds: a broker that is down is reported after 3 attempts
// (a run makes 9), each connection given at most 5 s.
const RETRIES = 2;
const CONNECTION_TIMEOUT_MS = 5000;

/**
 * The report lines for Kafka, in order: the brokers, then one line per topic. Throws the
 * KafkaError a run would (KAFKA_UNREACHABLE, TOPIC_POLICY_MISMATCH, …) and ConfigErrors that
 * only the Kafka side finds (a merge resource without a primary key, Avro without a schema).
 *
 * @example for (const line of await checkKafka(loaded, logger)) io.stdout.write(`${line}\n`)
 */
export async function checkKafka(loaded: LoadedConfig, logger: Logger): Promise<string[]> {
  const { pipeline } = loaded;
  const wanted = wantedResources(loaded.resources, []);
  const sinks = buildSinks(pipeline, wanted, loadSchemaDir(pipeline, logger));
  const specs = topicSpecs(pipeline, wanted, sinks);
  const config = { ...pipeline.kafka, connection_timeout_ms: Math.min(pipeline.kafka.connection_timeout_ms, CONNECTION_TIMEOUT_MS) };
  const kafka = createKafka(config, logger, RETRIES);
  const guard = <T>(doing: string, work: Promise<T>): Promise<T> => work.catch((e: unknown) => Promise.reject(kafkaFailure(e, doing, pipeline.kafka)));
  const admin = kafka.admin();
  try {
    await guard('connecting to Kafka', admin.connect());
    const { brokers } = await guard('describing the Kafka cluster', admin.describeCluster());
    const { present } = await guard('checking the topics', verifyExistingTopics(admin, specs));
    const existing = new Set(present.map((s) => s.topic));
    await warnOfSharedTopics(kafka, [...sinks.values()].filter((s) => existing.has(s.topic)), logger);
    return [
      `kafka ok: ${pipeline.kafka.brokers.join(',')} (${brokers.length} ${brokers.length === 1 ? 'broker' : 'brokers'})`,
      ...specs.map((s) =>
        existing.has(s.topic)
          ? `topic ${s.topic} for ${s.purpose}: exists, cleanup.policy=${s.cleanupPolicy}`
          : `topic ${s.topic} for ${s.purpose}: missing; a run creates it with cleanup.policy=${s.cleanupPolicy}, ${s.partitions} ${s.partitions === 1 ? 'partition' : 'partitions'}`,
      ),
    ];
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
