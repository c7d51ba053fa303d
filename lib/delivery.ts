/**
 * `run`: extraction delivered to Kafka with state that never runs ahead of the data.
 *
 * Pages are prepared as they arrive (keys, validation, encoding, dead letters) and committed
 * in batches: every transaction carries the data of one or more pages plus, for each resource
 * touched, the state document after its last page in the batch. A resource's completion
 * (cursor promotion, full-refresh tombstones) is a transaction of its own, after all its pages.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { LoadedConfig } from './config/load';
import type { JsonValue, ResolvedResource } from './config/types';
import { ConfigError, InvalidRecordsError } from './errors';
import { createSlots } from './extract/slots';
import { createHttpClient } from './http/client';
import { incrementalParamOf } from './http/endpoint-request';
import { createIncrementalFilter } from './incremental/filter';
import type { IncrementalState } from './incremental/types';
import { crashPoint } from './observability/crash-points';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { extract, type PipelineEvent, type ResourcePlan } from './pipeline';
import { createKafka, kafkaFailure } from './sink/kafka';
import { preparePage, type PreparedPage, type ResourceSink } from './sink/prepare';
import { packedBytes, packMessages, type OutgoingMessage, type PackedMessages } from './sink/message-pack';
import { waitUntilReadable, type Publisher } from './sink/publish';
import { openPublisher } from './sink/publisher-thread';
import { buildSinks, loadSchemaDir, topicSpecs } from './sink/resource-sinks';
import { keysMissingFromSnapshot } from './sink/snapshot-diff';
import { ensureTopics } from './sink/topics';
import { advance, beginRun, canResume, complete, type ResourceState } from './state/checkpoint';
import { loadStates, stateMessage, stateOf } from './state/store';
import { inferSchema } from './validation/infer';

export interface RunOptions {
  loaded: LoadedConfig;
  /** `--resource`: only these (their parents are fetched to drive them). Empty = all selected. */
  only: readonly string[];
  fullRefresh: boolean;
  dryRun: boolean;
  logger: Logger;
  signal: AbortSignal;
  /** Called after each committed batch (progress display). */
  onProgress?: (summaries: readonly ResourceSummary[]) => void;
  metrics?: Metrics;
}

export interface ResourceSummary {
  resource: string;
  topic: string;
  pages: number;
  records: number;
  tombstones: number;
  deadLettered: number;
  /** Records published without undeclared fields (schema_contract discard_value). */
  trimmed: number;
  /** Pages the API said the resource has (offset/page_number with a total), for progress. */
  expectedPages?: number;
  resumed: boolean;
  fullRefresh: boolean;
  startedAt: number;
  durationMs: number;
}

export interface RunResult {
  runId: string;
  summaries: ResourceSummary[];
  /** True when a signal stopped the run after its last committed batch. */
  interrupted: boolean;
}

/** Records per transaction before a batch is cut (several pages share one commit). */
const BATCH_RECORDS = 5000;

/**
 * Encoded bytes of prepared pages that may wait for their commit without holding a slot. A
 * prepared page is compact (its encoded records; the parsed ones are gone), so the next
 * batches are prepared while one commits on the publisher thread — the two halves of a
 * CPU-bound run overlap instead of taking turns — and memory stays bounded by this budget plus
 * the slots. Measured at latency 0 (bench/, 300,000 records): 18 slots released on commit
 * 23–26k records/s; released here, ~30k.
 */
const PREPARED_AHEAD_BYTES = 4 * 1024 * 1024;

