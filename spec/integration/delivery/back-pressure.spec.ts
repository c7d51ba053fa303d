/**
 * Back-pressure through the whole `run`, on the real broker: chains that stop early with pages
 * in flight give their slots back, so resource after resource still finishes. Before the one
 * stream, each stop leaked the slots of the pages in flight (capacity page_concurrency ×
 * resource_concurrency + 2 = 6 here) and the third resource waited forever.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { readAllFromStart } from '../../support/kafka';
import { parseSummary, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';

const LIMIT = 20;
const NAMES = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

let sim: SimulatorHandle;
let p: TestPipeline;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 400, services: 3 });
  const ids = ((await sim.control.snapshot('incidents')).records as { id: string }[]).map((r) => r.id);
  // Page 2 (offset 40) holds this id; a response action ignores that page, which ends the chain
  // there (dlt) while pages 3–5 are still being fetched.
  const ignoreMarker = ids[2 * LIMIT + 5];
  p = await writePipeline('back-pressure', {
    simulator: sim,
    client: { page_concurrency: 4, resource_concurrency: 1 },
    resources: NAMES.map((name) => ({
      name,
      endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: LIMIT }, response_actions: [{ content: ignoreMarker, action: 'ignore' }] },
    })),
  });
});

afterAll(async () => {
  await sim?.close();
  await p?.remove();
});

it('six resources that each stop at an ignored page with pages in flight all finish, each with its first two pages', async () => {
  await sim.control.setFaults({ latency: { minMs: 5, maxMs: 40 } });
  const result = await runCli(['run', '--config', p.file]);
  expect(result.code).toBe(0);
  const summary = parseSummary(result.stderr);
  const expected = ((await sim.control.snapshot('incidents')).records as { id: string }[]).slice(0, 2 * LIMIT).map((r) => r.id);
  for (const name of NAMES) {
    expect(summary.get(name)).toMatchObject({ pages: 2, records: 2 * LIMIT });
    const keys = (await readAllFromStart(p.topic(name))).map((r) => r.key);
    expect(keys).toEqual(expected);
  }
});
