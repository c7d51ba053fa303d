/**
 * The control operations, one interface for both ways of reaching them: in process
 * (`handle.control`) and over HTTP (`SimulatorClient`, for a simulator in another process).
 */
import type { FaultConfig } from './faults';
import type { SimulatorStats } from './stats';
import type { ResourceName, SimRecord } from './types';

/** Which records a mutation touches: N chosen by the seed, or these ids. */
export type MutationTarget = number | readonly string[];

export interface MutationResult {
  resource: ResourceName;
  /** The ids updated, deleted or inserted, ascending. */
  ids: string[];
  /** The clock time of the mutation; updated and inserted records carry it as `updated_at`. */
  at: string;
}

export interface SimulatorInfo {
  seed: number;
  pageTies: number;
  /** Live record counts. */
  counts: Record<ResourceName, number>;
  /** The clock's next tick: later than every `updated_at` served so far. */
  clock: string;
}

/** The first line of a snapshot. */
export interface SnapshotHeader {
  resource: ResourceName;
  /** Live records that follow. */
  total: number;
  /** Ids deleted since start (or the last reset), ascending. */
  deleted: string[];
  clock: string;
}

/** A resource's current data, in id order: the oracle tests compare a sync against. */
export interface Snapshot extends SnapshotHeader {
  records: SimRecord[];
}

/** A streamed snapshot, for datasets too big to hold as one value. */
export interface SnapshotStream {
  header: SnapshotHeader;
  records: AsyncIterable<SimRecord>;
}

export interface SimulatorControl {
  info(): Promise<SimulatorInfo>;
  /** Changes the records and stamps them with the clock (one `updated_at` for the whole batch). */
  update(resource: ResourceName, target: MutationTarget, patch?: Readonly<Record<string, unknown>>): Promise<MutationResult>;
  delete(resource: ResourceName, target: MutationTarget): Promise<MutationResult>;
  /** Creates records with ids after every existing one. */
  insert(resource: ResourceName, count: number): Promise<MutationResult>;
  /** Back to the start state: data, clock, faults from the start options, stats, rate-limit bucket. */
  reset(): Promise<void>;
  faults(): Promise<FaultConfig>;
  /** Replaces the fault config; request numbering continues. */
  setFaults(config: FaultConfig): Promise<FaultConfig>;
  stats(): Promise<SimulatorStats>;
  snapshot(resource: ResourceName): Promise<Snapshot>;
  openSnapshot(resource: ResourceName): Promise<SnapshotStream>;
}

/** Collects a streamed snapshot. */
export async function collectSnapshot(stream: SnapshotStream): Promise<Snapshot> {
  const records: SimRecord[] = [];
  for await (const record of stream.records) records.push(record);
  return { ...stream.header, records };
}
