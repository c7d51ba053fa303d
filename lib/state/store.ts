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
import { readTopic, topicRanges, type PartitionRange } from '../sink/read-topic';
import { emptyState, STATE_VERSION, type ResourceState } from './checkpoint';

/**
 * How often a {@link StateLog} reads its topic from the start again. Compaction drops a
 * tombstone (a deliberate state reset) `delete.retention.ms` after cleaning it, 24 h by
 * default: a reader that only ever continues from where it stopped would keep a reset state
 * alive if it missed the tombstone for that long. Reading from the start at least hourly cannot.
 */
const FULL_READ_EVERY_MS = 60 * 60 * 1000;

export function stateKey(pipeline: string, resource: string): string {
  return `${pipeline}:${resource}`;
}

/** Every resource state of `pipeline` found in `topic` (latest record per key wins). */
export async function loadStates(kafka: Kafka, topic: string, pipeline: string): Promise<Map<string, ResourceState>> {
  return new StateLog(topic, pipeline).read(kafka);
}

/**
 * The state topic folded to the latest record per resource, kept between the runs of one
 * process: `run --interval` reads only what was written since its last run (its own commits,
 * a reset, another instance's runs) instead of the whole topic every time, which grew with every
 * run the service made. Reads are serialized, so the units of a fleet can share one log.
 *
 * @example const log = new StateLog('demo.state', 'demo'); const states = await log.read(kafka);
 */
export class StateLog {
  /** Per resource, its latest record's value; `null` for a tombstone (a deliberate reset). */
  private latest = new Map<string, Buffer | null>();
  /** Per partition, the offset the next read starts from; null before the first read. */
  private next: Map<number, number> | null = null;
  private fullReadAt = 0;
  private reading: Promise<unknown> = Promise.resolve();

  constructor(
    readonly topic: string,
    private readonly pipeline: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The states as of the topic's current end (its last stable offset). */
  read(kafka: Kafka): Promise<Map<string, ResourceState>> {
    const read = this.reading.then(() => this.catchUp(kafka));
    this.reading = read.catch(() => undefined);
    return read;
  }

  private async catchUp(kafka: Kafka): Promise<Map<string, ResourceState>> {
    const current = await topicRanges(kafka, this.topic);
    const ranges = this.continuing(current);
    const latest = ranges ? this.latest : new Map<string, Buffer | null>();
    const prefix = `${this.pipeline}:`;
    await readTopic(
      kafka,
      this.topic,
      (records) => {
        for (const r of records) {
          const key = r.key?.toString('utf8');
          if (key?.startsWith(prefix)) latest.set(key.slice(prefix.length), r.value);
        }
      },
      { ranges: ranges ?? current },
    );
    if (!ranges) this.fullReadAt = this.now();
    this.latest = latest;
    this.next = new Map([...current].map(([partition, range]) => [partition, range.end]));
    const states = new Map<string, ResourceState>();
    for (const [resource, value] of latest) if (value !== null) states.set(resource, parseState(value, this.topic, resource));
    return states;
  }

  /**
   * Where to continue from, or null to read from the start: on the first read, hourly, and
   * whenever the topic no longer fits what was read (recreated, or records deleted past it).
   */
  private continuing(current: ReadonlyMap<number, PartitionRange>): Map<number, PartitionRange> | null {
    const next = this.next;
    if (next === null || this.now() - this.fullReadAt >= FULL_READ_EVERY_MS || next.size !== current.size) return null;
    const ranges = new Map<number, PartitionRange>();
    for (const [partition, range] of current) {
      const from = next.get(partition);
      if (from === undefined || from < range.from || from > range.end) return null;
      ranges.set(partition, { from, end: range.end });
    }
    return ranges;
  }
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
