/**
 * Retries against the simulator's faults: 429 (Retry-After in seconds and as an HTTP date),
 * 5xx bursts, connection resets and cut-off bodies are retried — the failing page only — and
 * give exactly the records of a clean run; a burst longer than the budget and malformed JSON end
 * the run with exit 3 and a message that says where and why.
 */
import { startSimulator, type FaultAction, type FaultConfig, type SimulatorHandle } from '../../../lib/simulator';
import { configDir, previewLines, runCli, simulatorSource } from './cli';

const API_KEY = 'retries-key-92fe';

let sim: SimulatorHandle;
let configs: Awaited<ReturnType<typeof configDir>>;
let clean: unknown[];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 250, services: 3, apiKey: API_KEY });
  configs = await configDir();
  clean = (await sim.control.snapshot('incidents')).records;
});
afterAll(async () => {
  await sim.close();
  await configs.cleanup();
});

/**
 * `preview` of the incidents (3 pages of 100) under `faults`, one page at a time so that data
 * request #k is page k−1 until the first retry; backoff 10, 20, 40 ms.
 */
async function previewUnder(faults: FaultConfig, client: Record<string, unknown> = {}) {
  await sim.control.reset();
  await sim.control.setFaults(faults);
  const config = simulatorSource(sim.url, { page_concurrency: 1, max_retries: 3, ...client }, [
    { name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } },
  ]);
  const file = await configs.write('retries.json', config);
  const result = await runCli(['preview', '--config', file], { API_KEY });
  return { ...result, lines: previewLines(result.stdout), stats: await sim.control.stats() };
}

const on = (request: number, action: FaultAction): FaultConfig => ({ script: [{ request, action }] });

/** The `delay_ms` of each "retrying request" warning on stderr (JSON lines: stderr is not a terminal). */
function retryDelays(stderr: string): number[] {
  return logLines(stderr)
    .filter((l) => l.msg === 'retrying request')
    .map((l) => l.delay_ms as number);
}

/** stderr's JSON log lines. */
function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('retried, and the result equals a clean run', () => {
  it('429 with Retry-After in seconds: waits as told, re-fetches only that page', async () => {
    const run = await previewUnder(on(2, { kind: 'rate-limit', retryAfter: 1 }));
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.value)).toEqual(clean);
    // Pages 0, 1 (429), 1 again, 2: pages + retries. Retrying the stream would re-read page 0.
    expect(run.stats.dataRequests).toBe(4);
    expect(run.stats.byPath['/v1/incidents']).toEqual({ 200: 3, 429: 1 });
    // The hint (1 s) plus at most 10% jitter, not the 10 ms backoff.
    const [delay, ...more] = retryDelays(run.stderr);
    expect(more).toEqual([]);
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThanOrEqual(1100);
    expect(logLines(run.stderr).find((l) => l.msg === 'retrying request')).toMatchObject({ resource: 'incidents', attempt: 1 });
  });

  it('429 with Retry-After as an HTTP date: waits until then', async () => {
    const run = await previewUnder(on(2, { kind: 'rate-limit', retryAfter: 2, retryAfterFormat: 'http-date' }));
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.value)).toEqual(clean);
    expect(run.stats.byPath['/v1/incidents']).toEqual({ 200: 3, 429: 1 });
    // A whole-second date 2 s ahead: between 1 and 2 s from when it was read, never the 10 ms backoff.
    const [delay] = retryDelays(run.stderr);
    expect(delay).toBeGreaterThan(500);
    expect(delay).toBeLessThanOrEqual(2200);
  });

  it('a 503 burst shorter than the budget (3 retries)', async () => {
    const run = await previewUnder({ rules: [{ action: { kind: 'status', status: 503 }, burst: { from: 2, count: 3 } }] });
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.value)).toEqual(clean);
    expect(run.stats.dataRequests).toBe(3 + 3);
    expect(run.stats.byPath['/v1/incidents']).toEqual({ 200: 3, 503: 3 });
    // Exponential with full jitter: factor 0.01 s → at most 10, 20, 40 ms.
    const delays = retryDelays(run.stderr);
    expect(delays).toHaveLength(3);
    delays.forEach((d, i) => expect(d).toBeLessThanOrEqual(10 * 2 ** i));
  });

  it.each<[string, FaultAction]>([
    ['a connection reset', { kind: 'reset' }],
    ['a Content-Length body cut short', { kind: 'truncated', framing: 'content-length' }],
    ['a chunked body cut short', { kind: 'truncated', framing: 'chunked' }],
    ['a 500, 502 and 504 in a row', { kind: 'status', status: 500 }],
  ])('%s', async (_name, action) => {
    const faults: FaultConfig =
      action.kind === 'status'
        ? { script: [{ request: 2, action }, { request: 3, action: { kind: 'status', status: 502 } }, { request: 4, action: { kind: 'status', status: 504 } }] }
        : on(3, action);
    const run = await previewUnder(faults);
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.value)).toEqual(clean);
    const retries = action.kind === 'status' ? 3 : 1;
    expect(run.stats.dataRequests).toBe(3 + retries);
    expect(retryDelays(run.stderr)).toHaveLength(retries);
    // A body cut short is noticed when its connection closes, not after client.timeout_ms
    // (lib/http/client.ts failCutShortBodies; node-fetch v2 alone waits for the timeout).
    const errors = logLines(run.stderr).filter((l) => l.msg === 'retrying request').map((l) => (l.error as { code: string }).code);
    expect(errors).not.toContain('HTTP_TIMEOUT');
  });

  it('with pages fetched concurrently, still only the failing page is re-fetched', async () => {
    // Request #3 is page 1 or page 2, whichever arrived second; either way one retry.
    const run = await previewUnder(on(3, { kind: 'status', status: 503 }), { page_concurrency: 4 });
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.value)).toEqual(clean);
    expect(run.stats.dataRequests).toBe(4);
    expect(run.stats.byPath['/v1/incidents']).toEqual({ 200: 3, 503: 1 });
  });
});

