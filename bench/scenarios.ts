/**
 * The scenarios. Each runs its subject in a child process (peak RSS and CPU are its own) and
 * checks its own output before it reports a number: a run that lost or duplicated records
 * fails instead of looking fast.
 */
import path from 'node:path';
import type { BenchContext } from './context';
import { dlt } from './dlt';
import { createCompacted, deleteTopics, endOffset, REPO_ROOT } from './kafka';
import { pipeline } from './pipeline-scenario';
import { replayScenarios } from './replay';
import { loadAverage, measure } from './processes';
import { check, delta, ensureExit, result, TIMEOUT_MS, type Group, type Scenario } from './scenario';
import { fanOut, PAGE_SIZE, SEED } from './shapes';
import type { SimSettings } from './simulator';

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
  pipeline('fanout-50ms', 'shapes', 'pipeline', 2_000, { latencyMs: 50, shape: fanOut() }, 'rest2kafka run, default settings (child_concurrency 16): incidents and their log_entries (1–3 pages of 100 each), 50 ms per request'),
  pipeline('fanout-50ms-sequential', 'shapes', 'pipeline', 2_000, { latencyMs: 50, shape: fanOut({ parallelized: false }) }, 'the same with parallelized: false on log_entries: one parent record at a time, as before child_concurrency'),
  dlt('dlt-fanout-50ms', 2_000, 50, fanOut({ parallelized: true }), 'dlt rest_api_source, the same incidents and log_entries (parallelized: true), extract + normalize + load into duckdb'),
  pipeline('seed-50ms', 'shapes', 'pipeline', 100_000, { latencyMs: 50, shape: SEED }, 'rest2kafka run, the seed config (incidents + 50 services), default settings (page_concurrency 8), 50 ms per request'),
  pipeline('429-bare', 'shapes', 'pipeline', 100_000, { latencyMs: 50, shape: SEED, bare429At: 20 }, 'seed-50ms with one bare 429 (Retry-After: 1, no ratelimit-* headers) for the run’s 20th data request'),
  dlt('dlt-seed-50ms', 100_000, 50, SEED, 'dlt rest_api_source, the seed config, extract + normalize + load into duckdb, 50 ms per request'),
  pipeline('fanout-100k-0ms', 'shapes', 'pipeline', 100_000, { latencyMs: 0, shape: fanOut({ firstEntries: 10 }) }, 'memory: rest2kafka run, default settings, incidents and the first ≤ 10 log_entries of each (one child request per incident), latency 0'),
  ...replayScenarios(1_000_000, '1m'),
  ...replayScenarios(10_000_000, '10m'),
];

/**
 * Run before the measured scenarios, its result discarded. A broker started for the bench is
 * cold: its JIT has compiled nothing and `__transaction_state` does not exist until the first
 * transactional producer, which then pays for creating its 50 partitions. In two runs without
 * it, the first transactional 1M-record scenario was 11–13% slower than the one after it,
 * whichever came first; so one small transactional run goes first.
 */
export const WARM_UP: Scenario = pipeline('warm-up', '0ms', 'reference', 100_000, { latencyMs: 0, concurrency: 8 }, 'warm-up, not measured: rest2kafka run, transactions on');

function fetchCeiling(id: string, group: Group, records: number, latencyMs: number): Scenario {
  return {
    id,
    group,
    role: 'ceiling',
    records,
    kafka: false,
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
    kafka: true,
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
