/**
 * Two live instances of one pipeline at once (issue 5 §2 "two instances with the same pipeline
 * at once"; kafka.md §7): unlike the zombie scenario, neither is paused. B's start fences A
 * through the shared transactional id; A's next transactional request is refused and it exits
 * with the fenced code (7), or a Kafka error (5), having made nothing visible past its last
 * commit. B resumes from the committed state and completes: nothing lost, and read_committed
 * readers see every record exactly once.
 */
import type { Admin } from 'kafkajs';
import type { SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, testBrokers } from '../../support/kafka';
import { assertOracle } from '../../support/oracle';
import { parseSummary, type TestPipeline } from '../../support/pipeline';
import { committedAtLeast, deadLetterSecretHits, incidentsOracle, incidentsScenarios, secretHits, spawnRun, type Child } from './harness';

const TOTAL = 1500;
const LIMIT = 50;

let sim: SimulatorHandle;
let p: TestPipeline;
let admin: Admin;
const children: Child[] = [];

const scenarios = incidentsScenarios();

beforeAll(async () => {
  // ~3 s of paging for A: B's start-up (node, Kafka, the publisher thread, fencing) must land
  // while A is still running, also on a loaded CI machine (at 40–60 ms A once finished first).
  ({ sim, p } = await scenarios.setup('two-instances', { incidents: TOTAL, faults: { latency: { minMs: 80, maxMs: 120 } } }, { limit: LIMIT }));
  admin = createTestKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  await admin?.disconnect();
  await scenarios.cleanup();
});

it('the second instance fences the first, which exits 7 (or 5) while the second completes; nothing lost, nothing twice', async () => {
  const env = { KAFKA_BROKERS: testBrokers().join(',') };
  const a = spawnRun(['run', '--config', p.file], env);
  children.push(a);
  await committedAtLeast(admin, p.topic('incidents'), 3 * (LIMIT + 1));
  const b = spawnRun(['run', '--config', p.file], env);
  children.push(b);

  const [codeA, codeB] = await Promise.all([a.exited, b.exited]);
  expect(codeB === 0 ? 'ok' : `B exit ${codeB}: ${b.stderr().slice(-1500)}`).toBe('ok');
  // A was still paging (about 30 pages at 80–120 ms each) when B started, so B's fence found it live.
  expect([7, 5]).toContain(codeA);
  expect(a.stderr()).toMatch(/fenced|PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/i);
  expect(a.stderr()).not.toMatch(/\n\s+at /); // a clear message, no stack trace
  expect(parseSummary(b.stderr()).get('incidents')?.resumed).toBe(true);

  const result = await assertOracle(incidentsOracle(sim, p), { noDuplicates: true });
  expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
  expect(result.states.get('incidents')?.run).toBeNull();

  expect(secretHits(a.stdout(), a.stderr(), b.stdout(), b.stderr())).toBe(0);
  expect(await deadLetterSecretHits(p.deadLetterTopic)).toBe(0);
}, 90_000);
