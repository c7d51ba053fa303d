/**
 * Incremental-loading state (dlt §8.4), JSON-serialisable so the delivery stage can store it in
 * the Kafka state topic. See shared/reference/dlt-rest-api.md §8.
 */
import type { JsonValue } from '../config/types';

/** The cursor state of one resource, as committed after each published page. */
export interface IncrementalState {
  /** The `initial_value` the state was created with; a later config change does not alter it. */
  initial_value: JsonValue;
  /** Running max (or min) of the cursors of the records handed out so far. */
  last_value: JsonValue;
  /**
   * Hashes of the handed-out records whose cursor equals `last_value`, so the next run's closed
   * start boundary can drop them. Hash format: see `record-hash.ts`; changing it re-loads the
   * boundary records once.
   */
  unique_hashes: string[];
}

/** The four incremental values placeholders and start/end params can use (raw, before `convert`). */
export interface IncrementalValues {
  initial_value: JsonValue;
  start_value: JsonValue;
  last_value: JsonValue;
  end_value: JsonValue;
}
