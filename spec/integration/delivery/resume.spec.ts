/**
 * A run SIGKILLed midway and run again: each page commits in one transaction with the state
 * that covers it, so at the kill the committed data is exactly the pages the state says are
 * done; the rerun fetches only the pages after them, and read_committed readers end with every
 * record exactly once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, highWatermarks, latestByKey, readAllFromStart } from '../../support/kafka';
import { incidentsResource, parseSummary, replay, runCli, runIdOf, spawnCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { incidentId as id } from '../../../lib/simulator/naming';

const TOTAL = 3000;
const LIMIT = 100;
const PAGES = TOTAL / LIMIT;

interface StateDoc {
  run: { id: string; next_index: number; pages: number; records: number } | null;
  last_completed_run: { id: string; pages: number; records: number } | null;
}

let sim: SimulatorHandle;
let p: TestPipeline;
let admin: Admin;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 10, faults: { latency: { minMs: 20, maxMs: 50 } } });
  p = await writePipeline('resume', { simulator: sim, resources: [incidentsResource({}, LIMIT)], client: { page_concurrency: 1 } });
  admin = createTestKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await sim?.close();
  await p?.remove();
});

async function state(): Promise<StateDoc> {
  const value = latestByKey(await readAllFromStart(p.stateTopic)).get(`${p.name}:incidents`);
  if (!value) throw new Error('no state record for incidents');
  return JSON.parse(value.toString('utf8')) as StateDoc;
}

/**
 * Resolves once at least `pages` pages are committed: the topic's last stable offset (what
 * kafkajs's admin lists) counts each committed page's records plus one marker per transaction,
 * and a transaction holds at least one page, so LSO ≥ pages·(LIMIT+1) implies `pages` pages.
 */
async function committedPages(topic: string, pages: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
    const lso = offsets.reduce((sum, o) => sum + Number(o.offset), 0);
    if (lso >= pages * (LIMIT + 1)) return;
    if (Date.now() > deadline) throw new Error(`${topic}: fewer than ${pages} pages committed after ${timeoutMs} ms (LSO ${lso})`);
    await sleep(20);
  }
}

/**
 * Best effort: waits (briefly) until a transaction holds records beyond the last stable offset,
 * so the kill leaves an open transaction for the rerun to abort. A commit can still win the race.
 */
async function openTransaction(topic: string, attempts = 10): Promise<boolean> {
  const kafka = createTestKafka();
  for (let i = 0; i < attempts; i++) {
    const [high, stable] = await Promise.all([highWatermarks(kafka, topic), admin.fetchTopicOffsets(topic)]);
    if (stable.some((o) => BigInt(high.get(o.partition) ?? '0') > BigInt(o.offset))) return true;
  }
  return false;
}

it('a run killed after some pages resumes from its last committed page; read_committed readers see each record once', async () => {
  const child = spawnCli(['run', '--config', p.file]);
  try {
    await committedPages(p.topic('incidents'), 3);
    await openTransaction(p.topic('incidents'));
  } finally {
    child.process.kill('SIGKILL');
  }
  expect(await child.exited).toBe('SIGKILL');
  const killedRunId = runIdOf(child.stderr());

  // At the kill: the state is mid-run, and the committed data is exactly the pages it covers.
  const atKill = await state();
  expect(atKill.run?.id).toBe(killedRunId);
  const done = atKill.run!.next_index;
  expect(done).toBeGreaterThanOrEqual(3);
  expect(done).toBeLessThan(PAGES); // killed midway, not after the last page
  const committedAtKill = await readAllFromStart(p.topic('incidents'));
  expect(committedAtKill.map((r) => r.key)).toEqual(Array.from({ length: done * LIMIT }, (_, i) => id(i)));
  expect(new Set(committedAtKill.map((r) => r.headers['r2k-run-id']))).toEqual(new Set([killedRunId]));

  const requestsBefore = (await sim.control.stats()).dataRequests;
  const rerun = await runCli(['run', '--config', p.file]);

  expect(rerun.code).toBe(0);
  expect(parseSummary(rerun.stderr).get('incidents')).toMatchObject({ resumed: true, pages: PAGES - done, records: TOTAL - done * LIMIT });
  // The last committed page is read again to check nothing shifted, then only the pages after it.
  expect((await sim.control.stats()).dataRequests - requestsBefore).toBe(PAGES - done + 1);
  expect(rerun.stderr).not.toMatch(/not resuming the interrupted run/);

  const committed = await readAllFromStart(p.topic('incidents'));
  const keys = committed.map((r) => r.key!);
  expect(keys).toHaveLength(TOTAL);
  expect(new Set(keys).size).toBe(TOTAL);
  const rerunId = runIdOf(rerun.stderr);
  expect(committed.filter((r) => r.headers['r2k-run-id'] === rerunId).map((r) => r.key)).toEqual(Array.from({ length: TOTAL - done * LIMIT }, (_, i) => id(done * LIMIT + i)));

  // Every API record with its current value.
  const { records: api } = await sim.control.snapshot('incidents');
  expect(await replay(p, 'incidents')).toEqual(new Map(api.map((r) => [r.id, r])));

  // A read_uncommitted reader may also see what the killed run's open transaction had sent (aborted
  // when the rerun fenced it): only records of pages after the committed ones, from the killed run.
  const uncommitted = await readAllFromStart(p.topic('incidents'), { readUncommitted: true });
  expect(uncommitted.length).toBeGreaterThanOrEqual(committed.length);
  const visible = new Set(committed.map((r) => `${r.partition}:${r.offset}`));
  const aborted = uncommitted.filter((r) => !visible.has(`${r.partition}:${r.offset}`));
  expect(aborted.length).toBe(uncommitted.length - committed.length);
  for (const r of aborted) {
    expect(r.headers['r2k-run-id']).toBe(killedRunId);
    expect(r.key! >= id(done * LIMIT)).toBe(true);
  }

  const after = await state();
  expect(after.run).toBeNull();
  // The resumed run completes the interrupted one: its totals cover both invocations.
  expect(after.last_completed_run).toMatchObject({ id: killedRunId, pages: PAGES, records: TOTAL });
}, 90_000);