describe('not recovered: exit 3 and a message that says where and why', () => {
  it('a 503 burst longer than the budget names the resource, the page, the attempts and the last status', async () => {
    const run = await previewUnder({ rules: [{ action: { kind: 'status', status: 503 }, burst: { from: 2, count: 10 } }] });
    expect(run.code).toBe(3);
    const error = run.stderr.split('\n').filter((l) => !l.startsWith('{')).join('\n');
    expect(error).toMatch(/^error \[RETRIES_EXHAUSTED\]: /);
    expect(error).toContain('resource "incidents"');
    expect(error).toContain('page 1');
    expect(error).toContain('gave up after 4 attempts');
    expect(error).toContain('503 Server Error: Service Unavailable for url: ');
    expect(error).toMatch(/\/v1\/incidents\?offset=100&limit=100&api_key=\*\*\*/);
    // Page 0 printed before the failure; page 2 never requested.
    expect(run.lines.map((l) => l.value)).toEqual(clean.slice(0, 100));
    expect(run.stats.dataRequests).toBe(1 + 4);
  });

  it('max_retries: 0 fails at the first 503, one attempt', async () => {
    const run = await previewUnder(on(1, { kind: 'status', status: 503 }), { max_retries: 0 });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('gave up after 1 attempt ');
    expect(run.stats.dataRequests).toBe(1);
  });

  it('malformed JSON is not retried; the message names the resource, the page and the byte', async () => {
    const run = await previewUnder(on(2, { kind: 'malformed' }));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^error \[RESPONSE_INVALID\]: malformed JSON in the response of resource "incidents" page 1 \(200 from http:\/\/127\.0\.0\.1:\d+\/v1\/incidents\?offset=100&limit=100&api_key=\*\*\*\) at byte \d+: /,
    );
    expect(run.stats.dataRequests).toBe(2);
    expect(retryDelays(run.stderr)).toEqual([]);
  });

  it('an HTML 200 names the resource and the page and suggests the base URL', async () => {
    const run = await previewUnder(on(1, { kind: 'body', preset: 'html' }));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('the response of resource "incidents" page 0');
    expect(run.stderr).toContain('is HTML, not JSON');
    expect(run.stdout).toBe('');
  });
});
