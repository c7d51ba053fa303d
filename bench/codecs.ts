/**
 * Issue 12's figures, on their own (`node dist/bench/codecs.js [records] [rounds]`, after
 * `npm run build`): `rest2kafka run` at API latency 0 with JSON values, Avro values (bare and
 * through the Schema Registry) and each compression codec; records/s and the bytes the topic
 * takes on the broker (its log segments on disk, read_committed record count verified).
 *
 * Needs a running broker and registry: KAFKA_BROKERS, KAFKA_DATA_DIR (that broker's log.dirs,
 * e.g. .kafka/data for npm run kafka:start) and REGISTRY_URL. Variants run interleaved, round
 * after round, and the report gives medians, since the machine is shared.
 */
import { readdirSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { benchKafka, census, deleteTopics, REPO_ROOT } from './kafka';
import { parseSummary } from './pipeline-scenario';
import { cliArgv, measure } from './processes';
import { INCIDENTS, pipelineConfig } from './shapes';
import { startSimProcess } from './simulator';

interface Variant {
  id: string;
  delivery: Record<string, unknown>;
}

const VARIANTS: Variant[] = [
  { id: 'json', delivery: {} },
  { id: 'avro', delivery: { value_format: 'avro' } },
  { id: 'avro-registry', delivery: { value_format: 'avro', registry: true } },
  { id: 'json-gzip', delivery: { compression: 'gzip' } },
  { id: 'json-snappy', delivery: { compression: 'snappy' } },
  { id: 'json-lz4', delivery: { compression: 'lz4' } },
  { id: 'json-zstd', delivery: { compression: 'zstd' } },
  { id: 'avro-registry-zstd', delivery: { value_format: 'avro', registry: true, compression: 'zstd' } },
];

/** Bytes of a topic's log segments (all partitions) in the broker's log dir. */
function bytesOnBroker(dataDir: string, topic: string): number {
  let bytes = 0;
  for (const dir of readdirSync(dataDir).filter((d) => d.startsWith(`${topic}-`) && /^\d+$/.test(d.slice(topic.length + 1)))) {
    for (const file of readdirSync(path.join(dataDir, dir)).filter((f) => f.endsWith('.log'))) bytes += statSync(path.join(dataDir, dir, file)).size;
  }
  return bytes;
}

// bench/run.ts has the same helper, unexported; this file stays out of the files it owns.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? 200_000);
  const rounds = Number(process.argv[3] ?? 3);
  const { KAFKA_BROKERS, KAFKA_DATA_DIR, REGISTRY_URL } = process.env;
  if (!KAFKA_BROKERS || !KAFKA_DATA_DIR || !REGISTRY_URL) throw new Error('set KAFKA_BROKERS, KAFKA_DATA_DIR and REGISTRY_URL');
  const brokers = KAFKA_BROKERS.split(',');
  const admin = benchKafka(brokers).admin();
  await admin.connect();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-bench-codecs-'));
  const sim = await startSimProcess({ incidents: records, latencyMs: 0, rateLimitPerMinute: null }, await freePort());
  const rates = new Map<string, number[]>();
  const sizes = new Map<string, number>();
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const variant of VARIANTS) {
        const name = `bench-codecs-${Date.now().toString(36)}-${variant.id}`;
        const { registry, ...delivery } = variant.delivery;
        const config = pipelineConfig(name, sim.url, brokers, INCIDENTS, { page_concurrency: 8 }, path.join(REPO_ROOT, 'schemas')) as { delivery: Record<string, unknown> };
        config.delivery = { ...config.delivery, ...delivery, ...(registry ? { schema_registry: { url: REGISTRY_URL } } : {}) };
        const file = path.join(tmp, `${name}.json`);
        await writeFile(file, JSON.stringify(config));
        const measured = await measure(process.execPath, [...cliArgv(), 'run', '--config', file, '--log-format', 'json'], { env: { ...process.env, API_KEY: sim.apiKey }, cwd: REPO_ROOT, reportFile: path.join(tmp, `${name}.time`), timeoutMs: 600_000 });
        if (measured.exitCode !== 0) throw new Error(`${variant.id}: run exited ${measured.exitCode}\n${measured.stderr.slice(-2000)}`);
        const summary = parseSummary(measured.stderr).get('incidents');
        const topic = `${name}.incidents`;
        const counted = await census(brokers, topic);
        if (summary?.records !== records || counted.records !== records) throw new Error(`${variant.id}: ${summary?.records} reported, ${counted.records} read back, expected ${records}`);
        const rate = records / summary.seconds;
        const bytes = bytesOnBroker(KAFKA_DATA_DIR, topic);
        rates.set(variant.id, [...(rates.get(variant.id) ?? []), rate]);
        sizes.set(variant.id, bytes);
        console.log(`round ${round} ${variant.id.padEnd(20)} ${Math.round(rate)} records/s (run-reported), ${(measured.seconds).toFixed(1)} s process, ${bytes} bytes on the broker`);
        await deleteTopics(admin, name);
      }
    }
    const json = median(rates.get('json')!);
    const none = sizes.get('json')!;
    console.log(`\n${records} incidents, latency 0, page_concurrency 8, medians of ${rounds} rounds`);
    console.log('variant               records/s   vs json   bytes on broker   bytes vs json');
    for (const variant of VARIANTS) {
      const rate = median(rates.get(variant.id)!);
      const bytes = sizes.get(variant.id)!;
      console.log(`${variant.id.padEnd(20)}  ${String(Math.round(rate)).padStart(9)}   ${((rate / json) * 100).toFixed(0).padStart(5)}%   ${String(bytes).padStart(15)}   ${(none / bytes).toFixed(2).padStart(8)}× fewer`);
    }
  } finally {
    await sim.stop();
    await admin.disconnect();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench codecs: ${(error as Error).message}`);
  process.exitCode = 1;
});
