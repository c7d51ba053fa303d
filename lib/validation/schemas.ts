/**
 * Loads and compiles the `<resource>.avsc` schemas once, at start-up.
 *
 * Every schema is compiled with `wrapUnions: 'never'`: API records are plain JSON, where a
 * nullable field is `null` or a bare value, never Avro's `{"string": "..."}` wrapping. A schema
 * whose unions could only be told apart by wrapping (e.g. `["int", "double"]`, or two record
 * branches) is therefore refused here, with avsc's reason, instead of rejecting every record
 * at run time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Schema } from 'avsc';
import { ConfigError } from '../errors';

/** A resource's schema, compiled once and shared by validation, encoding and headers. */
export interface CompiledSchema {
  /** Resource name (the `.avsc` file's base name, or the name an inferred schema was given). */
  readonly name: string;
  readonly type: Type;
  /**
   * Hex SHA-256 of the schema's Avro Parsing Canonical Form: docs, defaults and field order
   * of unrelated attributes do not change it, so consumers can use it to pick the `.avsc`.
   */
  readonly fingerprint: string;
  /** The schema as written (or inferred), for logs and for `rest2kafka schema`. */
  readonly json: object;
}

const SCHEMA_EXTENSION = '.avsc';

/**
 * Compiles one schema. `origin` names where it came from (a file path, "inferred from ...")
 * in the error a bad schema raises.
 *
 * @throws {ConfigError} the schema is not valid Avro or its top-level type is not a record.
 */
export function compileSchema(name: string, json: unknown, origin: string): CompiledSchema {
  let type: Type;
  try {
    type = Type.forSchema(json as Schema, { wrapUnions: 'never' });
  } catch (error) {
    throw new ConfigError(`${origin}: invalid Avro schema: ${(error as Error).message}`, {
      cause: error,
      context: { resource: name, file: origin },
    });
  }
  if (type.typeName !== 'record') {
    throw new ConfigError(`${origin}: the top-level type must be a record, not ${type.typeName}`, {
      context: { resource: name, file: origin },
    });
  }
  return { name, type, fingerprint: type.fingerprint('sha256').toString('hex'), json: json as object };
}

/**
 * Reads every `<resource>.avsc` in `dir`, keyed by resource name. A directory that does not
 * exist yields an empty map: resources without a schema get an inferred one.
 *
 * @example
 * const schemas = loadSchemas('schemas');
 * schemas.get('incidents')?.fingerprint; // '6c08…'
 * @throws {ConfigError} a file cannot be read, is not JSON, or is not a valid record schema.
 */
export function loadSchemas(dir: string): Map<string, CompiledSchema> {
  const schemas = new Map<string, CompiledSchema>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(SCHEMA_EXTENSION)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return schemas;
    throw new ConfigError(`schemas directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  for (const file of files) {
    const path = join(dir, file);
    const name = file.slice(0, -SCHEMA_EXTENSION.length);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`${path}: ${(error as Error).message}`, {
        cause: error,
        context: { resource: name, file: path },
      });
    }
    schemas.set(name, compileSchema(name, json, path));
  }
  return schemas;
}
