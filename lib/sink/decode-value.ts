/**
 * Avro record values back to plain objects, for `replay` and the tests: values in the Confluent
 * wire format (content-type `application/vnd.confluent.avro`) by their schema id, from the
 * Schema Registry, or else by the fingerprint header from the local `.avsc` files; bare Avro
 * values (`avro/binary`) by the fingerprint header.
 *
 * Registry lookups are asynchronous and the per-value path is not: {@link AvroValueDecoder.prefetch}
 * fetches a batch's unknown schema ids once, then {@link AvroValueDecoder.decode} is synchronous.
 */
import { Type, type Schema } from 'avsc';
import type { IHeaders } from 'kafkajs';
import type { CompiledSchema } from '../validation/schemas';
import { CONFLUENT_AVRO, CONTENT_TYPES } from './encode';
import type { SchemaRegistry } from './schema-registry';
import { MAGIC_BYTE, parseFramed } from './wire-format';

export interface AvroValueDecoder {
  /**
   * Fetches the writer schemas of the framed values among `messages` that are not known yet.
   *
   * @throws {SchemaRegistryError} the registry is unreachable or does not know an id.
   */
  prefetch(messages: Iterable<{ value: Buffer | null; headers?: IHeaders }>): Promise<void>;
  /**
   * The value as an object, or `undefined` when it is not Avro or no schema is known for it
   * (a framed value whose id was not prefetched, a fingerprint with no local file).
   *
   * @throws {Error} the bytes do not decode with the writer schema.
   */
  decode(value: Buffer, headers: IHeaders): Record<string, unknown> | undefined;
}

/**
 * @example
 * const decoder = createAvroValueDecoder({ schemas: loadSchemas(dir).values(), registry });
 * await decoder.prefetch(batch.messages);
 * const record = decoder.decode(message.value, message.headers);
 */
export function createAvroValueDecoder(options: { schemas?: Iterable<CompiledSchema>; registry?: SchemaRegistry }): AvroValueDecoder {
  const byFingerprint = new Map([...(options.schemas ?? [])].map((s) => [s.fingerprint, s.type]));
  const byId = new Map<number, Type>();
  const fromFingerprint = (headers: IHeaders): Type | undefined => {
    const fingerprint = header(headers, 'r2k-schema-fingerprint');
    return fingerprint === undefined ? undefined : byFingerprint.get(fingerprint);
  };
  return {
    async prefetch(messages) {
      const { registry } = options;
      if (!registry) return;
      const wanted = new Set<number>();
      for (const message of messages) {
        const { value } = message;
        // The magic byte first: a JSON value (never starting with it) is spared the header lookup.
        if (value && value[0] === MAGIC_BYTE && header(message.headers ?? {}, 'content-type') === CONFLUENT_AVRO) {
          const { schemaId } = parseFramed(value);
          if (!byId.has(schemaId)) wanted.add(schemaId);
        }
      }
      for (const id of wanted) {
        // 'auto', not 'never' as for our own schemas: a writer schema from the registry may
        // have unions only wrapping tells apart, and decoding must not refuse it.
        byId.set(id, Type.forSchema((await registry.schemaById(id)) as Schema, { wrapUnions: 'auto' }));
      }
    },
    decode(value, headers) {
      const type = header(headers, 'content-type');
      if (type === CONFLUENT_AVRO) {
        const { schemaId, body } = parseFramed(value);
        const writer = byId.get(schemaId) ?? fromFingerprint(headers);
        return writer?.fromBuffer(body) as Record<string, unknown> | undefined;
      }
      if (type === CONTENT_TYPES.avro) return fromFingerprint(headers)?.fromBuffer(value) as Record<string, unknown> | undefined;
      return undefined;
    },
  };
}

/** A header's text (the first value when repeated). */
function header(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
