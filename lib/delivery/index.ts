/**
 * `run`: extraction delivered to Kafka with state that never runs ahead of the data. This file
 * is the set-up: Kafka clients, topics, the transactional publisher and the stored states, and
 * the wait until everything published is readable. The stream itself is stream.ts; resume
 * planning plan.ts; the commit step, completion and tombstones commit.ts.
 */
import { randomUUID } from 'node:crypto';
import { createKafka, kafkaFailure } from '../sink/kafka';
import { waitUntilReadable, type Publisher } from '../sink/publish';
import { openPublisher } from '../sink/publisher-thread';
import { buildSinks, loadSchemaDir, registerSchemas, topicSpecs } from '../sink/resource-sinks';
import { warnOfSharedTopics } from '../sink/topic-owner';
import { ensureTopics } from '../sink/topics';
import { StateLog } from '../state/store';
import { wantedResources } from './plan';
import { deliver } from './stream';
import type { KafkaIO, RunOptions, RunResult } from './types';

export type { ResourceSummary, RunOptions, RunResult } from './types';

/** @example const result = await runPipeline({ loaded, only: [], fullRefresh: false, dryRun: false, logger, signal }) */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const { pipeline } = options.loaded;
  const runId = randomUUID();
  const wanted = wantedResources(options.loaded.resources, options.only);
  const sinks = buildSinks(pipeline, wanted, loadSchemaDir(pipeline, options.logger));
  const log = options.logger.child({ run_id: runId });
  log.info('run started', { pipeline: pipeline.pipeline_name, resources: wanted.map((r) => r.name), full_refresh: options.fullRefresh, dry_run: options.dryRun });

  if (options.dryRun) return deliver({ options, runId, wanted, sinks, io: null, log });
  await registerSchemas(pipeline, sinks, log);

  const kafka = createKafka(pipeline.kafka, log);
  const guard = <T>(doing: string, work: Promise<T>): Promise<T> => work.catch((e: unknown) => Promise.reject(kafkaFailure(e, doing, pipeline.kafka)));
  const admin = kafka.admin();
  let publisher: Publisher | null = null;
  try {
    await guard('connecting to Kafka', admin.connect());
    const { created } = await guard('creating topics', ensureTopics(admin, topicSpecs(pipeline, wanted, sinks)));
    // Fence before reading state: a zombie's open transaction would hold the state topic's end back.
    publisher = await openPublisher(
      kafka,
      pipeline.kafka,
      {
        transactional: pipeline.delivery.transactions,
        transactionalId: options.transactionalId ?? pipeline.delivery.transactional_id,
        transactionTimeoutMs: pipeline.delivery.transaction_timeout_ms,
        compression: pipeline.delivery.compression,
      },
      log,
    );
    const stateTopic = pipeline.delivery.state_topic;
    // Beside the state read, as both wait out a new consumer group's first join: topics that
    // existed before this run may hold another pipeline's records (topic-owner.ts; it only warns).
    const [states] = await Promise.all([
      guard(`reading state topic ${stateTopic}`, (options.stateLog ?? new StateLog(stateTopic, pipeline.pipeline_name)).read(kafka)),
      warnOfSharedTopics(kafka, [...sinks.values()].filter((s) => !created.includes(s.topic)), log),
    ]);
    const snapshot = async (topic: string) => Object.fromEntries((await guard(`reading the end offsets of ${topic}`, admin.fetchTopicOffsets(topic))).map((p) => [String(p.partition), p.high]));
    const io: KafkaIO = { kafka, admin, publisher, stateTopic, states, snapshot, guard, created: new Set(created) };
    const result = await deliver({ options, runId, wanted, sinks, io, log });
    // commit() resolves before the coordinator has written the transaction markers, and until
    // it has, read_committed readers stop short of the last transaction. Waiting here means that
    // once `run` returns, everything it published is readable (e.g. by a `replay` right after).
    const written = new Set([...sinks.values()].flatMap((s) => [s.topic, s.deadLetterTopic]).concat(stateTopic));
    for (const topic of written) await guard(`waiting until ${topic} is readable`, waitUntilReadable(admin, topic, publisher.written(topic)));
    return result;
  } finally {
    await publisher?.close();
    await admin.disconnect().catch(() => undefined);
  }
}
