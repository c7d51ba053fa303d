/**
 * What one `rest2kafka run` puts on the broker: topics with the cleanup policy of their write
 * disposition, records keyed by primary key on the partition Kafka's murmur2 partitioner gives
 * that key, headers, and extraction-time timestamps.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from 'avsc';
import { Admin, ConfigResourceTypes, Partitioners, type PartitionMetadata } from 'kafkajs';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, readAllFromStart, type ReadRecord } from '../../support/kafka';
import { incidentsResource, parseSummary, runCli, runIdOf, SCHEMAS_DIR, writePipeline, type CliResult, type TestPipeline } from '../../support/pipeline';

const INCIDENTS = 240;
const SERVICES = 30;

let sim: SimulatorHandle;
let pipeline: TestPipeline;
let admin: Admin;
let result: CliResult;
let startedAt: number;
let finishedAt: number;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: SERVICES });
  pipeline = await writePipeline('keys', {
    simulator: sim,
    resources: [
      incidentsResource({}, 50),
      // The same records under a compound key, declared service first: no schema file for this name.
      incidentsResource({ name: 'incidents_by_service', primary_key: ['service_id', 'id'] }, 50),
      { name: 'services', write_disposition: 'append', endpoint: { path: '/v1/services', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } },
    ],
    topics: { partitions: 3 },
  });
  admin = createTestKafka().admin();
  await admin.connect();
  startedAt = Date.now();
  result = await runCli(['run', '--config', pipeline.file]);
  finishedAt = Date.now();
});

afterAll(async () => {
  await admin?.disconnect();
  await sim?.close();
  await pipeline?.remove();
});

it('exits 0 and reports every record of every resource in its summary', () => {
  expect(result).toMatchObject({ code: 0 });
  const summary = parseSummary(result.stderr);
  expect(summary.get('incidents')).toMatchObject({ records: INCIDENTS, pages: 5, tombstones: 0, deadLettered: 0, topic: pipeline.topic('incidents') });
  expect(summary.get('incidents_by_service')).toMatchObject({ records: INCIDENTS, deadLettered: 0 });
  expect(summary.get('services')).toMatchObject({ records: SERVICES, deadLettered: 0 });
});

it('says once, at INFO, that a resource without a schema file goes out unvalidated; the inferred schema only at debug', () => {
  const info = result.stderr.split('\n').filter((l) => l.includes('"level":"info"') || l.includes('"level":30'));
  const notices = info.filter((l) => l.includes('no schema file for this resource'));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain('incidents_by_service');
  expect(notices[0]).toContain('rest2kafka schema --config FILE --resource incidents_by_service');
  expect(result.stderr).not.toContain('inferred_schema');
});

it('creates compacted topics for merge resources and the state, delete-policy ones for append and dead letters', async () => {
  const policies = await topicConfigs(admin, [pipeline.topic('incidents'), pipeline.topic('incidents_by_service'), pipeline.topic('services'), pipeline.stateTopic, pipeline.deadLetterTopic], 'cleanup.policy');
  expect(policies).toEqual({
    [pipeline.topic('incidents')]: 'compact',
    [pipeline.topic('incidents_by_service')]: 'compact',
    [pipeline.topic('services')]: 'delete',
    [pipeline.stateTopic]: 'compact',
    [pipeline.deadLetterTopic]: 'delete',
  });
  const { topics } = await admin.fetchTopicMetadata({ topics: [pipeline.topic('incidents')] });
  expect(topics[0].partitions).toHaveLength(3);
});

it('creates the state topic with hourly segments, so compaction can run on it (data topics keep the broker default)', async () => {
  const segments = await topicConfigs(admin, [pipeline.stateTopic, pipeline.topic('incidents')], 'segment.ms');
  expect(segments).toEqual({ [pipeline.stateTopic]: '3600000', [pipeline.topic('incidents')]: '604800000' });
});

it('keys each record by its primary key as a string and puts every key on its murmur2 partition', async () => {
  const records = await readAllFromStart(pipeline.topic('incidents'));
  const { records: api } = await sim.control.snapshot('incidents');
  expect(records.map((r) => r.key).sort()).toEqual(api.map((r) => r.id).sort());
  for (const r of records) expect(valueOf(r).id).toBe(r.key);
  await expectMurmur2Partitions(pipeline.topic('incidents'), records);
  // Keys spread over all three partitions: a constant partition would pass the check above only by luck.
  expect(new Set(records.map((r) => r.partition)).size).toBe(3);
});

it('keys a compound primary key as a JSON array in declared order', async () => {
  const records = await readAllFromStart(pipeline.topic('incidents_by_service'));
  expect(records).toHaveLength(INCIDENTS);
  for (const r of records) {
    const value = valueOf(r);
    expect(r.key).toBe(JSON.stringify([value.service_id, value.id]));
  }
  expect(records[0].key).toMatch(/^\["SVC\w+","INC\d+"\]$/);
  await expectMurmur2Partitions(pipeline.topic('incidents_by_service'), records);
});

it('publishes the API values unchanged', async () => {
  const records = await readAllFromStart(pipeline.topic('incidents'));
  const { records: api } = await sim.control.snapshot('incidents');
  const byKey = new Map(records.map((r) => [r.key, valueOf(r)]));
  for (const incident of api) expect(byKey.get(incident.id)).toEqual(incident);
});

it('heads every record with its resource, pipeline, source, run id, schema fingerprint and content type', async () => {
  const runId = runIdOf(result.stderr);
  const fingerprint = (name: string) => Type.forSchema(JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `${name}.avsc`), 'utf8'))).fingerprint('sha256').toString('hex');
  const writer = { 'r2k-pipeline': pipeline.name, 'r2k-source': sim.url.replace(/\/+$/, '') };
  const expected = {
    incidents: { 'r2k-resource': 'incidents', ...writer, 'r2k-run-id': runId, 'content-type': 'application/json', 'r2k-schema-fingerprint': fingerprint('incidents') },
    services: { 'r2k-resource': 'services', ...writer, 'r2k-run-id': runId, 'content-type': 'application/json', 'r2k-schema-fingerprint': fingerprint('services') },
  };
  for (const [resource, headers] of Object.entries(expected)) {
    const records = await readAllFromStart(pipeline.topic(resource));
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(r.headers).toEqual(headers);
  }
  // No schema file, no fingerprint header (the records go out unvalidated).
  const unschematised = await readAllFromStart(pipeline.topic('incidents_by_service'));
  for (const r of unschematised) {
    expect(r.headers).toMatchObject({ 'r2k-resource': 'incidents_by_service', 'r2k-run-id': runId, 'content-type': 'application/json' });
    expect(r.headers).not.toHaveProperty('r2k-schema-fingerprint');
  }
});

it('stamps records with the time of extraction, not the source timestamps', async () => {
  const records = await readAllFromStart(pipeline.topic('incidents'));
  for (const r of records) {
    const ts = Number(r.timestamp);
    expect(ts).toBeGreaterThanOrEqual(startedAt);
    expect(ts).toBeLessThanOrEqual(finishedAt);
    // The source's updated_at lies in 2024, months before any extraction.
    expect(ts).not.toBe(Date.parse(valueOf(r).updated_at as string));
  }
});

function valueOf(record: ReadRecord): Record<string, unknown> {
  if (record.value === null) throw new Error(`tombstone at ${record.partition}:${record.offset}`);
  return JSON.parse(record.value.toString('utf8')) as Record<string, unknown>;
}

/** The partition kafkajs's default (Java-compatible murmur2) partitioner picks, from the topic's own metadata. */
async function expectMurmur2Partitions(topic: string, records: readonly ReadRecord[]): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitionMetadata = topics[0].partitions as PartitionMetadata[];
  const partitioner = Partitioners.DefaultPartitioner();
  const wrong = records.filter((r) => partitioner({ topic, partitionMetadata, message: { key: r.key, value: null } }) !== r.partition);
  expect(wrong.map((r) => `${r.key}@${r.partition}`)).toEqual([]);
}

/** Each topic's value of the config `name`, as the broker describes it. */
async function topicConfigs(client: Admin, topics: string[], name: string): Promise<Record<string, string>> {
  const { resources } = await client.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] })),
  });
  return Object.fromEntries(resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === name)?.configValue ?? '?']));
}
