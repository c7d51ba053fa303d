/**
 * `npm run bench:failover`: how long a standby takes to carry on after the active instance of a
 * pipeline is SIGKILLed mid-run, at the default coordination settings (issue 14's target: it
 * publishes within 60 s; nothing lost, nothing twice for read_committed readers).
 *
 *   npm run bench:failover
 *   npm run bench:failover -- --session-timeout-ms 10000   a shorter session timeout
 *
 * Two `run --interval` processes against the simulator in a process of its own; kcat counts what
 * the topic holds in the end. Uses KAFKA_BROKERS, or starts a broker like `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { until } from './poll';
import { benchBroker, benchKafka, census, deleteTopics, endOffset } from './kafka';
import { cliArgv, freePort } from './processes';
import { startSimProcess } from './simulator';

const INCIDENTS = 20_000;
const LATENCY_MS = 50;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'session-timeout-ms': { type: 'string' } } });
  const log = (line: string) => process.stderr.write(`[failover] ${line}\n`);
  const broker = await benchBroker(log);
  const admin = benchKafka(broker.brokers).admin();
  await admin.connect();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-failover-'));
  const name = `failover-${Date.now().toString(36)}`;
  const [simPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
  const sim = await startSimProcess({ incidents: INCIDENTS, latencyMs: LATENCY_MS, rateLimitPerMinute: null }, simPort);
  const children: ChildProcess[] = [];
  try {
    const config = path.join(tmp, 'pipeline.json');
    await writeFile(config, JSON.stringify({
      pipeline_name: name,
      source: {
        client: { base_url: sim.url, auth: { type: 'api_key', name: 'api_key', api_key: sim.apiKey, location: 'query' }, page_concurrency: 1 },
        resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
        resources: [{ name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: 100 } } }],
      },
      kafka: { brokers: broker.brokers },
      topics: { prefix: `${name}.` },
      ...(values['session-timeout-ms'] ? { coordination: { session_timeout_ms: Number(values['session-timeout-ms']), heartbeat_interval_ms: Math.floor(Number(values['session-timeout-ms']) / 10) } } : {}),
    }));
    const topic = `${name}.incidents`;
    const start = (port: number) => {
      const child = spawn(process.execPath, [...cliArgv(), 'run', '--config', config, '--interval', '10m', '--metrics-port', String(port), '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      children.push(child);
      return { child, stderr: () => stderr };
    };

    const a = start(portA);
    await poll('A active', () => readyz(portA), (t) => t.startsWith('ready: active'));
    const b = start(portB);
    await poll('B standby', () => readyz(portB), (t) => t === 'ready: standby');
    await poll('A publishing', () => endOffset(admin, topic).catch(() => 0), (n) => n >= INCIDENTS / 10);
    const atKill = await endOffset(admin, topic);
    a.child.kill('SIGKILL');
    const killed = Date.now();
    log(`killed the active instance with ${atKill} offsets in ${topic}`);
    await poll('B active', () => readyz(portB), (t) => t.startsWith('ready: active'), 120_000);
    const tookOver = (Date.now() - killed) / 1000;
    await poll('B publishing', () => endOffset(admin, topic), (n) => n > atKill, 120_000);
    const published = (Date.now() - killed) / 1000;
    await poll('B done', async () => b.stderr(), (t) => t.includes('"msg":"run finished"'), 300_000);
    const counted = await census(broker.brokers, topic);
    const rows = [
      ['session timeout', `${values['session-timeout-ms'] ?? 30000} ms`],
      ['standby active after the SIGKILL', `${tookOver.toFixed(1)} s`],
      ['standby published after the SIGKILL', `${published.toFixed(1)} s (target ≤ 60 s)`],
      ['lost', String(INCIDENTS - counted.distinctKeys)],
      ['read_committed duplicates', String(counted.records - counted.distinctKeys)],
      ['resumed the killed run', String(b.stderr().includes('"msg":"resuming interrupted run"'))],
    ];
    for (const [what, value] of rows) console.log(`${what.padEnd(38)} ${value}`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await sim.stop();
    await deleteTopics(admin, name).catch(() => undefined);
    await admin.disconnect();
    await broker.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function readyz(port: number): Promise<string> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/readyz`)).text()).trim();
  } catch {
    return 'unreachable';
  }
}

/** Polled every 100 ms: the interval bounds how exactly a takeover is timed. */
const poll = <T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000) => until(what, probe, accept, timeoutMs, 100);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
