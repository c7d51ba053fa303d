/**
 * One stream from request to commit: extraction's pages are prepared (keys, validation,
 * encoding, dead letters) as they arrive, committed in batches, and counted once committed.
 *
 * Back-pressure: delivery holds every page it receives (pagination/page-hold.ts), which keeps
 * the page's fetch slot taken. A prepared page is compact (its encoded records, packed; the
 * parsed ones are gone), so it lets go of its hold as soon as it is prepared while the packed
 * pages waiting for their commit fit {@link PREPARED_AHEAD_BYTES}; past that budget it keeps the
 * hold until committed. The next batches are then prepared while one commits on the publisher
 * thread — the two halves of a CPU-bound run overlap instead of taking turns.
 */
import { from, map, merge, Observable, tap } from 'rxjs';
import { InvalidRecordsError } from '../errors';
import { crashPoint } from '../observability/crash-points';
import { holdPage, type Release } from '../pagination/page-hold';
import { extract, extractionHttpClient, type PipelineEvent } from '../pipeline';
import { packedBytes, packMessages } from '../sink/message-pack';
import { preparePage, type PreparedPage } from '../sink/prepare';
import { advance } from '../state/checkpoint';
import { inferSchema } from '../validation/infer';
import { commitInBatches } from './batches';
import { commitPages, completeResource, reportInvalidShare, type PageCommit } from './commit';
import { completionOnly, planResources } from './plan';
import type { RunContext, RunResult, Tracker } from './types';
import { withoutUnchanged } from './unchanged';

/** Records per transaction before a batch is cut (several pages share one commit). */
const BATCH_RECORDS = 5000;

/**
 * Encoded bytes of prepared pages that may wait for their commit without holding a slot.
 * Measured at latency 0 (bench/, 300,000 records): pages held until committed 23–26k
 * records/s; let go once prepared within this budget, ~30k.
 */
const PREPARED_AHEAD_BYTES = 4 * 1024 * 1024;

type PageItem = PageCommit & {
  kind: 'page';
  counts: PageCounts;
  /** Ends delivery's hold on the page (a no-op once let go within the budget). */
  release: Release;
  /** Bytes counted in the prepared-ahead budget (0: it kept its hold instead). */
  ahead: number;
};
type Item = PageItem | { kind: 'done'; tracker: Tracker };

