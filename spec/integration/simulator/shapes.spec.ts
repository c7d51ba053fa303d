/**
 * The child, cursor and bare-429 shapes over real HTTP (node-fetch, like the product): the same
 * authentication, latency and faults as the list endpoints.
 */
import fetch, { type Response } from 'node-fetch';
import { startSimulator, type Alert, type LogEntry, type SimulatorHandle } from '../../../lib/simulator';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 120, services: 10, seed: 5, rateLimit: { perMinute: 60_000, burst: 10_000 } });
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const get = (path: string) => fetch(`${sim.url}${path}${path.includes('?') ? '&' : '?'}api_key=${sim.apiKey}`);
const json = async <T>(path: string): Promise<T> => {
  const res = await get(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

interface EntriesPage {
  data: LogEntry[];
  total: number;
  offset: number;
  limit: number;
}

interface AlertsPage {
  data: Alert[];
  next_cursor: string | null;
  limit: number;
}

/** Offset paging until the total is reached, retrying a request that fails (as a client with retries does). */
async function readEntries(id: string, limit = 100): Promise<{ pages: number; entries: LogEntry[] }> {
  const entries: LogEntry[] = [];
  let pages = 0;
  for (let offset = 0, total = 1; offset < total; offset += limit) {
    const page = await retrying<EntriesPage>(`/v1/incidents/${id}/log_entries?offset=${offset}&limit=${limit}`);
    ({ total } = page);
    entries.push(...page.data);
    pages++;
  }
  return { pages, entries };
}

async function readAlerts(limit = 100): Promise<AlertsPage[]> {
  const pages: AlertsPage[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: AlertsPage = await retrying<AlertsPage>(`/v1/alerts?limit=${limit}&cursor=${cursor}`);
    pages.push(page);
    cursor = page.next_cursor;
  }
  return pages;
}

async function retrying<T>(path: string): Promise<T> {
  for (;;) {
    const res = await get(path);
    if (res.status === 200) return (await res.json()) as T;
    expect(res.status).toBe(503);
  }
}

/** The first incident whose log entries span three pages of 100. */
async function threePageIncident(): Promise<string> {
  const incidents = await json<{ data: { id: string }[] }>('/v1/incidents?limit=100');
  for (const { id } of incidents.data) {
    if ((await json<EntriesPage>(`/v1/incidents/${id}/log_entries?limit=1`)).total > 200) return id;
  }
  throw new Error('no incident with three pages of log entries');
}

describe('GET /v1/incidents/{id}/log_entries', () => {
  it('pages an incident with several pages of entries, each naming the incident', async () => {
    const id = await threePageIncident();
    const { pages, entries } = await readEntries(id);
    expect(pages).toBe(3);
    expect(entries.length).toBeGreaterThan(200);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    expect(entries.every((e) => e.incident_id === id)).toBe(true);
  });

  it('answers 404 with a JSON error for an unknown incident, and for one deleted since', async () => {
    const unknown = await get('/v1/incidents/INC99999999/log_entries');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'no incident "INC99999999"' } });
    expect((await get('/v1/incidents/INC00000003/log_entries')).status).toBe(200);
    await sim.control.delete('incidents', ['INC00000003']);
    expect((await get('/v1/incidents/INC00000003/log_entries')).status).toBe(404);
  });

  it('requires the api_key and counts requests under the documented path', async () => {
    expect((await fetch(`${sim.url}/v1/incidents/INC00000001/log_entries`)).status).toBe(401);
    await get('/v1/incidents/INC00000001/log_entries');
    await get('/v1/incidents/INC00000002/log_entries?limit=0');
    expect((await sim.control.stats()).byPath).toEqual({ '/v1/incidents/{id}/log_entries': { 401: 1, 200: 1, 400: 1 } });
  });
});

describe('GET /v1/alerts', () => {
  it('pages by an opaque cursor without a total, ending with a null cursor', async () => {
    const pages = await readAlerts(50);
    const alerts = pages.flatMap((p) => p.data);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.every((p) => Object.keys(p).sort().join() === 'data,limit,next_cursor')).toBe(true);
    expect(pages.at(-1)?.next_cursor).toBeNull();
    expect(alerts.map((a) => a.id)).toEqual([...alerts.map((a) => a.id)].sort());
    expect(new Set(alerts.map((a) => a.incident_id)).size).toBe(120);
  });

  it('answers 400 naming the parameter for a cursor it did not issue', async () => {
    const res = await get('/v1/alerts?cursor=eyJvZmZzZXQiOjEwMH0');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_parameter', parameter: 'cursor' } });
  });
});

describe('latency and faults apply to the new endpoints', () => {
  it('serves the same log entries and alerts under latency and a 20% rate of 503s as without', async () => {
    const id = await threePageIncident();
    const clean = { entries: await readEntries(id, 40), alerts: await readAlerts(30) };
    await sim.control.setFaults({ latency: { minMs: 1, maxMs: 10 }, rules: [{ action: { kind: 'status', status: 503 }, rate: 0.2 }] });
    const faulty = { entries: await readEntries(id, 40), alerts: await readAlerts(30) };
    expect(faulty).toEqual(clean);
    const { faults } = await sim.control.stats();
    expect(faults.status).toBeGreaterThan(0);
    expect(faults.latency).toBeGreaterThan(0);
  });
});

describe('a bare 429', () => {
  it('carries Retry-After and no ratelimit-* header, where a plain 429 and a 200 carry them', async () => {
    await sim.control.setFaults({
      script: [
        { request: 2, action: { kind: 'rate-limit', bare: true } },
        { request: 3, action: { kind: 'rate-limit' } },
        { request: 4, action: { kind: 'rate-limit', bare: true, retryAfter: 3 } },
      ],
    });
    const responses: Response[] = [];
    for (let i = 0; i < 4; i++) responses.push(await get('/v1/alerts'));
    const rateHeaders = (i: number) => [...(responses[i]?.headers.keys() ?? [])].filter((name) => name.startsWith('ratelimit-'));
    expect(responses.map((r) => r.status)).toEqual([200, 429, 429, 429]);
    expect(rateHeaders(0)).toEqual(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']);
    expect(rateHeaders(1)).toEqual([]);
    expect(responses[1]?.headers.get('retry-after')).toBe('1');
    expect(rateHeaders(2)).toEqual(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']);
    expect(rateHeaders(3)).toEqual([]);
    expect(responses[3]?.headers.get('retry-after')).toBe('3');
    expect(await responses[1]?.json()).toEqual({ error: { code: 'rate_limited', message: 'rate limit exceeded' } });
  });
});
