/**
 * What the store needs to know about one resource: how to generate base record i, how to
 * serialise a record, and what an insert or an update looks like. One file per resource
 * implements it (`incidents.ts`, `services.ts`); `resources.ts` is the registry.
 */
import type { Rng } from './random';
import type { Timeline } from './timeline';
import type { ResourceName, SimRecord } from './types';

/** The parameters every record is a pure function of. */
export interface Dataset {
  seed: number;
  incidents: number;
  services: number;
  /** Consecutive base records that share one `updated_at` (1 = no ties). */
  pageTies: number;
}

export interface ResourceSpec<R extends SimRecord = SimRecord> {
  name: ResourceName;
  /** Id prefix, e.g. `INC`; ids are the prefix and the 1-based index. */
  idPrefix: string;
  timeline: Timeline;
  /** Fields a control-endpoint patch may set (never `id` or the timestamps the clock owns). */
  patchable: readonly string[];
  count(dataset: Dataset): number;
  idOf(index: number): string;
  /** Record `index` as the seed made it; also the starting point of inserted records. */
  generate(dataset: Dataset, index: number): R;
  /**
   * Exactly `JSON.stringify(record)` for records the generators, `inserted` and `updated` made,
   * only faster; it does not escape, so never give it a patched record.
   */
  toJson(record: R): string;
  /** A freshly created record at clock time `now` (ISO). */
  inserted(dataset: Dataset, index: number, now: string): R;
  /** The next state of a record that changed at clock time `now` (ISO). */
  updated(record: R, now: string, rng: Rng): R;
}
