/**
 * Checks a page of records against its resource's schema and dlt's `schema_contract` mode.
 *
 * Called once per page on the hot path: a record that is valid costs one compiled avsc check
 * and a push. Only failing records pay for error collection, key computation and messages.
 * Bad records are values here, never exceptions: the caller dead-letters, counts or fails.
 */
import type { Type, types } from 'avsc';
import type { SchemaContractMode } from '../config/types';
import type { KeyOf } from '../keying/primary-key';
import { isJsonObject } from '../selection/json-object';
import type { CompiledSchema } from './schemas';
import { findUndeclaredFields } from './undeclared-fields';

/** A record that was set aside, with why and where. */
export interface RejectedRecord {
  /** The record as received. */
  readonly record: unknown;
  readonly key: string | null;
  /** One line naming the record key, the schema and each failing path. */
  readonly reason: string;
  /** Failing field paths, e.g. `priority`, `assignees[2].email`; empty when the record is not an object. */
  readonly paths: string[];
}

/** A record published without some of its fields (`discard_value`). */
export interface TrimmedRecord {
  readonly key: string | null;
  /** The undeclared field paths that were removed. */
  readonly paths: string[];
}

export interface PageValidation {
  /** Records to publish, in page order; under `discard_value` some are trimmed copies. */
  readonly valid: Record<string, unknown>[];
  /** Wrong types, missing required fields, non-objects, and (`freeze`) undeclared fields. */
  readonly invalid: RejectedRecord[];
  /** `discard_row`: records dropped for carrying undeclared fields. dlt drops them silently; we report them. */
  readonly discarded: RejectedRecord[];
  /** `discard_value`: records whose undeclared fields were removed before publishing. */
  readonly trimmed: TrimmedRecord[];
}

/** How many failing paths one record reports; a 10,000-element array of bad items says enough with 20. */
const MAX_PATHS = 20;
/** How many of those the one-line reason spells out. */
const MAX_REASON_PATHS = 5;
const MAX_VALUE_CHARS = 40;

const STRICT = { noUndeclaredFields: true } as const;

/**
 * Validates one page.
 *
 * Contract modes (dlt's names): `evolve` lets undeclared fields through unchanged; `freeze`
 * makes them invalid; `discard_row` sets the record aside in `discarded`; `discard_value`
 * publishes a copy without them and reports it in `trimmed`. A wrong type or a missing required
 * field is invalid in every mode. A field typed `["null", T]` accepts a bare JSON `null` or `T`,
 * and may be absent when the schema gives it a default.
 *
 * @example
 * const { valid, invalid } = validatePage(page.records, schemas.get('incidents')!, 'evolve', compileKey(['id']));
 * invalid[0]?.reason; // 'record id=INC00042 does not match schema incidents: priority: expected null or string, got 5'
 */
export function validatePage(
  records: readonly unknown[],
  schema: CompiledSchema,
  contract: SchemaContractMode,
  keyOf: KeyOf,
): PageValidation {
  const result: PageValidation = { valid: [], invalid: [], discarded: [], trimmed: [] };
  const { type } = schema;
  const fastCheck = contract === 'evolve' ? undefined : STRICT;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (isJsonObject(record) && type.isValid(record, fastCheck)) result.valid.push(record);
    else classify(record, i, schema, contract, keyOf, result);
  }
  return result;
}

function classify(
  record: unknown,
  index: number,
  schema: CompiledSchema,
  contract: SchemaContractMode,
  keyOf: KeyOf,
  result: PageValidation,
): void {
  const key = keyOf(record);
  const who = key === null ? `record #${index} (no ${keyOf.label})` : `record ${keyOf.label}=${key}`;
  if (!isJsonObject(record)) {
    const reason = `${who} does not match schema ${schema.name}: expected an object, got ${describeValue(record)}`;
    result.invalid.push({ record, key, reason, paths: [] });
    return;
  }
  const errors = typeErrors(record, schema.type);
  if (errors.paths.length > 0) {
    const reason = `${who} does not match schema ${schema.name}: ${summarise(errors.details, errors.total)}`;
    result.invalid.push({ record, key, reason, paths: errors.paths });
    return;
  }
  const { paths, pruned } = findUndeclaredFields(record, schema.type);
  // avsc and the walker agree on what is undeclared; an empty list is defensive, not expected.
  if (paths.length === 0) {
    result.valid.push(record);
    return;
  }
  const fields = `undeclared field${paths.length === 1 ? '' : 's'} ${paths.join(', ')}`;
  if (contract === 'discard_value') {
    result.valid.push(pruned as Record<string, unknown>);
    result.trimmed.push({ key, paths });
  } else if (contract === 'discard_row') {
    const reason = `${who} discarded (schema_contract discard_row, schema ${schema.name}): ${fields}`;
    result.discarded.push({ record, key, reason, paths });
  } else {
    const reason = `${who} does not match schema ${schema.name} (schema_contract freeze): ${fields}`;
    result.invalid.push({ record, key, reason, paths });
  }
}

interface TypeErrors {
  paths: string[];
  details: string[];
  total: number;
}

function typeErrors(record: Record<string, unknown>, type: Type): TypeErrors {
  const errors: TypeErrors = { paths: [], details: [], total: 0 };
  type.isValid(record, {
    errorHook(segments: string[], value: unknown, failed: Type) {
      errors.total++;
      if (errors.paths.length >= MAX_PATHS) return;
      const path = formatPath(segments, record);
      errors.paths.push(path);
      errors.details.push(`${path}: expected ${describeType(failed)}, got ${describeValue(value)}`);
    },
  });
  return errors;
}

function summarise(details: string[], total: number): string {
  const shown = details.slice(0, MAX_REASON_PATHS).join('; ');
  return total > MAX_REASON_PATHS ? `${shown}; and ${total - MAX_REASON_PATHS} more` : shown;
}

/**
 * avsc reports a path as bare segments (`['assignees', '2', 'email']`); walking the record
 * alongside tells array indexes from field names and map keys that merely look numeric.
 */
function formatPath(segments: readonly string[], root: unknown): string {
  let path = '';
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

function describeType(type: Type): string {
  switch (type.typeName) {
    case 'union:unwrapped':
    case 'union:wrapped':
      return (type as types.UnwrappedUnionType).types.map(describeType).join(' or ');
    case 'record':
    case 'error':
      return `record ${shortName(type)}`;
    case 'enum':
      return `one of ${(type as types.EnumType).symbols.join(', ')}`;
    case 'array':
      return `array of ${describeType((type as types.ArrayType).itemsType)}`;
    case 'map':
      return `map of ${describeType((type as types.MapType).valuesType as Type)}`;
    default:
      return type.typeName.startsWith('logical:') ? describeType((type as types.LogicalType).underlyingType) : type.typeName;
  }
}

function shortName(type: Type): string {
  const name = type.name ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}
