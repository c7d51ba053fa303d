/**
 * Turns one extracted page into the Kafka messages that publish it: keys, tombstones for
 * hard-deleted records, schema validation, value encoding, and a dead-letter message for every
 * record that cannot be published. Pure and per page: no per-record Observables, no I/O.
 */
import type { SchemaContractMode } from '../config/types';
import type { KeyOf } from '../keying/primary-key';
import type { RecordJson } from '../selection/record-json';
import type { CompiledSchema } from '../validation/schemas';
import { validatePage } from '../validation/validate';
import { deadLetterMessage, type DeadLetter } from './dead-letter';
import type { ValueEncoder } from './encode';
import type { OutgoingMessage } from './message-pack';
import { writerHeaders, type TopicWriter } from './topic-owner';

export interface ResourceSink {
  resource: string;
  topic: string;
  deadLetterTopic: string;
  keyOf: KeyOf;
  /** Records without a key are dead-lettered (compacted topics never get a null key). */
  requireKey: boolean;
  /** Column whose truthy value marks a record deleted (dlt's `hard_delete` hint). */
  hardDeleteColumn: string | null;
  schema: CompiledSchema | null;
  contract: SchemaContractMode;
  encoder: ValueEncoder;
  /** Who writes the records, named in their headers so another pipeline can tell (topic-owner.ts). */
  writer: Required<TopicWriter>;
}

export interface PageToPublish {
  index: number;
  /** Redacted. */
  url: string;
  records: readonly unknown[];
  /** The records' JSON text from the response, for the ones that have it. */
  recordJson?: RecordJson;
  fetchedAt: number;
}

export interface PreparedPage {
  data: OutgoingMessage[];
  deadLetters: OutgoingMessage[];
  records: number;
  tombstones: number;
  deadLettered: number;
  /** Records published without their undeclared fields (`discard_value`). */
  trimmed: number;
  /** Bytes of the encoded values published as data. */
  bytes: number;
  /** Keys of dead-lettered records (a full refresh must not tombstone them). */
  deadLetteredKeys: string[];
}

/** @example preparePage(sink, { index: 0, url, records, fetchedAt: Date.now() }, runId) */
export function preparePage(sink: ResourceSink, page: PageToPublish, runId: string): PreparedPage {
  const timestamp = String(page.fetchedAt);
  const letters: DeadLetter[] = [];
  const reject = (record: unknown, key: string | null, reason: string, paths: readonly string[]) =>
    letters.push({ resource: sink.resource, runId, page: page.index, url: page.url, key, reason, paths, record });

  const live: Record<string, unknown>[] = [];
  const tombstoneKeys: string[] = [];
  for (const record of page.records) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      reject(record, null, `record is not a JSON object but ${record === null ? 'null' : Array.isArray(record) ? 'an array' : `a ${typeof record}`}; check the resource's data_selector points at the list of records`, []);
      continue;
    }
    const key = sink.keyOf(record);
    if (key === null && sink.requireKey) {
      reject(record, null, `record has no usable primary key ${sink.keyOf.label} (missing, null or not a scalar); a compacted topic cannot hold a record without a key`, sink.keyOf.fields);
      continue;
    }
    if (sink.hardDeleteColumn && key !== null && isDeleted((record as Record<string, unknown>)[sink.hardDeleteColumn])) {
      tombstoneKeys.push(key);
      continue;
    }
    live.push(record as Record<string, unknown>);
  }

  let valid = live;
  let trimmed = 0;
  if (sink.schema) {
    const checked = validatePage(live, sink.schema, sink.contract, sink.keyOf);
    valid = checked.valid;
    for (const r of checked.invalid) reject(r.record, r.key, r.reason, r.paths);
    // dlt drops discard_row records silently; here they are dead-lettered with the reason.
    for (const r of checked.discarded) reject(r.record, r.key, r.reason, r.paths);
    trimmed = checked.trimmed.length;
  }

  const headers: Record<string, string> = {
    'content-type': sink.encoder.contentType,
    ...writerHeaders(sink.writer),
    'r2k-run-id': runId,
  };
  if (sink.schema) headers['r2k-schema-fingerprint'] = sink.schema.fingerprint;

  const { values, encoded } = encodeEach(sink, valid, page.recordJson, (record, error) => {
    const key = sink.keyOf(record);
    reject(record, key, `record ${sink.keyOf.label}=${key} cannot be encoded (${error.message}): a value in it is nested too deeply or too large`, []);
  });
  valid = encoded;
  const data: OutgoingMessage[] = new Array(valid.length + tombstoneKeys.length);
  let n = 0;
  let bytes = 0;
  for (let i = 0; i < valid.length; i++) {
    data[n++] = { topic: sink.topic, key: sink.keyOf(valid[i]), value: values[i], headers, timestamp };
    bytes += values[i].length;
  }
  for (const key of tombstoneKeys) data[n++] = { topic: sink.topic, key, value: null, headers, timestamp };

  return {
    data,
    deadLetters: letters.map((l) => deadLetterMessage(sink.deadLetterTopic, l, timestamp)),
    records: valid.length,
    tombstones: tombstoneKeys.length,
    deadLettered: letters.length,
    trimmed,
    bytes,
    deadLetteredKeys: letters.flatMap((l) => (l.key === null ? [] : [l.key])),
  };
}

/** dlt treats any truthy value in the hard_delete column as "deleted". */
function isDeleted(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

/**
 * Encodes a page in one call, or record by record when that overflows: JSON.stringify and avsc
 * recurse, so one record nested thousands of levels deep throws a RangeError for the whole
 * page. Only the records that cannot be encoded are handed to `reject`.
 */
function encodeEach(
  sink: ResourceSink,
  records: Record<string, unknown>[],
  json: RecordJson | undefined,
  reject: (record: Record<string, unknown>, error: RangeError) => void,
): { values: Buffer[]; encoded: Record<string, unknown>[] } {
  try {
    return { values: sink.encoder.encodePage(records, json), encoded: records };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const values: Buffer[] = [];
  const encoded: Record<string, unknown>[] = [];
  for (const record of records) {
    try {
      values.push(sink.encoder.encodePage([record], json)[0]);
      encoded.push(record);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      reject(record, error);
    }
  }
  return { values, encoded };
}
