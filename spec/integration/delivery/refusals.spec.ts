/**
 * Runs that must not publish: a topic whose cleanup policy contradicts the write disposition,
 * `--dry-run`, and a broker that is not there.
 */
import { createServer } from 'node:net';
import type { Admin } from 'kafkajs';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, createTopic, readAllFromStart } from '../../support/kafka';
import { incidentsResource, parseSummary, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';

let sim: SimulatorHandle;
let admin: Admin;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 120, services: 10 });
  admin = createTestKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await sim?.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function pipelineFor(label: string, extra: Partial<Parameters<typeof writePipeline>[1]> = {}): Promise<TestPipeline> {
  const p = await writePipeline(label, { simulator: sim, resources: [incidentsResource()], ...extra });
  pipelines.push(p);
  return p;
}

it('refuses to merge into an existing delete-policy topic: exit 5, the topic and the fix named, nothing published', async () => {
  const p = await pipelineFor('policy');
  const topic = p.topic('incidents');
  await createTopic(admin, { topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] });
  const before = (await sim.control.stats()).requests;

  const result = await runCli(['run', '--config', p.file]);

  expect(result.code).toBe(5);
  expect(result.stderr).toContain(`topic ${topic}`);
  expect(result.stderr).toContain('cleanup.policy=delete but needs compact');
  expect(result.stderr).toContain(`kafka-configs --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=compact`);
  expect(await readAllFromStart(topic)).toEqual([]);
  // Refused before anything was created: no state or dead-letter topic, so no state either.
  expect((await admin.listTopics()).filter((t) => t.startsWith(p.name))).toEqual([topic]);
  expect((await sim.control.stats()).requests).toBe(before);
});

it('--dry-run extracts and summarises but creates no topic and publishes nothing', async () => {
  const p = await pipelineFor('dry-run');
  const before = (await sim.control.stats()).requests;

  const result = await runCli(['run', '--config', p.file, '--dry-run']);

  expect(result.code).toBe(0);
  expect(result.stderr).toContain('dry run: nothing was published');
  expect(parseSummary(result.stderr).get('incidents')).toMatchObject({ topic: p.topic('incidents'), records: 120, pages: 2, deadLettered: 0 });
  expect((await sim.control.stats()).requests).toBeGreaterThan(before);
  const topics = await admin.listTopics();
  expect(topics.filter((t) => t.startsWith(p.name))).toEqual([]);
});

it('reports an unreachable broker by its address with exit 5', async () => {
  const port = await closedPort();
  const brokers = [`127.0.0.1:${port}`];
  const p = await pipelineFor('no-broker', { kafka: { brokers, connection_timeout_ms: 1000 } });

  // No KAFKA_BROKERS in the environment: the config's brokers are used. The jest timeout bounds the wait.
  const result = await runCli(['run', '--config', p.file], {});

  expect(result.code).toBe(5);
  expect(result.stderr).toContain(`127.0.0.1:${port}`);
  expect(result.stderr).toMatch(/connecting to Kafka failed/);
  expect(result.stderr).toMatch(/is the broker running and reachable/);
}, 45_000);

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
