/**
 * Broker faults on a dedicated broker (kafka.md §7 rows 7 and 10, issue 5 §2 "Broker"): the
 * broker SIGKILLed in the middle of a run and restarted on the same log dir — the run fails
 * with exit 5 (or 7, fenced) or rides it out, and a rerun converges with nothing lost or duplicated for
 * read_committed readers; the broker down at start — exit 5 with a message naming the
 * brokers, and the state topic untouched. The sentinel API key appears in no output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { startBroker, type RunningBroker } from '../../../scripts/kafka/broker';
import { freePorts } from '../../../scripts/kafka/ports';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka } from '../../support/kafka';
import { assertOracle, checkOracle, readOrEmpty } from '../../support/oracle';
import { incidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { committedAtLeast, SENTINEL, secretHits, spawnRun, type Child } from './harness';

const TOTAL = 1500;
const LIMIT = 50;
// A restart after kill -9 waits for the dead incarnation's session to time out (9 s default).
const FAST_RESTART = { 'broker.heartbeat.interval.ms': '500', 'broker.session.timeout.ms': '3000' };

let broker: RunningBroker;
let workDir: string;
let sim: SimulatorHandle;
let p: TestPipeline;
let child: Child | null = null;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-faults-broker-'));
  const [port, controllerPort] = await freePorts(2);
  broker = await startBroker({ workDir, port, controllerPort, heap: '256m', extraConfig: FAST_RESTART });
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 3, apiKey: SENTINEL, faults: { latency: { minMs: 20, maxMs: 40 } } });
  p = await writePipeline('broker', { simulator: { url: sim.url, apiKey: SENTINEL }, resources: [incidentsResource({}, LIMIT)], client: { page_concurrency: 1 }, kafka: { brokers: broker.brokers, client_id: 'rest2kafka-it' } });
}, 120_000);

afterAll(async () => {
  child?.process.kill('SIGKILL');
  await sim?.close();
  await p?.remove();
  await broker?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 60_000);

const env = () => ({ KAFKA_BROKERS: broker.brokers.join(',') });
const oracle = () => ({ control: sim.control, resources: [{ resource: 'incidents' as const, topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name, brokers: broker.brokers });

async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createTestKafka('rest2kafka-faults', broker.brokers).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

it('the broker killed mid-run and restarted on its log dir: the run ends with exit 5 or completes, a rerun converges', async () => {
  child = spawnRun(['run', '--config', p.file], env());
  await withAdmin((admin) => committedAtLeast(admin, p.topic('incidents'), 3 * (LIMIT + 1)));
  await broker.kill();
  broker = await startBroker(broker.options);
  expect(broker.formatted).toBe(false);

  const code = await child.exited;
  // 5: a Kafka error; 7: the restarted coordinator fenced the producer of the interrupted transaction.
  expect([0, 5, 7].includes(code as number) ? 'ok' : `exit ${code}: ${child.stderr().slice(-1500)}`).toBe('ok');
  if (code !== 0) expect(child.stderr()).toMatch(/error \[(KAFKA|PRODUCER_FENCED)/);

  // Whatever the exit code, read_committed readers never see a record twice and the cursor
  // covers nothing missing. The run may also have committed its completion before the kill
  // (the wait and disconnect after it failing instead), which the state topic tells.
  const afterKill = await checkOracle(oracle());
  expect(afterKill.duplicatesReadCommitted).toBe(0);
  expect(afterKill.cursorAhead).toEqual([]);
  const state = afterKill.states.get('incidents');
  const completed = state?.run === null && state.last_completed_run !== null;
  if (completed) expect(afterKill.lost).toEqual([]);

  await sim.control.setFaults({});
  const rerun = await runCli(['run', '--config', p.file], env());
  expect(rerun.code).toBe(0);
  // An interrupted run is resumed after its last committed page, adding no copy; after a
  // completed one the rerun is a new full extraction (the resource is not incremental), one
  // more copy of every record.
  const result = await assertOracle(oracle(), { noDuplicates: !completed });
  expect(result.records.get(p.topic('incidents'))).toHaveLength(completed ? 2 * TOTAL : TOTAL);
  expect(secretHits(child.stdout(), child.stderr(), rerun.stdout, rerun.stderr)).toBe(0);
}, 120_000);

it('the broker down at start: exit 5 naming the brokers, the state topic untouched', async () => {
  const before = await readOrEmpty(p.stateTopic, { brokers: broker.brokers });
  expect(before.length).toBeGreaterThan(0);
  await sim.control.update('incidents', 10); // something to publish, were the run to get that far
  await broker.stop();

  const down = await runCli(['run', '--config', p.file], env());
  expect(down.code === 5 ? 'ok' : `exit ${down.code}: ${down.stderr.slice(-1500)}`).toBe('ok');
  expect(down.stderr).toContain(broker.brokers[0]);
  expect(down.stderr).toMatch(/is the broker running/);
  expect(secretHits(down.stdout, down.stderr)).toBe(0);

  broker = await startBroker(broker.options);
  // Retries while the restarted broker elects the partition's leader.
  const after = await readOrEmpty(p.stateTopic, { brokers: broker.brokers });
  expect(after.map((r) => [r.offset, r.value?.toString('utf8')])).toEqual(before.map((r) => [r.offset, r.value?.toString('utf8')]));
}, 120_000);
