/**
 * Two instances of one pipeline (kafka.md §7 rows 5–6): instance A is frozen (SIGSTOP) in the
 * middle of a run, instance B starts, fences A through the shared transactional id, resumes from
 * the committed state and completes. A is thawed (SIGCONT): its next transactional request is
 * rejected, and it exits with the fenced exit code (7) or a Kafka error (5), having written
 * nothing read_committed readers can see. The oracle passes afterwards with no duplicates.
 */
import type { Admin } from 'kafkajs';
import type { SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, readAllFromStart, testBrokers } from '../../support/kafka';
import { assertOracle } from '../../support/oracle';
import { runCli, runIdOf, type TestPipeline } from '../../support/pipeline';
import { committedAtLeast, deadLetterSecretHits, incidentsOracle, incidentsScenarios, secretHits, spawnRun, type Child } from './harness';

const TOTAL = 1500;
const LIMIT = 50;

let sim: SimulatorHandle;
let p: TestPipeline;
let admin: Admin;
let zombie: Child | null = null;

const scenarios = incidentsScenarios();

beforeAll(async () => {
  ({ sim, p } = await scenarios.setup('zombie', { incidents: TOTAL, faults: { latency: { minMs: 40, maxMs: 60 } } }, { limit: LIMIT }));
  admin = createTestKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  if (zombie && zombie.process.exitCode === null && zombie.process.signalCode === null) {
    zombie.process.kill('SIGCONT');
    zombie.process.kill('SIGKILL');
  }
  await admin?.disconnect();
  await scenarios.cleanup();
});

it('a frozen instance is fenced by a second one, which completes; the thawed zombie exits non-zero and changes nothing', async () => {
  zombie = spawnRun(['run', '--config', p.file], { KAFKA_BROKERS: testBrokers().join(',') });
  await committedAtLeast(admin, p.topic('incidents'), 3 * (LIMIT + 1));
  zombie.process.kill('SIGSTOP');

  // The zombie's open transaction (if any) is aborted when B fences it; B resumes from the state.
  await sim.control.setFaults({});
  const second = await runCli(['run', '--config', p.file]);
  expect(second.code).toBe(0);
  const stateAfterB = (await readAllFromStart(p.stateTopic)).length;

  zombie.process.kill('SIGCONT');
  const code = await zombie.exited;
  expect([7, 5]).toContain(code);
  // The error that ended it says it was fenced: exit 7 is our PRODUCER_FENCED; a Kafka error
  // (exit 5) must name the broker's fencing answer, not just any Kafka failure.
  const ending = zombie.stderr().split('\n').filter((l) => /^error \[/.test(l)).join('\n');
  expect(ending).toMatch(code === 7 ? /^error \[PRODUCER_FENCED\]: .*the producer was fenced/m : /^error \[KAFKA\]: .*(INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|INVALID_PRODUCER_ID_MAPPING)/m);

  // Nothing from the zombie became visible after B finished: no new state, no duplicates.
  expect((await readAllFromStart(p.stateTopic)).length).toBe(stateAfterB);
  const result = await assertOracle(incidentsOracle(sim, p), { noDuplicates: true });
  expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
  const state = result.states.get('incidents')!;
  expect(state.run).toBeNull();
  // B completed the run A began (resumed), so the completed run carries A's run id.
  expect(state.last_completed_run?.id).toBe(runIdOf(zombie.stderr()));

  expect(secretHits(zombie.stdout(), zombie.stderr(), second.stdout, second.stderr)).toBe(0);
  expect(await deadLetterSecretHits(p.deadLetterTopic)).toBe(0);
});
