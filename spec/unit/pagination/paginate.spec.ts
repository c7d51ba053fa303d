import { defer, firstValueFrom, Observable, of, timer, map, toArray } from 'rxjs';
import type { PageRequest } from '../../../lib/http/request';
import { paginate, type FetchPage } from '../../../lib/pagination/paginate';
import type { PageResponse, Paginator } from '../../../lib/pagination/types';

/** A tiny offset paginator over a fake API whose `total` is read from each response. */
const LIMIT = 10;
const offsetOf = (r: PageRequest) => Number(r.params.offset);
const at = (offset: number): PageRequest => ({ method: 'GET', url: 'http://api/items', params: { offset: String(offset), limit: String(LIMIT) }, headers: {} });
const paginator = (withRemaining: boolean): Paginator => ({
  type: 'test-offset',
  first: () => at(0),
  next: (prev, res) => {
    const next = offsetOf(prev) + LIMIT;
    return next >= (res.body as { total: number }).total ? null : at(next);
  },
  remaining: withRemaining
    ? (first, res) => {
        const reqs: PageRequest[] = [];
        for (let o = offsetOf(first) + LIMIT; o < (res.body as { total: number }).total; o += LIMIT) reqs.push(at(o));
        return reqs;
      }
    : undefined,
});

function fakeApi(totalAt: (call: number) => number, delayOf: (offset: number) => number = () => 0) {
  const calls: number[] = [];
  const fetch: FetchPage = (request) =>
    defer(() => {
      const offset = offsetOf(request);
      const total = totalAt(calls.length);
      calls.push(offset);
      const records = Array.from({ length: Math.max(0, Math.min(LIMIT, total - offset)) }, (_, i) => offset + i);
      const page: PageResponse = { status: 200, headers: {}, body: { total }, records };
      return timer(delayOf(offset)).pipe(map(() => page));
    });
  return { calls, fetch };
}

const run = (obs: Observable<{ index: number; response: PageResponse; isLast: boolean; next: PageRequest | null }>) =>
  firstValueFrom(obs.pipe(map((e) => ({ index: e.index, first: (e.response.records as number[])[0], isLast: e.isLast, next: e.next && offsetOf(e.next) })), toArray()));

describe('paginate', () => {
  it('walks pages sequentially with expand and marks the last page', async () => {
    const api = fakeApi(() => 35);
    const pages = await run(paginate(at(0), paginator(false), api.fetch, { concurrency: 4, detect: () => paginator(false) }));
    expect(pages).toEqual([
      { index: 0, first: 0, isLast: false, next: 10 },
      { index: 1, first: 10, isLast: false, next: 20 },
      { index: 2, first: 20, isLast: false, next: 30 },
      { index: 3, first: 30, isLast: true, next: null },
    ]);
    expect(api.calls).toEqual([0, 10, 20, 30]);
  });

  it('fetches the remaining pages concurrently but emits them in order', async () => {
    // Later pages answer faster: order must still hold.
    const api = fakeApi(() => 50, (offset) => 50 - offset);
    const pages = await run(paginate(at(0), paginator(true), api.fetch, { concurrency: 4, detect: () => paginator(true) }));
    expect(pages.map((p) => p.first)).toEqual([0, 10, 20, 30, 40]);
    expect(pages.map((p) => p.next)).toEqual([10, 20, 30, 40, null]);
    expect(pages[4].isLast).toBe(true);
  });

  it('follows a total that grew during a concurrent read, sequentially', async () => {
    const api = fakeApi((call) => (call === 0 ? 30 : 45));
    const pages = await run(paginate(at(0), paginator(true), api.fetch, { concurrency: 3, detect: () => paginator(true) }));
    expect(pages.map((p) => p.first)).toEqual([0, 10, 20, 30, 40]);
    expect(api.calls).toEqual([0, 10, 20, 30, 40]);
  });

  it('stops silently at a page a response action ignored', async () => {
    const api = fakeApi(() => 100);
    const fetch: FetchPage = (req, i) => (i === 2 ? of(null) : api.fetch(req, i));
    const pages = await run(paginate(at(0), paginator(false), fetch, { concurrency: 1, detect: () => paginator(false) }));
    expect(pages.map((p) => p.first)).toEqual([0, 10]);
  });

  it('resumes from a stored request without re-initialising it', async () => {
    const api = fakeApi(() => 40);
    const pages = await run(paginate(at(20), paginator(false), api.fetch, { concurrency: 1, detect: () => paginator(false), resume: true, startIndex: 2 }));
    expect(pages.map((p) => [p.index, p.first])).toEqual([[2, 20], [3, 30]]);
    expect(api.calls).toEqual([20, 30]);
  });

  it('auto-detects the paginator from the first response when none is configured', async () => {
    const api = fakeApi(() => 20);
    let detected = 0;
    const pages = await run(
      paginate(at(0), null, api.fetch, { concurrency: 1, detect: () => { detected++; return paginator(false); } }),
    );
    expect(pages.map((p) => p.first)).toEqual([0, 10]);
    expect(detected).toBe(1);
  });

  it('raises a paginator error before the page is emitted', async () => {
    const failing: Paginator = { type: 'x', first: (r) => r, next: () => { throw new Error('Total `items` not found'); } };
    const api = fakeApi(() => 20);
    const seen: number[] = [];
    await expect(
      firstValueFrom(paginate(at(0), failing, api.fetch, { concurrency: 1, detect: () => failing }).pipe(map((e) => seen.push(e.index)), toArray())),
    ).rejects.toThrow('Total `items` not found');
    expect(seen).toEqual([]);
  });
});
