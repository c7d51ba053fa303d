/**
 * DuckDB column types for a resource's Avro schema: the table a replay builds has the
 * schema's fields as columns, nested records as STRUCTs, arrays as LISTs, maps as MAPs.
 */
import { types, type Type } from 'avsc';

/** The column holding the Kafka key: what a refresh matches changed and deleted rows by. */
export const KEY_COLUMN = '_r2k_key';

/** A column name or a STRUCT field name, quoted for DuckDB. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * `[name, DuckDB type]` for the key column and each top-level field of a record type.
 *
 * @example avroColumns(schemas.get('incidents').type) // [['_r2k_key', 'VARCHAR'], ['id', 'VARCHAR'], …]
 */
export function avroColumns(record: Type): [string, string][] {
  // compileSchema refuses any other top-level type.
  const fields = record instanceof types.RecordType ? record.fields : [];
  return [[KEY_COLUMN, 'VARCHAR'], ...fields.map((f): [string, string] => [f.name, duckdbType(f.type)])];
}

const PRIMITIVES: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  enum: 'VARCHAR',
  // Bytes reach the table as base64 text (see value-json.ts).
  bytes: 'VARCHAR',
  fixed: 'VARCHAR',
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
};

/**
 * The DuckDB type of an Avro type. A union of `null` and one type is that type (DuckDB columns
 * are nullable); any other union has no single DuckDB type and is kept as JSON. Logical types
 * are their underlying type: rest2kafka's records are API JSON, where a timestamp is text.
 */
export function duckdbType(type: Type): string {
  if (type instanceof types.RecordType) return `STRUCT(${type.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
  if (type instanceof types.ArrayType) return `${duckdbType(type.itemsType)}[]`;
  if (type instanceof types.MapType) return `MAP(VARCHAR, ${duckdbType(type.valuesType as Type)})`;
  if (type instanceof types.LogicalType) return duckdbType(type.underlyingType);
  if (type instanceof types.UnwrappedUnionType || type instanceof types.WrappedUnionType) {
    const present = type.types.filter((t) => t.typeName !== 'null');
    return present.length === 1 ? duckdbType(present[0]) : 'JSON';
  }
  return PRIMITIVES[type.typeName] ?? 'JSON';
}
