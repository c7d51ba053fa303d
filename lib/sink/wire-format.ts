/**
 * The Confluent wire format of a value: magic byte 0, the writer schema's registry id as a
 * 4-byte big-endian integer, then the Avro binary body. Kafka Connect's AvroConverter, ksqlDB,
 * Flink's avro-confluent, Spark's from_avro and the Confluent serdes all read it
 * (https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format).
 */

export const MAGIC_BYTE = 0;
/** Bytes before the Avro body. */
export const PREFIX_BYTES = 5;

/** Writes the 5-byte prefix at `offset`. */
export function writePrefix(buffer: Buffer, offset: number, schemaId: number): void {
  buffer[offset] = MAGIC_BYTE;
  buffer.writeUInt32BE(schemaId, offset + 1);
}

/**
 * Splits a framed value into its schema id and Avro body (a view, not a copy).
 *
 * @example parseFramed(value) // { schemaId: 7, body: <Buffer …> }
 * @throws {Error} the value is too short or does not start with the magic byte.
 */
export function parseFramed(value: Buffer): { schemaId: number; body: Buffer } {
  if (value.length < PREFIX_BYTES || value[0] !== MAGIC_BYTE) {
    throw new Error(`not in the Confluent wire format (${value.length} bytes, first byte ${value[0] ?? 'none'}; expected magic byte 0 and a 4-byte schema id)`);
  }
  return { schemaId: value.readUInt32BE(1), body: value.subarray(PREFIX_BYTES) };
}
