/**
 * The scenarios. Each runs its subject in a child process (peak RSS and CPU are its own) and
 * checks its own output before it reports a number: a run that lost or duplicated records
 * fails instead of looking fast.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimulatorStats } from '../lib/simulator';
import type { BenchContext } from './context';
import { census, createCompacted, deleteTopics, endOffset, REPO_ROOT } from './kafka';
import { CLI, loadAverage, measure, type Measured } from './processes';
import type { SimSettings } from './simulator';

export type Group = '0ms' | '50ms' | 'rate-limit' | 'any';

export interface ScenarioResult {
  scenario: string;
  group: Group;
  role: 'pipeline' | 'ceiling' | 'reference';
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** Key + value bytes per second (HTTP body bytes for fetch-only). */
  mbPerSecond: number | null;
  peakRssMb: number | null;
  /** CPU seconds of the measured process (user + system). */
  cpuSeconds: number | null;
  /** CPU seconds the simulator process used meanwhile. */
  simCpuSeconds: number | null;
  load1Before: number;
  load1After: number;
  notes: string[];
  /** Scenario-specific figures (rate limit, summary). */
  extra: Record<string, unknown>;
  /** Which pass over the scenarios measured it (1 …; `--repeat`). */
  round?: number;
}

export interface Scenario {
  id: string;
  group: Group;
  role: ScenarioResult['role'];
  /** Record count at --scale 1. */
  records: number;
  description: string;
  run(ctx: BenchContext, records: number): Promise<ScenarioResult>;
}

const TIMEOUT_MS = 30 * 60_000;
const PAGE_SIZE = 100;
const SCHEMA_FINGERPRINT_HEADER = 'r2k-schema-fingerprint';

/** Records at a scale: whole pages, at least one. */
export function scaled(records: number, scale: number): number {
  return Math.max(PAGE_SIZE, Math.round((records * scale) / PAGE_SIZE) * PAGE_SIZE);
}

const sim = (incidents: number, latencyMs: number, rateLimitPerMinute: number | null = null): SimSettings => ({ incidents, latencyMs, rateLimitPerMinute });

export const SCENARIOS: readonly Scenario[] = [
  fetchCeiling('fetch-0ms', '0ms', 1_000_000, 0),
  pipeline('dryrun-0ms', '0ms', 'reference', 1_000_000, { latencyMs: 0, concurrency: 8, dryRun: true }, 'rest2kafka run --dry-run: fetch, select, validate, key, encode; no Kafka'),
  produceKafkajs('produce-kafkajs', 1_000_000),
  produceKafkajs('produce-kafkajs-stock', 1_000_000, { stock: true }),
  produceKcat('produce-kcat', 1_000_000),
  pipeline('pipeline-0ms', '0ms', 'pipeline', 1_000_000, { latencyMs: 0, concurrency: 8, profile: true }, 'rest2kafka run, transactions on, page_concurrency 8'),
  pipeline('pipeline-0ms-one-thread', '0ms', 'reference', 1_000_000, { latencyMs: 0, concurrency: 8, env: { R2K_PUBLISHER_THREAD: '0' } }, 'the same with kafkajs on the main thread (R2K_PUBLISHER_THREAD=0): what the publisher thread is worth'),
  pipeline('sequential-0ms', '0ms', 'pipeline', 1_000_000, { latencyMs: 0, concurrency: 1 }, 'rest2kafka run, transactions on, page_concurrency 1'),
  fetchCeiling('fetch-50ms', '50ms', 100_000, 50),
  pipeline('dryrun-50ms', '50ms', 'reference', 100_000, { latencyMs: 50, concurrency: 8, dryRun: true }, 'rest2kafka run --dry-run at 50 ms per request'),
  pipeline('pipeline-50ms', '50ms', 'pipeline', 100_000, { latencyMs: 50, concurrency: 8, profile: true }, 'rest2kafka run, page_concurrency 8, 50 ms per request'),
  pipeline('sequential-50ms', '50ms', 'pipeline', 100_000, { latencyMs: 50, concurrency: 1 }, 'rest2kafka run, page_concurrency 1, 50 ms per request'),
  pipeline('ratelimit-960', 'rate-limit', 'pipeline', 150_000, { latencyMs: 50, concurrency: 8, rateLimitPerMinute: 960 }, 'rest2kafka run against a 960 requests/minute token bucket, page_concurrency 8'),
];

/**
 * Run before the measured scenarios, its result discarded. A broker started for the bench is
 * cold: its JIT has compiled nothing and `__transaction_state` does not exist until the first
 * transactional producer, which then pays for creating its 50 partitions. In two runs without
 * it, the first transactional 1M-record scenario was 11–13% slower than the one after it,
 * whichever came first; so one small transactional run goes first.
 */
