/**
 * The publisher thread changes where kafkajs runs, not what lands: the same config run with
 * the publisher on its worker thread (the default) and on the main thread
 * (`R2K_PUBLISHER_THREAD=0`) writes the same keys, values, headers and partitions, dead
 * letters included. The worker thread encodes its produce requests straight from the packed pages
 * (packed-produce.ts); in-process under jest kafkajs loads as shipped and the main-thread run sends
 * messages, so this also compares the two encoders on a real broker, over three partitions.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { incidentId as id } from '../../../lib/simulator/naming';
import { readAllFromStart, testBrokers, type ReadRecord } from '../../support/kafka';
import { incidentsResource, parseSummary, runCli, spawnCli, writePipeline, type TestPipeline } from '../../support/pipeline';

const INCIDENTS = 700;

let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];
const runs: Record<'thread' | 'main', { pipeline: TestPipeline; code: number; stderr: string }> = {} as never;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: 10 });
  // Two schema failures: dead letters travel through the thread too.
  await sim.control.update('incidents', [id(3), id(404)], { priority: 5 });
  for (const where of ['thread', 'main'] as const) {
    const pipeline = await writePipeline(`pubthread-${where}`, { simulator: sim, resources: [incidentsResource({}, 100)], topics: { partitions: 3 } });
    pipelines.push(pipeline);
    const saved = process.env.R2K_PUBLISHER_THREAD;
    if (where === 'main') process.env.R2K_PUBLISHER_THREAD = '0';
    try {
      const { code, stderr } = await runCli(['run', '--config', pipeline.file, '--log-level', 'debug']);
      runs[where] = { pipeline, code, stderr };
    } finally {
      if (saved === undefined) delete process.env.R2K_PUBLISHER_THREAD;
      else process.env.R2K_PUBLISHER_THREAD = saved;
    }
  }
});

afterAll(async () => {
  await sim?.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

/** What a consumer sees of a record, without what differs between two runs by design (run id, pipeline name, time). */
function seen(r: ReadRecord): unknown {
  const headers = { ...r.headers };
  delete headers['r2k-run-id'];
  delete headers['r2k-pipeline'];
  return { partition: r.partition, key: r.key, value: r.value?.toString('utf8') ?? null, headers };
}

it('both runs publish from where they say, exit 0 and count the same', () => {
  expect(runs.thread.code).toBe(0);
  expect(runs.main.code).toBe(0);
  expect(runs.thread.stderr).toMatch(/publishing from a worker thread/);
  expect(runs.main.stderr).toMatch(/publishing from the main thread/);
  for (const run of [runs.thread, runs.main]) expect(parseSummary(run.stderr).get('incidents')).toMatchObject({ records: INCIDENTS - 2, deadLettered: 2, pages: 7 });
});

it.each([
  ['its worker thread', {}, '"thread":"publisher"'],
  ['the main thread', { R2K_PUBLISHER_THREAD: '0' }, '"run_id"'],
])('the built CLI publishes from %s with the kafkajs fast paths installed, and says so', async (_where, env, marker) => {
  // The real entry point in its own process (jest's module registry would not show the install).
  // One that loaded kafkajs before lib/preload.ts would publish without them: createPublisher
  // then warns, and this test fails.
  const pipeline = await writePipeline('pubthread-fast-paths', { simulator: sim, resources: [incidentsResource({}, 100)] });
  pipelines.push(pipeline);
  const child = spawnCli(['run', '--config', pipeline.file, '--log-level', 'debug'], { KAFKA_BROKERS: testBrokers().join(','), ...env });
  expect(await child.exited).toBe(0);
  const lines = child.stderr().split('\n').filter((l) => l.includes('kafkajs fast paths'));
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0])).toMatchObject({ level: 'debug', status: 'installed' });
  expect(lines[0]).toContain(marker);
});

it('write the same records, record for record, on the same partitions', async () => {
  const thread = await readAllFromStart(runs.thread.pipeline.topic('incidents'));
  const main = await readAllFromStart(runs.main.pipeline.topic('incidents'));
  expect(thread).toHaveLength(INCIDENTS - 2);
  expect(new Set(thread.map((r) => r.partition)).size).toBe(3);
  expect(thread.map(seen)).toEqual(main.map(seen));
});

it('write the same dead letters', async () => {
  const reasons = async (p: TestPipeline) =>
    (await readAllFromStart(p.deadLetterTopic)).map((r) => {
      const { reason, record } = JSON.parse(r.value!.toString('utf8')) as { reason: string; record: unknown };
      return { key: r.key, reason, record };
    });
  const thread = await reasons(runs.thread.pipeline);
  expect(thread.map((d) => d.key)).toEqual([id(3), id(404)]);
  expect(thread).toEqual(await reasons(runs.main.pipeline));
});
