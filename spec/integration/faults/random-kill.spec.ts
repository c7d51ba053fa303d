/**
 * Random SIGKILLs across a multi-page incremental sync (kafka.md §7 row 4; Kafka's own bounce
 * tests): insert, update and delete API records, spawn `run`, kill -9 it a seeded random delay
 * after its first commit, check the cursor is not ahead of the data, repeat; then one clean run
 * and the oracle. Transactional delivery must end with nothing lost and no duplicate for
 * read_committed readers; idempotent delivery (`transactions: false`) with nothing lost
 * (duplicates are its documented price).
 *
 * `npm test` runs a few iterations; `npm run test:faults` sets R2K_FAULT_ITERATIONS for the long
 * loop. R2K_FAULT_SEED reproduces a sequence of delays. Prints the table issue 5 §5 asks for.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { mulberry32 } from '../../../lib/simulator/random';
import { createTestKafka, testBrokers } from '../../support/kafka';
import { checkOracle, oracleViolations } from '../../support/oracle';
import { incrementalIncidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { deadLetterSecretHits, SENTINEL, secretHits, spawnRun } from './harness';

const ITERATIONS = Number(process.env.R2K_FAULT_ITERATIONS ?? 3);
const SEED = Number(process.env.R2K_FAULT_SEED ?? Date.now() % 100_000);
const TOTAL = 1500;
const LIMIT = 50;
/**
 * Upper bound of the kill delay after a run's first commit: about the rest of the first run
 * (30 pages of 10–30 ms), so most kills land mid-run, where a resume has something to check.
 * Counted from spawning, most kills landed before the first commit or after the last on a quiet
 * machine, and the resume paths went untested.
 */
const MAX_DELAY_MS = 500;

interface Row {
  scenario: string;
  runs: number;
  /** Resumes that found the last committed page changed and started over. */
  restarts: number;
  expected: number;
  replayed: number;
  lost: number;
  duplicates: number;
  secrets: number;
}
const rows: Row[] = [];

let sim: SimulatorHandle;
let admin: Admin;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 3, apiKey: SENTINEL, pageTies: 3, faults: { latency: { minMs: 10, maxMs: 30 } } });
  admin = createTestKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await sim?.close();
  for (const p of pipelines) await p.remove();
  const header = ['scenario', 'runs', 'restarts', 'records expected', 'records in replay', 'lost', 'duplicates (read_committed)', 'secrets found'];
  const table = [header, ...rows.map((r) => [r.scenario, r.runs, r.restarts, r.expected, r.replayed, r.lost, r.duplicates, r.secrets].map(String))];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join(' | '));
  console.log(`random-kill loop (seed ${SEED}, ${ITERATIONS} kills per scenario)\n${lines.join('\n')}`);
});

/** Sum of `topic`'s last stable offsets (0 before it exists): it grows with every commit. */
async function committedOffsets(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
  return offsets.reduce((sum, o) => sum + Number(o.offset), 0);
}

/** Resolves once `topic` has a commit beyond `before`, or once `exited()` says the run is over. */
async function firstCommit(topic: string, before: number, exited: () => boolean): Promise<void> {
  while (!exited() && (await committedOffsets(topic)) <= before) await sleep(10);
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
    const random = mulberry32(SEED + (transactional ? 0 : 1));
    const outputs: string[] = [];
    const violations: string[] = [];

    for (let i = 0; i < ITERATIONS; i++) {
      const delay = Math.floor(random() * MAX_DELAY_MS);
      // The API keeps changing, so every run after a completed one has work to be killed in.
      // Updates and deletes shift the offsets under an interrupted run: its resume then finds
      // the last committed page changed and starts over, publishing only what it had not
      // committed unchanged (820 read_committed duplicates here before it did).
      if (i > 0) {
        await sim.control.insert('incidents', 20);
        await sim.control.update('incidents', 150);
        await sim.control.delete('incidents', 3);
      }
      const before = await committedOffsets(p.topic('incidents'));
      const child = spawnRun(['run', '--config', p.file], { KAFKA_BROKERS: testBrokers().join(',') });
      let exited = false;
      const over = () => (exited = true);
      child.exited.then(over, over);
      await firstCommit(p.topic('incidents'), before, () => exited);
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
      restarts: outputs.filter((o) => /not resuming the interrupted run/.test(o)).length,
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
