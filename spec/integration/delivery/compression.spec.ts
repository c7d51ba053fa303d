/**
 * Every `delivery.compression` codec, produced by `run` to the real broker and read back by two
 * readers we did not write the decoder of: kcat (librdkafka decodes all of Kafka's codecs) and
 * kafkajs with the registered codecs, which also shows the batches on the broker carry the codec.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { COMPRESSION_TYPES, registerCodecs } from '../../../lib/sink/codecs';
import { readAllFromStart, testBrokers } from '../../support/kafka';
import { incidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';

const run = promisify(execFile);
const INCIDENTS = 120;
let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: INCIDENTS, services: 3 });
});
afterAll(async () => {
  await sim.close();
  await Promise.all(pipelines.map((p) => p.remove()));
});

/** Counts decompress calls per codec while `work` runs. */
async function countingDecompressions<T>(type: CompressionTypes, work: () => Promise<T>): Promise<{ result: T; calls: number }> {
  registerCodecs();
  const table = CompressionCodecs as Record<number, () => { decompress(buffer: Buffer): Promise<Buffer> }>;
  const original = table[type];
  let calls = 0;
  table[type] = () => {
    const codec = original();
    return { ...codec, decompress: (buffer: Buffer) => ((calls += 1), codec.decompress(buffer)) };
  };
  try {
    return { result: await work(), calls };
  } finally {
    table[type] = original;
  }
}

async function kcatValues(topic: string): Promise<Map<string, unknown>> {
  const { stdout } = await run('kcat', ['-C', '-b', testBrokers().join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%k\t%s\n'], { maxBuffer: 64 * 1024 * 1024 });
  return new Map(stdout.trim().split('\n').map((line) => {
    const tab = line.indexOf('\t');
    return [line.slice(0, tab), JSON.parse(line.slice(tab + 1)) as unknown];
  }));
}

it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('%s: produced by run, read back equal to the API by kcat and by kafkajs', async (codec) => {
  const pipeline = await writePipeline(`codec-${codec}`, { simulator: sim, resources: [incidentsResource({}, 40)], delivery: { compression: codec } });
  pipelines.push(pipeline);
  const result = await runCli(['run', '--config', pipeline.file]);
  // The test config's literal API key draws its own warning; nothing else may warn.
  expect(result.stderr.split('\n').filter((l) => /"level":"(error|warn)"/.test(l) && !l.includes('a literal secret'))).toEqual([]);
  expect(result.code).toBe(0);
  const expected = new Map((await sim.control.snapshot('incidents')).records.map((r) => [(r as { id: string }).id, r]));

  expect(await kcatValues(pipeline.topic('incidents'))).toEqual(expected);

  const { result: records, calls } = await countingDecompressions(COMPRESSION_TYPES[codec], () => readAllFromStart(pipeline.topic('incidents')));
  expect(calls).toBeGreaterThan(0);
  expect(new Map(records.map((r) => [r.key!, JSON.parse(r.value!.toString()) as unknown]))).toEqual(expected);
});
