/** dlt's `include_from_parent` for dependent resources (dlt §9): parent fields copied onto child records. */
import { ResponseError } from '../errors';
import { isJsonObject } from '../selection/json-object';

/**
 * Copies `include_from_parent` fields onto child records as `_<parent>_<key>`. A key the parent
 * record lacks is an error even when there are no child records, as in dlt.
 *
 * @example
 * includeFromParent([{ body: 'hi' }], 'posts', { id: 7, title: 't' }, ['id']); // [{ body: 'hi', _posts_id: 7 }]
 */
export function includeFromParent(
  records: readonly unknown[],
  parentName: string,
  parentRecord: Record<string, unknown>,
  keys: readonly string[],
): Record<string, unknown>[] {
  const extra: Record<string, unknown> = {};
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(parentRecord, key)) {
      throw new ResponseError(
        `include_from_parent: field "${key}" is missing from a record of parent resource "${parentName}"; available fields: ${Object.keys(parentRecord).join(', ') || '(none)'}`,
        { context: { parent: parentName, field: key } },
      );
    }
    extra[`_${parentName}_${key}`] = parentRecord[key];
  }
  return records.map((record) => {
    if (!isJsonObject(record)) {
      throw new ResponseError(`include_from_parent: a child record of parent "${parentName}" is not an object`, {
        context: { parent: parentName },
      });
    }
    return { ...record, ...extra };
  });
}
