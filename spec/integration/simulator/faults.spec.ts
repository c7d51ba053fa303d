/** Every fault kind and the rate limit, observed the way a client sees them (node-fetch, like the product). */
import { get } from 'node:http';
import fetch from 'node-fetch';
import { startSimulator, type FaultAction, type SimulatorHandle } from '../../../lib/simulator';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 300, services: 10 });
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const url = (query = '') => `${sim.url}/v1/incidents?api_key=${sim.apiKey}${query}`;
const failOn = (request: number, action: FaultAction) => sim.control.setFaults({ script: [{ request, action }] });

describe('scripted faults on request #k', () => {
  it('fails exactly the scripted request, counted per data request', async () => {
    await failOn(2, { kind: 'status', status: 503 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(url())).status);
    // A 401 is not a data request and does not move the count.
    await fetch(`${sim.url}/v1/incidents`);
    expect(statuses).toEqual([200, 503, 200]);
    expect((await sim.control.stats()).faults).toEqual({ status: 1 });
  });

  it.each([500, 502, 503, 504] as const)('answers %i with a JSON error body', async (status) => {
    await failOn(1, { kind: 'status', status });
    const res = await fetch(url());
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code: 'server_error' } });
  });
});

describe('429 with Retry-After', () => {
  it.each([
    [{ kind: 'rate-limit' } as FaultAction, (v: string | null) => expect(v).toBe('1')],
    [{ kind: 'rate-limit', retryAfter: 7 } as FaultAction, (v: string | null) => expect(v).toBe('7')],
    [{ kind: 'rate-limit', retryAfter: 0 } as FaultAction, (v: string | null) => expect(v).toBe('0')],
    [{ kind: 'rate-limit', retryAfter: null } as FaultAction, (v: string | null) => expect(v).toBeNull()],
    [
      { kind: 'rate-limit', retryAfter: 120, retryAfterFormat: 'http-date' } as FaultAction,
      (v: string | null) => {
        expect(v).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
        expect(Date.parse(v as string) - Date.now()).toBeGreaterThan(60_000);
      },
    ],
  ])('%j', async (action, check) => {
    await failOn(1, action);
    const res = await fetch(url());
    expect(res.status).toBe(429);
    check(res.headers.get('retry-after'));
  });

  it('comes in a burst, then stops', async () => {
    await sim.control.setFaults({ rules: [{ action: { kind: 'rate-limit' }, burst: { from: 2, count: 3 } }] });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(url())).status);
    expect(statuses).toEqual([200, 429, 429, 429, 200, 200]);
  });
});

describe('broken transport and bodies', () => {
  it('resets the connection', async () => {
    await failOn(1, { kind: 'reset' });
    await expect(fetch(url())).rejects.toMatchObject({ name: 'FetchError', code: 'ECONNRESET' });
    expect((await sim.control.stats()).byPath['/v1/incidents']).toEqual({ reset: 1 });
    expect((await fetch(url())).status).toBe(200);
  });

  it('truncates a content-length body: the client sees the connection end early', async () => {
    await failOn(1, { kind: 'truncated' });
    const outcome = await new Promise<{ length: number; received: number; error: string }>((resolve) => {
      get(url(), (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.on('error', (error) => resolve({ length: Number(res.headers['content-length']), received, error: error.message }));
      });
    });
    expect(outcome.error).toBe('aborted');
    expect(outcome.received).toBeLessThan(outcome.length);
  });

  // Regression pin for the HTTP client: node-fetch 2 does not notice a short content-length
  // body; only its `timeout` (which also bounds reading the body) ends the wait.
  it('truncates a content-length body: node-fetch needs its timeout to notice', async () => {
    await failOn(1, { kind: 'truncated' });
    const res = await fetch(url(), { timeout: 1000 });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toMatchObject({ name: 'FetchError', type: 'body-timeout' });
  });

  it('truncates a chunked body: node-fetch reports a premature close', async () => {
    await failOn(1, { kind: 'truncated', framing: 'chunked' });
    const res = await fetch(url());
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    await expect(res.text()).rejects.toMatchObject({ name: 'FetchError', message: expect.stringContaining('Premature close') });
  });

  it('sends complete but malformed JSON', async () => {
    await failOn(1, { kind: 'malformed' });
    const res = await fetch(url());
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(text.startsWith('{"data":[')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it.each([
    [{ kind: 'body', preset: 'html' } as FaultAction, 200, 'text/html; charset=utf-8', (t: string) => expect(t).toContain('<html>')],
    [{ kind: 'body', preset: 'empty' } as FaultAction, 200, 'application/json; charset=utf-8', (t: string) => expect(t).toBe('')],
    [
      { kind: 'body', preset: 'wrong-types' } as FaultAction,
      200,
      'application/json; charset=utf-8',
      (t: string) => expect(JSON.parse(t)).toMatchObject({ data: [{ id: 12345, status: 7 }], total: '1' }),
    ],
    [{ kind: 'body', status: 202, contentType: 'text/plain', body: 'queued' } as FaultAction, 202, 'text/plain', (t: string) => expect(t).toBe('queued')],
  ])('overrides the body: %j', async (action, status, contentType, check) => {
    await failOn(1, action);
    const res = await fetch(url());
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe(contentType);
    check(await res.text());
  });
});

describe('random faults and latency', () => {
  it('fail a reproducible subset at the configured rate', async () => {
    const run = async () => {
      await sim.control.reset();
      await sim.control.setFaults({ seed: 3, rules: [{ action: { kind: 'status', status: 502 }, rate: 0.3 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await fetch(url())).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((s) => s === 502).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(15);
  });

  it('delays data requests (asserted through stats, not timing)', async () => {
    await sim.control.setFaults({ latency: { minMs: 1, maxMs: 5 } });
    await fetch(url());
    await fetch(url());
    await fetch(`${sim.url}/v1/incidents`);
    expect((await sim.control.stats()).faults).toEqual({ latency: 2 });
  });

  it('can be configured at start', async () => {
    const other = await startSimulator({ port: 0, incidents: 10, faults: { script: [{ request: 1, action: { kind: 'status', status: 500 } }] } });
    try {
      expect((await fetch(`${other.url}/v1/incidents?api_key=${other.apiKey}`)).status).toBe(500);
      expect((await fetch(`${other.url}/v1/incidents?api_key=${other.apiKey}`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('rate limit', () => {
  it('advertises the bucket on every response and answers 429 with Retry-After when empty', async () => {
    const limited = await startSimulator({ port: 0, incidents: 10, rateLimit: { perMinute: 60, burst: 2 } });
    try {
      const get = () => fetch(`${limited.url}/v1/incidents?api_key=${limited.apiKey}`);
      const [a, b, c] = [await get(), await get(), await get()];
      expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
      expect(a.headers.get('ratelimit-limit')).toBe('60');
      expect(a.headers.get('ratelimit-remaining')).toBe('1');
      expect(a.headers.get('ratelimit-reset')).toBe('0');
      expect(b.headers.get('ratelimit-remaining')).toBe('0');
      expect(c.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(c.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
      expect(c.headers.get('retry-after')).toBe(c.headers.get('ratelimit-reset'));
      expect(await c.json()).toMatchObject({ error: { code: 'rate_limited' } });
      // Rejected requests are not data requests.
      expect((await limited.control.stats()).dataRequests).toBe(2);
    } finally {
      await limited.close();
    }
  });
});
