/**
 * `rest2kafka replay` against the real broker (issue 16): JSONL equals the API after updates
 * and deletes, and is the same written to a regular file; a config whose API key is unset still replays; `--to duckdb:` builds a table of
 * the live records and refreshes it from the stored offsets; `--full` rebuilds. Avro values
 * written through the real Schema Registry (globalSetup's, or REGISTRY_URL) come out decoded,
 * by schema id or from the local .avsc; `--raw` keeps them as base64. A position the log start
 * has passed continues at the log start. The first Ctrl-C stops it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { cliArgv, incidentsResource, replay, runCli, SCHEMAS_DIR, writePipeline, type TestPipeline } from '../../support/pipeline';
import { AbortedError } from '../../../lib/errors';
import { jsonlSink } from '../../../lib/replay/jsonl';
import { replayOutput } from '../../../lib/replay/output';
import { replayTopic } from '../../../lib/replay/replay-topic';
import { scanTopic } from '../../../lib/sink/scan-topic';
import { createCompactedTopic, createTestKafka, latestByKey, readAllFromStart, testBrokers, uniqueTopic } from '../../support/kafka';

const INCIDENTS = 300;
let sim: SimulatorHandle;
let p: TestPipeline;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: 5 });
  p = await writePipeline('replay', { simulator: sim, resources: [incidentsResource({}, 100)] });
  expect((await runCli(['run', '--config', p.file])).code).toBe(0);
});
afterAll(async () => {
  await sim.close();
  await p.remove();
});

async function api(): Promise<Map<string, unknown>> {
  const snap = await sim.control.snapshot('incidents');
  return new Map(snap.records.map((r) => [(r as { id: string }).id, r]));
}

async function table(file: string): Promise<Map<string, Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll('SELECT * FROM incidents')).getRowObjectsJson() as Record<string, unknown>[];
  connection.closeSync();
  instance.closeSync();
  return new Map(rows.map((r) => [String(r._r2k_key), r]));
}

it('JSONL: the live records after updates and deletes, each key once', async () => {
  await sim.control.update('incidents', 10);
  const deleted = await sim.control.delete('incidents', 4);
  expect((await runCli(['run', '--config', p.file, '--full-refresh'])).code).toBe(0);
  const live = await replay(p, 'incidents');
  expect(live).toEqual(await api());
  for (const id of deleted.ids) expect(live.has(id)).toBe(false);
});

it('JSONL into a regular file (the built CLI with `>` and `>>`: written off the main thread): the lines the in-process replay prints, after what the file held', async () => {
  const inProcess = await runCli(['replay', '--config', p.file, '--resource', 'incidents']);
  expect(inProcess.code).toBe(0);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'r2k-replay-file-'));
  try {
    for (const [flags, before] of [['w', ''], ['a', 'a line already there\n']] as const) {
      const file = path.join(dir, `out-${flags}.jsonl`);
      await writeFile(file, before);
      const fd = openSync(file, flags);
      const child = spawn(process.execPath, [...cliArgv(), 'replay', '--config', p.file, '--resource', 'incidents'], { env: { PATH: process.env.PATH, KAFKA_BROKERS: testBrokers().join(',') }, stdio: ['ignore', fd, 'pipe'] });
      closeSync(fd);
      const stderr: Buffer[] = [];
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect({ code, stderr: Buffer.concat(stderr).toString() }).toMatchObject({ code: 0 });
      expect(await readFile(file, 'utf8')).toBe(before + inProcess.stdout);
    }
    expect(inProcess.stdout.split('\n').length - 1).toBe((await api()).size);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('a config whose API key comes from an unset variable still replays (the source secrets are not resolved)', async () => {
  const config = JSON.parse(await readFile(p.file, 'utf8'));
  config.source.client.auth.api_key = '${R2K_TEST_UNSET_API_KEY}';
  const file = p.file.replace(/\.json$/, '-secret.json');
  await writeFile(file, JSON.stringify(config));
  const result = await runCli(['replay', '--config', file, '--resource', 'incidents', '--summary'], { KAFKA_BROKERS: testBrokers().join(',') });
  expect(result.code === 0 ? 'ok' : `exit ${result.code}: ${result.stderr}`).toBe('ok');
  expect(JSON.parse(result.stdout)).toMatchObject({ live_keys: (await api()).size });
  expect((await runCli(['run', '--config', file])).code).toBe(2); // run does need it
});

it('--to duckdb: builds the table, refreshes it with only the newer records, and --full rebuilds', async () => {
  const file = `${p.file}.duckdb`;
  const first = await runCli(['replay', '--config', p.file, '--to', `duckdb:${file}`]);
  expect(first.code === 0 ? 'ok' : `exit ${first.code}: ${first.stderr}`).toBe('ok');
  let rows = await table(file);
  const expected = await api();
  expect(new Set(rows.keys())).toEqual(new Set(expected.keys()));
  for (const [id, record] of expected) expect(rows.get(id)).toMatchObject({ id, title: (record as { title: string }).title });

  await sim.control.update('incidents', 5, { title: 'refreshed' });
  const gone = await sim.control.delete('incidents', 3);
  expect((await runCli(['run', '--config', p.file, '--full-refresh'])).code).toBe(0);
  const second = await runCli(['replay', '--config', p.file, '--to', `duckdb:${file}`]);
  expect(second.code).toBe(0);
  expect(second.stderr).toMatch(/duckdb \(refresh\)/);
  rows = await table(file);
  expect(new Set(rows.keys())).toEqual(new Set((await api()).keys()));
  for (const id of gone.ids) expect(rows.has(id)).toBe(false);
  expect([...rows.values()].filter((r) => r.title === 'refreshed')).toHaveLength(5);

  const full = await runCli(['replay', '--config', p.file, '--to', `duckdb:${file}`, '--full']);
  expect(full.stderr).toMatch(/duckdb \(full\)/);
  expect(await table(file)).toEqual(rows);
});

it('Avro through the Schema Registry: JSONL prints the records decoded by schema id, or from the .avsc without the registry, or with --topic through --registry; --raw prints them as base64', async () => {
  const avro = await writePipeline('replay-avro', { simulator: sim, resources: [incidentsResource({}, 100)], delivery: { value_format: 'avro', schemas_dir: SCHEMAS_DIR, schema_registry: { url: process.env.REGISTRY_URL } } });
  const noSchemas = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-replay-no-avsc-'));
  try {
    expect((await runCli(['run', '--config', avro.file])).code).toBe(0);
    const expected = await api();
    const config = JSON.parse(await readFile(avro.file, 'utf8'));
    const variant = async (name: string, delivery: Record<string, unknown>): Promise<TestPipeline> => {
      const file = avro.file.replace(/\.json$/, `-${name}.json`);
      await writeFile(file, JSON.stringify({ ...config, delivery }));
      return { ...avro, file };
    };
    // No local schema: every value decodes with the writer schema its id names in the registry.
    expect(await replay(await variant('registry-only', { ...config.delivery, schemas_dir: noSchemas }), 'incidents')).toEqual(expected);
    // No registry: the framed values decode with the .avsc their fingerprint header names.
    const withoutRegistry = { ...config.delivery };
    delete withoutRegistry.schema_registry;
    expect(await replay(await variant('files-only', withoutRegistry), 'incidents')).toEqual(expected);

    // --topic with no config: the registry named by --registry decodes them; without it they stay base64.
    const byTopic = async (...extra: string[]) => {
      const result = await runCli(['replay', '--topic', avro.topic('incidents'), '--brokers', testBrokers().join(','), ...extra]);
      expect(result.code).toBe(0);
      return new Map(result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { key: string; value: unknown }).map((l) => [l.key, l.value]));
    };
    expect(await byTopic('--registry', process.env.REGISTRY_URL!)).toEqual(expected);
    for (const value of (await byTopic()).values()) expect(Object.keys(value as object)).toEqual(['avro_base64']);
    const withCredentials = await runCli(['replay', '--topic', avro.topic('incidents'), '--registry', 'http://me:s3cret@127.0.0.1:8081']);
    expect(withCredentials.code).toBe(2);
    expect(withCredentials.stderr).not.toContain('s3cret');

    const raw = await runCli(['replay', '--config', avro.file, '--resource', 'incidents', '--raw']);
    expect(raw.code).toBe(0);
    const values = raw.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { value: unknown }).value);
    expect(values).toHaveLength(expected.size);
    for (const value of values) expect(Object.keys(value as object)).toEqual(['avro_base64']);
  } finally {
    await rm(noSchemas, { recursive: true, force: true });
    await avro.remove();
  }
});

it("read_committed across partitions and gzip batches: an aborted transaction's records never appear, as for kafkajs's consumer", async () => {
  const kafka = createTestKafka();
  const topic = uniqueTopic('replay-txn');
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
  try {
    await createCompactedTopic(admin, topic, {}, 3);
    await producer.connect();
    const send = async (messages: { key: string; value: string | null }[], commit: boolean, compression = 0) => {
      const tx = await producer.transaction();
      await tx.send({ topic, compression, messages });
      await (commit ? tx.commit() : tx.abort());
    };
    await send(Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `{"v":${i}}` })), true, 1);
    await send([{ key: 'k1', value: '{"v":"aborted"}' }, { key: 'only-aborted', value: '{}' }], false);
    await send([{ key: 'k2', value: null }, { key: 'k3', value: '{"v":"new"}' }], true);
    await send([{ key: 'k4', value: '{"v":"aborted at the end"}' }], false);

    const seen = new Map<string, string>();
    const counts = await replayTopic(kafka, topic, {
      maxBytesPerPartition: 512, // several fetches per partition
      sink: (_partition, records) => records.forEach((r) => seen.set(r.key!.toString(), r.value!.toString())),
    });
    const oracle = latestByKey(await readAllFromStart(topic));
    expect(seen).toEqual(new Map([...oracle].map(([key, value]) => [key, value.toString()])));
    expect(seen.get('k1')).toBe('{"v":1}');
    expect(seen.get('k3')).toBe('{"v":"new"}');
    expect(seen.has('k2') || seen.has('only-aborted')).toBe(false);
    expect(counts).toMatchObject({ records: 202, liveKeys: 199, tombstonedKeys: 1, written: 199, vanished: 0 });
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

it('a position the log start has passed (records deleted by retention or the cleaner while the scan waits) continues at the log start', async () => {
  const kafka = createTestKafka();
  const topic = uniqueTopic('replay-log-start');
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  try {
    // A delete-policy topic: the broker refuses DeleteRecords on compacted ones.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `{"v":${i}}` })) });
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs finds the partition's leader only in metadata it holds
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '40' }] });

    // The range still starts at 0, as it would for a scan planned before the deletion.
    const offsets: number[] = [];
    await scanTopic(kafka, topic, { record: (_partition, record) => void offsets.push(record.offset) }, { ranges: new Map([[0, { from: 0, end: 100 }]]), maxBytesPerPartition: 512 });
    expect(offsets).toEqual(Array.from({ length: 60 }, (_, i) => 40 + i));
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

it('JSONL: records taken straight from the fetched bytes and records that need decoding keep offset order and print as appendLine prints them', async () => {
  const kafka = createTestKafka();
  const topic = uniqueTopic('replay-direct');
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  try {
    await createCompactedTopic(admin, topic, {}, 1);
    await producer.connect();
    const json = { 'content-type': 'application/json' };
    const messages = [
      { key: 'z', value: '{"n":0}', headers: json }, // taken from the fetched bytes
      { key: 'a', value: '{"n":1}', headers: json },
      { key: 'b', value: '{"n":\n2}', headers: json }, // a newline: re-serialised, so kept for the sink call
      { key: 'c', value: '{"n":3}', headers: json }, // after a kept record in the same chunk: kept too, in order
      { key: 'd"q', value: '{"n":4}', headers: json }, // a key that JSON must escape
      { key: 'e', value: '[5]' }, // no content type: parsed and re-serialised
      { key: 'a', value: '{"n":6}', headers: json }, // the latest of a
      { key: 'f', value: null },
    ];
    await producer.send({ topic, messages });
    const out = new PassThrough();
    const text: Buffer[] = [];
    out.on('data', (chunk: Buffer) => text.push(chunk));
    const counts = await replayTopic(kafka, topic, { sink: jsonlSink(replayOutput(out)) });
    expect(Buffer.concat(text).toString('utf8')).toBe(
      ['{"key":"z","value":{"n":0}}', '{"key":"b","value":{"n":2}}', '{"key":"c","value":{"n":3}}', '{"key":"d\\"q","value":{"n":4}}', '{"key":"e","value":[5]}', '{"key":"a","value":{"n":6}}', ''].join('\n'),
    );
    expect(counts).toMatchObject({ records: 8, liveKeys: 6, tombstonedKeys: 1, written: 6 });
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

describe('failures say what to check', () => {
  it('a topic that does not exist fails at once (exit 5) naming it, and what to check for --topic or a resource', async () => {
    const byFlag = await runCli(['replay', '--topic', 'r2k-no-such-topic', '--brokers', testBrokers().join(',')]);
    expect(byFlag.code).toBe(5);
    expect(byFlag.stdout).toBe('');
    expect(byFlag.stderr).toContain('KAFKA_TOPIC_MISSING');
    expect(byFlag.stderr).toMatch(/topic "r2k-no-such-topic" does not exist on .*check the name given to --topic/);
    const config = JSON.parse(await readFile(p.file, 'utf8'));
    config.topics = { ...config.topics, prefix: 'r2k-never-published-' };
    const file = p.file.replace(/\.json$/, '-unpublished.json');
    await writeFile(file, JSON.stringify(config));
    const byConfig = await runCli(['replay', '--config', file, '--resource', 'incidents'], { KAFKA_BROKERS: testBrokers().join(',') });
    expect(byConfig.code).toBe(5);
    expect(byConfig.stderr).toMatch(/topic "r2k-never-published-[^"]*" does not exist .*has rest2kafka run published resource incidents yet/);
  });

  it('an unreachable broker with --topic: the advice names --brokers, not the config key kafka.brokers', async () => {
    const result = await runCli(['replay', '--topic', 'incidents', '--brokers', '127.0.0.1:1']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('KAFKA_UNREACHABLE');
    expect(result.stderr).toContain('Pass the brokers as --brokers HOST:PORT');
    expect(result.stderr).not.toContain('kafka.brokers');
  });
});

describe('the first Ctrl-C stops a replay (regression: it needed a second one)', () => {
  it('stops mid-read with an AbortedError: the sink gets nothing more once the signal fired', async () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const replaying = replayTopic(createTestKafka(), p.topic('incidents'), {
      maxBytesPerPartition: 1024, // many small batches, so there is a "later" to not reach
      signal: controller.signal,
      sink: (_partition, records) => {
        calls.push(records.length);
        controller.abort(new Error('SIGINT received'));
      },
    });
    await expect(replaying).rejects.toBeInstanceOf(AbortedError);
    expect(calls.length).toBe(1);
    expect(calls.reduce((a, b) => a + b, 0)).toBeLessThan((await api()).size);
  });

  it('exits 130 with nothing on stdout when interrupted before it started', async () => {
    const controller = new AbortController();
    controller.abort(new Error('SIGINT received'));
    const result = await runCli(['replay', '--config', p.file, '--resource', 'incidents'], { KAFKA_BROKERS: testBrokers().join(',') }, controller.signal);
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/interrupted/);
  });
});
