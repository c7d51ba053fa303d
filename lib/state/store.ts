/**
 * The state topic: one compacted, single-partition topic per pipeline, keyed
 * `<pipeline>:<resource>`, value a JSON {@link ResourceState}. Read to its end at start-up
 * (after the producer has fenced older instances, so no zombie transaction holds the end
 * back), written only inside the transactions that publish the data it describes.
 * No local files: the container can be replaced at any time.
 */
import type { Kafka } from 'kafkajs';
import { KafkaError } from '../errors';
import type { OutgoingMessage } from '../sink/message-pack';
import { readTopic } from '../sink/read-topic';
import { emptyState, STATE_VERSION, type ResourceState } from './checkpoint';

export function stateKey(pipeline: string, resource: string): string {
  return `${pipeline}:${resource}`;
}

/** Every resource state of `pipeline` found in `topic` (latest record per key wins). */
export async function loadStates(kafka: Kafka, topic: string, pipeline: string): Promise<Map<string, ResourceState>> {
  const latest = new Map<string, Buffer | null>();
  const prefix = `${pipeline}:`;
  await readTopic(kafka, topic, (records) => {
    for (const r of records) {
      const key = r.key?.toString('utf8');
      if (key?.startsWith(prefix)) latest.set(key.slice(prefix.length), r.value);
    }
  });
  const states = new Map<string, ResourceState>();
  for (const [resource, value] of latest) {
    if (value === null) continue; // a deliberate reset
    states.set(resource, parseState(value, topic, resource));
  }
  return states;
}

export function stateOf(states: ReadonlyMap<string, ResourceState>, pipeline: string, resource: string): ResourceState {
  return states.get(resource) ?? emptyState(pipeline, resource);
}

export function stateMessage(topic: string, state: ResourceState): OutgoingMessage {
  return {
    topic,
    key: stateKey(state.pipeline, state.resource),
    value: Buffer.from(JSON.stringify(state)),
    headers: { 'content-type': 'application/json', 'r2k-state-version': String(STATE_VERSION) },
  };
}

function parseState(value: Buffer, topic: string, resource: string): ResourceState {
  let parsed: ResourceState;
  try {
    parsed = JSON.parse(value.toString('utf8')) as ResourceState;
  } catch (error) {
    throw new KafkaError(`the state record of resource ${resource} in topic ${topic} is not valid JSON; it was not written by rest2kafka. Delete it with a tombstone to start that resource from its initial value.`, { code: 'STATE_CORRUPT', cause: error });
  }
  if (parsed.version !== STATE_VERSION) {
    throw new KafkaError(`the state record of resource ${resource} in topic ${topic} has version ${String(parsed.version)}; this rest2kafka understands version ${STATE_VERSION}. Upgrade rest2kafka or reset the state.`, { code: 'STATE_VERSION' });
  }
  return parsed;
}
