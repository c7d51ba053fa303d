/**
 * Wires the extraction stages into one Observable per resource, merged: config → auth →
 * http → pagination → selection → processing → incremental. Parents and their dependent
 * resources form one family that shares the parent's page stream. No I/O of its own: the
 * HTTP client and the per-resource run plans are handed in.
 *
 * Back-pressure is structural (pagination/page-hold.ts): every page keeps its slot in its
 * chain until its consumers release it — the delivery once the page is committed (or packed
 * within its budget), each dependent resource once its child requests for the page are done.
 * In flight at most: resource_concurrency families × page_concurrency pages per chain, and
 * child_concurrency child chains per dependent resource.
 */
import { defaultMaxListeners, setMaxListeners } from 'node:events';
import { defer, endWith, from, ignoreElements, map, merge, mergeAll, Observable, share } from 'rxjs';
import { createAuth } from './auth/index';
import type { ResolvedClientConfig, ResolvedResource } from './config/types';
import { createPageFetchers } from './extract/fetch-page';
import { resourcePages, type ExtractedPage, type ResourceRun } from './extract/resource-pages';
import { createHttpClient, type HttpClient } from './http/client';
import type { RetryPolicy } from './http/retry';
import type { IncrementalFilter } from './incremental/filter';
import { createRateLimitPacer } from './http/rate-limit';

export type PipelineEvent = { kind: 'page'; page: ExtractedPage } | { kind: 'done'; resource: string };

/** What one resource needs for this run besides its config. */
export interface ResourcePlan {
  incremental: IncrementalFilter | null;
  resume?: ResourceRun['resume'];
  onRestart?: ResourceRun['onRestart'];
  /** The sink publishes records as JSON text: hand it each record's text from the response. */
  recordJson?: boolean;
}

export interface ExtractOptions {
  client: ResolvedClientConfig;
  resources: readonly ResolvedResource[];
  /** Resources whose pages are emitted; their ancestors are fetched to drive them. */
  wanted: ReadonlySet<string>;
  http: HttpClient;
  plans: ReadonlyMap<string, ResourcePlan>;
  signal?: AbortSignal;
  maxPages?: number;
  onResponse?: (resource: string, status: number) => void;
  onRetry?: (resource: string, info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Every wanted resource's pages, followed by a `done` event per resource once its last page
 * has been emitted. Independent families run `client.resource_concurrency` at a time.
 */
export function extract(options: ExtractOptions): Observable<PipelineEvent> {
  const byName = new Map(options.resources.map((r) => [r.name, r]));
  const children = new Map<string, ResolvedResource[]>();
  for (const r of options.resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const needed = new Set<string>();
  for (const name of options.wanted) for (let r = byName.get(name); r; r = r.parent ? byName.get(r.parent) : undefined) needed.add(r.name);

  // Every page in flight listens to the signal (its request, or its retry or rate-limit wait):
  // past Node's default of 10 listeners Node warns of a memory leak, which this is not.
  const pagesInFlight = requestsInFlight(options.client);
  if (options.signal) setMaxListeners(Math.max(defaultMaxListeners, 2 * pagesInFlight + 4), options.signal);
  // One pacer for the whole API: its rate limit is per account, not per resource. It cuts the
  // requests in flight on a 429 and grows them back to what the settings allow.
  const pacer = createRateLimitPacer({ maxConcurrency: pagesInFlight });
  const families = options.resources
    .filter((r) => r.parent === null && needed.has(r.name))
    .map((root) => defer(() => family(root, undefined)));
  return from(families).pipe(mergeAll(options.client.resource_concurrency));

  function family(resource: ResolvedResource, parentPages: Observable<ExtractedPage> | undefined): Observable<PipelineEvent> {
    const pages = resourcePages(run(resource), parentPages).pipe(share());
    const own: Observable<PipelineEvent> = options.wanted.has(resource.name)
      ? pages.pipe(map((page): PipelineEvent => ({ kind: 'page', page })), endWith<PipelineEvent>({ kind: 'done', resource: resource.name }))
      : // Fetched only to drive its children, who hold each page while they need it.
        pages.pipe(ignoreElements());
    const kids = (children.get(resource.name) ?? []).filter((c) => needed.has(c.name)).map((c) => family(c, pages));
    // merge subscribes to all of them synchronously, before the first (asynchronous) page
    // arrives, so no subscriber of the shared parent stream misses a page.
    return merge(own, ...kids);
  }

  function run(resource: ResolvedResource): ResourceRun {
    const plan = options.plans.get(resource.name) ?? { incremental: null };
    const authConfig = resource.endpoint.auth === undefined ? options.client.auth : resource.endpoint.auth;
    const auth = createAuth(authConfig ?? null, { send: options.http.send });
    const retry: RetryPolicy = {
      maxRetries: options.client.max_retries,
      backoffFactor: options.client.backoff_factor,
      maxDelayMs: options.client.max_retry_delay_ms,
      onRetry: (info) => options.onRetry?.(resource.name, info),
    };
    return {
      resource,
      client: options.client,
      incremental: plan.incremental,
      resume: plan.resume,
      onRestart: plan.onRestart,
      maxPages: options.maxPages,
      pageConcurrency: resource.parent ? 1 : options.client.page_concurrency,
      // dlt runs a dependent resource's items one by one unless it is `parallelized`; an
      // explicit `parallelized: false` keeps that, otherwise child_concurrency chains run at once.
      childConcurrency: resource.parallelized === false ? 1 : options.client.child_concurrency,
      fetcher: createPageFetchers({
        resource: resource.name,
        client: options.http,
        auth,
        retry,
        retryStatuses: options.client.retry_statuses,
        responseActions: resource.endpoint.response_actions,
        dataSelector: resource.endpoint.data_selector,
        pacer,
        signal: options.signal,
        onResponse: (status) => options.onResponse?.(resource.name, status),
        // Processing steps and include_from_parent may change records in place, after which
        // the response's text would no longer be theirs.
        recordJson: plan.recordJson === true && resource.processingSteps.length === 0 && resource.includeFromParent.length === 0,
      }),
    };
  }
}

/**
 * The most requests extraction can have in flight: every family's page chains, plus the child
 * chains. It sizes the pacer's ceiling and the HTTP agents' sockets.
 */
export function requestsInFlight(client: ResolvedClientConfig): number {
  return client.page_concurrency * client.resource_concurrency + client.child_concurrency;
}

/**
 * The HTTP client for extraction, with a socket for every request that may be in flight (an
 * agent's default would queue requests behind each other and hide the configured concurrency).
 *
 * @example const http = extractionHttpClient(loaded.pipeline.source.client)
 */
export function extractionHttpClient(client: ResolvedClientConfig): HttpClient {
  return createHttpClient({ timeoutMs: client.timeout_ms, maxSockets: requestsInFlight(client) });
}
