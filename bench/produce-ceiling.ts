/**
 * kafkajs produce ceiling (a child process of the benchmark): the dataset's pre-encoded records
 * sent the way lib/sink/publish.ts sends them — idempotent producer, acks -1, one request in
 * flight, sends cut below the broker's 1 MiB max.message.bytes — with no transactions and no
 * extraction. The value is what kafkajs alone can do on this machine — with the same kafkajs
 * fast paths as the pipeline (lib/sink/kafkajs-fast-paths.ts; R2K_KAFKAJS_FAST_PATHS=0 for stock
 * kafkajs), so the ceiling and the pipeline run the same producer code.
 *
 * node dist/bench/produce-ceiling.js --brokers B --topic T --file dataset.tsv --headers '{"k":"v"}'
 * prints {"records":N} on stdout.
 */
// First: it must run before kafkajs loads.
import '../lib/preload';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners, type ICustomPartitioner, type Message } from 'kafkajs';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string' },
    topic: { type: 'string' },
    file: { type: 'string' },
    headers: { type: 'string', default: '{}' },
    'chunk-bytes': { type: 'string', default: String(900 * 1024) },
  },
});
const topic = values.topic!;
const headers = JSON.parse(values.headers!) as Record<string, string>;
const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 8, 0);
const chunkBytes = Number(values['chunk-bytes']);
// The per-record estimate lib/sink/publish.ts uses to cut sends.
const RECORD_OVERHEAD = 80;
// The partitioner lib/sink/publish.ts uses: no murmur2 for a one-partition topic (same answer).
const partitioner: ICustomPartitioner = () => {
  const hashed = Partitioners.DefaultPartitioner();
  return (args) => (args.partitionMetadata.length === 1 && args.message.partition == null ? args.partitionMetadata[0].partitionId : hashed(args));
};

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'rest2kafka-bench-produce', brokers: values.brokers!.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: partitioner });
  await producer.connect();
  let records = 0;
  let batch: Message[] = [];
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await producer.send({ topic, messages: batch, acks: -1 });
    records += batch.length;
    batch = [];
    size = 0;
  };
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(values.file!, { highWaterMark: 8 << 20 }) as AsyncIterable<Buffer>) {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      const tab = data.indexOf(9, start);
      const key = data.subarray(start, tab);
      const value = data.subarray(tab + 1, nl);
      const bytes = RECORD_OVERHEAD + key.length + value.length + headerBytes;
      if (size + bytes > chunkBytes) await flush();
      batch.push({ key, value, headers });
      size += bytes;
      start = nl + 1;
    }
    rest = data.subarray(start);
  }
  await flush();
  await producer.disconnect();
  process.stdout.write(`${JSON.stringify({ records })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`produce ceiling failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
