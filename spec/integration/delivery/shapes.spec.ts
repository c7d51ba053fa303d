/**
 * `run` on the API shapes beyond the seed's, on the real broker: a dependent resource (each
 * incident's log entries, 1–3 pages per incident, fetched client.child_concurrency at a time),
 * a cursor-paginated resource without a total, and a 429 without rate-limit headers in the
 * middle. Every record lands exactly once for read_committed readers, whatever the fan-out.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { logEntryCount } from '../../../lib/simulator/log-entries';
import type { FaultConfig } from '../../../lib/simulator/faults';
import { readAllFromStart } from '../../support/kafka';
import { parseSummary, runCli, writePipeline } from '../../support/pipeline';

const INCIDENTS = 60;
const SEED = 7;

let sim: SimulatorHandle;
const removers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: 5, seed: SEED });
});
afterAll(async () => {
  await sim?.close();
  for (const remove of removers) await remove();
});

function resources(child: Record<string, unknown> = {}): Record<string, unknown>[] {
  return [
    { name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 20 } } },
    { name: 'log_entries', ...child, endpoint: { path: '/v1/incidents/{resources.incidents.id}/log_entries', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } },
    { name: 'alerts', endpoint: { path: '/v1/alerts', data_selector: 'data', params: { limit: 25 }, paginator: { type: 'cursor', cursor_path: 'next_cursor', cursor_param: 'cursor' } } },
  ];
}

/** The alerts as the API pages them, read with plain HTTP (not through rest2kafka's paginator). */
async function apiAlertIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${sim.url}/v1/alerts?limit=100&api_key=${encodeURIComponent(sim.apiKey)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = (await (await fetch(url)).json()) as { data: { id: string }[]; next_cursor: string | null };
    ids.push(...body.data.map((a) => a.id));
    cursor = body.next_cursor;
  } while (cursor);
  return ids;
}

function logEntryIds(): string[] {
  return Array.from({ length: INCIDENTS }, (_, i) => Array.from({ length: logEntryCount(SEED, i) }, (_, k) => `LOG${String(i + 1).padStart(8, '0')}-${String(k + 1).padStart(4, '0')}`)).flat();
}

it.each<[string, Record<string, unknown>, FaultConfig]>([
  ['child_concurrency 8 (default), a bare 429 on the 6th request', {}, { script: [{ request: 6, action: { kind: 'rate-limit', bare: true, retryAfter: 1 } }] }],
  ['parallelized: false (one parent record at a time, as dlt by default)', { parallelized: false }, {}],
])('%s: every incident, log entry and alert lands once', async (_label, child, faults) => {
  const p = await writePipeline('shapes', { simulator: sim, resources: resources(child), client: { max_retries: 3 } });
  removers.push(p.remove);
  await sim.control.reset();
  await sim.control.setFaults({ latency: { minMs: 2, maxMs: 12 }, ...faults });
  const run = await runCli(['run', '--config', p.file]);
  expect({ code: run.code, errors: run.stderr.split('\n').filter((l) => l.startsWith('error')) }).toEqual({ code: 0, errors: [] });

  const keysOf = async (resource: string) => (await readAllFromStart(p.topic(resource))).map((r) => r.key!);
  const incidents = await keysOf('incidents');
  const entries = await keysOf('log_entries');
  const alerts = await keysOf('alerts');
  expect(incidents).toEqual(((await sim.control.snapshot('incidents')).records as { id: string }[]).map((r) => r.id));
  // Chains for different incidents interleave; each key once.
  expect([...entries].sort()).toEqual(logEntryIds());
  expect(new Set(entries).size).toBe(entries.length);
  expect(alerts).toEqual(await apiAlertIds());
  const summary = parseSummary(run.stderr);
  expect(summary.get('log_entries')).toMatchObject({ records: entries.length, deadLettered: 0 });
  expect(summary.get('alerts')).toMatchObject({ records: alerts.length, deadLettered: 0 });

  const retries = run.stderr.split('\n').filter((l) => l.includes('"retrying request"')).map((l) => JSON.parse(l) as { delay_ms: number });
  if (faults.script) {
    expect(retries).toHaveLength(1);
    expect(retries[0].delay_ms).toBeGreaterThanOrEqual(1000);
  } else expect(retries).toEqual([]);
});
