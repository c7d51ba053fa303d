/**
 * The Avro target of issue 12, checked with a consumer nobody here wrote: runs rest2kafka with
 * Avro values through the Schema Registry (examples/pipeline-avro.yaml's delivery, zstd) against
 * the simulator, then reads every topic with Python's confluent-kafka AvroDeserializer
 * (avro_consumer.py, read_committed) and compares each key's last value with the API's records.
 * Exits 0 only when every record decodes equal to the API; prints one line per resource.
 *
 * Run by check-python-avro.sh (which makes the Python venv). Needs KAFKA_BROKERS and REGISTRY_URL.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../lib/cli';
import { startSimulator } from '../../lib/simulator';
import { repoRoot } from '../kafka/paths';

const RESOURCES = ['incidents', 'services'] as const;

async function check(): Promise<number> {
  const { KAFKA_BROKERS: brokers, REGISTRY_URL: registry, PYTHON: python = 'python3' } = process.env;
  if (!brokers || !registry) throw new Error('set KAFKA_BROKERS and REGISTRY_URL');
  const sim = await startSimulator({ port: 0, incidents: Number(process.env.INCIDENTS ?? 3000), services: 50 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'r2k-python-avro-'));
  try {
    const name = `r2k-python-avro-${Date.now()}`;
    const config = {
      pipeline_name: name,
      source: {
        client: { base_url: sim.url, auth: { type: 'api_key', name: 'api_key', api_key: { $secret: 'api_key' }, location: 'query' } },
        resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
        resources: RESOURCES.map((r) => ({ name: r, endpoint: { path: `/v1/${r}`, data_selector: 'data', paginator: { type: 'offset', limit: 100 } } })),
      },
      kafka: { brokers: brokers.split(',') },
      topics: { prefix: `${name}.` },
      delivery: { value_format: 'avro', schemas_dir: path.join(repoRoot, 'schemas'), schema_registry: { url: registry }, compression: 'zstd' },
    };
    const file = path.join(dir, 'pipeline.json');
    await writeFile(file, JSON.stringify(config));
    const code = await main(['run', '--config', file, '-q'], { stdout: process.stdout, stderr: process.stderr, env: { KAFKA_BROKERS: brokers, API_KEY: sim.apiKey }, signal: new AbortController().signal });
    if (code !== 0) throw new Error(`rest2kafka run exited ${code}`);
    let failures = 0;
    for (const resource of RESOURCES) {
      const topic = `${name}.${resource}`;
      const { stdout } = await promisify(execFile)(python, [path.join(__dirname, 'avro_consumer.py'), brokers, registry, topic], { maxBuffer: 256 * 1024 * 1024 });
      const latest = new Map<string, unknown>();
      for (const line of stdout.trim().split('\n')) {
        const { key, value } = JSON.parse(line) as { key: string; value: unknown };
        if (value === null) latest.delete(key);
        else latest.set(key, value);
      }
      const api = (await sim.control.snapshot(resource)).records as { id: string }[];
      const unequal = api.filter((r) => JSON.stringify(latest.get(r.id)) !== JSON.stringify(r));
      const extra = [...latest.keys()].filter((k) => !api.some((r) => r.id === k));
      console.log(`${resource}: ${api.length} API records, ${latest.size} decoded by Python's AvroDeserializer, ${api.length - unequal.length} equal, ${unequal.length} different, ${extra.length} extra`);
      if (unequal.length > 0) console.log(`  first difference: ${unequal[0].id}: API ${JSON.stringify(unequal[0])} vs decoded ${JSON.stringify(latest.get(unequal[0].id))}`);
      failures += unequal.length + extra.length;
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

check().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`check-python-avro: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
