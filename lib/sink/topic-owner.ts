/**
 * Who writes a topic. Every data record names its writer in headers (`r2k-pipeline`,
 * `r2k-source`, `r2k-resource`), so a run can tell when a topic it is about to publish into
 * already holds another pipeline's records: two bare configs both default to the pipeline name
 * `rest2kafka` and the `{table_name}` topics, and compaction then mixes their keys without a
 * word (issue 13). Only the newest records of each partition are read: they say who writes
 * there now, and the read costs the same for any size of topic.
 */
import type { IHeaders, Kafka } from 'kafkajs';
import type { PipelineConfig } from '../config/types';
import { redact } from '../secrets/redact';
import type { Logger } from '../observability/logger';
import { readTopicBatches, topicRanges, type PartitionRange } from './read-topic';

/** What a record's headers say of its writer; records of an older rest2kafka have no `pipeline` and `source`. */
export interface TopicWriter {
  pipeline?: string;
  source?: string;
  resource: string;
}

/** A topic and who is about to write it. */
export interface TopicOfWriter {
  topic: string;
  writer: Required<TopicWriter>;
}

export interface SharedTopic {
  topic: string;
  ours: Required<TopicWriter>;
  /** The writer of the topic's newest records; `null`: records without rest2kafka's headers. */
  theirs: TopicWriter | null;
}

// A transaction ends in one marker per partition it wrote, and a killed run's tail can be an
// aborted transaction: the last few offsets always hold a record unless the topic is empty.
const TAIL_OFFSETS = 16;

/**
 * A resource's writer as this run's records name it.
 *
 * @example pipelineWriter(pipeline, 'incidents') // { pipeline: 'incidents-demo', source: 'http://127.0.0.1:8080', resource: 'incidents' }
 */
export function pipelineWriter(pipeline: PipelineConfig, resource: string): Required<TopicWriter> {
  return { pipeline: pipeline.pipeline_name, source: sourceOf(pipeline.source.client.base_url), resource };
}

/** The headers that name a record's writer. */
export function writerHeaders(writer: Required<TopicWriter>): Record<string, string> {
  return { 'r2k-resource': writer.resource, 'r2k-pipeline': writer.pipeline, 'r2k-source': writer.source };
}

/** The API a pipeline reads: its base URL without credentials, query or fragment (never a secret in a header). */
function sourceOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return redact(`${url.origin}${url.pathname}`.replace(/\/+$/, ''));
  } catch {
    return '';
  }
}

/**
 * The topics among `expected` whose newest records another writer wrote. Empty topics and
 * records of this very writer are fine; a record of an older rest2kafka (no `r2k-pipeline`)
 * counts only when its resource differs.
 *
 * @example await sharedTopics(kafka, [{ topic: 'services', writer: { pipeline: 'billing', source: 'https://api.example.com', resource: 'services' } }])
 */
export async function sharedTopics(kafka: Kafka, expected: readonly TopicOfWriter[]): Promise<SharedTopic[]> {
  const found = await Promise.all(expected.map(async ({ topic, writer }) => ({ topic, ours: writer, writers: await newestWriters(kafka, topic) })));
  return found.flatMap(({ topic, ours, writers }) => {
    const theirs = writers.find((w) => w === null || !sameWriter(w, ours));
    return theirs === undefined ? [] : [{ topic, ours, theirs }];
  });
}

function sameWriter(theirs: TopicWriter, ours: Required<TopicWriter>): boolean {
  if (theirs.resource !== ours.resource) return false;
  return theirs.pipeline === undefined || (theirs.pipeline === ours.pipeline && theirs.source === ours.source);
}

/** The writer of the newest record of each partition that has one. */
async function newestWriters(kafka: Kafka, topic: string): Promise<(TopicWriter | null)[]> {
  const ranges = new Map<number, PartitionRange>();
  for (const [partition, { from, end }] of await topicRanges(kafka, topic)) ranges.set(partition, { from: Math.max(from, end - TAIL_OFFSETS), end });
  const newest = new Map<number, IHeaders>();
  // Uncommitted too: an aborted transaction still shows who writes into the topic.
  await readTopicBatches(kafka, topic, (partition, messages) => void newest.set(partition, messages[messages.length - 1].headers ?? {}), { ranges, readUncommitted: true, timeoutMs: 15000 });
  return [...newest.values()].map(writerOf);
}

function writerOf(headers: IHeaders): TopicWriter | null {
  const text = (name: string): string | undefined => {
    const value = headers[name];
    return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
  };
  const resource = text('r2k-resource');
  if (resource === undefined) return null;
  return { resource, pipeline: text('r2k-pipeline'), source: text('r2k-source') };
}

/** What to tell the user about a shared topic: who writes it, who this run is, and how to separate them. */
export function sharedTopicMessage({ topic, ours, theirs }: SharedTopic): string {
  const them = theirs === null ? 'records not written by rest2kafka (no r2k-resource header)' : `records of ${describe(theirs)}`;
  return (
    `topic ${topic} already holds ${them}; this run is ${describe(ours)}. Both now publish into it, and compaction keeps whichever ` +
    `wrote a key last. Give each pipeline its own topics with topics.prefix (e.g. prefix: "${ours.pipeline}.") and its own pipeline_name, ` +
    'which also names its state keys and transactional id.'
  );
}

function describe(writer: TopicWriter): string {
  const pipeline = writer.pipeline === undefined ? 'an earlier rest2kafka' : `pipeline "${writer.pipeline}"`;
  const source = writer.source ? ` reading ${redact(writer.source)}` : '';
  return `${pipeline}${source} (resource ${writer.resource})`;
}

/**
 * Logs a WARN for each topic among `expected` that another writer writes. The check only warns:
 * a failure to read a topic's tail is logged and the run goes on.
 *
 * @example await warnOfSharedTopics(kafka, [...sinks.values()], log) // a ResourceSink is a TopicOfWriter
 */
export async function warnOfSharedTopics(kafka: Kafka, expected: readonly TopicOfWriter[], log: Logger): Promise<void> {
  try {
    for (const shared of await sharedTopics(kafka, expected)) log.warn(sharedTopicMessage(shared), { topic: shared.topic });
  } catch (error) {
    log.warn('could not check which pipelines write the existing topics; publishing anyway', { error: redact(error instanceof Error ? error.message : String(error)) });
  }
}
