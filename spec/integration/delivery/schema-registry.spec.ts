/**
 * Avro values through a real Confluent-compatible Schema Registry (Apicurio, started by
 * globalSetup or given as REGISTRY_URL): registration before publishing, the Confluent wire
 * format, a changed schema as a new version, and the failures that stop a run (exit 8) with
 * nothing published.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePorts } from '../../../scripts/kafka/ports';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createAvroValueDecoder } from '../../../lib/sink/decode-value';
import { createSchemaRegistry } from '../../../lib/sink/schema-registry';
import { parseFramed } from '../../../lib/sink/wire-format';
import { createTestKafka, highWatermarks, readAllFromStart } from '../../support/kafka';
import { incidentsResource, runCli, SCHEMAS_DIR, writePipeline, type TestPipeline } from '../../support/pipeline';

const INCIDENTS = 120;
const registryUrl = (): string => process.env.REGISTRY_URL!;
let sim: SimulatorHandle;
let schemasDir: string;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: 3 });
});
beforeEach(async () => {
  // Each test edits its own copy of incidents.avsc.
  schemasDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-sr-schemas-'));
  await copyFile(path.join(SCHEMAS_DIR, 'incidents.avsc'), path.join(schemasDir, 'incidents.avsc'));
});
afterEach(() => rm(schemasDir, { recursive: true, force: true }));
afterAll(async () => {
  await sim.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

async function avroPipeline(label: string, registry: Record<string, unknown> = { url: registryUrl() }): Promise<TestPipeline> {
  const pipeline = await writePipeline(label, { simulator: sim, resources: [incidentsResource({}, 40)], delivery: { value_format: 'avro', schemas_dir: schemasDir, schema_registry: registry } });
  pipelines.push(pipeline);
  return pipeline;
}

/** Adds a field to the copied incidents.avsc. */
async function addField(field: Record<string, unknown>): Promise<void> {
  const file = path.join(schemasDir, 'incidents.avsc');
  const schema = JSON.parse(await readFile(file, 'utf8')) as { fields: unknown[] };
  schema.fields.push(field);
  await writeFile(file, JSON.stringify(schema));
}

async function registryGet(pathname: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(`${registryUrl()}${pathname}`, { ...init, headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' } });
  return response.json();
}

it('registers the schema under <topic>-value before publishing and writes values in the Confluent wire format that decode to the API records', async () => {
  const pipeline = await avroPipeline('sr');
  const result = await runCli(['run', '--config', pipeline.file]);
  expect(result.code).toBe(0);
  const subject = `${pipeline.topic('incidents')}-value`;
  expect(result.stderr).toContain('schema registered');

  const [id] = new Set((await readAllFromStart(pipeline.topic('incidents'))).map((r) => parseFramed(r.value!).schemaId));
  const latest = (await registryGet(`/subjects/${subject}/versions/latest`)) as { id: number; schema: string };
  expect(latest.id).toBe(id);
  expect(JSON.parse(latest.schema)).toEqual(JSON.parse(await readFile(path.join(schemasDir, 'incidents.avsc'), 'utf8')));

  const records = await readAllFromStart(pipeline.topic('incidents'));
  expect(records).toHaveLength(INCIDENTS);
  const decoder = createAvroValueDecoder({ registry: createSchemaRegistry({ url: registryUrl() }) });
  await decoder.prefetch(records);
  const expected = new Map((await sim.control.snapshot('incidents')).records.map((r) => [(r as { id: string }).id, r]));
  for (const r of records) {
    expect(r.headers['content-type']?.toString()).toBe('application/vnd.confluent.avro');
    expect(decoder.decode(r.value!, r.headers)).toEqual(expected.get(r.key!));
  }
});

it('a changed schema registers a new version of the subject; unchanged, the same id', async () => {
  const pipeline = await avroPipeline('sr-evolve');
  const subject = `${pipeline.topic('incidents')}-value`;
  expect((await runCli(['run', '--config', pipeline.file])).code).toBe(0);
  expect((await runCli(['run', '--config', pipeline.file, '--full-refresh'])).code).toBe(0);
  expect(await registryGet(`/subjects/${subject}/versions`)).toEqual([1]);
  await addField({ name: 'team', type: ['null', 'string'], default: null });
  expect((await runCli(['run', '--config', pipeline.file, '--full-refresh'])).code).toBe(0);
  expect(await registryGet(`/subjects/${subject}/versions`)).toEqual([1, 2]);
  const ids = new Set((await readAllFromStart(pipeline.topic('incidents'))).map((r) => parseFramed(r.value!).schemaId));
  expect(ids.size).toBe(2);
});

it('a schema the registry rejects as incompatible stops the run (exit 8) naming the subject and the reason, with nothing published', async () => {
  const pipeline = await avroPipeline('sr-incompatible');
  const subject = `${pipeline.topic('incidents')}-value`;
  expect((await runCli(['run', '--config', pipeline.file])).code).toBe(0);
  // Apicurio's default is NONE (Confluent's BACKWARD): ask for BACKWARD on this subject.
  await registryGet(`/config/${subject}`, { method: 'PUT', body: JSON.stringify({ compatibility: 'BACKWARD' }) });
  const kafka = createTestKafka();
  const before = await highWatermarks(kafka, pipeline.topic('incidents'));
  await addField({ name: 'team', type: 'string' }); // no default: old records cannot be read with it
  const result = await runCli(['run', '--config', pipeline.file, '--full-refresh']);
  expect(result.code).toBe(8);
  expect(result.stderr).toContain(`the schema for subject "${subject}" is incompatible`);
  expect(result.stderr).toMatch(/team/);
  expect(await highWatermarks(kafka, pipeline.topic('incidents'))).toEqual(before);
});

it('an unreachable registry stops the run (exit 8) before any topic is created, and never prints the password', async () => {
  const [port] = await freePorts(1);
  const pipeline = await avroPipeline('sr-down', { url: `http://127.0.0.1:${port}/apis/ccompat/v7`, username: 'svc', password: 'sr-password-sentinel' });
  const result = await runCli(['run', '--config', pipeline.file]);
  expect(result.code).toBe(8);
  expect(result.stderr).toContain(`the Schema Registry at http://127.0.0.1:${port}/apis/ccompat/v7 did not answer (ECONNREFUSED, 3 attempts)`);
  expect(result.stderr + result.stdout).not.toContain('sr-password-sentinel');
  const admin = createTestKafka().admin();
  await admin.connect();
  try {
    expect(await admin.listTopics()).not.toContain(pipeline.topic('incidents'));
  } finally {
    await admin.disconnect();
  }
});
