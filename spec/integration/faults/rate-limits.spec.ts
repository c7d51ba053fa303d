/**
 * 429 storms through a whole `run` (issue 5 §2 "API: 429 storms with and without
 * Retry-After"): a storm shorter than the retry budget, with the hint in seconds and without
 * one, is ridden out on the failing page alone, waiting as told (or backing off); the
 * simulator's token bucket under 8 concurrent page fetches costs a bounded number of 429s
 * (the client paces itself by the advertised budget); a storm longer than the budget ends the
 * run with exit 3 naming the status and the attempts, the state at the last committed page, and
 * the rerun converges. The oracle checks every end state; the sentinel key is in no output.
 */
import type { SimulatorOptions } from '../../../lib/simulator';
import { incidentId as id } from '../../../lib/simulator/naming';
import { assertOracle, checkOracle } from '../../support/oracle';
import { parseSummary, runCli } from '../../support/pipeline';
import { expectNoSecrets, expectRerunConverges, incidentsOracle, incidentsScenarios } from './harness';

const LIMIT = 100;
const scenarios = incidentsScenarios();
const setup = (label: string, options: Partial<SimulatorOptions>, client?: Record<string, unknown>) => scenarios.setup(label, options, { limit: LIMIT, client });
const oracleOf = incidentsOracle;

afterAll(() => scenarios.cleanup());

/** The `delay_ms` of each "retrying request" warning `run` logged (JSON lines on stderr). */
function retryDelays(stderr: string): number[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"retrying request"'))
    .map((line) => (JSON.parse(line) as { delay_ms: number }).delay_ms);
}

describe('a storm shorter than the retry budget (3 retries) is ridden out on the failing page', () => {
  it.each([
    // The hint plus at most 10% jitter, not the 100 ms backoff.
    ['with Retry-After: 1 (seconds)', 1, [[1000, 1100], [1000, 1100], [1000, 1100]]],
    // Exponential backoff with full jitter at the pipeline's factor 0.1 s.
    ['without Retry-After', null, [[0, 100], [0, 200], [0, 400]]],
  ] as const)('%s', async (label, retryAfter, bounds) => {
    const TOTAL = 300;
    // Requests 2–4: page 1's first attempt and its next two retries.
    const { sim, p } = await setup(`429-${retryAfter ?? 'none'}`, { incidents: TOTAL, faults: { rules: [{ action: { kind: 'rate-limit', retryAfter }, burst: { from: 2, count: 3 } }] } });

    const run = await runCli(['run', '--config', p.file]);
    expect({ label, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ label, code: 0, stderr: '' });
    const delays = retryDelays(run.stderr);
    expect(delays).toHaveLength(bounds.length);
    delays.forEach((d, i) => expect(d >= bounds[i][0] && d <= bounds[i][1] ? 'in bounds' : `${d} not in ${bounds[i].join('–')}`).toBe('in bounds'));
    // Pages 0, 1 (×3 rejected, then served), 2: retrying the stream would re-read page 0.
    const stats = await sim.control.stats();
    expect(stats.byPath['/v1/incidents']).toEqual({ 200: 3, 429: 3 });
    expect(parseSummary(run.stderr).get('incidents')).toMatchObject({ pages: 3, records: TOTAL, deadLettered: 0 });
    const result = await assertOracle(oracleOf(sim, p), { noDuplicates: true });
    expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
    await expectNoSecrets(p, run);
  });
});

it("the API's token bucket under 8 concurrent page fetches: the run completes with a bounded number of 429s", async () => {
  const TOTAL = 3000;
  const CONCURRENCY = 8;
  // 30 pages against a bucket of 4 refilled at 10/s: 8 concurrent chains empty it at once.
  const { sim, p } = await setup('429-bucket', { incidents: TOTAL, rateLimit: { perMinute: 600, burst: 4 } }, { page_concurrency: CONCURRENCY });

  const run = await runCli(['run', '--config', p.file]);
  expect(run.code).toBe(0);
  const stats = await sim.control.stats();
  const outcomes = stats.byPath['/v1/incidents'];
  expect(outcomes[200]).toBe(TOTAL / LIMIT);
  // The pacer holds requests back once the API advertises an empty budget: only requests
  // already in flight when the bucket ran dry can be rejected, not one per page or per retry.
  console.log(`token bucket (burst 4, 10/s), ${CONCURRENCY} concurrent fetches: ${outcomes[429] ?? 0} × 429 over ${TOTAL / LIMIT} pages`);
  expect(outcomes[429] ?? 0).toBeLessThanOrEqual(CONCURRENCY);
  expect(Object.keys(outcomes).sort()).toEqual(outcomes[429] ? ['200', '429'] : ['200']);
  const result = await assertOracle(oracleOf(sim, p), { noDuplicates: true });
  expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
  await expectNoSecrets(p, run);
});

it('a storm longer than the retry budget: exit 3 naming 429 and the attempts, state at the last committed page, the rerun converges', async () => {
  const TOTAL = 500;
  // Page 2 (request 3) and all its retries get 429 without a hint.
  const { sim, p } = await setup('429-exhausted', { incidents: TOTAL, faults: { rules: [{ action: { kind: 'rate-limit', retryAfter: null }, burst: { from: 3, count: 10 } }] } });

  const failed = await runCli(['run', '--config', p.file]);
  expect(failed.code).toBe(3);
  const error = failed.stderr.split('\n').find((l) => l.startsWith('error ['));
  expect(error).toMatch(/^error \[RETRIES_EXHAUSTED\]: resource "incidents" page 2: .*gave up after 4 attempts/);
  expect(error).toContain('429');
  expect(failed.stderr.split('\n').filter((l) => /^\s+at /.test(l))).toEqual([]);
  expect((await sim.control.stats()).byPath['/v1/incidents']).toEqual({ 200: 2, 429: 4 });

  const atFailure = await checkOracle(oracleOf(sim, p));
  const done = atFailure.states.get('incidents')?.run?.next_index ?? 0;
  const keys = atFailure.records.get(p.topic('incidents'))!.map((r) => r.key);
  // Nothing of page 2 or later; the state never ahead of the data.
  expect(done).toBeLessThanOrEqual(2);
  expect(keys.length).toBeGreaterThanOrEqual(done * LIMIT);
  expect([0, LIMIT, 2 * LIMIT]).toContain(keys.length);
  expect(keys).toEqual(Array.from({ length: keys.length }, (_, i) => id(i)));

  // The storm is over: the rerun resumes and converges.
  await expectRerunConverges(sim, p, { done, total: TOTAL, limit: LIMIT, failed });
});
