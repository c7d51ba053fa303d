/**
 * Back-pressure and fan-out of the whole extraction stream (lib/pipeline.ts), against a stub
 * HTTP client that answers after a delay and counts what is in flight. A consumer like the
 * delivery's holds each page it receives and lets it go after a simulated commit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { lastValueFrom, Observable, tap } from 'rxjs';
import { validateConfig } from '../../../lib/config/validate';
import type { ResolvedResource } from '../../../lib/config/types';
import { freshPlans } from '../../../lib/extract/plans';
import type { HttpClient } from '../../../lib/http/client';
import type { HttpResponse, PageRequest } from '../../../lib/http/request';
import { holdPage } from '../../../lib/pagination/page-hold';
import { extract, type PipelineEvent } from '../../../lib/pipeline';

interface Route {
  /** Records of the page at this offset, or null for a 404. */
  page(path: string, offset: number, limit: number): { records: unknown[]; total: number } | null;
  delayMs: number;
}

/** Counts requests in flight per kind (the first path segment after the base). */
function stubApi(routes: Record<string, Route>) {
  const inFlight: Record<string, number> = {};
  const maxInFlight: Record<string, number> = {};
  const requests: Record<string, number> = {};
  const http: HttpClient = {
    close: () => undefined,
    send: (request: PageRequest, signal?: AbortSignal) => {
      const url = new URL(request.url);
      const kind = url.pathname.split('/')[1] === 'parents' && url.pathname.split('/').length > 3 ? 'children' : url.pathname.split('/')[1];
      const route = routes[kind];
      const offset = Number(request.params.offset ?? 0);
      const limit = Number(request.params.limit ?? 10);
      inFlight[kind] = (inFlight[kind] ?? 0) + 1;
      maxInFlight[kind] = Math.max(maxInFlight[kind] ?? 0, inFlight[kind]);
      requests[kind] = (requests[kind] ?? 0) + 1;
      return new Promise<HttpResponse>((resolve, reject) => {
        const done = () => (inFlight[kind] -= 1);
        const timer = setTimeout(() => {
          done();
          signal?.removeEventListener('abort', onAbort);
          const page = route.page(url.pathname, offset, limit);
          const body = page === null ? { error: 'not found' } : { data: page.records, total: page.total };
          resolve({ status: page === null ? 404 : 200, headers: { 'content-type': 'application/json' }, bodyText: JSON.stringify(body), url: request.url });
        }, route.delayMs);
        function onAbort() {
          clearTimeout(timer);
          done();
          reject(new Error('aborted'));
        }
        signal?.addEventListener('abort', onAbort);
      });
    },
  };
  return { http, inFlight, maxInFlight, requests };
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function parentsRoute(pages: number, delayMs: number): Route {
  return { delayMs, page: (_p, offset, limit) => ({ records: range(offset, Math.max(0, Math.min(limit, pages * limit - offset))).map((id) => ({ id })), total: pages * limit }) };
}

function childrenRoute(delayMs: number): Route {
  return { delayMs, page: (path) => ({ records: [{ id: `${path.split('/')[2]}-a` }], total: 1 }) };
}

function configure(client: Record<string, unknown>, resources: unknown[]): { client: never; resources: ResolvedResource[] } {
  const { config, resources: resolved } = validateConfig({ client: { base_url: 'http://api.test', ...client }, resources });
  return { client: config.source.client as never, resources: resolved };
}

const parents = { name: 'parents', primary_key: 'id', endpoint: { path: '/parents', data_selector: 'data', paginator: { type: 'offset', limit: 10 } } };
const children = { name: 'children', primary_key: 'id', endpoint: { path: '/parents/{resources.parents.id}/children', data_selector: 'data', paginator: 'single_page' } };

/**
 * Subscribes like the delivery: holds each page, releases it `commitMs` later. Resolves with
 * the resources done, in order, and the most pages held at once.
 */
async function consume(events: Observable<PipelineEvent>, commitMs: number, onPage?: (event: Extract<PipelineEvent, { kind: 'page' }>) => void): Promise<{ done: string[]; maxHeld: number }> {
  const done: string[] = [];
  let held = 0;
  let maxHeld = 0;
  await lastValueFrom(
    events.pipe(
      tap((event) => {
        if (event.kind === 'done') return void done.push(event.resource);
        onPage?.(event);
        const release = holdPage(event.page);
        held += 1;
        maxHeld = Math.max(maxHeld, held);
        setTimeout(() => {
          held -= 1;
          release();
        }, commitMs);
      }),
    ),
    { defaultValue: null },
  );
  return { done, maxHeld };
}

describe('extract: concurrency reaches its configured values', () => {
  it('fetches page_concurrency parent pages and child_concurrency child chains at once', async () => {
    const api = stubApi({ parents: parentsRoute(12, 5), children: childrenRoute(5) });
    const { client, resources } = configure({ page_concurrency: 4, child_concurrency: 8 }, [parents, children]);
    const { done } = await consume(extract({ client, resources, wanted: new Set(['parents', 'children']), http: api.http, plans: freshPlans(resources) }), 1);
    expect(done.sort()).toEqual(['children', 'parents']);
    expect(api.requests).toEqual({ parents: 12, children: 120 });
    // The first page alone (it tells the total), then exactly page_concurrency at once.
    expect(api.maxInFlight.parents).toBe(4);
    expect(api.maxInFlight.children).toBe(8);
  });

  it('runs one child chain at a time for a resource with parallelized: false, as dlt does', async () => {
    const api = stubApi({ parents: parentsRoute(2, 1), children: childrenRoute(2) });
    const { client, resources } = configure({ child_concurrency: 8 }, [parents, { ...children, parallelized: false }]);
    await consume(extract({ client, resources, wanted: new Set(['children']), http: api.http, plans: freshPlans(resources) }), 0);
    expect(api.requests.children).toBe(20);
    expect(api.maxInFlight.children).toBe(1);
  });
});

describe('extract: a parent is held back by its children', () => {
  it('keeps the parent records waiting for a child chain under (page_concurrency + 1) pages however slow the children are', async () => {
    const api = stubApi({ parents: parentsRoute(30, 0), children: childrenRoute(8) });
    const { client, resources } = configure({ page_concurrency: 4, child_concurrency: 8 }, [parents, children]);
    let fetchedParentRecords = 0;
    let childPages = 0;
    let maxWaiting = 0;
    await consume(extract({ client, resources, wanted: new Set(['parents', 'children']), http: api.http, plans: freshPlans(resources) }), 0, (event) => {
      if (event.page.resource === 'parents') fetchedParentRecords += event.page.records.length;
      else childPages += 1;
      maxWaiting = Math.max(maxWaiting, fetchedParentRecords - childPages);
    });
    expect(childPages).toBe(300);
    // Before: every parent page was fetched at once while the children crawled (~290 waiting).
    expect(maxWaiting).toBeLessThanOrEqual(5 * 10);
  });

  it('holds a parent page until delivery has committed it, too', async () => {
    const api = stubApi({ parents: parentsRoute(20, 0), children: childrenRoute(0) });
    const { client, resources } = configure({ page_concurrency: 2 }, [parents]);
    const { maxHeld } = await consume(extract({ client, resources, wanted: new Set(['parents']), http: api.http, plans: freshPlans(resources) }), 3);
    expect(api.requests.parents).toBe(20);
    // The first page and page_concurrency more: a slow commit stops fetching.
    expect(maxHeld).toBeLessThanOrEqual(3);
  });
});

describe('extract: pages that arrive out of order are held too', () => {
  it('regression: a slow commit stops fetching even when later pages answer before earlier ones', async () => {
    // Every 4th page answers late, so the pages after it wait in orderedMergeMap for their turn.
    // A page that waited there used to give its slot back before delivery could hold it, and
    // fetching ran ahead of slow commits (10 pages held here, not at most 5).
    const route: Route = { delayMs: 0, page: (_p, offset, limit) => ({ records: range(offset, Math.max(0, Math.min(limit, 600 - offset))).map((id) => ({ id })), total: 600 }) };
    const api = stubApi({ parents: route });
    const slow = api.http.send;
    api.http.send = async (request, signal) => {
      const offset = Number(request.params.offset ?? 0);
      if ((offset / 10) % 4 === 1) await sleep(3);
      return slow(request, signal);
    };
    const { client, resources } = configure({ page_concurrency: 4 }, [parents]);
    const { maxHeld } = await consume(extract({ client, resources, wanted: new Set(['parents']), http: api.http, plans: freshPlans(resources) }), 40);
    expect(api.requests.parents).toBe(60);
    expect(maxHeld).toBeLessThanOrEqual(5);
  });
});

describe('extract: stopped chains give their slots back', () => {
  it('finishes resource after resource when each stops early with pages in flight (ignored page)', async () => {
    // Page 3 of every resource answers 404, ignored by a response action: the chain stops there
    // while pages 4–6 are in flight. Before, their slots were never given back and the third
    // resource waited forever.
    const route: Route = { delayMs: 2, page: (_p, offset, limit) => (offset === 30 ? null : { records: range(offset, limit).map((id) => ({ id })), total: 200 }) };
    const names = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const api = stubApi(Object.fromEntries(names.map((n) => [n, route])));
    const { client, resources } = configure(
      { page_concurrency: 4, resource_concurrency: 1 },
      names.map((name) => ({ name, primary_key: 'id', endpoint: { path: `/${name}`, data_selector: 'data', paginator: { type: 'offset', limit: 10 }, response_actions: [{ status_code: 404, action: 'ignore' }] } })),
    );
    const { done } = await consume(extract({ client, resources, wanted: new Set(names), http: api.http, plans: freshPlans(resources) }), 1);
    expect(done).toEqual(names);
    // Requests unsubscribed with the stop were aborted, not left running.
    expect(Object.values(api.inFlight).every((n) => n === 0)).toBe(true);
  });

  it('finishes after a row_order early stop, with the in-flight requests aborted', async () => {
    // Descending cursor values: page 2 holds the first record older than the start value.
    const route: Route = { delayMs: 2, page: (_p, offset, limit) => ({ records: range(offset, limit).map((id) => ({ id, t: 1000 - id })), total: 200 }) };
    const names = ['a', 'b', 'c', 'd'];
    const api = stubApi(Object.fromEntries(names.map((n) => [n, route])));
    const { client, resources } = configure(
      { page_concurrency: 4, resource_concurrency: 1 },
      names.map((name) => ({
        name,
        primary_key: 'id',
        endpoint: { path: `/${name}`, data_selector: 'data', paginator: { type: 'offset', limit: 10 }, incremental: { cursor_path: 't', initial_value: 975, row_order: 'desc' } },
      })),
    );
    const kept: number[] = [];
    const { done } = await consume(extract({ client, resources, wanted: new Set(names), http: api.http, plans: freshPlans(resources) }), 1, (e) => e.page.resource === 'a' && kept.push(...e.page.records.map((r) => (r as { id: number }).id)));
    expect(done).toEqual(names);
    expect(kept).toEqual(range(0, 26));
    expect(Object.values(api.inFlight).every((n) => n === 0)).toBe(true);
  });
});