export const WARM_UP: Scenario = pipeline('warm-up', '0ms', 'reference', 100_000, { latencyMs: 0, concurrency: 8 }, 'warm-up, not measured: rest2kafka run, transactions on');

/** Whether a scenario talks to Kafka (everything but the fetch ceilings and the dry runs). */
export function usesKafka(scenario: Scenario): boolean {
  return scenario.id.startsWith('produce') || (scenario.role !== 'ceiling' && !scenario.id.startsWith('dryrun'));
}

interface PipelineSettings {
  latencyMs: number;
  concurrency: number;
  dryRun?: boolean;
  rateLimitPerMinute?: number;
  /** Profiled with --cpu-prof when the bench runs with --profile. */
  profile?: boolean;
  /** Extra environment for the run. */
  env?: Record<string, string>;
}

function pipeline(id: string, group: Group, role: ScenarioResult['role'], records: number, settings: PipelineSettings, description: string): Scenario {
  return {
    id,
    group,
    role,
    records,
    description,
    async run(ctx, n) {
      const server = await ctx.sim(sim(n, settings.latencyMs, settings.rateLimitPerMinute ?? null));
      const name = `${ctx.tag}-${id}`;
      const configFile = path.join(ctx.tmp, `${id}.json`);
      await writeFile(configFile, JSON.stringify(pipelineConfig(name, server.url, ctx.brokers, settings.concurrency), null, 2));
      const node = ctx.profileDir && settings.profile ? ['--cpu-prof', '--cpu-prof-dir', ctx.profileDir] : [];
      const args = [...node, CLI, 'run', '--config', configFile, '--log-format', 'json', ...(settings.dryRun ? ['--dry-run'] : [])];
      const env = { ...process.env, ...settings.env, API_KEY: server.apiKey, KAFKA_BROKERS: ctx.brokers.join(',') };
      const before = await server.stats();
      const simCpu = server.cpuSeconds();
      const load1Before = loadAverage();
      const measured = await measure(process.execPath, args, { env, cwd: REPO_ROOT, reportFile: path.join(ctx.tmp, `${id}.time`), timeoutMs: TIMEOUT_MS });
      const load1After = loadAverage();
      const simCpuSeconds = delta(server.cpuSeconds(), simCpu);
      const requests = statusDelta(before, await server.stats());
      const notes: string[] = [`c=${settings.concurrency}`];
      const summary = parseSummary(measured.stderr);
      if (summary) notes.push(`run-reported ${summary.seconds.toFixed(1)} s = ${Math.round(n / summary.seconds)}/s`);
      try {
        ensureExit(measured, id);
        check(summary !== null, `${id}: no summary line for resource incidents in the run's output`);
        check(summary!.records === n, `${id}: the run reports ${summary!.records} records, expected ${n}`);
        check(summary!.deadLettered === 0, `${id}: ${summary!.deadLettered} records dead-lettered`);
        let bytes: number | null = null;
        if (!settings.dryRun) {
          const topic = `${name}.incidents`;
          const counted = await census(ctx.brokers, topic);
          check(counted.records === n && counted.distinctKeys === n, `${id}: ${topic} holds ${counted.records} records with ${counted.distinctKeys} distinct keys (read_committed), expected ${n}`);
          bytes = counted.bytes;
          ctx.bytesPerRecord = bytes / n;
          notes.push(`verified: ${topic} ${counted.records} records, ${counted.distinctKeys} keys`);
        } else {
          notes.push(`verified: summary ${summary!.records} records`);
          if (ctx.bytesPerRecord !== null) bytes = Math.round(ctx.bytesPerRecord * n);
        }
        const extra: Record<string, unknown> = { requests, summary, bytes };
        if (settings.rateLimitPerMinute) {
          const rate = rateLimitFigures(requests, measured.seconds, settings.rateLimitPerMinute);
          extra.rateLimit = rate;
          notes.push(`${pct(rate.ofAllowance)} of allowed requests, ${pct(rate.share429)} answered 429`);
        } else if ((requests['429'] ?? 0) > 0) {
          notes.push(`${requests['429']} × 429`);
        }
        return result(id, group, role, n, measured, bytes, simCpuSeconds, load1Before, load1After, notes, extra);
      } finally {
        if (!settings.dryRun) await deleteTopics(ctx.admin, name);
      }
    },
  };
}

