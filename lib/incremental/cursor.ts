/**
 * Reading a record's cursor value (`incremental.cursor_path`, dlt §8.2). dlt evaluates the path
 * as JSONPath; a record has one cursor, so it is a field path (`meta.updated_at`,
 * `versions[0].at`: JSONPath's names and indexes, see `selection/field-path.ts`). A plain field
 * name, the common case, is read directly without parsing, so any key works.
 */
import { compileFieldPath, getPath, MISSING } from '../selection/field-path';

/** Returns the cursor value of a record, or {@link MISSING} when the path matches nothing. */
export type CursorReader = (record: unknown) => unknown;

const PLAIN_NAME = /^[^.[\]$*]+$/;

/**
 * Compiles a cursor path once, for use on every record.
 *
 * @example
 * compileCursor('meta.updated_at')({ meta: { updated_at: '2024-01-01' } }); // '2024-01-01'
 */
export function compileCursor(cursorPath: string): CursorReader {
  if (PLAIN_NAME.test(cursorPath)) {
    return (record) => {
      if (typeof record !== 'object' || record === null) return MISSING;
      return Object.prototype.hasOwnProperty.call(record, cursorPath)
        ? (record as Record<string, unknown>)[cursorPath]
        : MISSING;
    };
  }
  const segments = compileFieldPath(cursorPath);
  return (record) => getPath(record, segments);
}
