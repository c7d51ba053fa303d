/**
 * Deduplication hashes for records at the incremental start boundary (§8.4). The hash is part
 * of the persisted state, so its format is fixed: SHA-256 over {@link stableStringify} of the
 * primary key value (one key), the array of key values (compound keys, in declared order) or the
 * whole record (no primary key), first 128 bits, base64url.
 */
import { createHash } from 'node:crypto';
import { ResponseError } from '../errors';

/**
 * JSON with object keys sorted at every level, so equal records hash equally whatever order
 * the API serialised their fields in.
 *
 * @example
 * stableStringify({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * The deduplication hash of one record. `primaryKey` empty means "no primary key": the whole
 * record is hashed. A record lacking a key field is an error naming the field.
 */
export function recordHash(record: unknown, primaryKey: readonly string[], resource = ''): string {
  let subject: unknown = record;
  if (primaryKey.length > 0) {
    const values = primaryKey.map((key) => {
      const holder = record as Record<string, unknown> | null;
      if (typeof holder !== 'object' || holder === null || !Object.prototype.hasOwnProperty.call(holder, key)) {
        throw new ResponseError(
          `resource "${resource}": incremental deduplication needs primary key field "${key}", which a record lacks`,
          { context: { resource, field: key } },
        );
      }
      return holder[key];
    });
    subject = values.length === 1 ? values[0] : values;
  }
  return createHash('sha256').update(stableStringify(subject)).digest('base64url').slice(0, 22);
}
