/**
 * Shared by the fault scenarios: the built CLI as a child process with both output streams
 * captured (the sentinel scan reads them), the sentinel API key, and the scan itself over
 * process output and dead-letter records.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../lib/simulator';
import { readAllFromStart } from '../../support/kafka';
import { assertOracle, type OracleInput } from '../../support/oracle';
import { cliArgv, incidentsResource, parseSummary, REPO_ROOT, runCli, writePipeline, type CliResult, type TestPipeline } from '../../support/pipeline';

/** The built CLI that `spawnRun` starts. */
export const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');

/** The simulator's API key in every fault scenario; `+`, `/`, `=` make its encoded forms differ. */
export const SENTINEL = 'SENTINEL-9c41e2d7+f/a=';
const FORMS = [SENTINEL, encodeURIComponent(SENTINEL), new URLSearchParams({ k: SENTINEL }).toString().slice(2), '9c41e2d7'];

/** How many times the sentinel (raw, percent-encoded, form-encoded or its random core) occurs in `texts`. */
export function secretHits(...texts: string[]): number {
  let hits = 0;
  for (const text of texts) for (const form of FORMS) hits += text.split(form).length - 1;
  return hits;
}

/** The sentinel scan over a dead-letter topic: every value and header, read_uncommitted (aborted records too). */
export async function deadLetterSecretHits(topic: string, brokers?: string[]): Promise<number> {
  const records = await readAllFromStart(topic, { readUncommitted: true, brokers }).catch(() => []);
  return secretHits(...records.flatMap((r) => [r.value?.toString('utf8') ?? '', JSON.stringify(r.headers)]));
}

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code, or the signal name when a signal ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

/** `node FLAGS dist/lib/cli.js ...argv` (FLAGS: the CLI's shebang's) with exactly `env` (plus PATH), both streams captured; `cwd` resolves relative paths in `argv`. */
export function spawnRun(argv: string[], env: NodeJS.ProcessEnv, cwd?: string): Child {
  const child = spawn(process.execPath, [...cliArgv(), ...argv], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<number | NodeJS.Signals>((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': the streams are drained by then.
    child.once('close', (code, signal) => resolve(code ?? (signal as NodeJS.Signals)));
  });
  return { process: child, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8'), exited };
}

/** Resolves once `topic`'s last stable offsets sum to at least `records` (bounded). */
export async function committedAtLeast(admin: Admin, topic: string, records: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
    if (offsets.reduce((sum, o) => sum + Number(o.offset), 0) >= records) return;
    if (Date.now() > deadline) throw new Error(`${topic}: fewer than ${records} offsets committed after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** The oracle's input for a pipeline of the `incidents` resource alone, against `sim`. */
export function incidentsOracle(sim: SimulatorHandle, p: TestPipeline, extra: Partial<OracleInput> = {}): OracleInput {
  return { control: sim.control, resources: [{ resource: 'incidents', topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name, ...extra };
}

/** The sentinel appears in no run's output and in no dead letter of `p`. */
export async function expectNoSecrets(p: TestPipeline, ...runs: CliResult[]): Promise<void> {
  expect(secretHits(...runs.flatMap((r) => [r.stdout, r.stderr]))).toBe(0);
  expect(await deadLetterSecretHits(p.deadLetterTopic)).toBe(0);
}

/**
 * A simulator (sentinel key) and an incidents-only pipeline on it, paged one page at a time
 * unless `client` says otherwise; both closed by the returned registry's `cleanup()`.
 */
export function incidentsScenarios(): {
  setup(label: string, options: Partial<SimulatorOptions>, pipeline?: { limit?: number; client?: Record<string, unknown> }): Promise<{ sim: SimulatorHandle; p: TestPipeline }>;
  cleanup(): Promise<void>;
} {
  const cleanups: (() => Promise<unknown>)[] = [];
  return {
    async setup(label, options, { limit = 100, client = { page_concurrency: 1 } } = {}) {
      const sim = await startSimulator({ port: 0, services: 3, apiKey: SENTINEL, ...options });
      cleanups.push(() => sim.close());
      const p = await writePipeline(label, { simulator: { url: sim.url, apiKey: SENTINEL }, resources: [incidentsResource({}, limit)], client });
      cleanups.push(() => p.remove());
      return { sim, p };
    },
    async cleanup() {
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/**
 * After a run that failed with `done` pages committed (`failed`): the fault cleared, a rerun
 * resumes after them (when there were any), publishes the rest, and the oracle passes with every
 * record exactly once; no output or dead letter holds the sentinel.
 */
export async function expectRerunConverges(sim: SimulatorHandle, p: TestPipeline, run: { done: number; total: number; limit: number; failed: CliResult }): Promise<void> {
  await sim.control.setFaults({});
  const rerun = await runCli(['run', '--config', p.file]);
  expect(rerun.code).toBe(0);
  expect(parseSummary(rerun.stderr).get('incidents')).toMatchObject({ resumed: run.done > 0, records: run.total - run.done * run.limit });
  const result = await assertOracle(incidentsOracle(sim, p), { noDuplicates: true });
  expect(result.records.get(p.topic('incidents'))).toHaveLength(run.total);
  await expectNoSecrets(p, run.failed, rerun);
}
