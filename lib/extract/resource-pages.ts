/**
 * One resource as a stream of extracted pages: build the first request, paginate, apply the
 * processing steps and the incremental filter, page by page. Dependent resources run one
 * request chain per parent record. No Kafka here: `preview`, `check` and `run` share it.
 */
import { createHash } from 'node:crypto';
import { concatMap, EMPTY, finalize, from, map, mergeMap, Observable, takeWhile } from 'rxjs';
import type { ClientConfig, JsonValue, ResolvedResource } from '../config/types';
import { Rest2KafkaError, ResponseError } from '../errors';
import { buildInitialRequest } from '../http/endpoint-request';
import type { PageRequest } from '../http/request';
import type { IncrementalFilter } from '../incremental/filter';
import { detectPaginator } from '../pagination/detect';
import { createPaginator } from '../pagination/index';
import { paginate, type FetchPage } from '../pagination/paginate';
import { compileProcessingSteps } from '../selection/processing-steps';
import type { RecordJson } from '../selection/record-json';
import { holdPage, type Holdable } from '../pagination/page-hold';
import { includeFromParent } from './include-from-parent';

export interface ExtractedPage extends Holdable {
  resource: string;
  index: number;
  /** Redacted URL of the page (for messages and dead letters). */
  url: string;
  status: number;
  /** Records after processing steps and the incremental filter. */
  records: unknown[];
  /** The JSON text of records as the API sent it, when the fetcher cut it (see ResourcePlan). */
  recordJson?: RecordJson;
  /** The request resuming after this page, `null` after the last page. */
  next: PageRequest | null;
  /** The request that fetched this page (before auth): a resume checks it again. */
  request: PageRequest;
  /** Fingerprint of the page's raw records (their primary keys, in order). */
  fingerprint: string;
  /** Pages the resource is expected to have, when the total is known. */
  expectedPages?: number;
  /** Running incremental state after this page (`null` without incremental). */
  incremental: JsonValue;
  fetchedAt: number;
}

export interface ResourceRun {
  resource: ResolvedResource;
  client: ClientConfig;
  /** A fetcher for one request chain (one per parent record for dependent resources). */
  fetcher: () => FetchPage;
  pageConcurrency: number;
  /** Request chains of a dependent resource run at once, over all parent records. */
  childConcurrency: number;
  incremental: IncrementalFilter | null;
  /**
   * Continue an interrupted run from `request`, after re-reading the last committed page: if
   * its records are no longer the same (the API changed under the offsets), the run starts
   * over instead, because resuming would skip the records that moved.
   */
  resume?: { request: PageRequest; index: number; check?: { request: PageRequest; fingerprint: string } };
  /** Called when a resume check found the data shifted; the run starts over once it resolves. */
  onRestart?: (reason: string) => Promise<void>;
  /** Stop after this many pages (preview, check). */
  maxPages?: number;
}

/**
 * Pages of a top-level resource, or of a dependent one given its parent's pages.
 *
 * A dependent resource runs one request chain per parent record, `childConcurrency` chains at
 * once over all parent records. It holds each parent page until the chains for all of that
 * page's records are done, so the parent's pagination (which keeps a slot per held page) cannot
 * run ahead of slow children: the records waiting for a chain are those of held pages only.
 */
export function resourcePages(run: ResourceRun, parentPages?: Observable<{ resource: string; records: unknown[] } & Holdable>): Observable<ExtractedPage> {
  const steps = compileProcessingSteps(run.resource.processingSteps, run.resource.name);
  if (!parentPages) return chain(run, steps, undefined);
  const parentName = run.resource.parent!;
  const childRun = { ...run, resume: undefined };
  return parentPages.pipe(
    mergeMap((page) => {
      if (page.records.length === 0) return EMPTY;
      const release = holdPage(page);
      let left = page.records.length;
      const done = () => (left -= 1) === 0 && release();
      return from(page.records.map((record) => ({ record: record as Record<string, unknown>, done })));
    }),
    mergeMap(({ record, done }) => chain(childRun, steps, { name: parentName, record }).pipe(finalize(done)), run.childConcurrency),
  );
}

function chain(
  run: ResourceRun,
  steps: (records: unknown[]) => unknown[],
  parent: { name: string; record: Record<string, unknown> } | undefined,
): Observable<ExtractedPage> {
  const check = run.resume?.check;
  if (!check) return pagesOf(run, steps, parent);
  const fetchPage = run.fetcher();
  return fetchPage(check.request, Math.max(0, run.resume!.index - 1)).pipe(
    concatMap((page) => {
      if (page !== null && pageFingerprint(run.resource.primaryKey, page.records) === check.fingerprint) return pagesOf(run, steps, parent);
      const reason = 'the last committed page changed since the interruption (records were updated, deleted or inserted before it), so resuming at its offset could skip records';
      return from(run.onRestart?.(reason) ?? Promise.resolve()).pipe(concatMap(() => pagesOf({ ...run, resume: undefined }, steps, parent)));
    }),
  );
}

