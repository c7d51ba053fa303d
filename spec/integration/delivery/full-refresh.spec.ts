/**
 * Deletions the API never reports: `run --full-refresh` (merge) and the `replace` disposition
 * tombstone exactly the keys a completed snapshot no longer contains, and replay equals the
 * API's data after every step.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { readAllFromStart } from '../../support/kafka';
import { incidentsResource, parseSummary, replay, runCli, runIdOf, writePipeline, type TestPipeline } from '../../support/pipeline';

const TOTAL = 200;
const sims: SimulatorHandle[] = [];
const pipelines: TestPipeline[] = [];

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function setUp(label: string, resource: Record<string, unknown>): Promise<{ sim: SimulatorHandle; p: TestPipeline }> {
  const sim = await startSimulator({ port: 0, incidents: TOTAL, services: 10 });
  sims.push(sim);
  const p = await writePipeline(label, { simulator: sim, resources: [resource], topics: { partitions: 2 } });
  pipelines.push(p);
  return { sim, p };
}

async function run(p: TestPipeline, ...flags: string[]): Promise<{ runId: string; tombstones: number; records: number; fullRefresh: boolean }> {
  const result = await runCli(['run', '--config', p.file, ...flags]);
  expect(result.code).toBe(0);
  const row = parseSummary(result.stderr).get('incidents')!;
  return { runId: runIdOf(result.stderr), tombstones: row.tombstones, records: row.records, fullRefresh: row.fullRefresh };
}

/** The keys a run tombstoned, read back from the topic by its run id header. */
async function tombstonedBy(p: TestPipeline, runId: string): Promise<string[]> {
  const records = await readAllFromStart(p.topic('incidents'));
  return records.filter((r) => r.headers['r2k-run-id'] === runId && r.value === null).map((r) => r.key!).sort();
}

async function expectReplayEqualsApi(sim: SimulatorHandle, p: TestPipeline): Promise<void> {
  const live = await replay(p, 'incidents');
  const { records: api } = await sim.control.snapshot('incidents');
  expect(new Map(api.map((r) => [r.id, r]))).toEqual(live);
}

it('merge: --full-refresh after 5 deletions tombstones exactly those 5 keys', async () => {
  const { sim, p } = await setUp('full-refresh', incidentsResource());
  const first = await run(p);
  expect(first).toMatchObject({ records: TOTAL, tombstones: 0, fullRefresh: false });
  await expectReplayEqualsApi(sim, p);

  const { ids: deleted } = await sim.control.delete('incidents', 5);
  // Without --full-refresh a merge run cannot see deletions: nothing is tombstoned.
  const plain = await run(p);
  expect(plain.tombstones).toBe(0);
  expect(await tombstonedBy(p, plain.runId)).toEqual([]);

  const refresh = await run(p, '--full-refresh');

  expect(refresh).toMatchObject({ records: TOTAL - 5, tombstones: 5, fullRefresh: true });
  expect(await tombstonedBy(p, refresh.runId)).toEqual([...deleted].sort());
  await expectReplayEqualsApi(sim, p);

  // A second full refresh finds nothing more to delete.
  const again = await run(p, '--full-refresh');
  expect(await tombstonedBy(p, again.runId)).toEqual([]);
  expect(again.tombstones).toBe(0);
  await expectReplayEqualsApi(sim, p);
});

it('replace: every run is a snapshot that tombstones the keys the API no longer has', async () => {
  const { sim, p } = await setUp('replace', incidentsResource({ write_disposition: 'replace' }));
  const first = await run(p);
  expect(first).toMatchObject({ records: TOTAL, tombstones: 0, fullRefresh: true });
  await expectReplayEqualsApi(sim, p);

  const { ids: deleted } = await sim.control.delete('incidents', 5);
  await sim.control.update('incidents', 3);
  const second = await run(p);

  expect(second).toMatchObject({ records: TOTAL - 5, tombstones: 5 });
  expect(await tombstonedBy(p, second.runId)).toEqual([...deleted].sort());
  await expectReplayEqualsApi(sim, p);

  const { ids: deletedLater } = await sim.control.delete('incidents', 2);
  const third = await run(p);
  expect(await tombstonedBy(p, third.runId)).toEqual([...deletedLater].sort());
  await expectReplayEqualsApi(sim, p);
});
