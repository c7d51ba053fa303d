/**
 * The broker the benchmark runs against, and the checks that make a scenario prove its own
 * result: kcat (librdkafka) counts what a topic holds, sharing no code with lib/sink.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, type Admin } from 'kafkajs';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The part of scripts/kafka/broker.ts's RunningBroker used here (loaded from source with jiti). */
interface StartedBroker {
  brokers: string[];
  pid: number;
  stop(timeoutMs?: number): Promise<void>;
}

export interface BenchBroker {
  brokers: string[];
  /** `KAFKA_BROKERS` (someone else's broker) or a broker started for this run. */
  origin: 'env' | 'started';
  stop(): Promise<void>;
}

/**
 * The brokers in KAFKA_BROKERS, or a fresh single-node broker on free ports in a temp dir.
 * scripts/kafka is loaded from its TypeScript source through jiti (as `npm run kafka:start`
 * does): it finds its jars and log4j config relative to its own directory, which a copy
 * compiled into dist/ would not.
 */
export async function benchBroker(log: (line: string) => void): Promise<BenchBroker> {
  const fromEnv = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  if (fromEnv?.length) return { brokers: fromEnv, origin: 'env', stop: async () => undefined };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createJiti } = require('jiti') as { createJiti(from: string): { import<T>(id: string): Promise<T> } };
  const jiti = createJiti(__filename);
  const { startBroker } = await jiti.import<{ startBroker(o: object): Promise<StartedBroker> }>(path.join(REPO_ROOT, 'scripts', 'kafka', 'broker.ts'));
  const { freePorts } = await jiti.import<{ freePorts(n: number): Promise<number[]> }>(path.join(REPO_ROOT, 'scripts', 'kafka', 'ports.ts'));
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-bench-kafka-'));
  const [port, controllerPort] = await freePorts(2);
  // A scenario's topics are deleted when it ends; their files go at once (default: a minute
  // later, in the middle of another scenario), while the next scenario waits to settle.
  const extraConfig = { 'file.delete.delay.ms': '1000' };
  const broker = await startBroker({ workDir, port, controllerPort, heap: '1g', readyTimeoutMs: 120_000, extraConfig, log });
  const killOnExit = () => {
    try {
      process.kill(broker.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  return {
    brokers: broker.brokers,
    origin: 'started',
    stop: async () => {
      await broker.stop();
      process.off('exit', killOnExit);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export function benchKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'rest2kafka-bench', brokers, logLevel: logLevel.NOTHING });
}

/** A compacted single-partition topic, like the pipeline's data topics (topics.partitions: 1). */
export async function createCompacted(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], waitForLeaders: true });
}

/** Sum of the partitions' high watermarks (= records, for a non-transactional producer). */
export async function endOffset(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

export async function deleteTopics(admin: Admin, prefix: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
}

export interface Census {
  records: number;
  distinctKeys: number;
  /** Key + value bytes. */
  bytes: number;
  tombstones: number;
}

/**
 * Reads a topic from the beginning to its end with kcat, read_committed (what a consumer of
 * the pipeline sees), counting records, distinct keys and payload bytes.
 */
export async function census(brokers: string[], topic: string, timeoutMs = 300_000): Promise<Census> {
  const child = spawn('kcat', ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%k\t%S\n'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const keys = new Set<string>();
  let records = 0;
  let bytes = 0;
  let tombstones = 0;
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (line === '') continue;
    const tab = line.lastIndexOf('\t');
    const key = line.slice(0, tab);
    const size = Number(line.slice(tab + 1));
    records += 1;
    keys.add(key);
    bytes += Buffer.byteLength(key) + Math.max(0, size);
    if (size < 0) tombstones += 1;
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('close', resolve)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`kcat census of ${topic} failed (exit ${code}): ${stderr.trim()}`);
  return { records, distinctKeys: keys.size, bytes, tombstones };
}
