/** The DuckDB file on disk (no sockets): rebuild with schema columns or inferred ones, refresh, stored offsets. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { collectGarbage } from '../../../lib/replay/collect-garbage';
import { openDuckdb, type DuckdbFile, type StagedChanges } from '../../../lib/replay/duckdb-file';

let dir: string;
let db: DuckdbFile;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'r2k-duckdb-'));
  db = await openDuckdb(path.join(dir, 'state.duckdb'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

async function staged(rows: object[], deletes: string[], ranges: [number, number, number][]): Promise<StagedChanges> {
  const upserts = path.join(dir, `u${Math.random()}.jsonl`);
  const deleted = path.join(dir, `d${Math.random()}.jsonl`);
  await writeFile(upserts, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await writeFile(deleted, deletes.map((k) => `${JSON.stringify({ _r2k_key: k })}\n`).join(''));
  return { topic: 't', upserts, upsertCount: rows.length, deletes: deleted, deleteCount: deletes.length, ranges: new Map(ranges.map(([p, from, end]) => [p, { from, end }])) };
}

async function rows(table: string): Promise<unknown[]> {
  db.close();
  const instance = await DuckDBInstance.create(path.join(dir, 'state.duckdb'));
  const connection = await instance.connect();
  const result = (await connection.runAndReadAll(`SELECT * FROM ${table} ORDER BY _r2k_key`)).getRowObjectsJson();
  connection.closeSync();
  instance.closeSync();
  db = await openDuckdb(path.join(dir, 'state.duckdb'));
  return result;
}

const COLUMNS: [string, string][] = [['_r2k_key', 'VARCHAR'], ['id', 'VARCHAR'], ['n', 'BIGINT'], ['tags', 'VARCHAR[]']];

it('rebuilds a table with the given columns (undeclared fields left out) and stores the offsets', async () => {
  await db.rebuild('items', await staged([{ _r2k_key: 'a', id: 'a', n: 1, extra: true, tags: ['x'] }, { _r2k_key: 'b', id: 'b' }], [], [[0, 0, 10]]), COLUMNS);
  expect(await rows('items')).toEqual([{ _r2k_key: 'a', id: 'a', n: '1', tags: ['x'] }, { _r2k_key: 'b', id: 'b', n: null, tags: null }]);
  expect(await db.storedOffsets('items', 't')).toEqual(new Map([[0, 10]]));
  expect(await db.storedOffsets('items', 'another-topic')).toBeNull();
});

it('infers the columns from every row when there is no schema', async () => {
  await db.rebuild('items', await staged([{ _r2k_key: 'a', id: 'a' }, { _r2k_key: 'b', id: 'b', late: 2.5 }], [], [[0, 0, 2]]));
  expect(await rows('items')).toEqual([{ _r2k_key: 'a', id: 'a', late: null }, { _r2k_key: 'b', id: 'b', late: 2.5 }]);
});

it('an empty topic makes an empty table', async () => {
  await db.rebuild('items', await staged([], [], [[0, 0, 0]]));
  expect(await db.count('items')).toBe(0);
});

it('a refresh replaces changed keys, deletes tombstoned ones, keeps the rest, and moves the offsets', async () => {
  await db.rebuild('items', await staged([{ _r2k_key: 'a', id: 'a', n: 1 }, { _r2k_key: 'b', id: 'b', n: 1 }, { _r2k_key: 'c', id: 'c', n: 1 }], [], [[0, 0, 3]]), COLUMNS);
  await db.refresh('items', await staged([{ _r2k_key: 'b', id: 'b', n: 2 }, { _r2k_key: 'd', id: 'd', n: 1 }], ['c', 'never-there'], [[0, 3, 8]]));
  expect(await rows('items')).toEqual([
    { _r2k_key: 'a', id: 'a', n: '1', tags: null },
    { _r2k_key: 'b', id: 'b', n: '2', tags: null },
    { _r2k_key: 'd', id: 'd', n: '1', tags: null },
  ]);
  expect(await db.storedOffsets('items', 't')).toEqual(new Map([[0, 8]]));
});

it('a failed load leaves the table and the offsets as they were', async () => {
  await db.rebuild('items', await staged([{ _r2k_key: 'a', id: 'a', n: 1 }], [], [[0, 0, 1]]), COLUMNS);
  const bad = await staged([{ _r2k_key: 'b', id: 'b', n: 'not a number' }], [], [[0, 1, 2]]);
  await expect(db.refresh('items', bad)).rejects.toMatchObject({ code: 'DUCKDB_FAILED', message: expect.stringMatching(/^refreshing table items in .* failed, nothing changed: /) });
  expect(await db.count('items')).toBe(1);
  expect(await db.storedOffsets('items', 't')).toEqual(new Map([[0, 1]]));
});

it('Ctrl-C during a load interrupts DuckDB: rolled back, an AbortedError (exit 130), the table and offsets as they were', async () => {
  await db.rebuild('items', await staged([{ _r2k_key: 'a', id: 'a', n: 1 }], [], [[0, 0, 1]]), COLUMNS);
  db.close();
  const controller = new AbortController();
  db = await openDuckdb(path.join(dir, 'state.duckdb'), controller.signal);
  // Enough rows that the load is still running when the abort arrives.
  const big = path.join(dir, 'big.jsonl');
  await writeFile(big, Array.from({ length: 1_500_000 }, (_, i) => `{"_r2k_key":"k${i}","id":"k${i}","n":${i},"tags":["x","y"]}\n`).join(''));
  const loading = db.rebuild('items', { topic: 't', upserts: big, upsertCount: 1_500_000, deletes: big, deleteCount: 0, ranges: new Map([[0, { from: 0, end: 1_500_000 }]]) }, COLUMNS);
  setTimeout(() => controller.abort(new Error('SIGINT received')), 200);
  await expect(loading).rejects.toMatchObject({ code: 'ABORTED', exitCode: 130, message: expect.stringMatching(/^rebuilding table items in .* was interrupted, nothing changed$/) });
  expect(await db.count('items')).toBe(1);
  expect(await db.storedOffsets('items', 't')).toEqual(new Map([[0, 1]]));
  await expect(db.rebuild('items', await staged([], [], [[0, 0, 1]]), COLUMNS)).rejects.toMatchObject({ code: 'ABORTED' }); // an aborted run starts nothing new
}, 60_000);

/** glibc's version on Linux; undefined elsewhere (musl, macOS), where there is no malloc_trim to reach. */
const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;

(glibc ? it : it.skip)('releaseFreedMemory hands the pages glibc keeps from freed Buffers back to the OS (DuckDB calls malloc_trim)', async () => {
  const MiB = 1 << 20;
  // 64 KiB Buffers come from glibc's heap (under its mmap threshold); one in 16 stays alive, so
  // the freed ones lie between live ones and glibc does not return them by itself.
  let freed: Buffer[] | null = [];
  const kept: Buffer[] = [];
  for (let i = 0; i < 1024; i++) (i % 16 === 15 ? kept : freed).push(Buffer.allocUnsafeSlow(64 * 1024).fill(i));
  freed = null;
  collectGarbage();
  // DuckDB trims at most once per 100 ms, and opening the file may have just done so.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = process.memoryUsage.rss();
  await db.releaseFreedMemory();
  const released = (before - process.memoryUsage.rss()) / MiB;
  expect(released).toBeGreaterThan(30); // 60 MiB were freed
  expect(kept).toHaveLength(64);
  // DuckDB still works, with its own setting back
  await db.rebuild('items', await staged([{ _r2k_key: 'a', id: 'a' }], [], [[0, 0, 1]]));
  expect(await db.count('items')).toBe(1);
});
