/**
 * Field tables for dlt's `rest_api_source` config: source, resources, endpoints, incremental
 * (dlt-rest-api.md §1, §5, §8, §10–§12). Client, auth and paginators are in `schema-client.ts`,
 * rest2kafka's pipeline settings in `schema-pipeline.ts`, cross-resource rules in `references.ts`.
 */
import { checkReferences } from './references';
import { auth, client, literal, paginator } from './schema-client';
import type { ResourceConfig } from './types';
import {
  arrayOf, bool, byType, fn, int, join, json, map, nullable, num, object, oneOf, recordOf, report, required, str, tagged,
  type Ctx, type Fields, type Spec,
} from './validator';
import { isPlainObject } from './values';

// ---------------------------------------------------------------- incremental

const incrementalFields: Fields = {
  cursor_path: required(str({ nonEmpty: true })),
  initial_value: json,
  last_value_func: oneOf(['max', 'min'], 'a last_value_func'),
  primary_key: byType({ string: literal({ nonEmpty: true }), array: arrayOf(literal({ nonEmpty: true })) }, 'a column name or a list of them'),
  row_order: nullable(oneOf(['asc', 'desc'], 'a row_order')),
  lag: nullable(num({ min: 0 })),
  on_cursor_value_missing: oneOf(['raise', 'include', 'exclude'], 'an on_cursor_value_missing mode'),
  range_start: oneOf(['open', 'closed'], 'a range bound'),
  range_end: oneOf(['open', 'closed'], 'a range bound'),
  convert: fn,
};

function checkIncremental(inc: Record<string, unknown>, path: string, ctx: Ctx): void {
  const { initial_value: initial, end_value: end } = inc;
  if (end == null) return;
  if (initial == null) {
    report(ctx, `${path}.end_value`, 'CONFIG_CONFLICT', 'end_value requires initial_value');
  } else if (typeof end === typeof initial && (typeof end === 'number' || typeof end === 'string')) {
    const min = inc.last_value_func === 'min';
    if (min ? end > (initial as typeof end) : end < (initial as typeof end)) {
      report(ctx, `${path}.end_value`, 'CONFIG_VALUE', `end_value must not be ${min ? 'above' : 'below'} initial_value for last_value_func "${min ? 'min' : 'max'}"`);
    }
  }
}

const incremental = object('an incremental object', {
  ...incrementalFields,
  end_value: json,
  start_param: nullable(str({ nonEmpty: true })),
  end_param: nullable(str({ nonEmpty: true })),
}, { check: checkIncremental });

const paramObject = tagged('a special param type', {
  resolve: object('a resolve param', { type: oneOf(['resolve'], 'this type'), resource: required(literal({ nonEmpty: true })), field: required(str({ nonEmpty: true })) }),
  incremental: object('an incremental param', { type: oneOf(['incremental'], 'this type'), ...incrementalFields }, {
    forbidden: {
      end_value: 'end_value is not allowed in the { type: "incremental" } param form; use endpoint.incremental instead',
      end_param: 'end_param is not allowed in the { type: "incremental" } param form; use endpoint.incremental instead',
    },
  }),
});

const paramValue: Spec = byType(
  { string: str(), number: num(), boolean: bool, null: () => null, object: paramObject },
  'a scalar or a { type: resolve | incremental } object',
);

// ---------------------------------------------------------------- endpoint

const formValue: Spec = byType({ string: str(), number: map(num(), (n: number) => String(n)), boolean: map(bool, (b: boolean) => String(b)) }, 'a string');
const formPair = map(arrayOf(formValue), (pair: string[], path: string, ctx: Ctx) =>
  pair.length === 2 ? pair : report(ctx, path, 'CONFIG_VALUE', `expected a [name, value] pair, got ${pair.length} items`));

const responseAction: Spec = byType({
  function: fn,
  object: object('a response action', {
    status_code: int({ min: 100, max: 599 }),
    content: str(),
    action: required(byType({ string: str(), function: fn, array: arrayOf(fn) }, 'a string, a function or a list of functions')),
  }, {
    check: (a, path, ctx) => {
      if (typeof a.action !== 'string') return;
      if (a.status_code === undefined && a.content === undefined) ctx.warnings.push(`${path}: has neither status_code nor content, so it never matches`);
      else if (a.action !== 'ignore') ctx.warnings.push(`${path}.action: "${a.action}" does nothing; use "ignore" or a function`);
    },
  }),
}, 'a response action object or a function');

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);

function checkEndpoint(e: Record<string, unknown>, path: string, ctx: Ctx): void {
  if (!isEmpty(e.json) && !isEmpty(e.data)) report(ctx, path, 'CONFIG_CONFLICT', 'json and data cannot both be set: a request has one body');
  const incrementalParams = Object.entries((e.params ?? {}) as Record<string, unknown>)
    .filter(([, v]) => isPlainObject(v) && v.type === 'incremental')
    .map(([k]) => k);
  if (incrementalParams.length > 1) {
    report(ctx, `${path}.params`, 'CONFIG_CONFLICT', `only one incremental param is allowed per endpoint; found ${incrementalParams.join(', ')}`);
  }
}

const endpointObject = object('an endpoint object', {
  path: str(),
  method: oneOf(['GET', 'POST'], 'an HTTP method'),
  params: recordOf(paramValue),
  json,
  data: byType({ object: recordOf(formValue), array: arrayOf(formPair), string: str() }, 'an object, a list of [name, value] pairs or a string'),
  headers: recordOf(str()),
  paginator,
  data_selector: nullable(str()),
  response_actions: arrayOf(responseAction),
  incremental,
  auth,
}, { check: checkEndpoint, checkNeeds: ['json', 'data', 'params'] });

