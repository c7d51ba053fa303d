/**
 * Helpers for end-to-end tests of `rest2kafka run` / `replay`: a pipeline file in a temp dir
 * pointed at an in-process simulator with topic, pipeline and transactional-id names no other
 * test uses; the CLI run in process through `main()`; and the built CLI as a child process for
 * tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { shebangNodeFlags } from '../../bench/processes';
import { main } from '../../lib/cli';
import { testBrokers, uniqueTopic } from './kafka';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SCHEMAS_DIR = path.join(REPO_ROOT, 'schemas');
const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');

/** The built CLI as a user's shell runs it, after `process.execPath`: its shebang's node flags (read from the source: the build may not exist yet when this loads), then the file. */
export const cliArgv = (): string[] => [...shebangNodeFlags(path.join(REPO_ROOT, 'lib', 'cli.ts')), CLI];

export interface PipelineSpec {
  /** The simulator the source reads from. */
  simulator: { url: string; apiKey: string };
  /** dlt resources (`source.resources`); `resource_defaults` is `primary_key: id, write_disposition: merge`. */
  resources: Record<string, unknown>[];
  /** Merged into `source.client` (after base_url, auth, fast retries). */
  client?: Record<string, unknown>;
  /** Merged into `topics`; the default name is `<unique prefix>.{name}`, 1 partition. */
  topics?: Record<string, unknown>;
  /** Merged into `delivery`; the default schemas_dir is the repo's `schemas/`. */
  delivery?: Record<string, unknown>;
  /** `coordination` (fleet settings), when given. */
  coordination?: Record<string, unknown>;
  /** Replaces `kafka` (default: the test brokers). */
  kafka?: Record<string, unknown>;
  /**
   * JavaScript source of `processing_steps` per resource name, e.g.
   * `{ incidents: '[{ map: (r) => ({ ...r, x: 1 }) }]' }`. The file is then a CommonJS module.
   */
  steps?: Record<string, string>;
}

export interface TestPipeline {
  /** Absolute path of the pipeline file. */
  file: string;
  name: string;
  stateTopic: string;
  deadLetterTopic: string;
  /** The data topic of a resource (named as the default `topics.name` names it, by resource name). */
  topic(resource: string): string;
  /** Removes the temp dir. */
  remove(): Promise<void>;
}

/**
 * Writes a pipeline file (JSON, or a `.js` module when `steps` are given) with a unique
 * pipeline name (so unique state, dead-letter topics and transactional id) and topic prefix.
 *
 * @example const p = await writePipeline('keys', { simulator: sim, resources: [incidentsResource()] });
 */
export async function writePipeline(label: string, spec: PipelineSpec): Promise<TestPipeline> {
  const name = uniqueTopic(`r2k-it-${label}`);
  const prefix = `${name}.`;
  const config = {
    pipeline_name: name,
    source: {
      client: {
        base_url: spec.simulator.url,
        auth: { type: 'api_key', name: 'api_key', api_key: spec.simulator.apiKey, location: 'query' },
        max_retries: 3,
        backoff_factor: 0.1,
        ...spec.client,
      },
      resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
      resources: spec.resources,
    },
    kafka: spec.kafka ?? { brokers: testBrokers(), client_id: 'rest2kafka-it' },
    topics: { prefix, name: '{name}', partitions: 1, replication_factor: 1, ...spec.topics },
    delivery: { schemas_dir: SCHEMAS_DIR, ...spec.delivery },
    ...(spec.coordination ? { coordination: spec.coordination } : {}),
  };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-pipeline-'));
  let file: string;
  if (spec.steps) {
    file = path.join(dir, 'pipeline.js');
    const attach = Object.entries(spec.steps)
      .map(([resource, source]) => `config.source.resources.find((r) => r.name === ${JSON.stringify(resource)}).processing_steps = ${source};`)
      .join('\n');
    await writeFile(file, `const config = ${JSON.stringify(config, null, 2)};\n${attach}\nmodule.exports = config;\n`);
  } else {
    file = path.join(dir, 'pipeline.json');
    await writeFile(file, JSON.stringify(config, null, 2));
  }
  return {
    file,
    name,
    stateTopic: `${name}.state`,
    deadLetterTopic: `${name}.dead-letter`,
    topic: (resource) => `${prefix}${resource}`,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The simulator's incidents as a dlt resource (offset pages of `limit`), with `extra` merged in. */
export function incidentsResource(extra: Record<string, unknown> = {}, limit = 100): Record<string, unknown> {
  const { endpoint, ...rest } = extra as { endpoint?: Record<string, unknown> };
  return {
    name: 'incidents',
    endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit }, ...endpoint },
    ...rest,
  };
}

