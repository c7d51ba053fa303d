/**
 * The DuckDB file a replay writes: one table per resource holding its current state, and the
 * `_r2k_offsets` table recording, per table, the offsets its last replay reached. Rows come
 * from newline-delimited JSON staging files (see duckdb-staging.ts): DuckDB's own JSON reader
 * loads them in bulk, far faster than row-by-row appends from JavaScript, and it is also what
 * infers the columns of a resource without a schema.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { AbortedError, Rest2KafkaError } from '../errors';
import type { PartitionRange } from '../sink/read-topic';
import { KEY_COLUMN, quoteIdentifier } from './duckdb-columns';
import type { StoredOffsets } from './refresh-ranges';

const OFFSETS_TABLE = '_r2k_offsets';

/**
 * The replay's memory target is 256 MB for the whole process. When the load starts the process
 * holds ~130 MB after 1M keys (node's and DuckDB's code, V8's heap; see
 * {@link DuckdbFile.releaseFreedMemory}), and the load adds ~80 MB at these settings.
 * memory_limit caps DuckDB's buffer pool (it spills to `<file>.tmp`); 48MB and less fail, as
 * the JSON reader allocates 32 MiB buffers (twice `maximum_object_size`, which can only be raised).
 * Each thread has its own reader buffers and the insertion-order buffering holds rows
 * back; the table has no order to keep. Measured on 1M incidents, 2 cores: peak RSS 410–450 MB
 * with the defaults and 128MB, 270–350 MB with these, the load about 50% slower.
 */
const SETTINGS = { memory_limit: '64MB', threads: '1', preserve_insertion_order: 'false' };

/** What one replay stages for a table: rows to insert (upserts) and keys to delete. */
export interface StagedChanges {
  topic: string;
  /** Newline-delimited JSON, one object per live row, with the key in {@link KEY_COLUMN}. */
  upserts: string;
  upsertCount: number;
  /** Newline-delimited JSON `{"_r2k_key": …}` of tombstoned keys (a refresh only). */
  deletes: string;
  deleteCount: number;
  /** The offsets read; the next refresh starts at each `end`. */
  ranges: ReadonlyMap<number, PartitionRange>;
}

export interface DuckdbFile {
  /** The stored offsets of `table`'s last replay of `topic`; `null` when there is none (or the table is gone). */
  storedOffsets(table: string, topic: string): Promise<StoredOffsets | null>;
  /**
   * Replaces `table` with the staged rows, in one transaction. `columns` come from the Avro
   * schema; without them DuckDB infers them from every staged row.
   */
  rebuild(table: string, changes: StagedChanges, columns?: readonly [string, string][]): Promise<void>;
  /** Applies a refresh in one transaction: deletes the changed and tombstoned keys, inserts the new rows, stores the offsets. */
  refresh(table: string, changes: StagedChanges): Promise<void>;
  /** Rows now in `table`. */
  count(table: string): Promise<number>;
  /**
   * Returns the pages glibc's malloc keeps free to the OS (`malloc_trim(0)`), through DuckDB.
   * Node allocates Buffers and typed arrays with glibc's malloc, and glibc keeps what is freed
   * in the middle of its heap (the key index's arrays, the fetched chunks); DuckDB's load
   * allocates with its own jemalloc, which cannot reuse those pages. Neither Node nor DuckDB's
   * SQL has a call for it, but DuckDB's task scheduler flushes its allocators whenever the
   * number of threads changes (`TaskScheduler::RelaunchThreadsInternal` →
   * `BlockAllocator::FlushAll` → `Allocator::FlushAll` → `malloc_trim(0)`, at most once per
   * 100 ms: https://github.com/duckdb/duckdb/blob/069cc9f9b5/src/parallel/task_scheduler.cpp and
   * src/common/allocator.cpp, v1.5.6, checked in the shipped libduckdb.so), so this sets the
   * threads to 2 and back. A later DuckDB that stops doing this fails duckdb-file.spec.
   */
  releaseFreedMemory(): Promise<void>;
  close(): void;
}

/**
 * Opens (or creates) the file. Aborting `signal` (Ctrl-C) interrupts the statement DuckDB is
 * running: the transaction is rolled back and the rebuild or refresh rejects with an
 * {@link AbortedError}, the table left as it was.
 *
 * @example const db = await openDuckdb('state.duckdb', io.signal)
 */
