/**
 * The fault suite's oracle (issue 5 §1, kafka.md §7): after any scenario, compare what a
 * read_committed reader replays from the data topics with the simulator's current data, and
 * check that the state topic's cursor never covers a change the data topic lacks. It reads
 * Kafka only through spec/support/kafka.ts, which shares no code with lib/sink or lib/state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { SimulatorControl } from '../../lib/simulator/control';
import type { ResourceName, SimRecord } from '../../lib/simulator/types';
import { createTestKafka, latestByKey, readAllFromStart, type ReadRecord } from './kafka';

export interface OracleResource {
  resource: ResourceName;
  /** The data topic the pipeline publishes this resource to. */
  topic: string;
}

export interface OracleInput {
  /** `handle.control` of an in-process simulator, or a `SimulatorClient`. */
  control: SimulatorControl;
  resources: readonly OracleResource[];
  stateTopic: string;
  pipeline: string;
  /**
   * True after a completed full refresh: every key the API deleted must end in a tombstone (or
   * never have been published). Otherwise deleted keys still live in the topic are allowed
   * (an incremental API cannot report deletes) and only counted in `deletedLive`.
   */
  requireTombstones?: boolean;
  /** Broker list of a dedicated broker; default the test broker. */
  brokers?: string[];
}

export interface OracleResult {
  /** Live records in the API. */
  expected: number;
  /** Live keys in the replay (latest value per key, tombstones applied). */
  replayed: number;
  /** API keys missing from the replay. */
  lost: string[];
  /** API keys whose replayed value is not the API's current record. */
  stale: string[];
  /** Replayed keys the API never had (neither live nor deleted). */
  unknown: string[];
  /** Keys the API deleted that are still live in the replay (allowed unless `requireTombstones`). */
  deletedLive: string[];
  /** Records a read_committed reader sees beyond one per distinct (key, value): the same version delivered twice. */
  duplicatesReadCommitted: number;
  /** Record versions at or before the committed cursor that the data topic lacks: the state ran ahead of the data. */
  cursorAhead: string[];
  /** Every read_committed data record, per topic (for scenario-specific checks). */
  records: Map<string, ReadRecord[]>;
  /** The latest state document per resource, `null` when there is none. */
  states: Map<string, StateDoc | null>;
}

/** The parts of lib/state's document the oracle reads (deliberately re-declared, not imported). */
export interface StateDoc {
  incremental: { last_value?: unknown } | null;
  run: { id: string; next_index: number; pages: number; records: number; incremental: { last_value?: unknown } | null } | null;
  last_completed_run: { id: string; pages: number; records: number } | null;
}

/**
 * A topic a killed run never got to create reads as empty; one it created a moment before the
 * kill may still be electing its leader, so leadership errors are retried (bounded).
 */
export async function readOrEmpty(topic: string, options: { brokers?: string[] } = {}): Promise<ReadRecord[]> {
  // Asked first: reading a topic that does not exist costs kafkajs's whole retry budget per attempt.
  if (!(await topicExists(topic, options.brokers))) return [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await readAllFromStart(topic, options);
    } catch (error) {
      const type = (error as { type?: string }).type ?? (error as { cause?: { type?: string } }).cause?.type;
      const transient = type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'NOT_LEADER_FOR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
      if (!transient) throw error;
      if (type === 'UNKNOWN_TOPIC_OR_PARTITION' && attempt >= 4) return [];
      if (attempt >= 20) throw error;
      await sleep(250);
    }
  }
}

