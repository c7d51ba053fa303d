import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { encodeRecordFast, encodesPackedSends, fastPathsWarning, groupMessagesPerPartition, type RecordArgs } from '../../../lib/sink/kafkajs-fast-paths';
import { rngFor, type Rng } from '../../../lib/simulator/random';

// kafkajs's own implementations, the reference the fast paths must match byte for byte.
/* eslint-disable @typescript-eslint/no-require-imports */
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (args: RecordArgs) => { buffer: Buffer };
const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition') as typeof groupMessagesPerPartition;
const Encoder = require('kafkajs/src/protocol/encoder') as new (size?: number) => { buf: Buffer; offset: number; buffer: Buffer };
/* eslint-enable @typescript-eslint/no-require-imports */

const SEED = Number(process.env.R2K_FAULT_SEED ?? 20261128);

function text(rng: Rng, max: number): string {
  const alphabet = ['a', 'Z', '0', '-', ' ', 'é', '€', '漢', '😀', '\u0000'];
  return Array.from({ length: Math.floor(rng() * max) }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
}

function bytes(rng: Rng, max: number): Buffer {
  return Buffer.from(Array.from({ length: Math.floor(rng() * max) }, () => Math.floor(rng() * 256)));
}

/** A key or value as rest2kafka and its tests send them: a string, a Buffer, or null (tombstone). */
function data(rng: Rng, max: number): string | Buffer | null {
  const r = rng();
  return r < 0.1 ? null : r < 0.5 ? text(rng, max) : bytes(rng, max);
}

function randomRecord(rng: Rng): RecordArgs {
  const headers: Record<string, string | Buffer | (string | Buffer)[]> = {};
  const count = Math.floor(rng() * 6);
  for (let h = 0; h < count; h++) {
    const r = rng();
    headers[text(rng, 30) || `h${h}`] = r < 0.5 ? text(rng, 80) : r < 0.8 ? bytes(rng, 80) : [text(rng, 10), bytes(rng, 10)];
  }
  // Offsets and timestamp deltas across the varint size boundaries (1 to 8 bytes), negatives too.
  const scale = 2 ** Math.floor(rng() * 50);
  return {
    offsetDelta: Math.floor(rng() * 2 ** Math.floor(rng() * 30)),
    timestampDelta: Math.floor((rng() - 0.2) * scale),
    key: data(rng, 40),
    value: data(rng, rng() < 0.05 ? 20_000 : 600),
    headers,
  };
}

describe('encodeRecordFast', () => {
  it(`writes exactly kafkajs's bytes for 3,000 random records (seed ${SEED})`, () => {
    const rng = rngFor(SEED, 1, 1);
    for (let i = 0; i < 3000; i++) {
      const args = randomRecord(rng);
      const shown = () => JSON.stringify(args).slice(0, 300);
      const fast = encodeRecordFast(args, Encoder);
      if (fast === null) throw new Error(`record ${i} fell back to kafkajs: ${shown()}`);
      expect(fast.buffer.equals(kafkajsRecord(args).buffer) ? 'same' : `record ${i} differs: ${shown()}`).toBe('same');
    }
  });

  it("matches kafkajs's defaults: no offset or timestamp delta, no headers", () => {
    const args = { key: 'INC-1', value: Buffer.from('{"id":"INC-1"}') };
    expect(encodeRecordFast(args, Encoder)!.buffer).toEqual(kafkajsRecord(args).buffer);
  });

  it('returns a kafkajs Encoder (what RecordBatch concatenates)', () => {
    const encoder = encodeRecordFast({ key: 'k', value: 'v' }, Encoder)!;
    expect(encoder).toBeInstanceOf(Encoder);
    expect(encoder.offset).toBe(encoder.buffer.length);
  });

  it.each<[string, RecordArgs]>([
    ['a number as key', { key: 42, value: 'v' }],
    ['an object as value', { key: 'k', value: { a: 1 } }],
    ['a header value that is neither string nor Buffer', { key: 'k', value: 'v', headers: { n: 7 } }],
    ['a timestamp delta past 2^52', { key: 'k', value: 'v', timestampDelta: 2 ** 53 }],
    ['a fractional offset delta', { key: 'k', value: 'v', offsetDelta: 1.5 }],
  ])('leaves %s to kafkajs (null)', (_name, args) => {
    expect(encodeRecordFast(args, Encoder)).toBeNull();
  });
});

describe('groupMessagesPerPartition', () => {
  it('groups exactly as kafkajs does, order kept within each partition', () => {
    const rng = rngFor(SEED, 2, 2);
    const messages = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i}`, value: String(i) }));
    const partitionMetadata = [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }];
    const assignment = messages.map(() => Math.floor(rng() * 3));
    const partitioner = ({ message }: { message: { key?: unknown } }) => assignment[Number(String(message.key).slice(1))];
    const args = { topic: 't', partitionMetadata, messages, partitioner };
    expect(groupMessagesPerPartition(args)).toEqual(kafkajsGrouping(args));
  });

  it('is empty without partition metadata, as kafkajs', () => {
    const args = { topic: 't', partitionMetadata: [], messages: [{ key: 'a', value: 'b' }], partitioner: () => 0 };
    expect(groupMessagesPerPartition(args)).toEqual({});
  });
});

describe('installKafkajsFastPaths (in a fresh Node process)', () => {
  const root = path.resolve(__dirname, '../../..');
  const REPLACED = ['producer/groupMessagesPerPartition', 'protocol/recordBatch/record/v0', 'protocol/recordBatch/record/v0/decoder', 'protocol/requests/produce/v3/request'];
  // jest has its own module registry, so the install is checked where it matters: plain Node.
  const probe = (env: Record<string, string>, loadKafkajsFirst = false) => {
    const script = `
      const jiti = require('jiti').createJiti(${JSON.stringify(path.join(root, 'package.json'))});
      ${loadKafkajsFirst ? "require('kafkajs');" : ''}
      const fast = jiti(${JSON.stringify(path.join(root, 'lib/sink/kafkajs-fast-paths.ts'))});
      const status = fast.installKafkajsFastPaths();
      require('kafkajs');
      const replaced = ${JSON.stringify(REPLACED)}.map((m) => fast.isFastPath(require('kafkajs/src/' + m)));
      console.log(JSON.stringify({ status, replaced: replaced.every(Boolean) ? true : replaced.some(Boolean) ? replaced : false, packed: fast.encodesPackedSends() }));`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' })) as { status: string; replaced: boolean };
  };

  it('replaces all four modules before kafkajs loads; sends are then packed', () => {
    expect(probe({})).toEqual({ status: 'installed', replaced: true, packed: true });
  });

  it('R2K_KAFKAJS_FAST_PATHS=0 leaves kafkajs as shipped, and sends are messages', () => {
    expect(probe({ R2K_KAFKAJS_FAST_PATHS: '0' })).toEqual({ status: 'disabled', replaced: false, packed: false });
  });

  it('does nothing once kafkajs is loaded (it would be half-patched)', () => {
    expect(probe({}, true)).toEqual({ status: 'kafkajs already loaded', replaced: false, packed: false });
  });

  it('sends messages where kafkajs comes from another module registry, even if the install succeeded in Node\'s (jest here)', () => {
    expect(encodesPackedSends()).toBe(false);
  });

  it('a publisher without them is warned at start-up, naming why; installed or disabled on purpose is not', () => {
    expect(fastPathsWarning('installed')).toBeNull();
    expect(fastPathsWarning('disabled')).toBeNull();
    expect(fastPathsWarning('kafkajs already loaded')).toMatch(/^kafkajs fast paths are off: kafkajs was loaded before lib\/preload\.ts .*R2K_KAFKAJS_FAST_PATHS=0/);
    expect(fastPathsWarning('kafkajs 2.3.0 is not 2.2.4')).toMatch(/^kafkajs fast paths are off: kafkajs 2\.3\.0 is not 2\.2\.4\./);
  });
});
