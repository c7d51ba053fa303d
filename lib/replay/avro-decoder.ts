/**
 * Avro values as objects, for the DuckDB target: the writer schema is the local `.avsc` whose
 * fingerprint the record's `r2k-schema-fingerprint` header names (README, "Schemas and dead
 * letters"). A value whose fingerprint matches no local schema is left undecoded.
 */
import type { CompiledSchema } from '../validation/schemas';
import { header, type AvroDecoder } from './value-json';

/** @example const decode = schemaDecoder(loadSchemas('schemas').values()) */
export function schemaDecoder(schemas: Iterable<CompiledSchema>): AvroDecoder {
  const byFingerprint = new Map([...schemas].map((s) => [s.fingerprint, s]));
  return (value, headers) => {
    const fingerprint = header(headers, 'r2k-schema-fingerprint');
    return fingerprint === undefined ? undefined : byFingerprint.get(fingerprint)?.type.fromBuffer(value);
  };
}
