/**
 * `npm run soak`: one `run --interval 1s` process for ten minutes against the simulator while
 * the data keeps changing and, for 15 s of every minute, the API fails (503s, resets, malformed
 * bodies). Issue 14's targets: RSS grows at most 10% from minute 2 to the last minute, open file
 * descriptors do not grow, every run commits or fails cleanly, and /metrics shows the failures
 * and the recovery. Never part of `npm test`.
 *
 *   npm run soak                          10 minutes
 *   npm run soak -- --minutes 3           a quick one (3 is the least: minute 2 and a last minute)
 *
 * Uses KAFKA_BROKERS, or starts a broker like `npm run bench`. Prints the figures, writes every
 * sample to bench/results/soak-<time>.json and the run's log beside it (.log), and exits 1 when a
 * target is missed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { SimulatorClient, type FaultConfig } from '../lib/simulator';
import { benchBroker, benchKafka, deleteTopics, REPO_ROOT } from './kafka';
import { cliArgv, freePort } from './processes';
import { startSimProcess, type RunningSim } from './simulator';
import { formatSoak, soakFailures, soakFigures, type RunCounts, type Sample } from './soak-report';

const SAMPLE_EVERY_MS = 5000;
/** Each minute: clean until second 30, faults until 45, clean again so every minute ends recovered. */
const FAULTS_FROM_S = 30;
const FAULTS_UNTIL_S = 45;
const FAULTS: FaultConfig = {
  latency: { minMs: 2, maxMs: 20 },
  rules: [
    { action: { kind: 'status', status: 503 }, rate: 0.5 },
    { action: { kind: 'reset' }, rate: 0.05 },
    { action: { kind: 'malformed' }, rate: 0.03 },
  ],
};
const CLEAN: FaultConfig = { latency: { minMs: 2, maxMs: 20 } };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, interval: { type: 'string', default: '1s' }, incidents: { type: 'string', default: '5000' } } });
  const minutes = Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 3) throw new Error(`--minutes must be an integer of at least 3, got ${values.minutes}`);
  const log = (line: string) => process.stderr.write(`[soak] ${line}\n`);
  const broker = await benchBroker(log);
  const name = `soak-${Date.now().toString(36)}`;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-soak-'));
  const sim = await startSimProcess({ incidents: Number(values.incidents), latencyMs: 0, rateLimitPerMinute: null }, await freePort());
  const metricsPort = await freePort();
  try {
    const config = path.join(tmp, 'pipeline.json');
    await writeFile(config, JSON.stringify(pipelineConfig(name, sim, broker.brokers)));
    const child = spawn(process.execPath, [...cliArgv(), 'run', '--config', config, '--interval', values.interval!, '--metrics-port', String(metricsPort), '-q', '--log-level', 'info', '--log-format', 'json'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal!)));
    const results = path.join(REPO_ROOT, 'bench', 'results', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    // The run's whole log, to read what an unexpected error line was.
    child.stderr!.pipe(createWriteStream(`${results}.log`));
    const runs = countRuns(child.stderr!);
    const started = Date.now();
    const elapsed = () => (Date.now() - started) / 1000;
    const stop = new AbortController();
    const faults = { clearedAt: 0 };
    const chaos = churn(new SimulatorClient(sim.url), elapsed, faults, stop.signal);

    const samples: Sample[] = [];
    while (elapsed() < minutes * 60) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the run process ended early (${String(await exited)})`);
      // Descriptors first: the /metrics request below adds a socket of its own while it lasts.
      const fds = readdirSync(`/proc/${child.pid}/fd`).length;
      const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
      const metrics = await scrape(metricsPort);
      const heap = metric(metrics, 'rest2kafka_nodejs_heap_size_used_bytes');
      samples.push({ at: elapsed(), rssMb, heapUsedMb: heap === null ? null : heap / 2 ** 20, fds });
      if (samples.length % (60_000 / SAMPLE_EVERY_MS) === 0) {
        log(`${Math.round(elapsed() / 60)}/${minutes} min: RSS ${rssMb.toFixed(1)} MB, heap ${heap === null ? '?' : (heap / 2 ** 20).toFixed(1)} MB, fds ${fds}, runs ${runs.finished} committed / ${runs.failed} failed`);
      }
      await sleep(SAMPLE_EVERY_MS);
    }
    // Read before the stop: recovery is what /metrics says while the service runs.
    const metrics = await scrape(metricsPort);
    // Counted before the stop, whose own notice on stderr is no failure.
    const counts: RunCounts = { ...runs, failedByCode: byLabel(metrics, 'rest2kafka_runs_failed_total', 'code') };
    stop.abort();
    await chaos;
    child.kill('SIGTERM');
    const exit = await exited;

    const lastSync = Math.max(...Object.values(byLabel(metrics, 'rest2kafka_last_successful_sync_timestamp_seconds', 'resource')));
    const recovered = lastSync * 1000 > faults.clearedAt;
    const figures = soakFigures(samples, minutes);
    const failures = soakFailures(figures, counts, recovered);
    if (exit !== 0) failures.push(`the run process exited ${String(exit)} after SIGTERM (expected 0)`);
    process.stdout.write(`soak: ${minutes} min of run --interval ${values.interval} (pipeline ${name})\n`);
    process.stdout.write(`/metrics   runs failed by code ${JSON.stringify(counts.failedByCode)}; last successful sync ${new Date(lastSync * 1000).toISOString()}, ${recovered ? 'after' : 'BEFORE'} the last fault phase ended (${new Date(faults.clearedAt).toISOString()})\n`);
    process.stdout.write(formatSoak(figures, counts, failures));
    await writeFile(`${results}.json`, JSON.stringify({ minutes, interval: values.interval, figures, runs: counts, recovered, failures, samples }, null, 2));
    log(`samples in ${path.relative(process.cwd(), results)}.json, the run's log in ${path.relative(process.cwd(), results)}.log`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    await sim.stop();
    const admin = benchKafka(broker.brokers).admin();
    await admin.connect();
    await deleteTopics(admin, `${name}.`);
    await admin.deleteGroups([`rest2kafka-${name}`]).catch(() => undefined);
    await admin.disconnect();
    await broker.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Incidents read incrementally (so each run fetches what changed) and services in full; few
 * retries, so that a fault phase fails runs instead of being retried away.
 */
function pipelineConfig(name: string, sim: RunningSim, brokers: string[]): object {
  const page = { data_selector: 'data', paginator: { type: 'offset', limit: 100 } };
  return {
    pipeline_name: name,
    source: {
      client: { base_url: sim.url, auth: { type: 'api_key', name: 'api_key', api_key: sim.apiKey, location: 'query' }, max_retries: 2, backoff_factor: 0.2 },
      resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
      resources: [
        { name: 'incidents', endpoint: { path: '/v1/incidents', ...page, params: { updated_since: '{incremental.start_value}', sort: 'updated_at' }, incremental: { cursor_path: 'updated_at', initial_value: '2024-01-01T00:00:00Z' } } },
        { name: 'services', endpoint: { path: '/v1/services', ...page } },
      ],
    },
    kafka: { brokers },
    topics: { prefix: `${name}.` },
    delivery: { schemas_dir: path.join(REPO_ROOT, 'schemas') },
  };
}

/** Counts the run process's outcomes from its JSON log lines as they come. */
function countRuns(stderr: NodeJS.ReadableStream): Omit<RunCounts, 'failedByCode'> {
  const counts = { started: 0, finished: 0, failed: 0, otherErrors: 0 };
  createInterface({ input: stderr, crlfDelay: Infinity }).on('line', (line) => {
    let entry: { level?: string; msg?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      counts.otherErrors += 1; // not a log line: a crash's stack trace
      return;
    }
    if (entry.msg === 'run started') counts.started += 1;
    else if (entry.msg === 'run finished') counts.finished += 1;
    else if (entry.msg === 'run failed; retrying at the next interval') counts.failed += 1;
    else if (entry.level === 'error') counts.otherErrors += 1;
  });
  return counts;
}

/**
 * Changes the data every 2 s (updates, inserts, a delete, now and then a record the schema
 * refuses) and switches the faults on and off, noting when they were last cleared.
 */
async function churn(sim: SimulatorClient, elapsed: () => number, faults: { clearedAt: number }, signal: AbortSignal): Promise<void> {
  let faulty = false;
  for (let tick = 0; !signal.aborted; tick++) {
    const second = elapsed() % 60;
    const wantFaults = second >= FAULTS_FROM_S && second < FAULTS_UNTIL_S;
    if (wantFaults !== faulty) await sim.setFaults(wantFaults ? FAULTS : CLEAN);
    if (faulty && !wantFaults) faults.clearedAt = Date.now();
    faulty = wantFaults;
    await sim.update('incidents', 10);
    await sim.insert('incidents', 3);
    if (tick % 5 === 0) await sim.delete('incidents', 1);
    if (tick % 30 === 0) await sim.update('incidents', 1, { priority: 5 });
    await sleep(2000, undefined, { signal }).catch(() => undefined);
  }
  await sim.setFaults(CLEAN);
}

/** GET /metrics on a connection of its own that closes after, so it leaves no socket open in the process it measures. */
function scrape(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', agent: false, headers: { connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', () => resolve(''));
  });
}

/** The value of an unlabelled metric in Prometheus text, or null. */
function metric(text: string, name: string): number | null {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

/** A labelled metric's values by the value of `label`. */
function byLabel(text: string, name: string, label: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const match of text.matchAll(new RegExp(`^${name}\\{[^}]*${label}="([^"]*)"[^}]*\\} (\\S+)$`, 'gm'))) values[match[1]] = Number(match[2]);
  return values;
}

main().catch((error: unknown) => {
  process.stderr.write(`[soak] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
