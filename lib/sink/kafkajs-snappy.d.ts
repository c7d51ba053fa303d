/** kafkajs-snappy ships no types: a kafkajs codec factory (see lib/sink/codecs.ts). */
declare module 'kafkajs-snappy' {
  const codec: () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  export = codec;
}
