/**
 * The sentinel scan: with an API key that cannot occur by chance, every failing run — in this
 * process and as a child process — is searched for the key in every form it could leak in
 * (raw, percent-encoded, form-encoded, or just its random core): zero hits, while the output
 * still shows where the failure happened through the redacted URL (`api_key=***`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import util from 'node:util';
import { previewCommand } from '../../../lib/commands/preview';
import { checkCommand } from '../../../lib/commands/check';
import { startSimulator, type FaultConfig, type SimulatorHandle } from '../../../lib/simulator';
import { capture, configDir, runCli, runCliProcess, simulatorSource } from './cli';

// `+`, `/` and `=` make the encoded forms differ from the raw one.
const SENTINEL = 'SENTINEL-5f3c9a7e+b/41=';
/** The key of the 401 case: sent by rest2kafka, rejected by the simulator. */
const OTHER_SENTINEL = 'SENTINEL-d81b44c0+x/y=';

/** Every form of both keys; the random cores catch a partial leak too. */
const FORBIDDEN = [SENTINEL, OTHER_SENTINEL].flatMap((key) => [
  key,
  encodeURIComponent(key),
  new URLSearchParams({ k: key }).toString().slice(2),
]).concat(['5f3c9a7e', 'd81b44c0']);

function expectNoSentinel(text: string): void {
  const hits = FORBIDDEN.filter((form) => text.includes(form));
  expect({ hits, text }).toEqual({ hits: [], text });
}

let sim: SimulatorHandle;
let configs: Awaited<ReturnType<typeof configDir>>;
let refusedPort: number;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 120, services: 3, apiKey: SENTINEL });
  configs = await configDir();
  // A port nothing listens on: bind one, then close it.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refusedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await sim.close();
  await configs.cleanup();
});

interface Scenario {
  name: string;
  faults?: FaultConfig;
  client?: Record<string, unknown>;
  baseUrl?: () => string;
  apiKey?: string;
  exitCode: number;
  /** Shows where it failed: part of the message. */
  shows: RegExp;
}

const HTML_ECHOING_THE_KEY = `<html><body><h1>Gateway error</h1><p>upstream GET /v1/incidents?api_key=${encodeURIComponent(SENTINEL)} key ${SENTINEL} failed</p></body></html>`;

const scenarios: Scenario[] = [
  { name: 'connection refused', baseUrl: () => `http://127.0.0.1:${refusedPort}`, exitCode: 3, shows: /failed: connection refused \(ECONNREFUSED\)/ },
  { name: 'connection reset', faults: { rules: [{ action: { kind: 'reset' }, rate: 1 }] }, exitCode: 3, shows: /ECONNRESET/ },
  { name: 'a body cut short', faults: { rules: [{ action: { kind: 'truncated' }, rate: 1 }] }, exitCode: 3, shows: /cut off before it was complete/ },
  { name: '500 storm past the budget', faults: { rules: [{ action: { kind: 'status', status: 500 }, rate: 1 }] }, exitCode: 3, shows: /gave up after 2 attempts.*500 Server Error/ },
  { name: 'malformed JSON', faults: { script: [{ request: 1, action: { kind: 'malformed' } }] }, exitCode: 3, shows: /malformed JSON .* at byte \d+/ },
  {
    name: 'an HTML page that echoes the key',
    faults: { script: [{ request: 1, action: { kind: 'body', status: 200, contentType: 'text/html', body: HTML_ECHOING_THE_KEY } }] },
    exitCode: 3,
    shows: /is HTML, not JSON/,
  },
  { name: '401 for a different key', apiKey: OTHER_SENTINEL, exitCode: 4, shows: /401 Unauthorized/ },
  {
    name: 'a timeout',
    faults: { latency: { minMs: 1000, maxMs: 1000 } },
    client: { timeout_ms: 50 },
    exitCode: 3,
    shows: /timed out after 50 ms/,
  },
];

async function prepare(scenario: Scenario): Promise<{ file: string; env: NodeJS.ProcessEnv }> {
  await sim.control.reset();
  if (scenario.faults) await sim.control.setFaults(scenario.faults);
  const config = simulatorSource(scenario.baseUrl?.() ?? sim.url, { max_retries: 1, ...scenario.client }, [
    { name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } },
  ]);
  const file = await configs.write(`${scenario.name.replace(/\W+/g, '-')}.json`, config);
  return { file, env: { API_KEY: scenario.apiKey ?? SENTINEL } };
}

describe.each(scenarios)('$name', (scenario) => {
  it('in process through main(): nothing on stdout or stderr holds the key', async () => {
    for (const [command, ...flags] of [['preview', '--log-level', 'debug'], ['check']]) {
      const { file, env } = await prepare(scenario);
      const { code, stdout, stderr } = await runCli([command, '--config', file, ...flags], env);
      expect(code).toBe(scenario.exitCode);
      expectNoSentinel(stdout + stderr);
      expect(stderr).toMatch(scenario.shows);
      expect(stderr).toContain('/v1/incidents?offset=0&limit=100&api_key=***');
    }
  });

  it('in process, the error the command throws holds no key anywhere (message, stack, cause chain, context)', async () => {
    for (const command of [previewCommand, checkCommand]) {
      const { file, env } = await prepare(scenario);
      const stderr = capture();
      const io = { stdout: capture(), stderr, env, signal: new AbortController().signal };
      const error = await command.run(['--config', file], io).then(
        () => {
          throw new Error(`${command.name} succeeded; expected it to fail`);
        },
        (e: unknown) => e as Error,
      );
      const seen = [util.inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify((error as { context?: unknown }).context ?? null), stderr.text()];
      for (let e: unknown = error; e instanceof Error; e = e.cause) seen.push(e.message, e.stack ?? '', util.inspect(e, { depth: Infinity, showHidden: true }));
      expectNoSentinel(seen.join('\n'));
      expect(error.message).toMatch(scenario.shows);
    }
  });

  it('as a child process: nothing on stdout or stderr holds the key', async () => {
    const { file, env } = await prepare(scenario);
    const { code, stdout, stderr } = await runCliProcess(['preview', '--config', file, '--log-level', 'debug'], env);
    expect(code).toBe(scenario.exitCode);
    expectNoSentinel(stdout + stderr);
    expect(stderr).toMatch(scenario.shows);
    expect(stderr).toContain('/v1/incidents?offset=0&limit=100&api_key=***');
  });
});

it('the sentinel is a working key: a clean run succeeds (so the failures above are the faults)', async () => {
  await sim.control.reset();
  const config = simulatorSource(sim.url, {}, [{ name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } }]);
  const file = await configs.write('ok.json', config);
  const { code, stdout, stderr } = await runCli(['preview', '--config', file, '--log-level', 'debug'], { API_KEY: SENTINEL });
  expect(code).toBe(0);
  expect(stdout.trim().split('\n')).toHaveLength(120);
  expectNoSentinel(stdout + stderr);
});
