import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { COMPRESSIONS } from '../../../lib/config/types';
import { COMPRESSION_TYPES, registerCodecs } from '../../../lib/sink/codecs';

type Codec = { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
const codec = (type: CompressionTypes): Codec => (CompressionCodecs as Record<number, () => Codec>)[type]();

// Simulator-like records: repetitive JSON, as a record batch's body would hold.
const body = Buffer.from(Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `P${i}`, status: i % 3 ? 'resolved' : 'triggered', urgency: 'high', title: `Disk full on host-${i % 7}` })).join(''));

describe('codecs', () => {
  beforeAll(registerCodecs);

  it('maps every delivery.compression value to a kafkajs attribute', () => {
    expect(Object.keys(COMPRESSION_TYPES).sort()).toEqual([...COMPRESSIONS].sort());
    expect(COMPRESSION_TYPES).toEqual({ none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 });
  });

  it.each([
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const)('%s compresses a batch body and decompresses it back', async (_name, type) => {
    const packed = await codec(type).compress({ buffer: body });
    expect(packed.length).toBeLessThan(body.length / 3);
    expect(await codec(type).decompress(packed)).toEqual(body);
  });

  // What other clients expect inside a record batch: librdkafka and the Java client read LZ4
  // frames (KIP-57) and zstd frames, not bare blocks.
  it('writes the LZ4 frame format and zstd frames', async () => {
    expect((await codec(CompressionTypes.LZ4).compress({ buffer: body })).readUInt32LE(0)).toBe(0x184d2204);
    expect((await codec(CompressionTypes.ZSTD).compress({ buffer: body })).readUInt32LE(0)).toBe(0xfd2fb528);
  });

  it('reads the xerial-framed snappy the Java producer writes', async () => {
    const block = await codec(CompressionTypes.Snappy).compress({ buffer: body });
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(block.length);
    expect(await codec(CompressionTypes.Snappy).decompress(Buffer.concat([header, size, block]))).toEqual(body);
  });
});
