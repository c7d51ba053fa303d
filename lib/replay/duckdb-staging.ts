/**
 * The staging files of a DuckDB replay: the winning records as newline-delimited JSON rows,
 * written while the second pass streams, so no value stays in memory. They live in a folder
 * next to the DuckDB file (a temp folder may be memory-backed, and staging is as large as the
 * live values) and are removed afterwards.
 */
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AvroValueDecoder } from '../sink/decode-value';
import { KEY_COLUMN } from './duckdb-columns';
import { LineBatch } from './lines';
import type { ReplayRecord, ReplaySink } from './replay-topic';
import { valueJson, type AvroDecoder } from './value-json';

const OPEN_BRACE = 0x7b;

export interface Staging {
  upserts: string;
  deletes: string;
  readonly upsertCount: number;
  readonly deleteCount: number;
  /** Receives the winners: values become rows, tombstones become keys to delete. */
  sink: ReplaySink;
  /** Flushes and closes both files. */
  close(): Promise<void>;
  /** Removes the folder. */
  remove(): Promise<void>;
}

/** @example const staging = await openStaging('out/state.duckdb', createAvroValueDecoder({ schemas })) */
export async function openStaging(duckdbFile: string, avro?: AvroValueDecoder): Promise<Staging> {
  const dir = await mkdtemp(join(dirname(duckdbFile), `.${basename(duckdbFile)}.replay-`));
  const upserts = join(dir, 'upserts.jsonl');
  const deletes = join(dir, 'deletes.jsonl');
  // Written synchronously through reused buffers: local files, and the value pass waits for them anyway.
  const files = { upserts: openSync(upserts, 'w'), deletes: openSync(deletes, 'w') };
  const rows = new LineBatch();
  const keys = new LineBatch();
  let upsertCount = 0;
  let deleteCount = 0;
  let closed = false;
  return {
    upserts,
    deletes,
    get upsertCount() {
      return upsertCount;
    },
    get deleteCount() {
      return deleteCount;
    },
    async sink(_partition, messages) {
      await avro?.prefetch(messages);
      for (const m of messages) {
        const key = JSON.stringify(m.key!.toString('utf8'));
        if (m.value === null) {
          keys.push(`{"${KEY_COLUMN}":${key}}\n`);
          deleteCount++;
        } else {
          appendRow(rows, key, m, avro?.decode);
          upsertCount++;
        }
      }
      rows.writeSync(files.upserts);
      keys.writeSync(files.deletes);
    },
    async close() {
      if (closed) return;
      closed = true;
      closeSync(files.upserts);
      closeSync(files.deletes);
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The value's object with the key spliced in as its first member — `{"_r2k_key":"K",` and the
 * value's text after its `{` — so the value is copied, not parsed. A value that is not an
 * object lands in a `value` column.
 */
function appendRow(rows: LineBatch, key: string, m: ReplayRecord, avro?: AvroDecoder): void {
  const text = valueJson(m, avro);
  const first = typeof text === 'string' ? text.charCodeAt(0) : text[0];
  if (first !== OPEN_BRACE) {
    rows.push(`{"${KEY_COLUMN}":${key},"value":`, text, '}\n');
    return;
  }
  const rest = typeof text === 'string' ? text.slice(1) : text.subarray(1);
  const empty = text.length === 2;
  rows.push(`{"${KEY_COLUMN}":${key}${empty ? '' : ','}`, rest, '\n');
}
