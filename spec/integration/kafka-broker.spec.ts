/**
 * kafkajs 2.2.4 against the Kafka 4.4 broker the harness runs: the client features the sink
 * and the state store rely on, the broker settings the harness promises, and the spec/support
 * oracle reader the other integration tests trust.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, ConfigResourceTypes, Kafka, Message, Producer, ProducerConfig } from 'kafkajs';
import { startBroker } from '../../scripts/kafka/broker';
import { parseExtraConfig } from '../../scripts/kafka/config';
import { freePorts } from '../../scripts/kafka/ports';
import { isAlive } from '../../scripts/kafka/process';
import { ReadRecord, createCompactedTopic, createTopic, createTestKafka, latestByKey, readAllFromStart, testBrokers, uniqueTopic } from '../support/kafka';

// Broker round trips (and a second broker's start-up) outlast jest's 5 s default on a busy machine.
jest.setTimeout(120_000);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
});

async function connectedAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  return admin;
}

async function connectedProducer(kafka: Kafka, config: ProducerConfig): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, ...config });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  return producer;
}

/** `[key, value]` pairs with values as text and tombstones as null. */
function pairs(records: readonly ReadRecord[]): Array<[string | null, string | null]> {
  return records.map((r) => [r.key, r.value === null ? null : r.value.toString()]);
}

const msg = (key: string, value: string | null): Message => ({ key, value });

describe('Kafka broker (kafkajs 2.2.4 against Kafka 4.4)', () => {
  let kafka: Kafka;
  let admin: Admin;
  beforeEach(async () => {
    kafka = createTestKafka();
    admin = await connectedAdmin(kafka);
  });

  it('creates a compacted topic whose configs describeConfigs reports, unlike a default topic', async () => {
    const compacted = uniqueTopic('broker-compacted');
    const plain = uniqueTopic('broker-plain');
    await createCompactedTopic(admin, compacted, { 'min.cleanable.dirty.ratio': '0.01', 'segment.ms': '100' });
    await createTopic(admin, { topic: plain });

    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [compacted, plain].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'min.cleanable.dirty.ratio', 'segment.ms'] })),
    });
    const configs = Object.fromEntries(resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))]));

    expect(configs[compacted]).toEqual({ 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01', 'segment.ms': '100' });
    expect(configs[plain]['cleanup.policy']).toBe('delete');
  });

  it('refuses to auto-create a topic a producer asks for, so a wrong name fails loudly', async () => {
    const existing = uniqueTopic('broker-existing');
    const missing = uniqueTopic('broker-missing');
    await createCompactedTopic(admin, existing);
    const producer = await connectedProducer(kafka, { allowAutoTopicCreation: true, retry: { retries: 0 } });

    await expect(producer.send({ topic: missing, messages: [msg('k', 'v')] })).rejects.toThrow();

    const topics = await admin.listTopics();
    expect(topics).toContain(existing);
    expect(topics).not.toContain(missing);
  });

  it('an idempotent producer delivers keyed records, a tombstone as null and an empty value as an empty buffer', async () => {
    const topic = uniqueTopic('broker-idempotent');
    await createCompactedTopic(admin, topic, {}, 3);
    const producer = await connectedProducer(kafka, { idempotent: true });

    await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: '1', headers: { source: 'spec' } }, msg('b', '1'), msg('c', '1')] });
    await producer.send({ topic, acks: -1, messages: [msg('a', '2'), msg('b', null), { key: 'e', value: Buffer.alloc(0) }] });
    const records = await readAllFromStart(topic);

    expect(records).toHaveLength(6);
    const byKey = (key: string): ReadRecord[] => records.filter((r) => r.key === key);
    expect(pairs(byKey('a'))).toEqual([['a', '1'], ['a', '2']]);
    expect(new Set(byKey('a').map((r) => r.partition)).size).toBe(1);
    expect(byKey('a')[0].headers).toEqual({ source: 'spec' });
    expect(byKey('b')[1].value).toBeNull();
    expect(byKey('e')[0].value).toEqual(Buffer.alloc(0));
    expect([...latestByKey(records)].map(([k, v]) => [k, v.toString()]).sort()).toEqual([['a', '2'], ['c', '1'], ['e', '']]);
  });

  it('a transactional producer: read_committed sees committed batches only, read_uncommitted the aborted one too', async () => {
    const topic = uniqueTopic('broker-txn');
    await createCompactedTopic(admin, topic);
    const producer = await connectedProducer(kafka, { transactionalId: uniqueTopic('spec-txn'), idempotent: true });
    const inTransaction = async (messages: Message[], end: 'commit' | 'abort'): Promise<void> => {
      const txn = await producer.transaction();
      await txn.send({ topic, acks: -1, messages });
      await (end === 'commit' ? txn.commit() : txn.abort());
    };

    await inTransaction([msg('a', '1'), msg('b', '1'), msg('c', null)], 'commit');
    await inTransaction([msg('a', '2'), msg('d', '1')], 'abort');
    await inTransaction([msg('e', '1')], 'commit');
    // commit() resolves before the coordinator has written the markers; until it has, a
    // read_committed reader stops short of the last transaction (bounded wait, not a sleep).
    let committed = await readAllFromStart(topic);
    for (let tries = 0; committed.length < 4 && tries < 50; tries++) {
      await sleep(200);
      committed = await readAllFromStart(topic);
    }
    const uncommitted = await readAllFromStart(topic, { readUncommitted: true });

    expect(pairs(committed)).toEqual([['a', '1'], ['b', '1'], ['c', null], ['e', '1']]);
    // Each transaction marker takes an offset, so offsets have gaps and the log ends in a marker.
    expect(committed.map((r) => r.offset)).toEqual(['0', '1', '2', '7']);
    expect(pairs(uncommitted)).toEqual([['a', '1'], ['b', '1'], ['c', null], ['a', '2'], ['d', '1'], ['e', '1']]);
  });

  it('reads an open transaction only under read_uncommitted, and reads a marker-only log as empty', async () => {
    const topic = uniqueTopic('broker-open-txn');
    await createCompactedTopic(admin, topic);
    expect(await readAllFromStart(topic)).toEqual([]);
    const producer = await connectedProducer(kafka, { transactionalId: uniqueTopic('spec-open'), idempotent: true });
    const txn = await producer.transaction();
    await txn.send({ topic, acks: -1, messages: [msg('x', '1')] });

    expect(await readAllFromStart(topic)).toEqual([]);
    expect(pairs(await readAllFromStart(topic, { readUncommitted: true }))).toEqual([['x', '1']]);

    await txn.abort();
    expect(await readAllFromStart(topic)).toEqual([]);
    expect(pairs(await readAllFromStart(topic, { readUncommitted: true }))).toEqual([['x', '1']]);
  });
});

