/**
 * The data topic deleted while a run publishes to it (issue 5 §2 "Topics"): with broker
 * auto-create off the run cannot silently recreate it as an ordinary topic; it must end with
 * a Kafka error naming the topic (exit 5), in bounded time, with no secret in its output. The
 * next run recreates the topic compacted and converges.
 */
import type { Admin } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import type { SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, testBrokers } from '../../support/kafka';
import { assertOracle } from '../../support/oracle';
import { runCli, type TestPipeline } from '../../support/pipeline';
import { committedAtLeast, incidentsOracle, incidentsScenarios, secretHits, spawnRun, type Child } from './harness';

const TOTAL = 1500;
const LIMIT = 50;

let sim: SimulatorHandle;
let p: TestPipeline;
let admin: Admin;
let child: Child | null = null;

const scenarios = incidentsScenarios();

beforeAll(async () => {
  ({ sim, p } = await scenarios.setup('topic-deleted', { incidents: TOTAL, faults: { latency: { minMs: 40, maxMs: 60 } } }, { limit: LIMIT }));
  admin = createTestKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  child?.process.kill('SIGKILL');
  await admin?.disconnect();
  await scenarios.cleanup();
});

it('a data topic deleted mid-run ends the run with a Kafka error naming it; the next run recreates it and converges', async () => {
  const topic = p.topic('incidents');
  child = spawnRun(['run', '--config', p.file], { KAFKA_BROKERS: testBrokers().join(',') });
  await committedAtLeast(admin, topic, 2 * (LIMIT + 1));
  await admin.deleteTopics({ topics: [topic] });

  const code = await child.exited;
  expect(code).toBe(5);
  expect(child.stderr()).toContain(topic);
  expect(secretHits(child.stdout(), child.stderr())).toBe(0);

  await sim.control.setFaults({});
  const rerun = await runCli(['run', '--config', p.file]);
  expect(rerun.code).toBe(0);
  // The state still describes the interrupted run's pages, which went with the topic: not resumed.
  expect(rerun.stderr).toMatch(/the data topic did not exist but the state has progress for it/);
  const [config] = (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] })).resources;
  expect(config.configEntries[0].configValue).toBe('compact');
  await assertOracle(incidentsOracle(sim, p), { noDuplicates: true });
  expect(secretHits(rerun.stdout, rerun.stderr)).toBe(0);
});
