/**
 * Random SIGKILLs across a multi-page incremental sync (kafka.md §7 row 4; Kafka's own bounce
 * tests): insert API records, spawn `run`, kill -9 it after a seeded random delay, check
 * the cursor is not ahead of the data, repeat; then one clean run and the oracle. Transactional delivery must end with
 * nothing lost and no duplicate for read_committed readers; idempotent delivery
 * (`transactions: false`) with nothing lost (duplicates are its documented price).
 *
 * `npm test` runs a few iterations; `npm run test:faults` sets R2K_FAULT_ITERATIONS for the long
 * loop. R2K_FAULT_SEED reproduces a sequence of delays. Prints the table issue 5 §5 asks for.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { testBrokers } from '../../support/kafka';
import { checkOracle, oracleViolations } from '../../support/oracle';
import { incrementalIncidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { deadLetterSecretHits, SENTINEL, secretHits, spawnRun } from './harness';

const ITERATIONS = Number(process.env.R2K_FAULT_ITERATIONS ?? 3);
const SEED = Number(process.env.R2K_FAULT_SEED ?? Date.now() % 100_000);
const TOTAL = 1500;
const LIMIT = 50;
/** Upper bound of the kill delay: about one run (process start included). */
const MAX_DELAY_MS = 1500;

interface Row {
  scenario: string;
  runs: number;
  expected: number;
  replayed: number;
  lost: number;
  duplicates: number;
  secrets: number;
}
const rows: Row[] = [];

let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 3, apiKey: SENTINEL, pageTies: 3, faults: { latency: { minMs: 5, maxMs: 15 } } });
});

afterAll(async () => {
  await sim?.close();
  for (const p of pipelines) await p.remove();
  const header = ['scenario', 'runs', 'records expected', 'records in replay', 'lost', 'duplicates (read_committed)', 'secrets found'];
  const table = [header, ...rows.map((r) => [r.scenario, r.runs, r.expected, r.replayed, r.lost, r.duplicates, r.secrets].map(String))];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join(' | '));
  console.log(`random-kill loop (seed ${SEED}, ${ITERATIONS} kills per scenario)\n${lines.join('\n')}`);
});

/** mulberry32, seeded: the sequence of kill delays replays with R2K_FAULT_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each([
  ['transactional', true],
  ['idempotent (transactions: false)', false],
])('random SIGKILLs, %s delivery', (scenario, transactional) => {
  it(`${ITERATIONS} kills at random times, then a clean run: nothing lost${transactional ? ', no read_committed duplicates' : ''}, no secret leaked`, async () => {
    const p = await writePipeline(`random-kill-${transactional ? 'txn' : 'idem'}`, {
      simulator: { url: sim.url, apiKey: SENTINEL },
      resources: [
        incrementalIncidentsResource(LIMIT),
      ],
      client: { page_concurrency: 1 },
      // A short transaction timeout bounds how long a killed run's open transaction can hold the next one up.
      delivery: transactional ? { transactions: true, transaction_timeout_ms: 10_000 } : { transactions: false },
    });
    pipelines.push(p);
    const oracle = { control: sim.control, resources: [{ resource: 'incidents' as const, topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name };
    const random = rng(SEED + (transactional ? 0 : 1));
    const outputs: string[] = [];
    const violations: string[] = [];

    for (let i = 0; i < ITERATIONS; i++) {
      const delay = Math.floor(random() * MAX_DELAY_MS);
      // The API keeps changing, so every run after a completed one has work to be killed in.
      // Inserts only append to the updated_at order. With updates and deletes too
      // (R2K_FAULT_MUTATIONS=all), a resumed run finds its last committed page changed and starts
      // over: nothing is skipped, but the restart publishes its run's records again, which this
      // oracle counts as read_committed duplicates (820 in one CI run) — open work for issue 11.
      if (i > 0) {
        await sim.control.insert('incidents', 20);
        if (process.env.R2K_FAULT_MUTATIONS === 'all') {
          await sim.control.update('incidents', 60);
          await sim.control.delete('incidents', 3);
        }
      }
      const child = spawnRun(['run', '--config', p.file], { KAFKA_BROKERS: testBrokers().join(',') });
      const timer = setTimeout(() => child.process.kill('SIGKILL'), delay);
      const code = await child.exited;
      clearTimeout(timer);
      outputs.push(child.stdout(), child.stderr());
      if (code !== 'SIGKILL' && code !== 0) violations.push(`kill ${i} (seed ${SEED}, ${delay} ms): exit ${code}\n${child.stderr().slice(-1000)}`);
      // After every kill: the committed cursor never covers a record the topic lacks.
      const after = await checkOracle(oracle);
      if (after.cursorAhead.length > 0) violations.push(`kill ${i} (seed ${SEED}, ${delay} ms): cursor ahead of data: ${after.cursorAhead.slice(0, 3).join(', ')}`);
    }

    const final = await runCli(['run', '--config', p.file]);
    outputs.push(final.stdout, final.stderr);
    expect(final.code).toBe(0);
    const result = await checkOracle(oracle);
    const secrets = secretHits(...outputs) + (await deadLetterSecretHits(p.deadLetterTopic));
    rows.push({
      scenario,
      runs: ITERATIONS + 1,
      expected: result.expected,
      replayed: result.replayed,
      lost: result.lost.length + result.cursorAhead.length,
      duplicates: result.duplicatesReadCommitted,
      secrets,
    });

    expect(violations).toEqual([]);
    expect(oracleViolations(result, false, transactional)).toEqual([]);
    expect(secrets).toBe(0);
  }, 120_000 + ITERATIONS * 20_000);
});
