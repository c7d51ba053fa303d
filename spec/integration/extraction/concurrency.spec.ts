/**
 * Page concurrency: when the offset paginator knows the total, the remaining pages are fetched
 * `client.page_concurrency` at a time, yet `preview` prints exactly what a strictly sequential
 * (dlt) read prints, in the same order — also when the total grows during the read.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { spawnRun } from '../faults/harness';
import { configDir, previewLines, runCli, simulatorSource } from './cli';

const API_KEY = 'concurrency-key-41ab';

let sim: SimulatorHandle;
let configs: Awaited<ReturnType<typeof configDir>>;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 250, services: 3, apiKey: API_KEY });
  configs = await configDir();
});
afterAll(async () => {
  await sim.close();
  await configs.cleanup();
});

/** Incidents in pages of 20 (13 pages for 250), every response 30 ms late. */
async function preview(pageConcurrency: number, onStdout?: (chunk: string) => void) {
  await sim.control.reset();
  await sim.control.setFaults({ latency: { minMs: 30, maxMs: 30 } });
  const config = simulatorSource(sim.url, { page_concurrency: pageConcurrency }, [
    { name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 20 } } },
  ]);
  const file = await configs.write(`concurrency-${pageConcurrency}.json`, config);
  const result = await runCli(['preview', '--config', file], { API_KEY }, { onStdout });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { lines: previewLines(result.stdout), stats: await sim.control.stats() };
}

it('page_concurrency 4 prints the same records in the same order as page_concurrency 1', async () => {
  const sequential = await preview(1);
  const concurrent = await preview(4);
  const { records } = await sim.control.snapshot('incidents');
  expect(sequential.lines.map((l) => l.value)).toEqual(records);
  expect(concurrent.lines).toEqual(sequential.lines);
  // 13 pages each, no page fetched twice, none past the end.
  expect(concurrent.stats.dataRequests).toBe(13);
  expect(sequential.stats.dataRequests).toBe(13);
  expect(concurrent.stats.faults.latency).toBe(13);
});

it('a total that grows during the read is followed past the pages planned from the first total', async () => {
  // After the second page is printed, 30 incidents are appended (ids after every existing one).
  // The concurrent read planned pages up to offset 240 from total 250; the rest must still come.
  const insertAfterSecondPage = () => {
    let writes = 0;
    return () => {
      writes += 1;
      if (writes === 2) void sim.control.insert('incidents', 30);
    };
  };
  const sequential = await preview(1, insertAfterSecondPage());
  const afterInsert = await sim.control.snapshot('incidents');
  const concurrent = await preview(4, insertAfterSecondPage());

  expect(afterInsert.total).toBe(280);
  expect(sequential.lines.map((l) => l.value)).toEqual(afterInsert.records);
  expect(concurrent.lines).toEqual(sequential.lines);
  expect(concurrent.lines.map((l) => l.key)).toContain('INC00000280');
  // 14 pages of 20 for 280 records, both ways.
  expect(concurrent.stats.dataRequests).toBe(14);
  expect(sequential.stats.dataRequests).toBe(14);
});

it('16 requests in flight (2 resources × page_concurrency 8) do not raise Node’s listener-leak warning', async () => {
  await sim.control.reset();
  await sim.control.setFaults({ latency: { minMs: 100, maxMs: 100 } });
  const resource = (name: string) => ({ name, endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 20 } } });
  const config = simulatorSource(sim.url, { page_concurrency: 8, resource_concurrency: 2 }, [resource('incidents'), resource('incidents_again')]);
  const file = await configs.write('concurrency-16.json', config);
  // Each request listens to the run's abort signal; past Node's default of 10 listeners Node
  // warns of a possible leak, which this concurrency is not. A child process: Node writes the
  // warning to the real process's stderr, which jest's sandboxed `process` does not see.
  const run = spawnRun(['run', '--config', file, '--dry-run'], { API_KEY });
  expect(await run.exited).toBe(0);
  expect((await sim.control.stats()).dataRequests).toBe(26);
  expect(run.stderr()).not.toMatch(/MaxListenersExceededWarning|memory leak/);
});
