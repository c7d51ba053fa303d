/**
 * SIGKILL at each labelled point of the delivery loop (R2K_CRASH_AT, kafka.md §7 rows 1–3):
 * after a page is fetched, after its data is sent inside the transaction, while the commit is
 * in flight, and right after a commit. At the kill the committed data is exactly what the
 * committed state covers; the rerun resumes, and the oracle finds nothing lost, nothing stale,
 * the cursor never ahead of the data, and every record exactly once for read_committed readers.
 * The sentinel API key appears in no output and no dead letter.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { readAllFromStart, testBrokers } from '../../support/kafka';
import { assertOracle, checkOracle } from '../../support/oracle';
import { incrementalIncidentsResource, parseSummary, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { deadLetterSecretHits, SENTINEL, secretHits, spawnRun } from './harness';

const TOTAL = 800;
// 16 pages, each taking 20–40 ms: the kill at the 3rd commit must land midway, and pages that
// arrive faster than commits finish are batched together (one commit once took all 8 pages of 100).
const LIMIT = 50;

let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  // pageTies: equal updated_at on both sides of page edges, which the incremental cursor must not lose.
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 3, apiKey: SENTINEL, pageTies: 7, faults: { latency: { minMs: 20, maxMs: 40 } } });
});

afterAll(async () => {
  await sim?.close();
  for (const p of pipelines) await p.remove();
});

async function incrementalPipeline(label: string): Promise<TestPipeline> {
  const p = await writePipeline(label, {
    simulator: { url: sim.url, apiKey: SENTINEL },
    resources: [incrementalIncidentsResource(LIMIT)],
    client: { page_concurrency: 1 },
  });
  pipelines.push(p);
  return p;
}

const oracleOf = (p: TestPipeline) => ({ control: sim.control, resources: [{ resource: 'incidents' as const, topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name });

/**
 * After a kill, a transaction the coordinator had begun to commit gets its markers shortly
 * after; until then the data and the state partitions may disagree for a moment. Polls until
 * committed data == pages the committed state covers (bounded), then returns what it saw.
 */
async function settledAtKill(p: TestPipeline): Promise<{ nextIndex: number; committed: number }> {
  let last = { nextIndex: -1, committed: -1 };
  for (let i = 0; i < 50; i++) {
    const result = await checkOracle(oracleOf(p));
    const state = result.states.get('incidents');
    last = { nextIndex: state?.run?.next_index ?? 0, committed: result.records.get(p.topic('incidents'))!.length };
    if (last.committed === last.nextIndex * LIMIT && result.cursorAhead.length === 0) return last;
    await sleep(100);
  }
  return last;
}

describe.each([['after-fetch:3'], ['before-commit:3'], ['during-commit:3'], ['after-commit:3']])('R2K_CRASH_AT=%s', (crashAt) => {
  it('dies by SIGKILL there; the committed state covers exactly the committed data; the rerun converges with no duplicates', async () => {
    const p = await incrementalPipeline(`crash-${crashAt.replace(':', '-')}`);
    const child = spawnRun(['run', '--config', p.file], { KAFKA_BROKERS: testBrokers().join(','), R2K_CRASH_AT: crashAt });
    expect(await child.exited).toBe('SIGKILL');

    const atKill = await settledAtKill(p);
    expect(atKill.committed).toBe(atKill.nextIndex * LIMIT);
    expect(atKill.nextIndex).toBeLessThan(TOTAL / LIMIT); // killed midway
    if (crashAt.startsWith('before-commit')) {
      // The killed transaction had sent records: uncommitted readers see them, read_committed ones do not.
      const uncommitted = await readAllFromStart(p.topic('incidents'), { readUncommitted: true });
      expect(uncommitted.length).toBeGreaterThan(atKill.committed);
    }

    const rerun = await runCli(['run', '--config', p.file]);
    expect(rerun.code).toBe(0);
    expect(parseSummary(rerun.stderr).get('incidents')?.resumed).toBe(atKill.nextIndex > 0);

    const result = await assertOracle(oracleOf(p), { noDuplicates: true });
    expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
    const state = result.states.get('incidents')!;
    expect(state.run).toBeNull();
    expect(state.last_completed_run).toMatchObject({ records: TOTAL });

    expect(secretHits(child.stdout(), child.stderr(), rerun.stdout, rerun.stderr)).toBe(0);
    expect(await deadLetterSecretHits(p.deadLetterTopic)).toBe(0);
  }, 60_000);
});

// Regressions: offsets shift when the API changes between the kill and the rerun; resuming at the
// stored offset skipped records while the incremental cursor moved past them (lost for good), and
// the start-over that replaced it published the killed run's records a second time.
it('after a kill, updates and deletes before the rerun make it start over instead of resuming past shifted records, publishing only what changed', async () => {
  const p = await incrementalPipeline('crash-shifted');
  const child = spawnRun(['run', '--config', p.file], { KAFKA_BROKERS: testBrokers().join(','), R2K_CRASH_AT: 'after-commit:3' });
  expect(await child.exited).toBe('SIGKILL');
  const atKill = await settledAtKill(p);
  expect(atKill.nextIndex).toBeGreaterThan(0);
  expect(atKill.nextIndex).toBeLessThan(TOTAL / LIMIT);

  // Records on the committed pages change: updated ones move to the end, deleted ones vanish,
  // so every later record sits earlier than the stored resume offset expects.
  const firstPage = (await sim.control.snapshot('incidents')).records.slice(0, LIMIT).map((r) => r.id);
  await sim.control.update('incidents', firstPage.slice(0, 5));
  await sim.control.delete('incidents', firstPage.slice(5, 8));

  const rerun = await runCli(['run', '--config', p.file]);
  expect(rerun.code).toBe(0);
  expect(rerun.stderr).toMatch(/not resuming the interrupted run: the last committed page changed/);
  // Deleted records stay live in the topic: an incremental API cannot report deletes.
  const result = await assertOracle(oracleOf(p), { noDuplicates: true });
  expect(result.deletedLive).toHaveLength(3);
  // Each key once, the five updated ones twice: first as the killed run saw them, then updated.
  const records = result.records.get(p.topic('incidents'))!;
  expect(records).toHaveLength(TOTAL + 5);
  const seen = new Set<string>();
  const twice = records.filter((r) => seen.has(r.key!) || !seen.add(r.key!)).map((r) => r.key);
  expect(twice.sort()).toEqual(firstPage.slice(0, 5).sort());
}, 60_000);
