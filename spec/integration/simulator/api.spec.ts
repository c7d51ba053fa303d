/** The simulator over real HTTP: authentication, validation, paging, filters and the control endpoints. */
import fetch from 'node-fetch';
import { SimulatorClient, startSimulator, type Incident, type SimulatorHandle } from '../../../lib/simulator';

interface Page {
  data: Incident[];
  total: number;
  offset: number;
  limit: number;
}

let sim: SimulatorHandle;
let client: SimulatorClient;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 450, services: 30, pageTies: 7, seed: 11 });
  client = new SimulatorClient(sim.url);
});
afterAll(() => sim.close());
beforeEach(() => client.reset());

const get = (path: string) => fetch(`${sim.url}${path}`);
const getPage = async (query: string): Promise<Page> => {
  const res = await get(`/v1/incidents?api_key=${sim.apiKey}&${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

/** Reads every page the way an offset paginator does, stopping at an empty or short page. */
async function readAll(query = '', limit = 100): Promise<Incident[]> {
  const records: Incident[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await getPage(`${query}&offset=${offset}&limit=${limit}`);
    records.push(...page.data);
    if (page.data.length < limit) return records;
  }
}

describe('authentication', () => {
  it.each([
    ['no key', '/v1/incidents'],
    ['a wrong key', '/v1/incidents?api_key=nope'],
    ['a key in another parameter', '/v1/services?key=demo-key'],
  ])('answers 401 with a JSON error body for %s', async (_, path) => {
    const res = await get(path);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid api_key' } });
  });
});

describe('validation', () => {
  it.each([
    ['limit=101', 'limit'],
    ['limit=0', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=2.5', 'offset'],
    ['updated_since=last-week', 'updated_since'],
    ['sort=priority', 'sort'],
  ])('answers 400 naming the parameter for %s', async (query, parameter) => {
    const res = await get(`/v1/incidents?api_key=${sim.apiKey}&${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; parameter: string } };
    expect(body.error).toMatchObject({ code: 'invalid_parameter', parameter });
    expect(body.error.message).toContain(parameter);
  });

  it('answers 404 for an unknown endpoint and 405 for a non-GET method', async () => {
    expect((await get(`/v1/users?api_key=${sim.apiKey}`)).status).toBe(404);
    const res = await fetch(`${sim.url}/v1/incidents?api_key=${sim.apiKey}`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});

describe('paging', () => {
  it('serves the envelope with realistic headers and default limit 100', async () => {
    const res = await get(`/v1/services?api_key=${sim.apiKey}`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect(res.headers.get('x-request-id')).toMatch(/^sim-\d+$/);
    const body = (await res.json()) as Page;
    expect(body).toMatchObject({ total: 30, offset: 0, limit: 100 });
    expect(body.data).toHaveLength(30);
  });

  it.each([100, 37])('reads exactly the snapshot when paging with limit %i', async (limit) => {
    const snapshot = await client.snapshot('incidents');
    expect(await readAll('', limit)).toEqual(snapshot.records);
    expect(snapshot).toMatchObject({ total: 450, deleted: [] });
  });

  it('answers an empty page past the end', async () => {
    expect(await getPage('offset=1000')).toEqual({ data: [], total: 450, offset: 1000, limit: 100 });
  });
});

describe('filters', () => {
  it('sorts by updated_at, ties in id order, and by created_at like the default order', async () => {
    await client.update('incidents', ['INC00000010', 'INC00000003']);
    const byUpdated = await readAll('sort=updated_at');
    const keys = byUpdated.map((r) => `${r.updated_at}|${r.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(byUpdated.slice(-2).map((r) => r.id)).toEqual(['INC00000003', 'INC00000010']);
    expect(await readAll('sort=created_at')).toEqual(await readAll());
  });

  it('keeps records updated at or after updated_since (inclusive)', async () => {
    const all = await readAll('sort=updated_at');
    const since = (all[200] as Incident).updated_at;
    const filtered = await readAll(`sort=updated_at&updated_since=${since}`);
    expect(filtered).toEqual(all.filter((r) => r.updated_at >= since));
    expect(filtered[0]?.updated_at).toBe(since);
  });

  it('has ties in updated_at across page edges (pageTies 7)', async () => {
    const [first, second] = [await getPage('sort=updated_at&limit=100'), await getPage('sort=updated_at&offset=100&limit=100')];
    expect(first.data.at(-1)?.updated_at).toBe(second.data[0]?.updated_at);
  });

  it('lets an inclusive updated_at cursor read every change once a sync has finished', async () => {
    const cursor = (await readAll('sort=updated_at')).at(-1)?.updated_at as string;
    const updated = await client.update('incidents', 5);
    const inserted = await client.insert('incidents', 3);
    const changes = await readAll(`sort=updated_at&updated_since=${cursor}`);
    const ids = changes.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([...updated.ids, ...inserted.ids]));
    // Inclusive: the records at the cursor itself come back too (a tie group of up to 7).
    expect(changes.filter((r) => r.updated_at === cursor).length).toBeGreaterThan(0);
  });
});

describe('control endpoints', () => {
  it('update, delete and insert change what the API serves, and the snapshot agrees', async () => {
    const updated = await client.update('incidents', 10);
    const deleted = await client.delete('incidents', 4);
    const inserted = await client.insert('incidents', 2);
    expect(inserted.ids).toEqual(['INC00000451', 'INC00000452']);
    const records = await readAll();
    const snapshot = await client.snapshot('incidents');
    expect(records).toEqual(snapshot.records);
    expect(snapshot.deleted).toEqual(deleted.ids);
    expect(records).toHaveLength(450 - 4 + 2);
    const stillThere = updated.ids.filter((id) => !deleted.ids.includes(id));
    for (const id of stillThere) expect(records.find((r) => r.id === id)?.updated_at).toBe(updated.at);
  });

  it('shows a change made during paging from the next page on', async () => {
    const page1 = await getPage('limit=100');
    await client.delete('incidents', ['INC00000001', 'INC00000002']);
    const page2 = await getPage('offset=100&limit=100');
    // Two records left from before the cursor: an offset paginator now skips two records.
    expect(page2.data[0]?.id).toBe('INC00000103');
    expect(page2.total).toBe(page1.total - 2);
  });

  it('answers 400 and 404 with the reason', async () => {
    await expect(client.update('incidents', ['INC99999999'])).rejects.toMatchObject({ status: 404 });
    await expect(client.insert('incidents', -1)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('count') });
    await expect(client.setFaults({ rules: [{ action: { kind: 'reset' } }] })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('faults.rules[0]') });
    const res = await fetch(`${sim.url}/_sim/nope`);
    expect(res.status).toBe(404);
  });

  it('counts requests by path and status', async () => {
    await get('/v1/incidents');
    await get(`/v1/incidents?api_key=${sim.apiKey}`);
    await get(`/v1/services?api_key=${sim.apiKey}&limit=500`);
    expect(await client.stats()).toEqual({
      requests: 3,
      dataRequests: 1,
      byPath: { '/v1/incidents': { 401: 1, 200: 1 }, '/v1/services': { 400: 1 } },
      faults: {},
    });
  });

  it('is reachable in process with the same operations', async () => {
    const { ids } = await sim.control.delete('services', 1);
    expect((await client.snapshot('services')).deleted).toEqual(ids);
    expect((await client.info()).counts).toEqual({ incidents: 450, services: 29 });
  });
});
