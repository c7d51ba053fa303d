/**
 * Finds the fields a record carries that its schema does not declare, at any depth, and
 * optionally returns a copy without them. This is the slow path of the non-`evolve` schema
 * contracts: validation first asks avsc whether there is anything undeclared at all.
 *
 * avsc's own `noUndeclaredFields` check stops at the first record that has extra fields, so it
 * can say *whether* but not *which*; this walker names every one.
 */
import type { Type, types } from 'avsc';

/** Undeclared field paths (`severity`, `team.slack`, `assignees[1].phone`) and the pruned value. */
export interface UndeclaredFields {
  readonly paths: string[];
  /** The input with undeclared fields removed; the very input object when there were none. */
  readonly pruned: unknown;
}

/**
 * Walks `value` along `type`. Call only with values that are valid for `type` apart from
 * undeclared fields (validation checks that first), so union branches can be picked by kind.
 */
export function findUndeclaredFields(value: unknown, type: Type): UndeclaredFields {
  const paths: string[] = [];
  const pruned = walk(value, type, '', paths);
  return { paths, pruned };
}

function walk(value: unknown, type: Type, path: string, out: string[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  switch (type.typeName) {
    case 'record':
    case 'error':
      return walkRecord(value as Record<string, unknown>, type as types.RecordType, path, out);
    case 'array':
      return walkArray(value as unknown[], (type as types.ArrayType).itemsType, path, out);
    case 'map':
      return walkMap(value as Record<string, unknown>, (type as types.MapType).valuesType as Type, path, out);
    case 'union:unwrapped': {
      const branch = branchFor(value, (type as types.UnwrappedUnionType).types);
      return branch === undefined ? value : walk(value, branch, path, out);
    }
    default:
      return value;
  }
}

function walkRecord(record: Record<string, unknown>, type: types.RecordType, path: string, out: string[]): unknown {
  let copy: Record<string, unknown> | null = null;
  for (const name of Object.keys(record)) {
    const fieldPath = path === '' ? name : `${path}.${name}`;
    const field = type.field(name);
    if (field === undefined) {
      out.push(fieldPath);
      copy ??= { ...record };
      delete copy[name];
      continue;
    }
    const inner = record[name];
    const walked = walk(inner, field.type, fieldPath, out);
    if (walked !== inner) {
      copy ??= { ...record };
      copy[name] = walked;
    }
  }
  return copy ?? record;
}

function walkArray(items: unknown[], itemType: Type, path: string, out: string[]): unknown {
  let copy: unknown[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const walked = walk(items[i], itemType, `${path}[${i}]`, out);
    if (walked !== items[i]) {
      copy ??= items.slice();
      copy[i] = walked;
    }
  }
  return copy ?? items;
}

function walkMap(map: Record<string, unknown>, valueType: Type, path: string, out: string[]): unknown {
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(map)) {
    // Same form as record fields: avsc's error paths cannot tell map keys from field names.
    const walked = walk(map[key], valueType, `${path}.${key}`, out);
    if (walked !== map[key]) {
      copy ??= { ...map };
      copy[key] = walked;
    }
  }
  return copy ?? map;
}

/** An unwrapped union holds at most one branch per kind of JSON value, so the kind decides. */
function branchFor(value: object, branches: readonly Type[]): Type | undefined {
  const wanted = Array.isArray(value) ? ['array'] : ['record', 'error', 'map'];
  return branches.find((b) => wanted.includes(b.typeName));
}