// After a kill -9 the controller keeps the dead incarnation registered until its session
// times out (broker.session.timeout.ms, 9 s by default); a restart waits for that.
const FAST_RESTART_CONFIG = 'num.partitions=3,broker.heartbeat.interval.ms=500,broker.session.timeout.ms=3000';

describe('startBroker (for broker fault tests)', () => {
  it('runs a second broker with extra settings that keeps acknowledged records across kill -9 and a restart', async () => {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-second-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const [port, controllerPort] = await freePorts(2);
    let broker = await startBroker({ workDir, port, controllerPort, heap: '256m', extraConfig: parseExtraConfig(FAST_RESTART_CONFIG) });
    cleanups.push(() => broker.stop());
    expect(broker.brokers).not.toEqual(testBrokers());
    expect(broker.formatted).toBe(true);

    const kafka = createTestKafka('rest2kafka-second', broker.brokers);
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueTopic('second-broker');
    await createTopic(admin, { topic });
    const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: ['k1', 'k2', 'k3', 'k4'].map((k) => msg(k, `v-${k}`)) });
    await producer.disconnect();
    await admin.disconnect();

    const { pid, clusterId } = broker;
    await broker.kill();
    expect(isAlive(pid)).toBe(false);
    broker = await startBroker(broker.options);

    expect(partitions).toHaveLength(3);
    expect(broker.formatted).toBe(false);
    expect(broker.clusterId).toBe(clusterId);
    const records = await readAllFromStart(topic, { brokers: broker.brokers });
    expect(pairs(records).sort()).toEqual([['k1', 'v-k1'], ['k2', 'v-k2'], ['k3', 'v-k3'], ['k4', 'v-k4']]);
  });
});

describe('parseExtraConfig (KAFKA_EXTRA_CONFIG)', () => {
  it.each([
    ['', {}],
    ['num.partitions=3', { 'num.partitions': '3' }],
    [' a=1 , b = 2 ', { a: '1', b: '2' }],
    ['listeners=PLAINTEXT://h:1,CONTROLLER://h:2,num.partitions=3', { listeners: 'PLAINTEXT://h:1,CONTROLLER://h:2', 'num.partitions': '3' }],
    ['sasl.jaas.config=x=y', { 'sasl.jaas.config': 'x=y' }],
  ])('%j', (text, expected) => {
    expect(parseExtraConfig(text)).toEqual(expected);
  });

  it('rejects a first piece that is not key=value', () => {
    expect(() => parseExtraConfig('oops,a=1')).toThrow('KAFKA_EXTRA_CONFIG: "oops" is not key=value');
  });
});

it('a busy broker port fails before the JVM starts, naming the variable that picks another port', async () => {
  const net = await import('node:net');
  const [port, controllerPort] = await freePorts(2);
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-busy-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  await expect(startBroker({ workDir, port, controllerPort, readyTimeoutMs: 5_000, log: () => undefined })).rejects.toThrow(
    `Kafka client port 127.0.0.1:${port} is not available (EADDRINUSE); set KAFKA_PORT to a free port`,
  );
});
