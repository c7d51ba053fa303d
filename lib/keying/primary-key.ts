/**
 * The Kafka record key: a stable encoding of a record's primary key. The same record must get
 * the same key bytes on every run and from every producer, or compaction keeps duplicates and
 * the murmur2 partitioner scatters one entity over several partitions.
 */

/**
 * Computes a record's key, or `null` when the record has no usable primary key. Compiled
 * once per resource by {@link compileKey}; `fields` and `label` describe it in messages.
 */
export interface KeyOf {
  (record: unknown): string | null;
  /** The primary-key fields in declared order. */
  readonly fields: readonly string[];
  /** How messages name the key: `id`, or `[tenant,id]` for a compound key. */
  readonly label: string;
}

/**
 * Compiles a primary key into a {@link KeyOf}.
 *
 * Encoding (the README copies this table):
 *
 * | primary key | field values | key |
 * |---|---|---|
 * | `id` | `"INC00042"` | `INC00042` (the string itself, no quotes) |
 * | `id` | `42` | `42` |
 * | `id` | `true` | `true` |
 * | `[tenant, id]` | `"acme"`, `42` | `["acme",42]` (JSON array, declared order, no spaces) |
 * | any | missing, `null`, object, array, non-finite number | `null`: no key |
 *
 * Numbers use JavaScript's shortest round-trip form, the same as JSON: integers print as plain
 * digits up to 1e21 (so every id an API can send as a safe integer is plain), larger or tiny
 * magnitudes use exponent form (`1e+21`, `1e-7`), and `1.0` from the API is `1` because JSON
 * parsing cannot tell them apart. A single string key is used as is, so the string `"42"` and
 * the number `42` share the key `42`; compound keys keep them apart (`["42"]` vs `[42]`).
 *
 * A `null` key is never published to a compacted topic: the pipeline dead-letters the record.
 * An empty primary key yields a function that always returns `null` (append-only resources).
 *
 * @example
 * const keyOf = compileKey(['tenant', 'id']);
 * keyOf({ tenant: 'acme', id: 7 }); // '["acme",7]'
 */
export function compileKey(primaryKey: readonly string[]): KeyOf {
  const fields = Object.freeze([...primaryKey]);
  const label = fields.length === 1 ? fields[0] : `[${fields.join(',')}]`;
  let keyOf: (record: unknown) => string | null;
  if (fields.length === 0) keyOf = () => null;
  else if (fields.length === 1) keyOf = singleKey(fields[0]);
  else keyOf = compoundKey(fields);
  return Object.assign(keyOf, { fields, label });
}

function singleKey(field: string): (record: unknown) => string | null {
  return (record) => {
    if (typeof record !== 'object' || record === null) return null;
    const value = (record as Record<string, unknown>)[field];
    if (typeof value === 'string') return value;
    return isScalarKey(value) ? String(value) : null;
  };
}

function compoundKey(fields: readonly string[]): (record: unknown) => string | null {
  const count = fields.length;
  return (record) => {
    if (typeof record !== 'object' || record === null) return null;
    const values: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const value = (record as Record<string, unknown>)[fields[i]];
      if (typeof value !== 'string' && !isScalarKey(value)) return null;
      values[i] = value;
    }
    return JSON.stringify(values);
  };
}

/** Numbers and booleans; strings are handled by the callers' fast path. */
function isScalarKey(value: unknown): value is number | boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