/**
 * Identifies a page by its records' primary keys in order (the whole record when there is no
 * key): if anything before or on the page moved, the page's window of the API shows it.
 */
export function pageFingerprint(primaryKey: readonly string[], records: readonly unknown[]): string {
  // One update per page: two native calls per record cost more than the hashing (profiled).
  let text = '';
  for (const record of records) {
    const r = record as Record<string, unknown> | null;
    text += keyText(primaryKey.length && r && typeof r === 'object' ? primaryKey.map((k) => r[k]) : record) + '\n';
  }
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/**
 * JSON.stringify recurses: a key value nested thousands of levels deep would overflow the stack
 * and fail the page. Such a key is unusable anyway (the record is dead-lettered); it still
 * holds its place in the fingerprint.
 */
function keyText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return '\u0000too deep';
  }
}

function pagesOf(
  run: ResourceRun,
  steps: (records: unknown[]) => unknown[],
  parent: { name: string; record: Record<string, unknown> } | undefined,
): Observable<ExtractedPage> {
  const { resource } = run;
  const filter = run.incremental;
  let first: PageRequest;
  try {
    first = run.resume?.request ?? buildInitialRequest(resource, run.client, { parent, incremental: filter?.values() });
  } catch (error) {
    return new Observable((s) => s.error(error));
  }
  const paginatorConfig = resource.endpoint.paginator ?? run.client.paginator ?? null;
  const paginator = paginatorConfig && paginatorConfig.type !== 'auto' ? createPaginator(paginatorConfig) : null;
  let stopped = false;
  const pages = paginate(first, paginator, run.fetcher(), {
    concurrency: run.pageConcurrency,
    detect: detectPaginator,
    resume: run.resume !== undefined,
    startIndex: run.resume?.index ?? 0,
  }).pipe(
    map((env): ExtractedPage => {
      const fingerprint = pageFingerprint(resource.primaryKey, env.response.records);
      let records = steps(env.response.records as unknown[]);
      if (parent && resource.includeFromParent.length > 0) records = includeFromParent(records, parent.name, parent.record, resource.includeFromParent);
      if (filter) {
        const result = filter.filterPage(records);
        records = result.kept;
        stopped = result.stop;
      }
      return {
        resource: resource.name,
        ...(env.response.hold && { hold: env.response.hold }),
        index: env.index,
        url: env.request.url,
        status: env.response.status,
        records,
        ...(env.response.recordJson && { recordJson: env.response.recordJson }),
        next: stopped ? null : env.next,
        request: env.request,
        fingerprint,
        expectedPages: env.expectedPages,
        incremental: filter && !filter.stateless ? (filter.state() as unknown as JsonValue) : null,
        fetchedAt: Date.now(),
      };
    }),
    // row_order early stop: the page that said so is emitted, no further page is requested.
    takeWhile((page) => page.next !== null, true),
  );
  const limited = run.maxPages === undefined ? pages : pages.pipe(takeWhile((p) => p.index + 1 < run.maxPages!, true));
  return limited.pipe(withContext(resource.name, parent?.name));
}

/**
 * Adds the resource to errors that lack it, so every message says where it happened; a
 * dependent resource's errors also name its parent (issue 13).
 */
function withContext(resource: string, parent: string | undefined) {
  const named = `resource "${resource}"`;
  const who = parent ? `${named} (child of "${parent}")` : named;
  return (source: Observable<ExtractedPage>) =>
    new Observable<ExtractedPage>((subscriber) =>
      source.subscribe({
        next: (v) => subscriber.next(v),
        complete: () => subscriber.complete(),
        error: (error: unknown) => {
          if (!(error instanceof Rest2KafkaError)) {
            subscriber.error(new ResponseError(`${who}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, context: { resource, ...(parent && { parent }) } }));
            return;
          }
          if (error.context.resource === undefined) {
            error.context.resource = resource;
            const page = error.context.page === undefined ? '' : ` page ${error.context.page}`;
            if (!error.message.includes(resource)) error.message = `${named}${page}: ${error.message}`;
          }
          if (parent && error.context.parent === undefined) {
            error.context.parent = parent;
            error.message = error.message.includes(named) ? error.message.replace(named, who) : `${who}: ${error.message}`;
          }
          subscriber.error(error);
        },
      }),
    );
}

