/**
 * Issue 16: on the seed config (examples/pipeline.yaml: incidents and services), the DuckDB
 * tables `rest2kafka replay --to duckdb:` builds hold what real dlt (`dlt[duckdb]`, the
 * destination dlt users know) loads from the same simulator: the same ids, and the same value
 * for every top-level scalar field of the API's records. dlt stores nested objects and lists in
 * child tables and ISO times as timestamps, so those are compared as times, and nested values
 * are left to the JSONL specs.
 *
 * dlt runs from the Python that R2K_DLT_PYTHON names; .ci/run makes that venv (.venv-dlt/, a
 * pinned dlt[duckdb]) and sets it. Without it the test is skipped, saying so; CI always has it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { REPO_ROOT, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';

const PYTHON = process.env.R2K_DLT_PYTHON;
const DLT_LOAD = path.join(REPO_ROOT, 'scripts', 'dlt', 'rest_api_load.py');
const INCIDENTS = 600;

type Row = Record<string, unknown>;

const seed = async () => (parse(await readFile(path.join(REPO_ROOT, 'examples', 'pipeline.yaml'), 'utf8')) as { source: { resource_defaults: object; resources: Row[] } }).source;

if (!PYTHON) {
  it.skip('replay --to duckdb equals dlt’s duckdb load — skipped: R2K_DLT_PYTHON is unset (.ci/run sets it to a venv with a pinned dlt[duckdb])', () => undefined);
} else {
  let sim: SimulatorHandle;
  let p: TestPipeline;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, incidents: INCIDENTS });
    p = await writePipeline('replay-dlt', { simulator: sim, resources: (await seed()).resources });
    dir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-replay-dlt-'));
  });
  afterAll(async () => {
    await sim.close();
    await p.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('replay --to duckdb: on the seed config holds the ids and top-level values dlt loads from the same API', async () => {
    expect((await runCli(['run', '--config', p.file])).code).toBe(0);
    const file = path.join(dir, 'rest2kafka.duckdb');
    const replayed = await runCli(['replay', '--config', p.file, '--to', `duckdb:${file}`]);
    expect(replayed.code === 0 ? 'ok' : replayed.stderr).toBe('ok');

    const { resource_defaults, resources } = await seed();
    const source = { client: { base_url: sim.url, auth: { type: 'api_key', name: 'api_key', api_key: sim.apiKey, location: 'query' } }, resource_defaults, resources };
    await writeFile(path.join(dir, 'source.json'), JSON.stringify(source));
    const { stdout } = await promisify(execFile)(PYTHON!, [DLT_LOAD, '--source', path.join(dir, 'source.json'), '--workdir', dir, '--rows'], { maxBuffer: 256 << 20 });
    const dlt = JSON.parse(stdout) as { dlt: string; tables: Record<string, Row[]> };

    for (const { name } of resources) {
      const api = (await sim.control.snapshot(name as never)).records as unknown as Row[];
      const ours = byId(await tableRows(file, String(name)));
      const theirs = byId(dlt.tables[String(name)]);
      expect([...ours.keys()].sort()).toEqual(api.map((r) => String(r.id)).sort());
      expect([...theirs.keys()].sort()).toEqual([...ours.keys()].sort());
      // Top-level fields that are scalar wherever they are set (a field that is sometimes an object lives in a dlt child table).
      const fields = [...new Set(api.flatMap((r) => Object.keys(r)))].filter((k) => api.every((r) => isScalar(r[k])) && api.some((r) => r[k] !== null && r[k] !== undefined));
      expect(fields.length).toBeGreaterThan(3);
      const differences = api.flatMap((r) =>
        fields.filter((f) => !same(ours.get(String(r.id))![f], theirs.get(String(r.id))![f])).map((f) => `${name} ${String(r.id)}.${f}: rest2kafka ${String(ours.get(String(r.id))![f])}, dlt ${String(theirs.get(String(r.id))![f])}`),
      );
      expect(differences.slice(0, 10)).toEqual([]);
    }
  });
}

async function tableRows(file: string, table: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(`SELECT * FROM "${table}"`)).getRowObjectsJson() as Row[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function byId(rows: Row[]): Map<string, Row> {
  return new Map(rows.map((r) => [String(r.id), r]));
}

function isScalar(value: unknown): boolean {
  return value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * Equal as the API meant them: a null and a missing column are the same (dlt makes no column for
 * a field null in every row); times compare as instants (dlt loads ISO text as TIMESTAMP WITH
 * TIME ZONE); numbers as numbers (DuckDB's JSON rows give BIGINT as text).
 */
function same(a: unknown, b: unknown): boolean {
  const x = normal(a);
  const y = normal(b);
  return x === y;
}

function normal(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) return Date.parse(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}
