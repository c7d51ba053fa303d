/**
 * Incremental runs against the simulator's `updated_since` filter: the first run publishes
 * everything, a second run only what changed, a third nothing; the state topic carries the
 * committed cursor, and replay equals the API after every run.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { latestByKey, readAllFromStart } from '../../support/kafka';
import { incrementalIncidentsResource, parseSummary, replay, runCli, runIdOf, writePipeline, type TestPipeline } from '../../support/pipeline';

const TOTAL = 300;

interface StateDoc {
  pipeline: string;
  resource: string;
  incremental: { initial_value: string; last_value: string; unique_hashes: string[] } | null;
  last_completed_run: { id: string; records: number } | null;
  run: unknown;
}

let sim: SimulatorHandle;
let p: TestPipeline;

beforeAll(async () => {
  // Ties of 7 records per updated_at: the last group straddles the closed start boundary of the next run.
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 12, pageTies: 7 });
  p = await writePipeline('incremental', {
    simulator: sim,
    resources: [
      incrementalIncidentsResource(),
      { name: 'services', endpoint: { path: '/v1/services', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } },
    ],
  });
});

afterAll(async () => {
  await sim?.close();
  await p?.remove();
});

/** Runs the pipeline and returns the incidents records it published (by its run id header) and its summary. */
async function runOnce(): Promise<{ runId: string; keys: string[]; values: Map<string, unknown>; records: number }> {
  const result = await runCli(['run', '--config', p.file]);
  expect(result.stderr).not.toMatch(/"level":"error"/);
  expect(result.code).toBe(0);
  const runId = runIdOf(result.stderr);
  const mine = (await readAllFromStart(p.topic('incidents'))).filter((r) => r.headers['r2k-run-id'] === runId);
  return {
    runId,
    keys: mine.map((r) => r.key!).sort(),
    values: new Map(mine.map((r) => [r.key!, JSON.parse(r.value!.toString('utf8')) as unknown])),
    records: parseSummary(result.stderr).get('incidents')!.records,
  };
}

async function states(): Promise<Map<string, StateDoc>> {
  const latest = latestByKey(await readAllFromStart(p.stateTopic));
  return new Map([...latest].map(([key, value]) => [key, JSON.parse(value.toString('utf8')) as StateDoc]));
}

async function expectReplayEqualsApi(): Promise<void> {
  const live = await replay(p, 'incidents');
  const { records: api } = await sim.control.snapshot('incidents');
  expect(new Map(api.map((r) => [r.id, r]))).toEqual(live);
}

async function maxUpdatedAtInTopic(): Promise<string> {
  const values = [...latestByKey(await readAllFromStart(p.topic('incidents'))).values()].map((v) => (JSON.parse(v.toString('utf8')) as { updated_at: string }).updated_at);
  return values.reduce((a, b) => (a > b ? a : b));
}

it('first run publishes every record and commits the cursor at the max updated_at published', async () => {
  const first = await runOnce();
  expect(first.keys).toHaveLength(TOTAL);
  expect(first.records).toBe(TOTAL);
  await expectReplayEqualsApi();

  const all = await states();
  expect([...all.keys()].sort()).toEqual([`${p.name}:incidents`, `${p.name}:services`]);
  const incidents = all.get(`${p.name}:incidents`)!;
  expect(incidents).toMatchObject({ pipeline: p.name, resource: 'incidents', run: null, last_completed_run: { id: first.runId, records: TOTAL } });
  expect(incidents.incremental?.last_value).toBe(await maxUpdatedAtInTopic());
  // The whole last tie group sits on the boundary: its records are remembered for deduplication.
  expect(incidents.incremental?.unique_hashes.length).toBe(TOTAL % 7);
  expect(all.get(`${p.name}:services`)).toMatchObject({ incremental: null, run: null });
});

it('second run after 10 updates publishes exactly those 10, with their new values', async () => {
  const { ids } = await sim.control.update('incidents', 10);

  const second = await runOnce();

  expect(second.keys).toEqual([...ids].sort());
  expect(second.records).toBe(10);
  const { records: api } = await sim.control.snapshot('incidents');
  for (const incident of api.filter((r) => ids.includes(r.id))) expect(second.values.get(incident.id)).toEqual(incident);
  await expectReplayEqualsApi();
  const incidents = (await states()).get(`${p.name}:incidents`)!;
  expect(incidents.incremental?.last_value).toBe(await maxUpdatedAtInTopic());
  expect(incidents.last_completed_run?.id).toBe(second.runId);
});

it('third run with no changes re-reads only the boundary records and publishes none of them', async () => {
  const before = (await sim.control.stats()).dataRequests;

  const third = await runOnce();

  expect(third.keys).toEqual([]);
  expect(third.records).toBe(0);
  // One page for incidents (the boundary records) and one for services.
  expect((await sim.control.stats()).dataRequests - before).toBe(2);
  await expectReplayEqualsApi();
  const incidents = (await states()).get(`${p.name}:incidents`)!;
  expect(incidents.last_completed_run?.id).toBe(third.runId);
  expect(incidents.incremental?.last_value).toBe(await maxUpdatedAtInTopic());
});