/** A string is shorthand for `{ path }` (kept as written; `defaults.ts` expands it). */
const endpoint: Spec = byType({ string: str(), object: endpointObject }, 'a path or an endpoint object');

// ---------------------------------------------------------------- resource

const keyList = byType({ string: literal({ nonEmpty: true }), array: arrayOf(literal({ nonEmpty: true })) }, 'a column name or a list of them');

const DISPOSITIONS = ['append', 'replace', 'merge', 'skip'];
const writeDisposition = byType({
  string: oneOf(DISPOSITIONS, 'a write disposition'),
  object: object('a write disposition object', {
    disposition: required(oneOf(DISPOSITIONS, 'a write disposition')),
    strategy: oneOf(['delete-insert', 'upsert', 'insert-only', 'scd2'], 'a merge strategy'),
    validity_column_names: arrayOf(literal()),
    active_record_timestamp: json,
    boundary_timestamp: json,
    row_version_column_name: literal(),
    deduplicated: bool,
  }, {
    check: (w, path, ctx) => {
      if (w.strategy !== undefined && w.disposition !== 'merge') report(ctx, `${path}.strategy`, 'CONFIG_CONFLICT', 'a strategy applies only to disposition "merge"');
    },
  }),
}, 'a write disposition or a write disposition object');

const DATA_TYPES = ['text', 'double', 'bool', 'timestamp', 'bigint', 'binary', 'json', 'decimal', 'wei', 'date', 'time'];
const columnFields: Fields = {
  name: literal({ nonEmpty: true }),
  data_type: oneOf(DATA_TYPES, 'a dlt data type'),
  description: str(),
  precision: int({ min: 0 }),
  scale: int({ min: 0 }),
  dedup_sort: oneOf(['asc', 'desc'], 'a dedup_sort order'),
  ...Object.fromEntries(
    ['nullable', 'primary_key', 'merge_key', 'unique', 'sort', 'partition', 'cluster', 'root_key', 'parent_key', 'row_key', 'hard_delete', 'incremental', 'timezone', 'variant']
      .map((hint) => [hint, bool]),
  ),
};
// dlt allows custom hints prefixed `x-`.
const columnHint = object('a column hint object', columnFields, { extraKey: (k) => k.startsWith('x-') });
const columns = byType({
  object: recordOf(columnHint),
  array: map(arrayOf(object('a column hint object', { ...columnFields, name: required(literal({ nonEmpty: true })) }, { extraKey: (k) => k.startsWith('x-') })),
    (list: Record<string, unknown>[]) => Object.fromEntries(list.map(({ name, ...hint }) => [name, hint]))),
}, 'a map of column hints or a list of them');

const processingStep = object('a processing step', { filter: fn, map: fn, yield_map: fn }, {
  check: (step, path, ctx) => {
    if (Object.keys(step).length !== 1) report(ctx, path, 'CONFIG_VALUE', 'a processing step has exactly one of filter, map, yield_map');
  },
});

/** dlt resource hints rest2kafka has no use for: accepted (pasted configs keep working) with a warning. */
const ignored: Spec = (value, path, ctx) => {
  ctx.warnings.push(`${path}: has no effect in rest2kafka and is ignored`);
  return value;
};

const resourceFields: Fields = {
  endpoint,
  primary_key: keyList,
  merge_key: keyList,
  write_disposition: writeDisposition,
  table_name: literal({ nonEmpty: true }),
  columns,
  schema_contract: oneOf(['evolve', 'freeze', 'discard_row', 'discard_value'], 'a schema_contract mode'),
  selected: bool,
  parallelized: bool,
  processing_steps: arrayOf(processingStep),
  include_from_parent: arrayOf(literal({ nonEmpty: true })),
  max_table_nesting: int({ min: 0 }),
  table_format: ignored,
  file_format: ignored,
  references: ignored,
  nested_hints: ignored,
  parent_table_name: ignored,
};

const resource: Spec = byType({
  string: literal({ nonEmpty: true }),
  object: object('a resource object', { name: required(literal({ nonEmpty: true })), ...resourceFields }),
}, 'a resource name or a resource object');

const resourceDefaults = object('a resource_defaults object', resourceFields, {
  unsupported: { name: 'resource_defaults apply to every resource, so they cannot set a name' },
});

/** Resource names must be unique; checked on the raw list so one broken resource does not hide it. */
const resources: Spec = (value, path, ctx) => {
  const out = arrayOf(resource, { nonEmpty: true })(value, path, ctx);
  if (Array.isArray(value)) {
    const names = value.map((r: unknown) => (typeof r === 'string' ? r : isPlainObject(r) && typeof r.name === 'string' ? r.name : undefined));
    names.forEach((name, i) => {
      const first = names.indexOf(name);
      if (name === undefined || first === i) return;
      const at = typeof value[i] === 'string' ? join(path, i) : join(join(path, i), 'name');
      report(ctx, at, 'CONFIG_CONFLICT', `duplicate resource name "${name}" (also resources[${first}])`);
    });
  }
  return out;
};

/** The dlt `rest_api_source` config: `client`, `resources`, optional `resource_defaults`. */
export const source: Spec = object('a dlt source config (client, resources)', {
  client: required(client),
  resources: required(resources),
  resource_defaults: resourceDefaults,
}, {
  // Cross-resource rules need only the resources, so a bad client does not hide them.
  checkNeeds: ['resources', 'resource_defaults'],
  check: (s, path, ctx) => checkReferences(s.resources as (ResourceConfig | string)[], s.resource_defaults as Omit<ResourceConfig, 'name'> | undefined, path, ctx),
});
