/**
 * The state topic as `run --interval` reads it between runs (lib/state/store.ts StateLog): each
 * read continues from where the last one stopped instead of reading the whole topic again, and
 * reads from the start hourly and whenever the topic no longer fits what was read. On the real
 * broker; DeleteRecords (refused on compacted topics, hence a delete-policy topic here) is what
 * makes a continued read and a read from the start tell apart: the records it removes are
 * gone for a new reader but were already folded into the log.
 */
import type { Admin, Producer } from 'kafkajs';
import { emptyState, type ResourceState } from '../../../lib/state/checkpoint';
import { loadStates, StateLog } from '../../../lib/state/store';
import { createTestKafka, createTopic, uniqueTopic } from '../../support/kafka';

const PIPELINE = 'state-log';
const kafka = createTestKafka('rest2kafka-state-log-spec');
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
});

afterAll(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()]);
});

/** A state whose `updated_at` tells which write it came from. */
function state(resource: string, mark: string): ResourceState {
  return { ...emptyState(PIPELINE, resource), updated_at: mark };
}

async function write(topic: string, records: [key: string, value: ResourceState | null][]): Promise<void> {
  await producer.send({ topic, messages: records.map(([key, value]) => ({ key, value: value === null ? null : JSON.stringify(value) })) });
}

/** Per resource, the `updated_at` of its state. */
function marks(states: Map<string, ResourceState>): Record<string, string> {
  return Object.fromEntries([...states].map(([resource, s]) => [resource, s.updated_at]));
}

async function deleteBefore(topic: string, offset: number): Promise<void> {
  await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs finds the partition's leader only in metadata it holds
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(offset) }] });
}

async function stateTopic(): Promise<string> {
  const topic = uniqueTopic('state-log');
  await createTopic(admin, { topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] });
  return topic;
}

it('continues from where it stopped: a new record, a reset and another pipeline are read; records removed behind it change nothing', async () => {
  const topic = await stateTopic();
  const log = new StateLog(topic, PIPELINE);
  await write(topic, [[`${PIPELINE}:incidents`, state('incidents', 'i1')], [`${PIPELINE}:services`, state('services', 's1')], ['other:incidents', state('incidents', 'other')]]);
  expect(marks(await log.read(kafka))).toEqual({ incidents: 'i1', services: 's1' });

  // Offsets 0–2 were read; 3 is new. Removing 0–2 leaves services' only record behind the log.
  await write(topic, [[`${PIPELINE}:incidents`, state('incidents', 'i2')]]);
  await deleteBefore(topic, 3);
  expect(marks(await log.read(kafka))).toEqual({ incidents: 'i2', services: 's1' });
  // A reader from the start sees only what is left: the log above did not read from the start.
  expect(marks(await loadStates(kafka, topic, PIPELINE))).toEqual({ incidents: 'i2' });

  // A tombstone resets a resource.
  await write(topic, [[`${PIPELINE}:incidents`, null], [`${PIPELINE}:services`, state('services', 's2')]]);
  expect(marks(await log.read(kafka))).toEqual({ services: 's2' });
  // Nothing new: the same states.
  expect(marks(await log.read(kafka))).toEqual({ services: 's2' });
});

it('reads from the start again after an hour, and when records past its position were removed', async () => {
  const topic = await stateTopic();
  let now = Date.parse('2026-01-01T00:00:00Z');
  const log = new StateLog(topic, PIPELINE, () => now);
  await write(topic, [[`${PIPELINE}:incidents`, state('incidents', 'i1')], [`${PIPELINE}:services`, state('services', 's1')]]);
  expect(marks(await log.read(kafka))).toEqual({ incidents: 'i1', services: 's1' });

  await write(topic, [[`${PIPELINE}:incidents`, state('incidents', 'i2')]]);
  await deleteBefore(topic, 2);
  now += 59 * 60 * 1000;
  expect(marks(await log.read(kafka))).toEqual({ incidents: 'i2', services: 's1' }); // continued
  now += 60 * 1000;
  expect(marks(await log.read(kafka))).toEqual({ incidents: 'i2' }); // an hour after the last read from the start

  // Position 3; records up to 4 removed before the next read: what was not read is gone, so from the start.
  await write(topic, [[`${PIPELINE}:services`, state('services', 's2')], [`${PIPELINE}:incidents`, state('incidents', 'i3')]]);
  await deleteBefore(topic, 4);
  expect(marks(await log.read(kafka))).toEqual({ incidents: 'i3' });
});

it('serializes concurrent reads (a fleet\'s units share one log): each sees every record before it started', async () => {
  const topic = await stateTopic();
  const log = new StateLog(topic, PIPELINE);
  await write(topic, [[`${PIPELINE}:incidents`, state('incidents', 'i1')]]);
  const first = log.read(kafka);
  await write(topic, [[`${PIPELINE}:services`, state('services', 's1')]]);
  const second = log.read(kafka);
  expect(marks(await first)).toMatchObject({ incidents: 'i1' });
  expect(marks(await second)).toEqual({ incidents: 'i1', services: 's1' });
});
