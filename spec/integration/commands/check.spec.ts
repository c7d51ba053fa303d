/**
 * `rest2kafka check` against the real broker: it reports what a run would find on the Kafka
 * side (brokers, each topic's existence and cleanup policy, another pipeline's records) and
 * fails as a run would, before anything is created or published (issue 13).
 */
import net from 'node:net';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, createTopic } from '../../support/kafka';
import { incidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';

let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 30, services: 4 });
});

afterAll(async () => {
  await sim?.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function pipeline(label: string, extra: Partial<Parameters<typeof writePipeline>[1]> = {}): Promise<TestPipeline> {
  const p = await writePipeline(label, { simulator: sim, resources: [incidentsResource({}, 10)], ...extra });
  pipelines.push(p);
  return p;
}

async function topicsNamed(prefix: string): Promise<string[]> {
  const admin = createTestKafka().admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
  } finally {
    await admin.disconnect();
  }
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

it('reports the brokers and each topic a run would create, and creates none', async () => {
  const p = await pipeline('check-new');
  const result = await runCli(['check', '--config', p.file]);
  expect(result.code).toBe(0);
  expect(result.stdout.trim().split('\n').slice(2)).toEqual([
    expect.stringMatching(/^kafka ok: \S+ \(\d+ brokers?\)$/),
    `topic ${p.topic('incidents')} for resource incidents (merge): missing; a run creates it with cleanup.policy=compact, 1 partition`,
    `topic ${p.stateTopic} for pipeline state: missing; a run creates it with cleanup.policy=compact, 1 partition`,
    `topic ${p.deadLetterTopic} for dead letters: missing; a run creates it with cleanup.policy=delete, 1 partition`,
  ]);
  expect(await topicsNamed(p.name)).toEqual([]);
});

it('after a run, reports the topics as they are, with no warning about its own records', async () => {
  const p = await pipeline('check-after-run');
  expect((await runCli(['run', '--config', p.file])).code).toBe(0);
  const result = await runCli(['check', '--config', p.file]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`topic ${p.topic('incidents')} for resource incidents (merge): exists, cleanup.policy=compact\n`);
  expect(result.stdout).toContain(`topic ${p.deadLetterTopic} for dead letters: exists, cleanup.policy=delete\n`);
  expect(result.stderr).not.toContain('already holds');
});

it('a topic with the wrong cleanup policy fails as a run would (exit 5), saying how to fix it, with nothing on stdout', async () => {
  const p = await pipeline('check-policy');
  const admin = createTestKafka().admin();
  await admin.connect();
  try {
    await createTopic(admin, { topic: p.topic('incidents'), numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] });
  } finally {
    await admin.disconnect();
  }
  const result = await runCli(['check', '--config', p.file]);
  expect(result.code).toBe(5);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(
    `error [TOPIC_POLICY_MISMATCH]: topic ${p.topic('incidents')} (resource incidents (merge)) has cleanup.policy=delete but needs compact: ` +
      'merge and replace rely on compaction to keep the latest record per key. Use another topic name (topics.name / topics.prefix)',
  );
  // Nothing created for the run: check verifies, it does not prepare.
  expect(await topicsNamed(p.name)).toEqual([p.topic('incidents')]);
});

it('an unreachable broker is exit 5 naming the brokers and where to set them; --skip-kafka checks the API alone', async () => {
  const broker = `127.0.0.1:${await closedPort()}`;
  const p = await pipeline('check-unreachable', { kafka: { brokers: [broker] } });
  const result = await runCli(['check', '--config', p.file], {});
  expect(result.code).toBe(5);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(new RegExp(`^error \\[KAFKA_UNREACHABLE\\]: connecting to Kafka failed: .*is the broker running and reachable at ${broker}\\? Set kafka.brokers in the config or KAFKA_BROKERS\\.`, 'm'));

  const skipped = await runCli(['check', '--config', p.file, '--skip-kafka'], {});
  expect(skipped.code).toBe(0);
  expect(skipped.stdout).toMatch(/^config ok: .*\nincidents: HTTP 200, 10 records on the first page, .*\nkafka: not checked \(--skip-kafka\)\n$/);
});

it("warns when a topic holds another pipeline's records, and still passes", async () => {
  const first = await pipeline('check-first');
  expect((await runCli(['run', '--config', first.file])).code).toBe(0);
  const second = await pipeline('check-second', { topics: { prefix: `${first.name}.` } });
  const result = await runCli(['check', '--config', second.file]);
  expect(result.code).toBe(0);
  const warnings = result.stderr.split('\n').filter((l) => l.includes('already holds')).map((l) => JSON.parse(l) as { level: string; msg: string });
  expect(warnings).toEqual([
    expect.objectContaining({ level: 'warn', msg: expect.stringContaining(`topic ${first.topic('incidents')} already holds records of pipeline "${first.name}"`) }),
  ]);
});
