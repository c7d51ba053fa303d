/**
 * A run warns when a topic it publishes into already holds another pipeline's records (issue
 * 13): two bare configs share the pipeline name `rest2kafka` and the `{table_name}` topics, and
 * compaction would mix their keys in silence. The records' r2k-pipeline / r2k-source /
 * r2k-resource headers say who wrote them; the warning only warns, the run still publishes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createCompactedTopic, createTestKafka, readAllFromStart } from '../../support/kafka';
import { parseSummary, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';

const services = { name: 'services', endpoint: { path: '/v1/services', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } };

let apiA: SimulatorHandle;
let apiB: SimulatorHandle;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  apiA = await startSimulator({ port: 0, incidents: 10, services: 5 });
  apiB = await startSimulator({ port: 0, incidents: 10, services: 7 });
});

afterAll(async () => {
  await apiA?.close();
  await apiB?.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function pipeline(label: string, sim: SimulatorHandle, topics?: Record<string, unknown>): Promise<TestPipeline> {
  const p = await writePipeline(label, { simulator: sim, resources: [services], topics });
  pipelines.push(p);
  return p;
}

/** The WARN lines about shared topics, parsed (stderr is not a terminal: JSON lines). */
function sharedWarnings(stderr: string): { msg: string; topic: string }[] {
  return stderr
    .split('\n')
    .filter((line) => line.includes('already holds'))
    .map((line) => JSON.parse(line) as { msg: string; topic: string; level: string })
    .map(({ msg, topic, level }) => {
      expect(level).toBe('warn');
      return { msg, topic };
    });
}

it("a pipeline re-running into its own topics is not warned; another pipeline's run into them is, and still publishes", async () => {
  const first = await pipeline('shared-first', apiA);
  expect((await runCli(['run', '--config', first.file])).code).toBe(0);
  const again = await runCli(['run', '--config', first.file]);
  expect(again.code).toBe(0);
  expect(sharedWarnings(again.stderr)).toEqual([]);

  // Another pipeline with the first one's topic prefix: the same `services` topic.
  const second = await pipeline('shared-second', apiB, { prefix: `${first.name}.` });
  const run = await runCli(['run', '--config', second.file]);
  expect(run.code).toBe(0);
  expect(sharedWarnings(run.stderr)).toEqual([
    {
      topic: first.topic('services'),
      msg:
        `topic ${first.topic('services')} already holds records of pipeline "${first.name}" reading ${apiA.url} (resource services); ` +
        `this run is pipeline "${second.name}" reading ${apiB.url} (resource services). Both now publish into it, and compaction keeps ` +
        `whichever wrote a key last. Give each pipeline its own topics with topics.prefix (e.g. prefix: "${second.name}.") and its own ` +
        'pipeline_name, which also names its state keys and transactional id.',
    },
  ]);
  expect(parseSummary(run.stderr).get('services')).toMatchObject({ records: 7 });
  // The first pipeline's next run is warned in turn: the newest records are the second's.
  expect(sharedWarnings((await runCli(['run', '--config', first.file])).stderr)).toHaveLength(1);
});

it('the same pipeline name reading another API (two bare configs) is another writer', async () => {
  const first = await pipeline('shared-same-name', apiA);
  expect((await runCli(['run', '--config', first.file])).code).toBe(0);
  const config = JSON.parse(await readFile(first.file, 'utf8')) as { source: { client: { base_url: string } } };
  config.source.client.base_url = apiB.url;
  await writeFile(first.file, JSON.stringify(config));
  const run = await runCli(['run', '--config', first.file]);
  expect(run.code).toBe(0);
  const [warning] = sharedWarnings(run.stderr);
  expect(warning.msg).toContain(`already holds records of pipeline "${first.name}" reading ${apiA.url} (resource services); this run is pipeline "${first.name}" reading ${apiB.url}`);
});

it('a topic holding records no rest2kafka wrote is named as such', async () => {
  const p = await pipeline('shared-foreign', apiA);
  const kafka = createTestKafka();
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  try {
    await createCompactedTopic(admin, p.topic('services'));
    await producer.send({ topic: p.topic('services'), acks: -1, messages: [{ key: 'SVC-x', value: '{"id":"SVC-x"}' }] });
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
  const run = await runCli(['run', '--config', p.file]);
  expect(run.code).toBe(0);
  expect(sharedWarnings(run.stderr).map((w) => w.msg)).toEqual([
    expect.stringMatching(new RegExp(`^topic ${p.topic('services').replace(/\./g, '\\.')} already holds records not written by rest2kafka \\(no r2k-resource header\\); this run is pipeline "${p.name}"`)),
  ]);
  // Published all the same: the foreign record and the 5 services.
  expect(await readAllFromStart(p.topic('services'))).toHaveLength(6);
});