/** @example const result = await deliver(run) */
export async function deliver(run: RunContext): Promise<RunResult> {
  const { options, runId, io, log } = run;
  const { pipeline } = options.loaded;
  const client = pipeline.source.client;
  const { trackers, plans } = await planResources(run);
  const onInvalid = pipeline.delivery.on_invalid;
  const http = extractionHttpClient(client);
  let preparedAhead = 0;

  const toItem = (event: PipelineEvent): Item => {
    if (event.kind === 'done') return { kind: 'done', tracker: trackers.get(event.resource)! };
    const { page } = event;
    const release = holdPage(page);
    const tracker = trackers.get(page.resource)!;
    if (page.expectedPages !== undefined) tracker.summary.expectedPages = page.expectedPages;
    if (!tracker.sink.schema && !tracker.inferred && page.records.length > 0) {
      tracker.inferred = true;
      // The schema is long: at debug only; the notice once per process (not every --interval run).
      log.debug('schema inferred from the first page', { resource: page.resource, inferred_schema: inferSchema(page.records, page.resource) });
      if (!options.noticed?.has(page.resource)) {
        options.noticed?.add(page.resource);
        log.info(`no schema file for this resource: records are published unvalidated. See the schema inferred from its records, and save it, with: rest2kafka schema --config FILE --resource ${page.resource}`, { resource: page.resource });
      }
    }
    const all = preparePage(tracker.sink, { index: page.index, url: page.url, records: page.records, recordJson: page.recordJson, fetchedAt: page.fetchedAt }, runId);
    const prepared = tracker.committedBefore ? withoutUnchanged(all, tracker.committedBefore) : all;
    if (prepared.deadLettered > 0 && onInvalid === 'fail') {
      throw new InvalidRecordsError(`resource "${page.resource}" page ${page.index}: ${prepared.deadLettered} invalid record(s); first: ${firstReason(prepared)}. Nothing from this page was published (delivery.on_invalid is "fail").`, { context: { resource: page.resource, page: page.index, url: page.url } });
    }
    if (prepared.deadLettered > 0) tracker.summary.firstInvalid ??= firstReason(prepared);
    tracker.state = advance(tracker.state, {
      now: new Date(page.fetchedAt),
      resume: page.next,
      page: { request: page.request, fingerprint: page.fingerprint },
      nextIndex: page.index + 1,
      records: prepared.records + prepared.tombstones,
      incremental: page.incremental,
      deadLetteredKeys: prepared.deadLetteredKeys,
      deadLettered: prepared.deadLettered,
      expectedPages: page.expectedPages,
    });
    const packed = io ? packMessages(prepared.data.concat(prepared.deadLetters)) : null;
    const bytes = packed ? packedBytes(packed) : 0;
    let ahead = 0;
    if (preparedAhead + bytes <= PREPARED_AHEAD_BYTES) {
      ahead = bytes;
      preparedAhead += bytes;
      release();
    }
    crashPoint('after-fetch'); // test hook (R2K_CRASH_AT): a page prepared, its batch not committed
    return { kind: 'page', tracker, counts: countsOf(prepared), packed, state: tracker.state, release, ahead };
  };

  const commit = async (batch: Item[]): Promise<void> => {
    const [first] = batch;
    if (first.kind === 'done') {
      await completeResource(first.tracker, io, runId, log);
      reportInvalidShare(first.tracker.summary, log, options.metrics);
      options.metrics?.synced(first.tracker.resource.name, new Date(), (first.tracker.state.incremental as { last_value?: unknown } | null)?.last_value);
    } else await commitPages(batch as PageItem[], io);
    crashPoint('after-commit'); // test hook (R2K_CRASH_AT): a batch committed, the next not begun
  };

  const committed = (batch: Item[]): void => {
    for (const item of batch) {
      if (item.kind !== 'page') continue;
      item.release();
      preparedAhead -= item.ahead;
      const s = item.tracker.summary;
      const { counts } = item;
      s.pages += 1;
      s.records += counts.records;
      s.tombstones += counts.tombstones;
      s.deadLettered += counts.deadLettered;
      s.trimmed += counts.trimmed;
      options.metrics?.published(s.resource, { records: counts.records, tombstones: counts.tombstones, deadLettered: counts.deadLettered, bytes: counts.bytes });
      s.durationMs = Date.now() - s.startedAt;
    }
    options.onProgress?.([...trackers.values()].map((t) => t.summary));
  };

  const events: Observable<PipelineEvent> = extract({
    client,
    resources: options.loaded.resources,
    wanted: new Set([...trackers.values()].filter((t) => !completionOnly(t)).map((t) => t.resource.name)),
    http,
    plans,
    signal: options.signal,
    onResponse: (resource, status) => options.metrics?.response(resource, status),
    onRetry: (resource, info) => {
      options.metrics?.retry(resource);
      log.warn('retrying request', { resource, attempt: info.attempt, delay_ms: info.delayMs, error: info.error });
    },
  });
  const resumedDone = from([...trackers.values()].filter(completionOnly).map((t): PipelineEvent => ({ kind: 'done', resource: t.resource.name })));

  try {
    await new Promise<void>((resolve, reject) => {
      merge(resumedDone, events)
        .pipe(map(toItem), commitInBatches({ cut: cutBatch, commit, signal: options.signal }), tap(committed))
        .subscribe({ error: reject, complete: resolve });
    }).catch((error: unknown) => {
      // Aborting cancels in-flight requests, whose errors are not the story.
      if (!options.signal.aborted) throw error;
    });
  } finally {
    http.close();
  }
  const interrupted = options.signal.aborted;
  const summaries = [...trackers.values()].map((t) => ({ ...t.summary, durationMs: t.done ? t.summary.durationMs : Date.now() - t.summary.startedAt }));
  log.info(interrupted ? 'run interrupted after its last committed page' : 'run finished', { resources: summaries.length });
  return { runId, summaries, interrupted };
}

/** Pages up to the next completion (or the record budget); a completion always goes alone. */
function cutBatch(pending: Item[]): Item[] {
  if (pending[0].kind === 'done') return pending.splice(0, 1);
  let n = 0;
  let records = 0;
  while (n < pending.length && pending[n].kind === 'page' && (n === 0 || records < BATCH_RECORDS)) {
    records += (pending[n] as PageItem).counts.messages;
    n += 1;
  }
  return pending.splice(0, n);
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
