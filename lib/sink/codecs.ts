/**
 * Kafka's compression codecs for kafkajs, which implements only gzip itself and looks the others
 * up in its global `CompressionCodecs` table: for producing (`delivery.compression`) and for
 * reading topics that any producer compressed (`replay`, the state topic). Registered by
 * {@link createKafka} in every thread that makes a client, since each worker thread loads its
 * own kafkajs.
 *
 * The packages, chosen for being maintained and installing from the npm registry alone
 * (npm 11 gates install scripts, and CI cannot download binaries from elsewhere):
 * - zstd: `@mongodb-js/zstd` 1.x (MongoDB's driver codec; napi-rs, prebuilt per platform as npm
 *   packages). 2.x and later build or download at install time; `@kafkajs/zstd` needs a
 *   node-gyp build of `cppzst`.
 * - lz4: `lz4-napi` (napi-rs over lz4_flex, prebuilt per platform). Kafka's record batches use
 *   the LZ4 frame format, which its `compressFrame`/`decompressFrame` write and read.
 *   `kafkajs-lz4` depends on `lz4` 0.6, a node-gyp addon last released in 2019.
 * - snappy: `kafkajs-snappy` (kafkajs's own codec, pure JS over snappyjs). It reads the xerial
 *   framing the Java client writes, which a bare snappy binding does not.
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import snappyCodec from 'kafkajs-snappy';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import type { Compression } from '../config/types';

/** kafkajs's codec shape: `encoder.buffer` holds the record batch's records. */
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** zstd's default level, as librdkafka and the Java client use. */
const ZSTD_LEVEL = 3;

const lz4: Codec = { compress: (encoder) => compressFrame(encoder.buffer), decompress: (buffer) => decompressFrame(buffer) };
const zstd: Codec = { compress: (encoder) => zstdCompress(encoder.buffer, ZSTD_LEVEL), decompress: (buffer) => zstdDecompress(buffer) };

/** `delivery.compression` as the kafkajs attribute. */
export const COMPRESSION_TYPES: Readonly<Record<Compression, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * Puts snappy, lz4 and zstd into kafkajs's codec table (idempotent).
 *
 * @example registerCodecs(); producer.send({ topic, messages, compression: COMPRESSION_TYPES.zstd })
 */
export function registerCodecs(): void {
  const table = CompressionCodecs as Record<CompressionTypes, () => Codec>;
  table[CompressionTypes.Snappy] = snappyCodec;
  table[CompressionTypes.LZ4] = () => lz4;
  table[CompressionTypes.ZSTD] = () => zstd;
}
