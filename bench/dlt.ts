/**
 * dlt side by side: scripts/dlt/rest_api_load.py runs dlt's `rest_api_source` with the same
 * config as a rest2kafka scenario (bench/shapes.ts) against the same simulator, extracting and
 * loading into duckdb, and its row counts are checked like a topic's. dlt is optional: without
 * it these scenarios are skipped, never failed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './kafka';
import { loadAverage, measure } from './processes';
import { check, delta, ensureExit, result, SkippedError, TIMEOUT_MS, type Scenario } from './scenario';
import { dltSource, totalOf, type Shape } from './shapes';

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'dlt', 'rest_api_load.py');
const INSTALL = 'python3 -m venv /tmp/dlt-venv && /tmp/dlt-venv/bin/pip install "dlt[duckdb]", then R2K_BENCH_PYTHON=/tmp/dlt-venv/bin/python';

let python: Promise<string> | undefined;

/** `R2K_BENCH_PYTHON`, else `python3`, if it can import dlt and duckdb (looked up once). */
function dltPython(): Promise<string> {
  const candidate = process.env.R2K_BENCH_PYTHON || 'python3';
  python ??= promisify(execFile)(candidate, ['-c', 'import dlt, duckdb'], { timeout: 60_000 }).then(
    () => candidate,
    () => Promise.reject(new SkippedError(`dlt is not installed for ${candidate}: ${INSTALL}`)),
  );
  return python;
}

interface DltOutput {
  dlt: string;
  seconds: { extract: number; normalize: number; load: number };
  counts: Record<string, number>;
}

/** dlt extract + normalize + load into duckdb of `shape` from `records` incidents at `latencyMs`. */
export function dlt(id: string, records: number, latencyMs: number, shape: Shape, description: string): Scenario {
  return {
    id,
    group: 'shapes',
    role: 'reference',
    records,
    description,
    kafka: false,
    async run(ctx, n) {
      const interpreter = await dltPython();
      const expected = shape.expected(n);
      const server = await ctx.sim({ incidents: n, latencyMs, rateLimitPerMinute: null });
      const work = await mkdtemp(path.join(ctx.tmp, `${id}-`));
      try {
        const source = path.join(work, 'source.json');
        await writeFile(source, JSON.stringify(dltSource(server.url, server.apiKey, shape), null, 2));
        const simCpu = server.cpuSeconds();
        const load1Before = loadAverage();
        const env = { ...process.env, RUNTIME__DLTHUB_TELEMETRY: 'false' };
        const measured = await measure(interpreter, [SCRIPT, '--source', source, '--workdir', work], { env, reportFile: path.join(ctx.tmp, `${id}.time`), timeoutMs: TIMEOUT_MS });
        const load1After = loadAverage();
        ensureExit(measured, id);
        const out = JSON.parse(measured.stdout.trim().split('\n').pop() ?? '') as DltOutput;
        for (const [resource, want] of Object.entries(expected)) check(out.counts[resource] === want, `${id}: duckdb table ${resource} holds ${out.counts[resource]} rows, expected ${want}`);
        const { extract, normalize, load } = out.seconds;
        const notes = [
          `dlt ${out.dlt}`,
          `extract ${extract.toFixed(1)} s, normalize ${normalize.toFixed(1)} s, load ${load.toFixed(1)} s`,
          `verified: duckdb ${Object.entries(out.counts).map(([table, rows]) => `${table} ${rows}`).join(', ')} rows`,
        ];
        return result(id, 'shapes', 'reference', totalOf(expected), measured, null, delta(server.cpuSeconds(), simCpu), load1Before, load1After, notes, { incidents: n, expected, dlt: out });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
