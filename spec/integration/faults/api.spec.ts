/**
 * API faults through a whole `run` (issue 5 §2, kafka.md §7 rows 11, 12, 16): a 5xx burst longer
 * than the retry budget ends the run with exit 3 and the state at its last committed page, and
 * the rerun resumes and converges; records inserted, updated and deleted while pages are read
 * (so `total` changes mid-read) converge after a final full refresh, deletes as tombstones; a
 * record over the broker's message limit fails loudly (exit 5, RECORD_TOO_LARGE) without the
 * state passing it; a page over 1 MiB made of small records is chunked and succeeds. The oracle
 * checks every end state; the sentinel API key appears in no output and no dead letter.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorHandle, SimulatorOptions } from '../../../lib/simulator';
import { incidentId as id } from '../../../lib/simulator/naming';
import { assertOracle, checkOracle } from '../../support/oracle';
import { parseSummary, runCli, type CliResult, type TestPipeline } from '../../support/pipeline';
import { expectNoSecrets, expectRerunConverges, incidentsOracle, incidentsScenarios } from './harness';

const LIMIT = 100;
const scenarios = incidentsScenarios();
const setup = (label: string, options: Partial<SimulatorOptions>, limit = LIMIT) => scenarios.setup(label, options, { limit });
const oracleOf = (sim: SimulatorHandle, p: TestPipeline, requireTombstones = false) => incidentsOracle(sim, p, { requireTombstones });

afterAll(() => scenarios.cleanup());

it('a 5xx burst longer than the retry budget: exit 3, state at the last committed page, the rerun resumes and converges', async () => {
  const TOTAL = 1000;
  // Data requests 1–3 (pages 0–2) succeed; page 3 gets 503 on its first try and all 3 retries.
  const { sim, p } = await setup('api-5xx', { incidents: TOTAL, faults: { rules: [{ action: { kind: 'status', status: 503 }, burst: { from: 4, count: 4 } }] } });

  const failed = await runCli(['run', '--config', p.file]);
  expect(failed.code).toBe(3);
  expect(failed.stderr).toMatch(/503/);

  const atFailure = await checkOracle(oracleOf(sim, p));
  const done = atFailure.states.get('incidents')?.run?.next_index ?? 0;
  expect(done).toBeLessThanOrEqual(3); // never past the failing page
  expect(atFailure.records.get(p.topic('incidents'))!.map((r) => r.key)).toEqual(Array.from({ length: done * LIMIT }, (_, i) => id(i)));

  await expectRerunConverges(sim, p, { done, total: TOTAL, limit: LIMIT, failed });
});

it('records inserted, updated and deleted while pages are read: a final full refresh converges, deletes end in tombstones', async () => {
  const { sim, p } = await setup('api-mutate', { incidents: 600, faults: { latency: { minMs: 10, maxMs: 20 } } }, 50);
  const mutating = async (run: Promise<CliResult>): Promise<CliResult> => {
    let finished = false;
    const result = run.finally(() => (finished = true));
    let rounds = 0;
    // At least a few rounds even if the run is quick, then until it ends (bounded).
    while ((!finished || rounds < 3) && rounds < 200) {
      await sim.control.insert('incidents', 3);
      await sim.control.update('incidents', 4);
      await sim.control.delete('incidents', 2);
      rounds += 1;
      await sleep(25);
    }
    return result;
  };

  const first = await mutating(runCli(['run', '--config', p.file]));
  expect(first.code).toBe(0);
  const during = await mutating(runCli(['run', '--config', p.file, '--full-refresh']));
  expect(during.code).toBe(0);
  expect((await sim.control.snapshot('incidents')).deleted.length).toBeGreaterThan(0);

  const final = await runCli(['run', '--config', p.file, '--full-refresh']);
  expect(final.code).toBe(0);
  const result = await assertOracle(oracleOf(sim, p, true));
  expect(result.expected).toBe((await sim.control.info()).counts.incidents);
  await expectNoSecrets(p, first, during, final);
});

it('a record over the broker message limit: exit 5 with RECORD_TOO_LARGE, the state never passes its page', async () => {
  const TOTAL = 500;
  const { sim, p } = await setup('api-too-large', { incidents: TOTAL });
  const big = id(250); // on page 2
  await sim.control.update('incidents', [big], { description: 'x'.repeat(2 * 1024 * 1024) });

  const failed = await runCli(['run', '--config', p.file]);
  expect(failed.code).toBe(5);
  expect(failed.stderr).toMatch(/RECORD_TOO_LARGE|more than the \d+-byte send limit/);
  expect(failed.stderr).toContain(big);

  const atFailure = await checkOracle(oracleOf(sim, p));
  const done = atFailure.states.get('incidents')?.run?.next_index ?? 0;
  expect(done).toBeLessThanOrEqual(2);
  const keys = atFailure.records.get(p.topic('incidents'))!.map((r) => r.key);
  expect(keys).toEqual(Array.from({ length: done * LIMIT }, (_, i) => id(i)));
  expect(keys).not.toContain(big);

  // Fixed at the source, the rerun resumes and converges.
  await sim.control.update('incidents', [big], { description: 'small again' });
  const rerun = await runCli(['run', '--config', p.file]);
  expect(rerun.code).toBe(0);
  await assertOracle(oracleOf(sim, p), { noDuplicates: true });
  await expectNoSecrets(p, failed, rerun);
});

it('a page whose records together exceed 1 MiB (each small) is published in chunks and succeeds', async () => {
  const TOTAL = 300;
  const { sim, p } = await setup('api-big-page', { incidents: TOTAL });
  // 100 records × 20 KB = ~2 MB per page, each record far below the limit.
  await sim.control.update('incidents', Array.from({ length: TOTAL }, (_, i) => id(i)), { description: 'y'.repeat(20 * 1024) });

  const run = await runCli(['run', '--config', p.file]);
  expect(run.code).toBe(0);
  expect(parseSummary(run.stderr).get('incidents')).toMatchObject({ pages: 3, records: TOTAL });
  const result = await assertOracle(oracleOf(sim, p), { noDuplicates: true });
  expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
  await expectNoSecrets(p, run);
});