/**
 * The incidents resource read incrementally on `updated_at` (the simulator filters by
 * `updated_since` and sorts by it): each run asks only for what changed since the committed cursor.
 */
export function incrementalIncidentsResource(limit = 100): Record<string, unknown> {
  return incidentsResource(
    {
      endpoint: {
        params: { updated_since: '{incremental.start_value}', sort: 'updated_at' },
        incremental: { cursor_path: 'updated_at', initial_value: '2024-01-01T00:00:00Z' },
      },
    },
    limit,
  );
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process (`main(argv, io)`), capturing its output. `env` is the whole
 * environment the command sees; the default is `KAFKA_BROKERS` only (no API_KEY etc. leaks in).
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = { KAFKA_BROKERS: testBrokers().join(',') }, signal?: AbortSignal): Promise<CliResult> {
  const stdout = collect();
  const stderr = collect();
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, env, signal: signal ?? new AbortController().signal });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function collect(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export interface ChildCli {
  process: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code, or the signal name when a signal ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Spawns the built CLI (`node FLAGS dist/lib/cli.js ...argv`, FLAGS its shebang's); build first (`npm run test:integration` does). */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = { KAFKA_BROKERS: testBrokers().join(',') }): ChildCli {
  const child = spawn(process.execPath, [...cliArgv(), ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdout!.resume();
  const exited = new Promise<number | NodeJS.Signals>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal as NodeJS.Signals)));
  });
  return { process: child, stderr: () => Buffer.concat(chunks).toString('utf8'), exited };
}

/** One row of the summary table `run` prints to stderr. */
export interface SummaryRow {
  resource: string;
  resumed: boolean;
  fullRefresh: boolean;
  topic: string;
  pages: number;
  records: number;
  tombstones: number;
  deadLettered: number;
}

/** Parses the summary table at the end of `run`'s stderr, by resource name. */
export function parseSummary(stderr: string): Map<string, SummaryRow> {
  const lines = stderr.split('\n');
  const header = lines.findIndex((l) => /^resource\s{2,}topic\s{2,}pages\s{2,}records/.test(l));
  if (header < 0) throw new Error(`no summary table in the output:\n${stderr.slice(-2000)}`);
  const rows = new Map<string, SummaryRow>();
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') break;
    const [label, topic, pages, records, tombstones, deadLettered] = line.split(/\s{2,}/);
    const resource = label.replace(/ \((resumed|full refresh)\)/g, '');
    rows.set(resource, {
      resource,
      resumed: label.includes('(resumed)'),
      fullRefresh: label.includes('(full refresh)'),
      topic,
      pages: Number(pages),
      records: Number(records),
      tombstones: Number(tombstones),
      deadLettered: Number(deadLettered),
    });
  }
  return rows;
}

/** The run id `run` logged (JSON log lines on stderr; the CLI logs JSON when stderr is not a terminal). */
export function runIdOf(stderr: string): string {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; message?: string; run_id?: string };
    if (entry.run_id && (entry.msg ?? entry.message) === 'run started') return entry.run_id;
  }
  throw new Error(`no "run started" log line with a run_id in:\n${stderr.slice(0, 2000)}`);
}

/** `replay --config FILE --resource NAME` as key → value (the JSONL it prints). */
export async function replay(pipeline: TestPipeline, resource: string): Promise<Map<string, unknown>> {
  const result = await runCli(['replay', '--config', pipeline.file, '--resource', resource]);
  if (result.code !== 0) throw new Error(`replay exited ${result.code}: ${result.stderr}`);
  const state = new Map<string, unknown>();
  for (const line of result.stdout.split('\n')) {
    if (line === '') continue;
    const { key, value } = JSON.parse(line) as { key: string; value: unknown };
    state.set(key, value);
  }
  return state;
}