/** The seed config (examples/pipeline.yaml) for the incidents resource, with bench names. */
function pipelineConfig(name: string, baseUrl: string, brokers: string[], pageConcurrency: number): object {
  return {
    pipeline_name: name,
    source: {
      client: {
        base_url: baseUrl,
        auth: { type: 'api_key', name: 'api_key', api_key: { $secret: 'api_key' }, location: 'query' },
        max_retries: 3,
        backoff_factor: 2,
        retry_statuses: [429, 500, 502, 503, 504],
        page_concurrency: pageConcurrency,
      },
      resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
      resources: [{ name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: { type: 'offset', limit: PAGE_SIZE } } }],
    },
    kafka: { brokers, client_id: 'rest2kafka-bench' },
    topics: { name: '{table_name}', prefix: `${name}.`, partitions: 1, replication_factor: 1 },
    delivery: { value_format: 'json', transactions: true, on_invalid: 'dead_letter', schemas_dir: path.join(REPO_ROOT, 'schemas') },
  };
}

function fetchCeiling(id: string, group: Group, records: number, latencyMs: number): Scenario {
  return {
    id,
    group,
    role: 'ceiling',
    records,
    description: `fetch-only: node-fetch keep-alive, concurrency 8, JSON.parse, nothing published (${latencyMs} ms per request)`,
    async run(ctx, n) {
      const server = await ctx.sim(sim(n, latencyMs));
      const args = [path.join(__dirname, 'fetch-ceiling.js'), '--url', server.url, '--api-key', server.apiKey, '--concurrency', '8', '--limit', String(PAGE_SIZE)];
      const simCpu = server.cpuSeconds();
      const load1Before = loadAverage();
      const measured = await measure(process.execPath, args, { reportFile: path.join(ctx.tmp, `${id}.time`), timeoutMs: TIMEOUT_MS });
      const load1After = loadAverage();
      ensureExit(measured, id);
      const out = JSON.parse(measured.stdout.trim()) as { records: number; pages: number; bodyBytes: number };
      check(out.records === n, `${id}: fetched ${out.records} records, expected ${n}`);
      return result(id, group, 'ceiling', n, measured, out.bodyBytes, delta(server.cpuSeconds(), simCpu), load1Before, load1After, [`c=8`, `verified: ${out.pages} pages, ${out.records} records parsed`], out);
    },
  };
}

/** The headers lib/sink/prepare.ts puts on every incident record, so the bytes on the wire match. */
async function pipelineHeaders(): Promise<Record<string, string>> {
  const { loadSchemas } = await import('../lib/validation/schemas');
  const fingerprint = loadSchemas(path.join(REPO_ROOT, 'schemas')).get('incidents')?.fingerprint;
  return { 'content-type': 'application/json', 'r2k-resource': 'incidents', 'r2k-run-id': '00000000-0000-4000-8000-000000000000', ...(fingerprint && { [SCHEMA_FINGERPRINT_HEADER]: fingerprint }) };
}

/**
 * The kafkajs produce ceiling, with the pipeline's kafkajs fast paths; `stock` runs kafkajs as
 * shipped (R2K_KAFKAJS_FAST_PATHS=0), a reference for what the fast paths are worth, not a
 * ceiling of the pipeline (which runs with them).
 */
function produceKafkajs(id: string, records: number, { stock = false } = {}): Scenario {
  const what = stock ? 'reference: the same with stock kafkajs (R2K_KAFKAJS_FAST_PATHS=0)' : 'produce-only: pre-encoded records, kafkajs idempotent, acks -1, sends of ≤ 900 KiB';
  return produceCeiling(id, records, what, stock ? 'reference' : 'ceiling', async (ctx, topic, file) => ({
    command: process.execPath,
    args: [path.join(__dirname, 'produce-ceiling.js'), '--brokers', ctx.brokers.join(','), '--topic', topic, '--file', file, '--headers', JSON.stringify(await pipelineHeaders())],
    env: stock ? { ...process.env, R2K_KAFKAJS_FAST_PATHS: '0' } : undefined,
  }));
}

function produceKcat(id: string, records: number): Scenario {
  return produceCeiling(id, records, 'produce-only with kcat (librdkafka): the same pre-encoded records, idempotent, acks all', 'ceiling', async (ctx, topic, file) => {
    const headers = Object.entries(await pipelineHeaders()).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
    return { command: 'kcat', args: ['-P', '-b', ctx.brokers.join(','), '-t', topic, '-K', '\\t', ...headers, '-X', 'enable.idempotence=true', '-X', 'acks=all', '-l', file] };
  });
}

