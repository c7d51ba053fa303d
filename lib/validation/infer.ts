/**
 * Infers a readable Avro record schema from sample records, for resources that have no
 * `.avsc` yet (`rest2kafka schema` writes it for review).
 *
 * avsc's `Type.forValue` + `combine` was the obvious tool, but it names nothing, types
 * `2.5` as `float` (lossy for JSON numbers), and has no notion of "absent in some records".
 * Inferring here instead gives: a field seen `null` or missing in any sample becomes
 * `["null", T]` with default `null`; whole numbers become `long`, any fraction `double`;
 * nested objects become named records (`<parent>_<field>`), or maps when their keys are not
 * Avro names; mixed kinds become a union. Guesses that need a human get a `doc` saying so.
 */
import type { Type } from 'avsc';
import { isJsonObject } from '../selection/json-object';

/** An Avro schema as JSON. */
export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

/** What was seen at one position (a field, the items of an array, the values of a map). */
interface Shape {
  /** Values present at this position, null included. */
  present: number;
  nulls: number;
  booleans: number;
  integers: number;
  fractions: number;
  strings: number;
  arrays: number;
  items: Shape | null;
  objects: number;
  fields: Map<string, Shape> | null;
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Infers the schema of `records` (non-objects among them are ignored). With no object sample
 * the record has no fields; callers that can, should sample more pages first.
 *
 * @example
 * inferSchema([{ id: 'a', n: 1 }, { id: 'b', n: null }], 'things');
 * // { type: 'record', name: 'things', namespace: 'rest2kafka', doc: '…',
 * //   fields: [{ name: 'id', type: 'string' }, { name: 'n', type: ['null', 'long'], default: null }] }
 */
export function inferSchema(records: readonly unknown[], name: string, namespace = 'rest2kafka'): AvroSchema {
  const root = emptyShape();
  let samples = 0;
  for (const record of records) {
    if (!isJsonObject(record)) continue;
    observe(root, record);
    samples++;
  }
  // A record field needs an Avro name; a top-level key that is not one cannot be declared.
  const unnamable = [...(root.fields ?? new Map()).keys()].filter((k) => !AVRO_NAME.test(k));
  for (const key of unnamable) root.fields?.delete(key);
  const recordName = avroName(name);
  const used = new Set<string>([recordName]);
  let doc = `Inferred by rest2kafka from ${samples} sample record${samples === 1 ? '' : 's'}; review before committing.`;
  if (unnamable.length > 0) doc += ` Left out (not Avro names): ${unnamable.join(', ')}.`;
  return { type: 'record', name: recordName, namespace, doc, fields: recordFields(root, recordName, used) };
}

/**
 * Pretty-prints a schema as `.avsc` text: one line per field where it fits, so a review
 * reads like a table. Accepts the JSON or a compiled avsc type.
 */
export function formatSchema(schema: AvroSchema | Type): string {
  const json = isAvscType(schema) ? (schema.schema({ exportAttrs: true }) as AvroSchema) : schema;
  return `${pretty(json, '')}\n`;
}

function emptyShape(): Shape {
  return {
    present: 0, nulls: 0, booleans: 0, integers: 0, fractions: 0, strings: 0,
    arrays: 0, items: null, objects: 0, fields: null,
  };
}

function observe(shape: Shape, value: unknown): void {
  shape.present++;
  if (value === null) shape.nulls++;
  else if (typeof value === 'boolean') shape.booleans++;
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) shape.integers++;
    else shape.fractions++;
  } else if (typeof value === 'string') shape.strings++;
  else if (Array.isArray(value)) {
    shape.arrays++;
    shape.items ??= emptyShape();
    for (const item of value) observe(shape.items, item);
  } else if (typeof value === 'object') {
    shape.objects++;
    shape.fields ??= new Map();
    for (const [key, inner] of Object.entries(value)) {
      let field = shape.fields.get(key);
      if (field === undefined) shape.fields.set(key, (field = emptyShape()));
      observe(field, inner);
    }
  }
}

