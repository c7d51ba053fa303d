/**
 * Running the CLI for the extraction tests: in process through `main(argv, io)` with captured
 * streams, or as a child process (`node dist/lib/cli.js`, built by `npm run test:integration`)
 * where the real process boundary matters. Plus temp config files and JSONL parsing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../lib/cli';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PreviewLine {
  resource: string;
  key: unknown;
  value: Record<string, unknown>;
}

/** A stream that keeps what is written; `onWrite` sees each chunk as it arrives. */
export function capture(onWrite?: (chunk: string) => void): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = chunk.toString();
      chunks.push(text);
      onWrite?.(text);
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

/** `main(argv, io)` in this process. `env` is the whole environment the command sees. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, options: { onStdout?: (chunk: string) => void } = {}): Promise<CliResult> {
  const stdout = capture(options.onStdout);
  const stderr = capture();
  const code = await main(argv, { stdout, stderr, env, signal: new AbortController().signal });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const CLI = path.resolve(__dirname, '../../../dist/lib/cli.js');

/** `node dist/lib/cli.js ...argv` with exactly `env` (plus PATH), run to its exit. */
export function runCliProcess(argv: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

/** The JSONL `preview` printed, one object per line; fails on a line that is not JSON. */
export function previewLines(stdout: string): PreviewLine[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as PreviewLine);
}

/** A fresh temp directory for config files; `cleanup` removes it. */
export async function configDir(): Promise<{ write(name: string, config: unknown): Promise<string>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-extraction-'));
  return {
    async write(name, config) {
      const file = path.join(dir, name);
      await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A bare dlt source config for the simulator: api_key auth in the query from the secret
 * `api_key` (env API_KEY), offset paging, `data` selector, a tiny backoff so retries are quick.
 */
export function simulatorSource(baseUrl: string, client: Record<string, unknown> = {}, resources?: unknown[]): Record<string, unknown> {
  return {
    client: {
      base_url: baseUrl,
      auth: { type: 'api_key', name: 'api_key', api_key: { $secret: 'api_key' }, location: 'query' },
      backoff_factor: 0.01,
      ...client,
    },
    resource_defaults: { primary_key: 'id' },
    resources: resources ?? [
      { name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } },
      { name: 'services', endpoint: { path: '/v1/services', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } },
    ],
  };
}