/** A produce ceiling: the pre-encoded dataset sent by `producer` to a fresh topic, verified by its end offset. */
function produceCeiling(
  id: string,
  records: number,
  description: string,
  role: 'ceiling' | 'reference',
  producer: (ctx: BenchContext, topic: string, file: string) => Promise<{ command: string; args: string[]; env?: NodeJS.ProcessEnv }>,
): Scenario {
  return {
    id,
    group: 'any',
    role,
    records,
    description,
    async run(ctx, n) {
      const dataset = await ctx.dataset(n);
      ctx.bytesPerRecord = dataset.bytes / n;
      const topic = `${ctx.tag}-${id}`;
      await createCompacted(ctx.admin, topic);
      try {
        const { command, args, env } = await producer(ctx, topic, dataset.file);
        const load1Before = loadAverage();
        const measured = await measure(command, args, { reportFile: path.join(ctx.tmp, `${id}.time`), timeoutMs: TIMEOUT_MS, env });
        const load1After = loadAverage();
        ensureExit(measured, id);
        const end = await endOffset(ctx.admin, topic);
        check(end === n, `${id}: ${topic} ends at offset ${end}, expected ${n}`);
        return result(id, 'any', role, n, measured, dataset.bytes, null, load1Before, load1After, [`verified: end offset ${end}`], {});
      } finally {
        await deleteTopics(ctx.admin, topic);
      }
    },
  };
}

function result(
  scenario: string,
  group: Group,
  role: ScenarioResult['role'],
  records: number,
  m: Measured,
  bytes: number | null,
  simCpuSeconds: number | null,
  load1Before: number,
  load1After: number,
  notes: string[],
  extra: Record<string, unknown>,
): ScenarioResult {
  return {
    scenario,
    group,
    role,
    records,
    seconds: m.seconds,
    recordsPerSecond: records / m.seconds,
    mbPerSecond: bytes === null ? null : bytes / 1e6 / m.seconds,
    peakRssMb: m.peakRssMb,
    cpuSeconds: m.cpuSeconds,
    simCpuSeconds,
    load1Before,
    load1After,
    notes,
    extra,
  };
}

export interface RateLimitFigures {
  perMinute: number;
  burst: number;
  answered200: number;
  answered429: number;
  requests: number;
  /** 200s per second over the run. */
  achievedPerSecond: number;
  /** achieved / (perMinute / 60). */
  ofNominal: number;
  /** 200s / (burst + rate × seconds): what the token bucket could have granted in that time. */
  ofAllowance: number;
  share429: number;
}

function rateLimitFigures(requests: Record<string, number>, seconds: number, perMinute: number): RateLimitFigures {
  // The simulator's default bucket (lib/simulator/rate-limit.ts defaultBurst): 10 seconds' worth.
  const burst = Math.max(1, Math.ceil(perMinute / 6));
  const answered200 = requests['200'] ?? 0;
  const answered429 = requests['429'] ?? 0;
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  return {
    perMinute,
    burst,
    answered200,
    answered429,
    requests: total,
    achievedPerSecond: answered200 / seconds,
    ofNominal: answered200 / seconds / (perMinute / 60),
    ofAllowance: answered200 / (burst + (perMinute / 60) * seconds),
    share429: total ? answered429 / total : 0,
  };
}

/** Per status, the `/v1/incidents` answers between two stats snapshots. */
function statusDelta(before: SimulatorStats, after: SimulatorStats): Record<string, number> {
  const a = after.byPath['/v1/incidents'] ?? {};
  const b = before.byPath['/v1/incidents'] ?? {};
  return Object.fromEntries(Object.entries(a).map(([status, count]) => [status, count - (b[status] ?? 0)]).filter(([, count]) => (count as number) > 0));
}

interface Summary {
  pages: number;
  records: number;
  deadLettered: number;
  /** The run's own duration for the resource (no process start-up, connecting or final wait). */
  seconds: number;
}

/** The `incidents` row of `rest2kafka run`'s summary table (lib/observability/progress.ts). */
export function parseSummary(stderr: string): Summary | null {
  const row = stderr
    .split('\n')
    .reverse()
    .find((line) => /^incidents\s{2,}/.test(line));
  if (!row) return null;
  const cells = row.trim().split(/\s{2,}/);
  // resource, topic, pages, records, tombstones, dead-lettered, trimmed, duration, records/s
  return { pages: Number(cells[2]), records: Number(cells[3]), deadLettered: Number(cells[5]), seconds: Number.parseFloat(cells[7]) };
}

function ensureExit(m: Measured, id: string): void {
  if (m.exitCode !== 0) {
    const tail = m.stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${id}: exited with ${m.exitCode ?? m.signal} after ${m.seconds.toFixed(1)} s:\n${tail}`);
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`verification failed: ${message}`);
}

function delta(after: number | null, before: number | null): number | null {
  return after === null || before === null ? null : after - before;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
