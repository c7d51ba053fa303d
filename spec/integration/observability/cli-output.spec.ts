/**
 * What the CLI prints, and where, against the real simulator: data on stdout, logs on stderr
 * shaped by the output flags, and user mistakes that need a socket to happen.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import fetch from 'node-fetch';
import { main } from '../../../lib/cli';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { capture, configDir, runCli, simulatorSource } from '../extraction/cli';

let sim: SimulatorHandle;
let files: Awaited<ReturnType<typeof configDir>>;
const env = () => ({ API_KEY: sim.apiKey });

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 30, services: 5 });
  files = await configDir();
});
afterAll(async () => {
  await sim.close();
  await files.cleanup();
});

const jsonLines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: string; msg: string });

it('regression: run -q logs no INFO lines, only warnings and errors', async () => {
  const config = await files.write('quiet.json', simulatorSource(sim.url));
  const loud = await runCli(['run', '--config', config, '--dry-run'], env());
  expect(loud.code).toBe(0);
  expect(loud.stderr).toContain('"level":"info"');
  const quiet = await runCli(['run', '--config', config, '--dry-run', '-q'], env());
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).toBe('');
});

it("regression: check's warnings go to stderr as the log format says; its report alone is on stdout", async () => {
  const source = simulatorSource(sim.url);
  const config = await files.write('literal.json', { ...source, client: { ...(source.client as object), auth: { type: 'api_key', name: 'api_key', api_key: sim.apiKey, location: 'query' } } });
  const result = await runCli(['check', '--config', config, '--skip-kafka'], {});
  expect(result.code).toBe(0);
  expect(result.stdout).not.toContain('literal secret');
  expect(result.stdout.split('\n')[0]).toBe(`config ok: ${config} (2 resources)`);
  const warnings = jsonLines(result.stderr);
  expect(warnings).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('a literal secret is written in the config file') })]);
});

it('regression: check against an unreachable API gives up after one quick retry, not the run\'s 2/4/8 s backoff', async () => {
  const config = await files.write('unreachable.json', simulatorSource('http://127.0.0.1:9', { backoff_factor: 2 }));
  const started = Date.now();
  const result = await runCli(['check', '--config', config, '-q'], env());
  expect(result.code).toBe(3);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(result.stdout).not.toContain('config ok');
});

it('regression: --metrics-port on a port in use is a usage error naming the flag (exit 2)', async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as net.AddressInfo).port;
  try {
    const config = await files.write('metrics.json', simulatorSource(sim.url));
    const result = await runCli(['run', '--config', config, '--interval', '10s', '--metrics-port', String(port), '-q'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error [USAGE]: cannot serve metrics on 127.0.0.1:${port}: the port is in use (EADDRINUSE); choose another --metrics-port\n`);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});

it('counts the failed runs of run --interval by error code on /metrics', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const config = await files.write('failing.json', simulatorSource('http://127.0.0.1:9', { max_retries: 0 }));
  const controller = new AbortController();
  const exit = main(['run', '--config', config, '--dry-run', '--interval', '1s', '--metrics-port', String(port), '-q'], {
    stdout: capture(), stderr: capture(), env: env(), signal: controller.signal,
  });
  try {
    let text = '';
    for (let i = 0; i < 50 && !/rest2kafka_runs_failed_total\{code="\w+"\} [1-9]/.test(text); i++) {
      await sleep(100);
      text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
    }
    expect(text).toMatch(/rest2kafka_runs_failed_total\{code="\w+"\} [1-9]/);
  } finally {
    controller.abort();
  }
  expect(await exit).toBe(0);
});