export async function openDuckdb(file: string, signal?: AbortSignal): Promise<DuckdbFile> {
  const instance = await DuckDBInstance.create(file, SETTINGS);
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE IF NOT EXISTS ${OFFSETS_TABLE} (table_name VARCHAR, topic VARCHAR, "partition" INTEGER, next_offset BIGINT)`);
  return {
    async storedOffsets(table, topic) {
      const exists = await connection.runAndReadAll('SELECT 1 FROM information_schema.tables WHERE table_name = $1', [table]);
      if (exists.currentRowCount === 0) return null;
      const rows = await connection.runAndReadAll(`SELECT "partition", next_offset FROM ${OFFSETS_TABLE} WHERE table_name = $1 AND topic = $2`, [table, topic]);
      if (rows.currentRowCount === 0) return null;
      return new Map(rows.getRows().map(([partition, offset]) => [Number(partition), Number(offset)]));
    },
    async rebuild(table, changes, columns) {
      await transaction(connection, `rebuilding table ${table} in ${file}`, signal, async () => {
        await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
        if (columns) {
          await connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${columns.map(([name, type]) => `${quoteIdentifier(name)} ${type}`).join(', ')})`);
          if (changes.upsertCount > 0) await connection.run(`INSERT INTO ${quoteIdentifier(table)} BY NAME SELECT * FROM ${readJson(changes.upserts, columns)}`);
        } else if (changes.upsertCount > 0) {
          await connection.run(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT * FROM ${readJson(changes.upserts)}`);
        } else {
          await connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${quoteIdentifier(KEY_COLUMN)} VARCHAR)`);
        }
        await storeOffsets(connection, table, changes);
      });
    },
    async refresh(table, changes) {
      // The table's own columns: a refresh never changes its shape (--full does).
      const described = await connection.runAndReadAll('SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [table]);
      const columns = described.getRows().map(([name, type]) => [String(name), String(type)] as [string, string]);
      const keyOnly: [string, string][] = [[KEY_COLUMN, 'VARCHAR']];
      await transaction(connection, `refreshing table ${table} in ${file}`, signal, async () => {
        const changed = [
          ...(changes.upsertCount > 0 ? [`SELECT ${quoteIdentifier(KEY_COLUMN)} FROM ${readJson(changes.upserts, keyOnly)}`] : []),
          ...(changes.deleteCount > 0 ? [`SELECT ${quoteIdentifier(KEY_COLUMN)} FROM ${readJson(changes.deletes, keyOnly)}`] : []),
        ];
        if (changed.length > 0) await connection.run(`DELETE FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(KEY_COLUMN)} IN (${changed.join(' UNION ALL ')})`);
        if (changes.upsertCount > 0) await connection.run(`INSERT INTO ${quoteIdentifier(table)} BY NAME SELECT * FROM ${readJson(changes.upserts, columns)}`);
        await storeOffsets(connection, table, changes);
      });
    },
    async count(table) {
      const result = await connection.runAndReadAll(`SELECT count(*) FROM ${quoteIdentifier(table)}`);
      return Number(result.getRows()[0][0]);
    },
    async releaseFreedMemory() {
      await connection.run('SET threads = 2');
      await connection.run(`SET threads = ${SETTINGS.threads}`);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Runs `body` in one transaction. A failure (DuckDB out of memory, a full disk, a value that
 * does not fit its column) is rolled back and thrown as DUCKDB_FAILED naming the table and file:
 * the replay would otherwise report it as a Kafka error. An abort interrupts the running
 * statement (a load of millions of rows takes seconds) and is rolled back the same way.
 */
async function transaction(connection: DuckDBConnection, doing: string, signal: AbortSignal | undefined, body: () => Promise<void>): Promise<void> {
  const interrupted = () => new AbortedError(`${doing} was interrupted, nothing changed`, { cause: signal?.reason });
  if (signal?.aborted) throw interrupted();
  const interrupt = () => connection.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  await connection.run('BEGIN TRANSACTION');
  try {
    await body();
    if (signal?.aborted) throw interrupted(); // the abort came between two statements
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    if (signal?.aborted) throw error instanceof AbortedError ? error : new AbortedError(`${doing} was interrupted, nothing changed`, { cause: error });
    throw new Rest2KafkaError(`${doing} failed, nothing changed: ${error instanceof Error ? error.message : String(error)}`, { code: 'DUCKDB_FAILED', cause: error });
  } finally {
    signal?.removeEventListener('abort', interrupt);
  }
}

async function storeOffsets(connection: DuckDBConnection, table: string, changes: StagedChanges): Promise<void> {
  await connection.run(`DELETE FROM ${OFFSETS_TABLE} WHERE table_name = $1`, [table]);
  for (const [partition, { end }] of changes.ranges) {
    await connection.run(`INSERT INTO ${OFFSETS_TABLE} VALUES ($1, $2, $3, $4)`, [table, changes.topic, partition, end]);
  }
}

/** `read_json(…)` of a staging file, with the given columns (others ignored) or every column inferred from all rows. */
function readJson(file: string, columns?: readonly [string, string][]): string {
  const shape = columns ? `columns = {${columns.map(([name, type]) => `${literal(name)}: ${literal(type)}`).join(', ')}}` : 'sample_size = -1';
  return `read_json(${literal(file)}, format = 'newline_delimited', ${shape})`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