async function topicExists(topic: string, brokers?: string[]): Promise<boolean> {
  const admin = createTestKafka('rest2kafka-oracle', brokers).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/** Runs every check; never throws on a violation (see {@link assertOracle}). */
export async function checkOracle(input: OracleInput): Promise<OracleResult> {
  const read = { brokers: input.brokers };
  const stateRecords = latestByKey(await readOrEmpty(input.stateTopic, read));
  const result: OracleResult = { expected: 0, replayed: 0, lost: [], stale: [], unknown: [], deletedLive: [], duplicatesReadCommitted: 0, cursorAhead: [], records: new Map(), states: new Map() };

  for (const { resource, topic } of input.resources) {
    const snapshot = await input.control.snapshot(resource);
    const records = await readOrEmpty(topic, read);
    result.records.set(topic, records);
    const replay = latestByKey(records);
    const api = new Map<string, SimRecord>(snapshot.records.map((r) => [r.id, r]));
    const deleted = new Set(snapshot.deleted);
    result.expected += api.size;
    result.replayed += replay.size;

    for (const [id, record] of api) {
      const value = replay.get(id);
      if (value === undefined) result.lost.push(`${resource}/${id}`);
      else if (!isDeepStrictEqual(JSON.parse(value.toString('utf8')), record)) result.stale.push(`${resource}/${id}`);
    }
    for (const key of replay.keys()) {
      if (api.has(key)) continue;
      if (deleted.has(key)) result.deletedLive.push(`${resource}/${key}`);
      else result.unknown.push(`${resource}/${key}`);
    }

    const versions = new Set(records.map((r) => `${r.key}\u0000${r.value?.toString('base64') ?? 'null'}`));
    result.duplicatesReadCommitted += records.length - versions.size;

    const stateValue = stateRecords.get(`${input.pipeline}:${resource}`);
    const state = stateValue ? (JSON.parse(stateValue.toString('utf8')) as StateDoc) : null;
    result.states.set(resource, state);
    // The committed cursor is where the next run starts: every record version at or before it
    // must be in the topic. An interrupted run's running cursor is the newest updated_at of its
    // committed pages (sorted by updated_at); records sharing that timestamp may sit on the next
    // page, so only versions strictly before it must be present.
    const published = new Set(records.filter((r) => r.value !== null).map((r) => `${r.key}\u0000${(JSON.parse(r.value!.toString('utf8')) as { updated_at?: string }).updated_at}`));
    const covered = (cursor: unknown, inclusive: boolean) => {
      if (typeof cursor !== 'string') return;
      for (const record of api.values()) {
        const before = inclusive ? record.updated_at <= cursor : record.updated_at < cursor;
        if (before && !published.has(`${record.id}\u0000${record.updated_at}`)) result.cursorAhead.push(`${resource}/${record.id}@${record.updated_at}`);
      }
    };
    covered(state?.incremental?.last_value, true);
    covered(state?.run?.incremental?.last_value, false);
  }
  return result;
}

export interface AssertOptions {
  /** Also require zero duplicates for read_committed readers (true when the API did not change between runs). */
  noDuplicates?: boolean;
}

/**
 * Fails with a readable summary unless nothing is lost, stale, unknown or (with
 * `requireTombstones`) undeleted, and the cursor is not ahead of the data.
 *
 * @example
 * const result = await assertOracle({ control: sim.control, resources: [{ resource: 'incidents', topic }], stateTopic, pipeline }, { noDuplicates: true });
 */
export async function assertOracle(input: OracleInput, options: AssertOptions = {}): Promise<OracleResult> {
  const result = await checkOracle(input);
  const violations = oracleViolations(result, input.requireTombstones ?? false, options.noDuplicates ?? false);
  if (violations.length > 0) throw new Error(`oracle failed:\n  ${violations.join('\n  ')}`);
  return result;
}

/** The violated invariants, one line each (empty when the oracle passes). */
export function oracleViolations(result: OracleResult, requireTombstones: boolean, noDuplicates: boolean): string[] {
  const list = (name: string, keys: string[]) => (keys.length ? [`${name}: ${keys.length} (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''})`] : []);
  return [
    ...list('lost', result.lost),
    ...list('stale', result.stale),
    ...list('unknown', result.unknown),
    ...(requireTombstones ? list('deleted but not tombstoned', result.deletedLive) : []),
    ...list('cursor ahead of data', result.cursorAhead),
    ...(noDuplicates && result.duplicatesReadCommitted > 0 ? [`duplicates seen by read_committed: ${result.duplicatesReadCommitted}`] : []),
    ...(result.replayed !== result.expected + (requireTombstones ? 0 : result.deletedLive.length) ? [`replayed ${result.replayed} keys, expected ${result.expected}`] : []),
  ];
}
