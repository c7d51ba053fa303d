/**
 * `rest2kafka replay` (issue 16) against kcat reading the same topic: the topic is filled once
 * per size by `rest2kafka run` from the simulator (transactional, as users' topics are; not
 * timed), then each scenario reads it from the beginning to its end, read_committed.
 *
 *   replay-kcat-1m     kcat -C … -f '%k\t%s\n', the baseline
 *   replay-jsonl-1m    rest2kafka replay to JSONL; its ratio to kcat comes from a kcat read
 *                      measured right before it (targets: ≥ 50% of kcat, peak RSS ≤ 256 MB)
 *   replay-duckdb-1m   rest2kafka replay --to duckdb: --full (target: peak RSS ≤ 256 MB)
 *
 * Output goes to a file (the shell redirects it; GNU time measures the reader itself), whose
 * line count is checked before a number is reported.
 */
import { createReadStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext } from './context';
import { REPO_ROOT } from './kafka';
import { cliArgv, loadAverage, measure, type Measured } from './processes';
import { check, ensureExit, pct, result, TIMEOUT_MS, type Scenario, type ScenarioResult } from './scenario';
import { INCIDENTS, pipelineConfig } from './shapes';

interface Filled {
  topic: string;
  config: string;
}

const filled = new Map<number, Promise<Filled>>();

export function replayScenarios(records: number, label: string): Scenario[] {
  return [
    scenario(`replay-kcat-${label}`, 'reference', records, "kcat -C -e read_committed -f '%k\\t%s\\n' of the replay topic: the baseline", async (ctx, n, topic) => {
      const m = await kcatRead(ctx, topic, `replay-kcat-${label}`, n);
      return { measured: m, notes: [], extra: {} };
    }),
    scenario(`replay-jsonl-${label}`, 'pipeline', records, 'rest2kafka replay --resource incidents (JSONL), with kcat measured just before it for the ratio', async (ctx, n, topic, config) => {
      const kcat = await kcatRead(ctx, topic, `replay-jsonl-${label}-kcat`, n);
      const m = await cli(ctx, `replay-jsonl-${label}`, ['replay', '--config', config, '--resource', 'incidents', '-q'], n);
      const ratio = kcat.seconds / m.seconds;
      return {
        measured: m,
        notes: [`kcat just before: ${Math.round(n / kcat.seconds)} records/s, ${kcat.peakRssMb?.toFixed(0)} MB; replay at ${pct(ratio)} of kcat (target ≥ 50%)`],
        extra: { kcatRecordsPerSecond: n / kcat.seconds, kcatSeconds: kcat.seconds, ofKcat: ratio },
      };
    }),
    scenario(`replay-duckdb-${label}`, 'pipeline', records, 'rest2kafka replay --to duckdb:FILE --full (columns from schemas/incidents.avsc)', async (ctx, n, _topic, config) => {
      const file = path.join(ctx.tmp, `replay-${label}.duckdb`);
      const m = await cli(ctx, `replay-duckdb-${label}`, ['replay', '--config', config, '--resource', 'incidents', '--to', `duckdb:${file}`, '--full', '--log-format', 'json'], null);
      const rows = /table incidents has (\d+) rows/.exec(m.stderr)?.[1];
      check(Number(rows) === n, `replay-duckdb-${label}: the table has ${rows} rows, expected ${n}`);
      await rm(file, { force: true });
      return { measured: m, notes: [`verified: ${rows} rows`], extra: {} };
    }),
  ];
}

function scenario(
  id: string,
  role: ScenarioResult['role'],
  records: number,
  description: string,
  body: (ctx: BenchContext, n: number, topic: string, config: string) => Promise<{ measured: Measured; notes: string[]; extra: Record<string, unknown> }>,
): Scenario {
  return {
    id,
    group: 'shapes', // compared with kcat here, never with the run's ceilings
    role,
    records,
    description,
    kafka: true,
    async run(ctx, n) {
      const { topic, config } = await fill(ctx, n);
      const load1Before = loadAverage();
      const { measured, notes, extra } = await body(ctx, n, topic, config);
      return result(id, 'shapes', role, n, measured, null, null, load1Before, loadAverage(), notes, extra);
    },
  };
}

/** The topic of `n` incidents, published once per bench run by `rest2kafka run` (not timed). */
function fill(ctx: BenchContext, n: number): Promise<Filled> {
  let made = filled.get(n);
  if (!made) {
    made = (async () => {
      const name = `${ctx.tag}-replay-${n}`;
      const server = await ctx.sim({ incidents: n, latencyMs: 0, rateLimitPerMinute: null });
      const config = path.join(ctx.tmp, `${name}.json`);
      await writeFile(config, JSON.stringify(pipelineConfig(name, server.url, ctx.brokers, INCIDENTS, {}, path.join(REPO_ROOT, 'schemas'))));
      ctx.log(`replay: publishing ${n} incidents with rest2kafka run (not timed)`);
      const run = await measure(process.execPath, [...cliArgv(), 'run', '--config', config, '-q'], { env: { ...process.env, API_KEY: server.apiKey }, reportFile: path.join(ctx.tmp, `${name}-run.time`), timeoutMs: TIMEOUT_MS });
      ensureExit(run, `${name} (filling the topic)`);
      // Each scenario checks its output holds n keys: that is the topic's check too.
      return { topic: `${name}.incidents`, config };
    })();
    filled.set(n, made);
  }
  return made;
}

async function kcatRead(ctx: BenchContext, topic: string, id: string, n: number): Promise<Measured> {
  return toFile(ctx, id, 'kcat', ['-C', '-b', ctx.brokers.join(','), '-t', topic, '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%k\t%s\n'], n);
}

async function cli(ctx: BenchContext, id: string, args: string[], lines: number | null): Promise<Measured> {
  return toFile(ctx, id, process.execPath, [...cliArgv(), ...args], lines);
}

/** Runs `command` with stdout to a file and checks it holds `lines` lines (one per live key). */
async function toFile(ctx: BenchContext, id: string, command: string, args: string[], lines: number | null): Promise<Measured> {
  const out = path.join(ctx.tmp, `${id}.out`);
  // `exec` keeps GNU time measuring the reader, not a shell around it.
  const m = await measure('sh', ['-c', 'exec "$@" > "$0"', out, command, ...args], { cwd: REPO_ROOT, reportFile: path.join(ctx.tmp, `${id}.time`), timeoutMs: TIMEOUT_MS });
  ensureExit(m, id);
  if (lines !== null) {
    const counted = await countLines(out);
    check(counted === lines, `${id}: ${counted} lines, expected ${lines}`);
  }
  await rm(out, { force: true });
  return m;
}

async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) count++;
  return count;
}