function recordFields(shape: Shape, recordName: string, used: Set<string>): object[] {
  const fields: object[] = [];
  for (const [name, field] of shape.fields ?? []) {
    const missing = shape.objects - field.present;
    const { type, doc } = typeOf(field, `${recordName}_${avroName(name)}`, used, missing > 0);
    const nullable = Array.isArray(type) && type[0] === 'null';
    fields.push({ name, type, ...(nullable ? { default: null } : {}), ...(doc ? { doc } : {}) });
  }
  return fields;
}

function typeOf(shape: Shape, name: string, used: Set<string>, optional: boolean): { type: AvroSchema; doc?: string } {
  const branches: AvroSchema[] = [];
  const notes: string[] = [];
  if (shape.booleans > 0) branches.push('boolean');
  if (shape.fractions > 0) branches.push('double');
  else if (shape.integers > 0) branches.push('long');
  if (shape.strings > 0) branches.push('string');
  if (shape.arrays > 0) {
    const items = shape.items as Shape;
    if (items.present === 0) {
      notes.push('Only empty arrays were seen: the item type is a guess, review it.');
      branches.push({ type: 'array', items: 'string' });
    } else {
      const inner = typeOf(items, `${name}_item`, used, false);
      if (inner.doc) notes.push(`Items: ${inner.doc}`);
      branches.push({ type: 'array', items: inner.type });
    }
  }
  if (shape.objects > 0) branches.push(objectType(shape, name, used, notes));
  const onlyNull = branches.length === 0;
  if (onlyNull) {
    notes.push('Only null was seen: the type is a guess, review it.');
    branches.push('string');
  }
  if (branches.length > 1) notes.push(`Seen as ${branches.map(kindName).join(' and ')}.`);
  const nullable = optional || onlyNull || shape.nulls > 0;
  const all = nullable ? ['null', ...branches] : branches;
  return { type: all.length === 1 ? all[0] : all, ...(notes.length > 0 ? { doc: notes.join(' ') } : {}) };
}

function objectType(shape: Shape, name: string, used: Set<string>, notes: string[]): AvroSchema {
  const fields = shape.fields as Map<string, Shape>;
  const keys = [...fields.keys()];
  if (keys.length > 0 && keys.every((k) => AVRO_NAME.test(k))) {
    const recordName = uniqueName(name, used);
    return { type: 'record', name: recordName, fields: recordFields(shape, recordName, used) };
  }
  notes.push(keys.length === 0 ? 'Only empty objects were seen: inferred as a map of strings, review it.' : 'Keys are not Avro names: inferred as a map.');
  const values = emptyShape();
  for (const field of fields.values()) mergeInto(values, field);
  if (values.present === 0) return { type: 'map', values: 'string' };
  return { type: 'map', values: typeOf(values, `${name}_value`, used, false).type };
}

function mergeInto(target: Shape, source: Shape): void {
  target.present += source.present;
  target.nulls += source.nulls;
  target.booleans += source.booleans;
  target.integers += source.integers;
  target.fractions += source.fractions;
  target.strings += source.strings;
  target.arrays += source.arrays;
  if (source.items) mergeInto((target.items ??= emptyShape()), source.items);
  target.objects += source.objects;
  for (const [key, field] of source.fields ?? []) {
    target.fields ??= new Map();
    let existing = target.fields.get(key);
    if (existing === undefined) target.fields.set(key, (existing = emptyShape()));
    mergeInto(existing, field);
  }
}

function kindName(branch: AvroSchema): string {
  return typeof branch === 'string' ? branch : String((branch as { type: string }).type);
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name}_${n}`;
  used.add(candidate);
  return candidate;
}

/** Avro names allow letters, digits and `_`, and cannot start with a digit. */
function avroName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) || cleaned === '' ? `_${cleaned}` : cleaned;
}

const LINE_WIDTH = 100;

/** `lead` is what precedes the value on its line (indent and key), counted against the width. */
function pretty(value: unknown, indent: string, lead = indent.length): string {
  const flat = inline(value);
  // +1 for a trailing comma.
  if (lead + flat.length + 1 <= LINE_WIDTH || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return `${inner}${key}${pretty(v, inner, inner.length + key.length)}`;
  });
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

function isAvscType(value: unknown): value is Type {
  return typeof (value as Type | null)?.schema === 'function' && typeof (value as Type).typeName === 'string';
}
