/**
 * Value formats and delivery modes beyond the default (JSON, transactional): Avro values that
 * decode with the committed .avsc named by the fingerprint header; the idempotent,
 * non-transactional mode; and `rest2kafka schema` inferring a schema that validates the data.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { decodeValue } from '../../../lib/sink/encode';
import { compileSchema, loadSchemas } from '../../../lib/validation/schemas';
import { readAllFromStart } from '../../support/kafka';
import { incidentsResource, parseSummary, replay, runCli, SCHEMAS_DIR, writePipeline, type TestPipeline } from '../../support/pipeline';

const INCIDENTS = 150;
let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: 5 });
});
afterAll(async () => {
  await sim.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function snapshotById(): Promise<Map<string, unknown>> {
  const snap = await sim.control.snapshot('incidents');
  return new Map(snap.records.map((r) => [(r as { id: string }).id, r]));
}

it('publishes Avro values that decode, with the schema of the fingerprint header, to the API records', async () => {
  const pipeline = await writePipeline('avro', { simulator: sim, resources: [incidentsResource({}, 50)], delivery: { value_format: 'avro' } });
  pipelines.push(pipeline);
  const result = await runCli(['run', '--config', pipeline.file]);
  expect(result.code).toBe(0);
  const schema = loadSchemas(SCHEMAS_DIR).get('incidents')!;
  const records = await readAllFromStart(pipeline.topic('incidents'));
  expect(records).toHaveLength(INCIDENTS);
  const expected = await snapshotById();
  for (const r of records) {
    expect(r.headers['content-type']?.toString()).toBe('avro/binary');
    expect(r.headers['r2k-schema-fingerprint']?.toString()).toBe(schema.fingerprint);
    const value = decodeValue(r.value!, 'avro', schema);
    expect(value).toEqual(expected.get(r.key!.toString()));
  }
});

it('refuses value_format avro for a resource without a schema, before touching Kafka', async () => {
  const pipeline = await writePipeline('avro-noschema', {
    simulator: sim,
    resources: [incidentsResource({ name: 'incidents_copy' }, 50)],
    delivery: { value_format: 'avro' },
  });
  pipelines.push(pipeline);
  const result = await runCli(['run', '--config', pipeline.file]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/no schema incidents_copy\.avsc .*rest2kafka schema --config FILE --resource incidents_copy/);
});

it('without transactions, publishes data then state with the idempotent producer and converges the same way', async () => {
  const pipeline = await writePipeline('idempotent', { simulator: sim, resources: [incidentsResource({}, 50)], delivery: { transactions: false } });
  pipelines.push(pipeline);
  const first = await runCli(['run', '--config', pipeline.file]);
  expect(first.code).toBe(0);
  expect(parseSummary(first.stderr).get('incidents')).toMatchObject({ records: INCIDENTS, pages: 3 });
  const deleted = await sim.control.delete('incidents', 3);
  const second = await runCli(['run', '--config', pipeline.file, '--full-refresh']);
  expect(second.code).toBe(0);
  expect(parseSummary(second.stderr).get('incidents')).toMatchObject({ tombstones: 3 });
  const live = await replay(pipeline, 'incidents');
  const expected = await snapshotById();
  expect(new Set(live.keys())).toEqual(new Set(expected.keys()));
  for (const id of deleted.ids) expect(live.has(id)).toBe(false);
  const state = await readAllFromStart(pipeline.stateTopic);
  const latest = JSON.parse(state[state.length - 1].value!.toString());
  expect(latest).toMatchObject({ resource: 'incidents', run: null, last_completed_run: { full_refresh: true, records: INCIDENTS - 3 } });
});

it('rest2kafka schema infers a schema that compiles and accepts the records it was inferred from', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-schema-'));
  try {
    const pipeline = await writePipeline('schema', { simulator: sim, resources: [{ name: 'services', endpoint: { path: '/v1/services', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } }] });
    pipelines.push(pipeline);
    const out = path.join(dir, 'services.avsc');
    const result = await runCli(['schema', '--config', pipeline.file, '--resource', 'services', '--out', out]);
    expect(result.code).toBe(0);
    const schema = compileSchema('services', JSON.parse(await readFile(out, 'utf8')), out);
    const services = (await sim.control.snapshot('services')).records;
    for (const s of services) expect(schema.type.isValid(s)).toBe(true);
    const again = await runCli(['schema', '--config', pipeline.file, '--resource', 'services', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; pass --force/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('JSON values', () => {
  let own: SimulatorHandle;
  beforeAll(async () => {
    own = await startSimulator({ port: 0, incidents: 120, services: 5 });
    // Spellings the JSON text of a record may carry: escapes, non-ASCII, a fraction, an exponent,
    // integer-like and digit-first keys, nesting. The simulator serialises these with JSON.stringify.
    const ids = (await own.control.snapshot('incidents')).records.slice(0, 6).map((r) => (r as { id: string }).id);
    // Undeclared fields in assignees pass the schema (schema_contract evolve, the default).
    const assignee = { id: 'P1', name: 'Zoë', email: 'z@example.com', weight: 0.1, big: 1e21, '10': true, '2fa': null, nested: { list: [1, -2.5, 'x', { deep: [] }] } };
    await own.control.update('incidents', ids.slice(0, 3), { title: 'Disk "full" on db-1 \\ café ✓ 🚨\n\ttabbed', description: '</script> a/b \u0001' });
    await own.control.update('incidents', ids.slice(3), { assignees: [assignee] });
  });
  afterAll(() => own.close());

  it('are exactly JSON.stringify of the API records, patched ones with unusual spellings included', async () => {
    const pipeline = await writePipeline('json-values', { simulator: own, resources: [incidentsResource({}, 50)] });
    pipelines.push(pipeline);
    const result = await runCli(['run', '--config', pipeline.file]);
    expect(result.code).toBe(0);
    const expected = new Map((await own.control.snapshot('incidents')).records.map((r) => [(r as { id: string }).id, JSON.stringify(r)]));
    const records = await readAllFromStart(pipeline.topic('incidents'));
    expect(records).toHaveLength(120);
    for (const r of records) expect({ key: r.key!.toString(), value: r.value!.toString('utf8') }).toEqual({ key: r.key!.toString(), value: expected.get(r.key!.toString()) });
  });

  it('carry what a processing step changed, even when it changes the records in place', async () => {
    const steps = { incidents: "[{ map: (r) => { r.title = 'mapped: ' + r.title; return r; } }]" };
    const pipeline = await writePipeline('json-values-mapped', { simulator: own, resources: [incidentsResource({}, 50)], steps });
    pipelines.push(pipeline);
    const result = await runCli(['run', '--config', pipeline.file]);
    expect(result.code).toBe(0);
    const titles = new Map((await own.control.snapshot('incidents')).records.map((r) => [(r as { id: string }).id, (r as { title: string }).title]));
    const records = await readAllFromStart(pipeline.topic('incidents'));
    expect(records).toHaveLength(120);
    for (const r of records) expect((JSON.parse(r.value!.toString('utf8')) as { title: string }).title).toBe(`mapped: ${titles.get(r.key!.toString())}`);
  });
});
