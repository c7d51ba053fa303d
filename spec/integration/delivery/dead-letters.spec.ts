/**
 * Records that cannot be published as data: schema failures and keyless records go to the
 * dead-letter topic (or fail the run with `on_invalid: fail`), and `hard_delete` records
 * become tombstones.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { latestByKey, readAllFromStart, type ReadRecord } from '../../support/kafka';
import { incidentsResource, parseSummary, replay, runCli, runIdOf, writePipeline, type TestPipeline } from '../../support/pipeline';
import { incidentId as id } from '../../../lib/simulator/naming';

const LIMIT = 50;
/** The id at 0-based position `i` of the simulator's id order. */
/** A processing step that drops `id` from records whose description is "no-key". */
const DROP_ID = "[{ map: (r) => { if (r.description !== 'no-key') return r; const { id, ...rest } = r; return rest; } }]";

const sims: SimulatorHandle[] = [];
const pipelines: TestPipeline[] = [];

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function simulator(incidents: number): Promise<SimulatorHandle> {
  const sim = await startSimulator({ port: 0, incidents, services: 10 });
  sims.push(sim);
  return sim;
}

async function pipelineFor(label: string, spec: Parameters<typeof writePipeline>[1]): Promise<TestPipeline> {
  const p = await writePipeline(label, spec);
  pipelines.push(p);
  return p;
}

function json(record: ReadRecord): Record<string, unknown> {
  return JSON.parse(record.value!.toString('utf8')) as Record<string, unknown>;
}

describe('invalid records with on_invalid: dead_letter (the default)', () => {
  const TOTAL = 150;
  let sim: SimulatorHandle;
  let p: TestPipeline;
  let stderr: string;
  let code: number;

  beforeAll(async () => {
    sim = await simulator(TOTAL);
    await sim.control.update('incidents', [id(7)], { priority: 5 });
    await sim.control.update('incidents', [id(60)], { title: null });
    await sim.control.update('incidents', [id(110)], { priority: 5 });
    await sim.control.update('incidents', [id(111)], { description: 'no-key' });
    p = await pipelineFor('dead-letter', { simulator: sim, resources: [incidentsResource({}, LIMIT)], steps: { incidents: DROP_ID } });
    ({ code, stderr } = await runCli(['run', '--config', p.file]));
  });

  it('publishes the valid records and counts the dead letters in the summary', async () => {
    expect(code).toBe(0);
    expect(parseSummary(stderr).get('incidents')).toMatchObject({ records: TOTAL - 4, deadLettered: 4, pages: 3 });
    const keys = (await readAllFromStart(p.topic('incidents'))).map((r) => r.key);
    const expected = Array.from({ length: TOTAL }, (_, i) => id(i)).filter((k) => ![id(7), id(60), id(110), id(111)].includes(k));
    expect(keys.sort()).toEqual(expected);
  });

  it('writes each rejected record to the dead-letter topic with reason, paths, resource and page', async () => {
    const runId = runIdOf(stderr);
    const letters = (await readAllFromStart(p.deadLetterTopic)).map((r) => ({ key: r.key, headers: r.headers, value: json(r) }));
    expect(letters).toHaveLength(4);
    const letter = (key: string | null) => letters.find((l) => l.key === key)!;
    const [wrongType, missingTitle, wrongType2, noKey] = [letter(id(7)), letter(id(60)), letter(id(110)), letter(null)];
    expect([wrongType, missingTitle, wrongType2, noKey].map((l) => l.value.page)).toEqual([0, 1, 2, 2]);
    expect(wrongType.key).toBe(id(7));
    expect(wrongType.value).toMatchObject({ resource: 'incidents', run_id: runId, key: id(7), paths: ['priority'], record: { id: id(7), priority: 5 } });
    expect(wrongType.value.reason).toMatch(/priority/);
    expect(missingTitle.value).toMatchObject({ key: id(60), paths: ['title'], record: { id: id(60), title: null } });
    expect(wrongType2.value).toMatchObject({ key: id(110), paths: ['priority'] });
    expect(noKey.key).toBeNull();
    expect(noKey.value).toMatchObject({ key: null, paths: ['id'], record: { description: 'no-key' } });
    expect(noKey.value.reason).toMatch(/primary key/);
    expect(noKey.value.record).not.toHaveProperty('id');
    for (const l of letters) {
      expect(l.headers).toMatchObject({ 'r2k-resource': 'incidents', 'r2k-run-id': runId, 'r2k-page': String(l.value.page), 'r2k-reason': l.value.reason });
      expect(l.value.url).toContain('/v1/incidents');
      expect(l.value.url).not.toContain(sim.apiKey);
    }
  });
});

it('on_invalid: fail exits 6 and publishes nothing from the page with the invalid record', async () => {
  const sim = await simulator(200);
  await sim.control.update('incidents', [id(120)], { priority: 5 });
  const p = await pipelineFor('fail', {
    simulator: sim,
    resources: [incidentsResource({}, LIMIT)],
    client: { page_concurrency: 1 },
    delivery: { on_invalid: 'fail' },
  });

  const result = await runCli(['run', '--config', p.file]);

  expect(result.code).toBe(6);
  expect(result.stderr).toContain('resource "incidents" page 2: 1 invalid record(s)');
  expect(result.stderr).toContain('on_invalid');
  const published = new Set((await readAllFromStart(p.topic('incidents'))).map((r) => r.key));
  // Pages 0 and 1 may have committed before page 2 arrived; nothing from page 2 on did.
  for (let i = 2 * LIMIT; i < 200; i++) expect(published.has(id(i))).toBe(false);
  expect(await readAllFromStart(p.deadLetterTopic)).toEqual([]);
  const state = latestByKey(await readAllFromStart(p.stateTopic)).get(`${p.name}:incidents`);
  if (state) expect((JSON.parse(state.toString('utf8')) as { run: { next_index: number } }).run.next_index).toBeLessThanOrEqual(2);
});

it('hard_delete: a record flagged deleted becomes a tombstone (null value) for its key', async () => {
  const sim = await simulator(120);
  const p = await pipelineFor('hard-delete', {
    simulator: sim,
    resources: [incidentsResource({ columns: { deleted: { hard_delete: true } } }, LIMIT)],
    // The simulator's records have no deletion flag: derive one from a patchable field.
    steps: { incidents: "[{ map: (r) => ({ ...r, deleted: r.description === 'purged' }) }]" },
  });
  expect((await runCli(['run', '--config', p.file])).code).toBe(0);
  const purged = [id(3), id(40), id(41), id(77), id(119)];
  await sim.control.update('incidents', purged, { description: 'purged' });

  const second = await runCli(['run', '--config', p.file]);

  expect(second.code).toBe(0);
  expect(parseSummary(second.stderr).get('incidents')).toMatchObject({ records: 115, tombstones: 5, deadLettered: 0 });
  const runId = runIdOf(second.stderr);
  const records = (await readAllFromStart(p.topic('incidents'))).filter((r) => r.headers['r2k-run-id'] === runId);
  const tombstones = records.filter((r) => r.value === null);
  expect(tombstones.map((r) => r.key).sort()).toEqual(purged);
  // An empty buffer would be a record, not a delete: the value must be absent.
  for (const t of records.filter((r) => purged.includes(r.key!))) expect(t.value).toBeNull();
  const live = await replay(p, 'incidents');
  expect(live.size).toBe(115);
  for (const key of purged) expect(live.has(key)).toBe(false);
  const { records: api } = await sim.control.snapshot('incidents');
  for (const incident of api.filter((r) => !purged.includes(r.id))) expect(live.get(incident.id)).toEqual({ ...incident, deleted: false });
});