/** @example const result = await runPipeline({ loaded, only: [], fullRefresh: false, dryRun: false, logger, signal }) */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const { pipeline } = options.loaded;
  const runId = randomUUID();
  const wanted = wantedResources(options.loaded.resources, options.only);
  const sinks = buildSinks(pipeline, wanted, loadSchemaDir(pipeline, options.logger));
  const log = options.logger.child({ run_id: runId });
  log.info('run started', { pipeline: pipeline.pipeline_name, resources: wanted.map((r) => r.name), full_refresh: options.fullRefresh, dry_run: options.dryRun });

  if (options.dryRun) return deliver({ options, runId, wanted, sinks, io: null, log });

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
        transactional: pipeline.delivery.transactions ?? true,
        transactionalId: pipeline.delivery.transactional_id ?? `rest2kafka-${pipeline.pipeline_name}`,
        transactionTimeoutMs: pipeline.delivery.transaction_timeout_ms ?? 60000,
        compression: pipeline.delivery.compression ?? 'none',
      },
      log,
    );
    const stateTopic = pipeline.delivery.state_topic!;
    const states = await guard(`reading state topic ${stateTopic}`, loadStates(kafka, stateTopic, pipeline.pipeline_name));
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

interface KafkaIO {
  kafka: Kafka;
  admin: Admin;
  publisher: Publisher;
  stateTopic: string;
  states: Map<string, ResourceState>;
  snapshot(topic: string): Promise<Record<string, string>>;
  /** Turns a kafkajs failure of `work` into a KafkaError that says what was being done (ours pass through). */
  guard<T>(doing: string, work: Promise<T>): Promise<T>;
  /** Topics this run created: they hold none of the data an earlier state describes. */
  created: ReadonlySet<string>;
}

/** What one run's stages share; `io` is null for a dry run (no Kafka at all). */
interface RunContext {
  options: RunOptions;
  runId: string;
  wanted: ResolvedResource[];
  sinks: Map<string, ResourceSink>;
  io: KafkaIO | null;
  log: Logger;
}

interface Tracker {
  resource: ResolvedResource;
  sink: ResourceSink;
  summary: ResourceSummary;
  /** State after the last *prepared* page; committed with that page's batch. */
  state: ResourceState;
  persist: boolean;
  snapshotTombstones: boolean;
  done: boolean;
  /** The inferred schema was logged (resources without a .avsc). */
  inferred: boolean;
}

/** A page item carries the state *as of that page*: a batch never commits state for pages it does not hold. */
type Item =
  | {
      kind: 'page';
      tracker: Tracker;
      counts: PageCounts;
      /** The page's data and dead letters, packed: its message objects are gone. Null in a dry run. */
      packed: PackedMessages | null;
      state: ResourceState;
      /** Bytes counted in the prepared-ahead budget (its slot was released), or null: it holds its slot until committed. */
      ahead: number | null;
    }
  | { kind: 'done'; tracker: Tracker };

async function deliver(run: RunContext): Promise<RunResult> {
  const { options, runId, io, log } = run;
  const { pipeline } = options.loaded;
  const client = pipeline.source.client;
  const { trackers, plans } = await planResources(run);

  const onInvalid = pipeline.delivery.on_invalid ?? 'dead_letter';
  const pageConcurrency = client.page_concurrency ?? 4;
  const slots = createSlots(pageConcurrency * (client.resource_concurrency ?? 2) + 2);
  let preparedAhead = 0;
  const http = createHttpClient({ timeoutMs: client.timeout_ms ?? 60000 });
  const queue: Item[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let failure: unknown = null;
  const signalWake = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const onEvent = (event: PipelineEvent) => {
    const tracker = trackers.get(event.kind === 'page' ? event.page.resource : event.resource)!;
    if (event.kind === 'done') {
      queue.push({ kind: 'done', tracker });
    } else {
      const { page } = event;
      if (page.expectedPages !== undefined) tracker.summary.expectedPages = page.expectedPages;
      if (!tracker.sink.schema && !tracker.inferred && page.records.length > 0) {
        tracker.inferred = true;
        log.info('no schema file for this resource: records are published unvalidated; the schema inferred from its first page is below. Review it and save it with: rest2kafka schema --config FILE --resource ' + page.resource, {
          resource: page.resource,
          inferred_schema: inferSchema(page.records, page.resource),
        });
      }
      const prepared = preparePage(tracker.sink, { index: page.index, url: page.url, records: page.records, recordJson: page.recordJson, fetchedAt: page.fetchedAt }, runId);
      if (prepared.deadLettered > 0 && onInvalid === 'fail') {
        throw new InvalidRecordsError(`resource "${page.resource}" page ${page.index}: ${prepared.deadLettered} invalid record(s); first: ${firstReason(prepared)}. Nothing from this page was published (delivery.on_invalid is "fail").`, { context: { resource: page.resource, page: page.index, url: page.url } });
      }
      tracker.state = advance(tracker.state, {
        now: new Date(page.fetchedAt),
        resume: page.next,
        page: { request: page.request, fingerprint: page.fingerprint },
        nextIndex: page.index + 1,
        records: prepared.records + prepared.tombstones,
        incremental: page.incremental,
        deadLetteredKeys: prepared.deadLetteredKeys,
      });
      const packed = io ? packMessages(prepared.data.concat(prepared.deadLetters)) : null;
      const bytes = packed ? packedBytes(packed) : 0;
      const ahead = preparedAhead + bytes <= PREPARED_AHEAD_BYTES ? bytes : null;
      if (ahead !== null) {
        preparedAhead += ahead;
        slots.release();
      }
      queue.push({ kind: 'page', tracker, counts: countsOf(prepared), packed, state: tracker.state, ahead });
      crashPoint('after-fetch'); // test hook (R2K_CRASH_AT): a page prepared, its batch not committed
    }
    signalWake();
  };

  const subscription = extract({
    client,
    resources: options.loaded.resources,
    wanted: new Set([...trackers.values()].filter((t) => !completionOnly(t)).map((t) => t.resource.name)),
    http,
    plans,
    slots,
    signal: options.signal,
    onResponse: (resource, status) => options.metrics?.response(resource, status),
    onRetry: (resource, info) => {
      options.metrics?.retry(resource);
      log.warn('retrying request', { resource, attempt: info.attempt, delay_ms: info.delayMs, error: info.error });
    },
  }).subscribe({
    next: (event) => {
      try {
        onEvent(event);
      } catch (error) {
        failure = error;
        signalWake();
      }
    },
    error: (error: unknown) => {
      failure = error;
      signalWake();
    },
    complete: () => {
      finished = true;
      signalWake();
    },
  });
  for (const t of trackers.values()) if (completionOnly(t)) queue.push({ kind: 'done', tracker: t });

  const onAbort = () => signalWake();
  options.signal.addEventListener('abort', onAbort);
  let interrupted = false;
  try {
    for (;;) {
      // Checked first: aborting cancels in-flight requests, whose errors are not the story.
      if (options.signal.aborted) {
        interrupted = true;
        break;
      }
      if (failure) throw failure;
      if (queue.length === 0) {
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const batch = takeBatch(queue);
      if (batch[0].kind === 'done') {
        await completeResource(batch[0].tracker, io, runId, log);
        const { tracker } = batch[0];
        options.metrics?.synced(tracker.resource.name, new Date(), (tracker.state.incremental as { last_value?: unknown } | null)?.last_value);
      }
      else await commitPages(batch as Extract<Item, { kind: 'page' }>[], io);
      crashPoint('after-commit'); // test hook (R2K_CRASH_AT): a batch committed, the next not begun
      for (const item of batch) {
        if (item.kind !== 'page') continue;
        if (item.ahead === null) slots.release();
        else preparedAhead -= item.ahead;
        const s = item.tracker.summary;
        s.pages += 1;
        const { counts } = item;
        s.records += counts.records;
        s.tombstones += counts.tombstones;
        s.deadLettered += counts.deadLettered;
        s.trimmed += counts.trimmed;
        options.metrics?.published(s.resource, { records: counts.records, tombstones: counts.tombstones, deadLettered: counts.deadLettered, bytes: counts.bytes });
        s.durationMs = Date.now() - s.startedAt;
      }
      options.onProgress?.([...trackers.values()].map((t) => t.summary));
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    subscription.unsubscribe();
    http.close();
  }
  const summaries = [...trackers.values()].map((t) => ({ ...t.summary, durationMs: t.done ? t.summary.durationMs : Date.now() - t.summary.startedAt }));
  log.info(interrupted ? 'run interrupted after its last committed page' : 'run finished', { resources: summaries.length });
  return { runId, summaries, interrupted };
}

/**
 * Decides, per resource, how this run starts: resume an interrupted run from its stored
 * request, or begin a new one (incremental filter from the committed cursor, or from the
 * initial value for a full refresh; snapshot offsets for the tombstone diff).
 */
async function planResources({ options, runId, wanted, sinks, io, log }: RunContext): Promise<{ trackers: Map<string, Tracker>; plans: Map<string, ResourcePlan> }> {
  const states = io?.states ?? new Map<string, ResourceState>();
  const { pipeline } = options.loaded;
  const client = pipeline.source.client;
  const now = new Date();
  const trackers = new Map<string, Tracker>();
  const plans = new Map<string, ResourcePlan>();
  const hasChildren = new Set(options.loaded.resources.flatMap((r) => (r.parent ? [r.parent] : [])));

  for (const resource of options.loaded.resources) {
    const isWanted = wanted.includes(resource);
    const fullRefresh = options.fullRefresh || resource.writeDisposition === 'replace';
    const stored = stateOf(states, pipeline.pipeline_name, resource.name);
    // A data topic created by this run was deleted (or renamed) since the state was written:
    // resuming, or starting from the committed cursor, would skip the data that went with it.
    const topicLost = isWanted && io !== null && io.created.has(sinks.get(resource.name)!.topic) && (stored.run !== null || stored.incremental !== null);
    if (topicLost) log.warn('the data topic did not exist but the state has progress for it (topic deleted?): starting this resource from the beginning', { resource: resource.name, topic: sinks.get(resource.name)!.topic });
    const previous = topicLost ? { ...stored, incremental: null, run: null } : stored;
    const fingerprint = configFingerprint(client.base_url, resource);
    const resumable = isWanted && io !== null && resource.parent === null && !hasChildren.has(resource.name) && canResume(previous, fullRefresh, fingerprint);
    const incremental = incrementalParamOf(resource);
    const committed = fullRefresh ? null : (previous.incremental as unknown as IncrementalState | null);
    const filter = incremental ? createIncrementalFilter(incremental.config, committed, resource.primaryKey, { resource: resource.name, dependent: resource.parent !== null }) : null;
    const run = resumable ? previous.run! : null;
    plans.set(resource.name, {
      incremental: filter,
      resume: run?.resume ? { request: run.resume, index: run.next_index, check: run.last_page ?? undefined } : undefined,
      onRestart: (reason) => log.warn(`not resuming the interrupted run: ${reason}; extracting this resource from its start`, { resource: resource.name }),
      recordJson: isWanted && sinks.get(resource.name)!.encoder.usesRecordJson,
    });
    if (!isWanted) continue;
    const sink = sinks.get(resource.name)!;
    const snapshotTombstones = fullRefresh && resource.writeDisposition !== 'append' && io !== null;
    const state = run
      ? previous
      : beginRun(previous.run ? { ...previous, run: null } : previous, {
          id: runId,
          now,
          fullRefresh,
          fingerprint,
          startValue: (filter?.startValue ?? null) as JsonValue,
          incremental: (filter && !filter.stateless ? filter.state() : null) as unknown as JsonValue,
          snapshotOffsets: snapshotTombstones ? await io!.snapshot(sink.topic) : null,
        });
    if (run) log.info('resuming interrupted run', { resource: resource.name, from_page: run.next_index, interrupted_run: run.id });
    trackers.set(resource.name, {
      resource,
      sink,
      state,
      persist: io !== null,
      snapshotTombstones,
      done: false,
      inferred: false,
      summary: { resource: resource.name, topic: sink.topic, pages: 0, records: 0, tombstones: 0, deadLettered: 0, trimmed: 0, resumed: run !== null, fullRefresh, startedAt: Date.now(), durationMs: 0 },
    });
  }
  return { trackers, plans };
}

/** A resumed run whose pages were all published: only its completion is left. */
function completionOnly(t: Tracker): boolean {
  return t.summary.resumed && t.state.run !== null && t.state.run.resume === null;
}

/** Pages up to the next completion (or the record budget); a completion always goes alone. */
function takeBatch(queue: Item[]): Item[] {
  if (queue[0].kind === 'done') return [queue.shift()!];
  const batch: Item[] = [];
  let records = 0;
  while (queue.length > 0 && queue[0].kind === 'page' && (batch.length === 0 || records < BATCH_RECORDS)) {
    const item = queue.shift() as Extract<Item, { kind: 'page' }>;
    records += item.counts.messages;
    batch.push(item);
  }
  return batch;
}

async function commitPages(batch: Extract<Item, { kind: 'page' }>[], io: KafkaIO | null): Promise<void> {
  if (!io) return;
  const latest = new Map<string, ResourceState>();
  for (const item of batch) if (item.tracker.persist) latest.set(item.tracker.resource.name, item.state);
  const state = packMessages([...latest.values()].map((s) => stateMessage(io.stateTopic, s)));
  await io.publisher.publish(batch.map((item) => item.packed!), [state]);
}

async function completeResource(tracker: Tracker, io: KafkaIO | null, runId: string, log: Logger): Promise<void> {
  tracker.done = true;
  tracker.summary.durationMs = Date.now() - tracker.summary.startedAt;
  if (!io) return;
  const run = tracker.state.run;
  let tombstones: OutgoingMessage[] = [];
  if (tracker.snapshotTombstones && run?.snapshot_offsets) {
    const topic = tracker.sink.topic;
    await io.guard(`waiting until ${topic} is readable`, waitUntilReadable(io.admin, topic, io.publisher.written(topic)));
    const keys = await io.guard(`reading the keys of ${topic} for the full refresh`, keysMissingFromSnapshot(io.kafka, topic, run.snapshot_offsets, new Set(run.dead_lettered_keys)));
    tombstones = keys.map((key) => ({ topic: tracker.sink.topic, key, value: null, headers: { 'r2k-resource': tracker.resource.name, 'r2k-run-id': runId, 'r2k-reason': 'full-refresh' }, timestamp: String(Date.now()) }));
    tracker.summary.tombstones += tombstones.length;
    if (tombstones.length) log.info('full refresh: tombstoning keys the snapshot did not contain', { resource: tracker.resource.name, keys: tombstones.length });
  }
  tracker.state = complete(tracker.state, new Date());
  await io.publisher.publish([packMessages(tombstones)], [packMessages(tracker.persist ? [stateMessage(io.stateTopic, tracker.state)] : [])]);
  log.info('resource complete', { resource: tracker.resource.name, pages: tracker.summary.pages, records: tracker.summary.records, tombstones: tracker.summary.tombstones, dead_lettered: tracker.summary.deadLettered });
}

function wantedResources(resources: readonly ResolvedResource[], only: readonly string[]): ResolvedResource[] {
  const known = resources.map((r) => r.name);
  for (const name of only) {
    if (!known.includes(name)) throw new ConfigError(`--resource ${name}: no such resource; the config defines: ${known.join(', ')}`, { code: 'USAGE' });
  }
  return resources.filter((r) => (only.length ? only.includes(r.name) : r.selected) && r.writeDisposition !== 'skip');
}

/** Changes to what a resource requests make an interrupted run's resume point meaningless. */
function configFingerprint(baseUrl: string, resource: ResolvedResource): string {
  return createHash('sha256').update(JSON.stringify({ baseUrl, endpoint: resource.endpoint, steps: resource.processingSteps.length })).digest('hex').slice(0, 16);
}

type PageCounts = Pick<PreparedPage, 'records' | 'tombstones' | 'deadLettered' | 'trimmed' | 'bytes'> & {
  /** Messages the page publishes: data, tombstones and dead letters. */
  messages: number;
};

function countsOf({ records, tombstones, deadLettered, trimmed, bytes, data, deadLetters }: PreparedPage): PageCounts {
  return { records, tombstones, deadLettered, trimmed, bytes, messages: data.length + deadLetters.length };
}

function firstReason(page: PreparedPage): string {
  const first = page.deadLetters[0]?.value;
  return first ? (JSON.parse(first.toString('utf8')) as { reason: string }).reason : 'unknown';
}

