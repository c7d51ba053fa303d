/**
 * The invalid-config table (dlt's INVALID_CONFIGS style): each config is paired with the
 * error code, the issue code and exact path of its first problem, and a message fragment.
 */
import { ConfigError } from '../../../lib/errors';
import type { Issue, IssueCode } from '../../../lib/config/validator';
import { validateConfig } from '../../../lib/config/validate';

type Json = Record<string, unknown>;

const client = { base_url: 'https://api.example.com' };
/** A bare source config with the given resources (and extra top-level keys). */
const src = (resources: unknown[], extra: Json = {}): Json => ({ client, resources, ...extra });
/** A one-resource source whose endpoint is `endpoint`. */
const withEndpoint = (endpoint: Json): Json => src([{ name: 'a', endpoint }]);
const withPaginator = (paginator: unknown): Json => withEndpoint({ path: 'a', paginator });
const pipeline = (extra: Json): Json => ({ source: src(['a']), ...extra });

interface Row {
  name: string;
  config: unknown;
  module?: boolean;
  issue: IssueCode;
  path: string;
  fragment: string;
}

const noop = (): void => undefined;

const ROWS: Row[] = [
  // structure
  { name: 'root is not an object', config: [], issue: 'CONFIG_TYPE', path: '', fragment: 'expected a dlt source config (client, resources), got a list' },
  { name: 'top-level typo', config: { clinet: client, resources: ['a'] }, issue: 'CONFIG_UNKNOWN_KEY', path: 'clinet', fragment: 'did you mean "client"?' },
  { name: 'client missing', config: { resources: ['a'] }, issue: 'CONFIG_REQUIRED', path: 'client', fragment: 'required' },
  { name: 'resources missing', config: { client }, issue: 'CONFIG_REQUIRED', path: 'resources', fragment: 'required' },
  { name: 'resources empty', config: src([]), issue: 'CONFIG_VALUE', path: 'resources', fragment: 'must not be empty' },
  { name: 'client key typo', config: { client: { base_ulr: 'x', base_url: 'x' }, resources: ['a'] }, issue: 'CONFIG_UNKNOWN_KEY', path: 'client.base_ulr', fragment: 'did you mean "base_url"?' },
  { name: 'endpoint key with no close match lists the known keys', config: withEndpoint({ zzz: 1 }), issue: 'CONFIG_UNKNOWN_KEY', path: 'resources[0].endpoint.zzz', fragment: 'known: path, method, params, json, data, headers' },
  { name: 'client session is not supported', config: { client: { ...client, session: {} }, resources: ['a'] }, issue: 'CONFIG_UNKNOWN_KEY', path: 'client.session', fragment: 'not supported by rest2kafka' },
  { name: 'resource_defaults cannot set name', config: src(['a'], { resource_defaults: { name: 'x' } }), issue: 'CONFIG_UNKNOWN_KEY', path: 'resource_defaults.name', fragment: 'cannot set a name' },
  { name: 'pipeline key typo', config: pipeline({ kafak: {} }), issue: 'CONFIG_UNKNOWN_KEY', path: 'kafak', fragment: 'did you mean "kafka"?' },
  // types and ranges
  {
    name: 'limit as a string (the issue\'s example)',
    config: src(['a', { name: 'b', endpoint: { path: 'b', paginator: { type: 'offset', limit: '100' } } }]),
    issue: 'CONFIG_TYPE', path: 'resources[1].endpoint.paginator.limit', fragment: 'expected an integer, got "100"',
  },
  {
    name: 'pipeline paths start at source',
    config: { source: src([{ name: 'a', endpoint: { paginator: { type: 'offset', limit: 1.5 } } }]) },
    issue: 'CONFIG_TYPE', path: 'source.resources[0].endpoint.paginator.limit', fragment: 'expected an integer, got 1.5',
  },
  { name: 'negative max_retries', config: { client: { ...client, max_retries: -1 }, resources: ['a'] }, issue: 'CONFIG_VALUE', path: 'client.max_retries', fragment: 'must be ≥ 0, got -1' },
  { name: 'retry status out of range', config: { client: { ...client, retry_statuses: [429, 600] }, resources: ['a'] }, issue: 'CONFIG_VALUE', path: 'client.retry_statuses[1]', fragment: 'must be ≤ 599' },
  { name: 'selected as a string', config: src([{ name: 'a', selected: 'yes' }]), issue: 'CONFIG_TYPE', path: 'resources[0].selected', fragment: 'expected a boolean, got "yes"' },
  { name: 'unterminated ${ template', config: { client: { base_url: '${BASE_URL' }, resources: ['a'] }, issue: 'CONFIG_VALUE', path: 'client.base_url', fragment: 'unterminated "${"' },
  { name: 'malformed secret reference', config: { client: { ...client, auth: { token: { $secret: '' } } }, resources: ['a'] }, issue: 'CONFIG_VALUE', path: 'client.auth.token', fragment: '"$secret" must name a secret' },
  { name: 'secret reference with extra keys', config: { client: { ...client, auth: { token: { $secret: 'x', default: 'y' } } }, resources: ['a'] }, issue: 'CONFIG_VALUE', path: 'client.auth.token', fragment: 'only the "$secret" key' },
  // enums
  { name: 'paginator type typo', config: withPaginator({ type: 'ofset', limit: 10 }), issue: 'CONFIG_ENUM', path: 'resources[0].endpoint.paginator.type', fragment: '"ofset" is not a paginator type; known: offset, page_number, cursor, json_link, header_link, header_cursor, single_page, auto; did you mean "offset"?' },
  { name: 'unknown paginator shorthand', config: withPaginator('pages'), issue: 'CONFIG_ENUM', path: 'resources[0].endpoint.paginator', fragment: '"pages" is not a paginator type' },
  { name: 'method PUT', config: withEndpoint({ method: 'PUT' }), issue: 'CONFIG_ENUM', path: 'resources[0].endpoint.method', fragment: '"PUT" is not an HTTP method; known: GET, POST' },
  { name: 'lower-case method (case-sensitive, as dlt)', config: withEndpoint({ method: 'get' }), issue: 'CONFIG_ENUM', path: 'resources[0].endpoint.method', fragment: 'known: GET, POST' },
  { name: 'auth type typo', config: { client: { ...client, auth: { type: 'bearr', token: 't' } }, resources: ['a'] }, issue: 'CONFIG_ENUM', path: 'client.auth.type', fragment: 'did you mean "bearer"?' },
  { name: 'api_key location', config: { client: { ...client, auth: { type: 'api_key', api_key: 'k', location: 'body' } }, resources: ['a'] }, issue: 'CONFIG_ENUM', path: 'client.auth.location', fragment: 'known: header, query, param, cookie' },
  { name: 'write disposition', config: src([{ name: 'a', write_disposition: 'upsert' }]), issue: 'CONFIG_ENUM', path: 'resources[0].write_disposition', fragment: 'known: append, replace, merge, skip' },
  { name: 'schema_contract mode', config: src([{ name: 'a', schema_contract: 'strict' }]), issue: 'CONFIG_ENUM', path: 'resources[0].schema_contract', fragment: 'known: evolve, freeze, discard_row, discard_value' },
  { name: 'last_value_func', config: withEndpoint({ incremental: { cursor_path: 'u', last_value_func: 'maximum' } }), issue: 'CONFIG_ENUM', path: 'resources[0].endpoint.incremental.last_value_func', fragment: 'known: max, min' },
  { name: 'column data type', config: src([{ name: 'a', columns: { id: { data_type: 'string' } } }]), issue: 'CONFIG_ENUM', path: 'resources[0].columns.id.data_type', fragment: '"string" is not a dlt data type' },
  { name: 'special param type', config: withEndpoint({ path: 'a', params: { x: { type: 'magic' } } }), issue: 'CONFIG_ENUM', path: 'resources[0].endpoint.params.x.type', fragment: 'known: resolve, incremental' },
  { name: 'param object without type', config: withEndpoint({ path: 'a', params: { x: { a: 1 } } }), issue: 'CONFIG_REQUIRED', path: 'resources[0].endpoint.params.x.type', fragment: 'known: resolve, incremental' },
  { name: 'value format', config: pipeline({ delivery: { value_format: 'protobuf' } }), issue: 'CONFIG_ENUM', path: 'delivery.value_format', fragment: 'known: json, avro' },
  { name: 'registry url', config: pipeline({ delivery: { schema_registry: { url: 'registry:8081' } } }), issue: 'CONFIG_VALUE', path: 'delivery.schema_registry.url', fragment: 'is not an http(s) URL' },
  { name: 'registry url with credentials', config: pipeline({ delivery: { schema_registry: { url: 'https://svc:url-password-sentinel@registry:8081' } } }), issue: 'CONFIG_VALUE', path: 'delivery.schema_registry.url', fragment: 'holds credentials (user:password@); put them in delivery.schema_registry.username and password' },
  { name: 'registry without url', config: pipeline({ delivery: { schema_registry: { username: 'u' } } }), issue: 'CONFIG_REQUIRED', path: 'delivery.schema_registry.url', fragment: '' },
  { name: 'subject name strategy', config: pipeline({ delivery: { schema_registry: { url: 'http://sr', subject_name_strategy: 'TopicNameStrategy' } } }), issue: 'CONFIG_ENUM', path: 'delivery.schema_registry.subject_name_strategy', fragment: 'known: topic, record, topic_record' },
  { name: 'coordination mode', config: pipeline({ coordination: { mode: 'standbye' } }), issue: 'CONFIG_ENUM', path: 'coordination.mode', fragment: 'did you mean "standby"' },
  { name: 'coordination session timeout under the broker minimum', config: pipeline({ coordination: { session_timeout_ms: 1000 } }), issue: 'CONFIG_VALUE', path: 'coordination.session_timeout_ms', fragment: '6000' },
  { name: 'compression codec', config: pipeline({ delivery: { compression: 'brotli' } }), issue: 'CONFIG_ENUM', path: 'delivery.compression', fragment: 'known: none, gzip, snappy, lz4, zstd' },
  { name: 'SASL mechanism', config: pipeline({ kafka: { sasl: { mechanism: 'gssapi', username: 'u', password: { $secret: 'p' } } } }), issue: 'CONFIG_ENUM', path: 'kafka.sasl.mechanism', fragment: 'known: plain, scram-sha-256, scram-sha-512' },
  { name: 'topic name placeholder', config: pipeline({ topics: { name: 'x.{resource}' } }), issue: 'CONFIG_VALUE', path: 'topics.name', fragment: '"{resource}" is not a topic name placeholder; known: {name}, {table_name}' },
  { name: 'pipeline name that cannot name a topic', config: { ...pipeline({}), pipeline_name: 'my pipeline' }, issue: 'CONFIG_VALUE', path: 'pipeline_name', fragment: 'not a valid Kafka topic name' },
  // impossible combinations
  { name: '"offset" shorthand (limit required)', config: withPaginator('offset'), issue: 'CONFIG_VALUE', path: 'resources[0].endpoint.paginator', fragment: 'limit is required' },
  {
    name: 'offset paginator without a stop condition',
    config: withPaginator({ type: 'offset', limit: 10, total_path: null, stop_after_empty_page: false }),
    issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.paginator', fragment: 'offset paginator has no stop condition',
  },
  {
    name: 'page_number paginator without a stop condition',
    config: withPaginator({ type: 'page_number', total_path: null, stop_after_empty_page: false, maximum_page: null }),
    issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.paginator', fragment: 'page_number paginator has no stop condition',
  },
  { name: 'offset param and body path', config: withPaginator({ type: 'offset', limit: 10, offset_param: 'o', offset_body_path: 'p.o' }), issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.paginator', fragment: 'set offset_param or offset_body_path, not both' },
  { name: 'cursor param and body path', config: withPaginator({ type: 'cursor', cursor_param: 'c', cursor_body_path: 'c' }), issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.paginator', fragment: 'set cursor_param or cursor_body_path, not both' },
  { name: 'empty page_param', config: withPaginator({ type: 'page_number', page_param: '' }), issue: 'CONFIG_VALUE', path: 'resources[0].endpoint.paginator.page_param', fragment: 'must not be empty' },
  { name: 'json and data', config: withEndpoint({ method: 'POST', json: { a: 1 }, data: { b: 'c' } }), issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint', fragment: 'json and data cannot both be set' },
  { name: 'duplicate names', config: src(['a', { name: 'b' }, { name: 'a' }]), issue: 'CONFIG_CONFLICT', path: 'resources[2].name', fragment: 'duplicate resource name "a" (also resources[0])' },
  { name: 'duplicate string shorthands', config: src(['a', 'a']), issue: 'CONFIG_CONFLICT', path: 'resources[1]', fragment: 'duplicate resource name "a"' },
  {
    name: 'parent does not exist',
    config: src(['issues', { name: 'comments', endpoint: { path: 'issues/{resources.issue.id}/comments' } }]),
    issue: 'CONFIG_REFERENCE', path: 'resources[1].endpoint.path', fragment: 'parent resource "issue" does not exist; known: issues, comments; did you mean "issues"?',
  },
  {
    name: 'parent of a legacy resolve param does not exist',
    config: src(['a', { name: 'b', endpoint: { path: 'b/{id}', params: { id: { type: 'resolve', resource: 'zz', field: 'id' } } } }]),
    issue: 'CONFIG_REFERENCE', path: 'resources[1].endpoint.params.id', fragment: 'parent resource "zz" does not exist',
  },
  {
    name: 'several parents',
    config: src(['a', 'b', { name: 'c', endpoint: { path: 'c/{resources.a.id}', params: { b: '{resources.b.id}' } } }]),
    issue: 'CONFIG_REFERENCE', path: 'resources[2].endpoint', fragment: 'several parent resources (a, b)',
  },
  {
    name: 'dependency cycle',
    config: src([{ name: 'a', endpoint: 'a/{resources.b.id}' }, { name: 'b', endpoint: 'b/{resources.a.id}' }]),
    issue: 'CONFIG_REFERENCE', path: 'resources[0].endpoint', fragment: 'dependency cycle: a → b → a',
  },
  {
    name: 'resolve param not bound in the path',
    config: src(['a', { name: 'b', endpoint: { path: 'b', params: { a_id: { type: 'resolve', resource: 'a', field: 'id' } } } }]),
    issue: 'CONFIG_REFERENCE', path: 'resources[1].endpoint.params.a_id', fragment: 'resolve param "a_id" is not bound in path "b"',
  },
  { name: 'placeholder with an unknown context', config: withEndpoint({ path: 'a', params: { since: '{state.last}' } }), issue: 'CONFIG_REFERENCE', path: 'resources[0].endpoint.params.since', fragment: 'has an unknown context; valid: resources.<parent>.<field>, incremental.<attr>' },
  { name: 'path placeholder that is not a param', config: withEndpoint({ path: 'a/{id}/b' }), issue: 'CONFIG_REFERENCE', path: 'resources[0].endpoint.path', fragment: 'placeholder "{id}" in the path is not a param' },
  { name: 'incremental placeholder without incremental', config: withEndpoint({ path: 'a', params: { since: '{incremental.start_value}' } }), issue: 'CONFIG_REFERENCE', path: 'resources[0].endpoint.params.since', fragment: 'needs endpoint.incremental' },
  { name: 'resources placeholder without a field', config: src(['a', { name: 'b', endpoint: 'b/{resources.a}' }]), issue: 'CONFIG_REFERENCE', path: 'resources[1].endpoint', fragment: 'must have the form {resources.<resource>.<field>}' },
  { name: 'unbalanced brace', config: withEndpoint({ path: 'a', headers: { 'X-Q': 'a}b' } }), issue: 'CONFIG_VALUE', path: 'resources[0].endpoint.headers.X-Q', fragment: 'single "}"' },
  { name: 'end_value without initial_value', config: withEndpoint({ incremental: { cursor_path: 'u', end_value: 10 } }), issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.incremental.end_value', fragment: 'end_value requires initial_value' },
  { name: 'end_value below initial_value for max', config: withEndpoint({ incremental: { cursor_path: 'u', initial_value: 10, end_value: 5 } }), issue: 'CONFIG_VALUE', path: 'resources[0].endpoint.incremental.end_value', fragment: 'must not be below initial_value' },
  { name: 'end_value in the incremental param form', config: withEndpoint({ params: { since: { type: 'incremental', cursor_path: 'u', end_value: 3 } } }), issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.params.since.end_value', fragment: 'not allowed in the { type: "incremental" } param form' },
  { name: 'end_param in the incremental param form', config: withEndpoint({ params: { since: { type: 'incremental', cursor_path: 'u', end_param: 'until' } } }), issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.params.since.end_param', fragment: 'not allowed' },
  {
    name: 'two incremental params',
    config: withEndpoint({ params: { a: { type: 'incremental', cursor_path: 'u' }, b: { type: 'incremental', cursor_path: 'v' } } }),
    issue: 'CONFIG_CONFLICT', path: 'resources[0].endpoint.params', fragment: 'only one incremental param is allowed per endpoint; found a, b',
  },
  { name: 'include_from_parent without a parent', config: src([{ name: 'a', include_from_parent: ['id'] }]), issue: 'CONFIG_CONFLICT', path: 'resources[0].include_from_parent', fragment: 'needs a parent resource' },
  { name: 'merge strategy with replace', config: src([{ name: 'a', write_disposition: { disposition: 'replace', strategy: 'upsert' } }]), issue: 'CONFIG_CONFLICT', path: 'resources[0].write_disposition.strategy', fragment: 'applies only to disposition "merge"' },
  { name: 'processing step with two functions', config: src([{ name: 'a', processing_steps: [{ map: noop, filter: noop }] }]), module: true, issue: 'CONFIG_VALUE', path: 'resources[0].processing_steps[0]', fragment: 'exactly one of filter, map, yield_map' },
  // functions only where dlt accepts callables, and only from module configs
  { name: 'function outside a module config', config: src([{ name: 'a', processing_steps: [{ map: noop }] }]), issue: 'CONFIG_FUNCTION', path: 'resources[0].processing_steps[0].map', fragment: 'only allowed in module configs' },
  { name: 'processing step that is not a function', config: src([{ name: 'a', processing_steps: [{ filter: 'x > 1' }] }]), issue: 'CONFIG_TYPE', path: 'resources[0].processing_steps[0].filter', fragment: 'expected a function, got "x > 1"' },
  { name: 'function where dlt takes none', config: withEndpoint({ path: noop }), module: true, issue: 'CONFIG_TYPE', path: 'resources[0].endpoint.path', fragment: 'expected a string, got a function' },
  { name: 'custom paginator outside a module config', config: withPaginator({ first: noop, next: noop }), issue: 'CONFIG_FUNCTION', path: 'resources[0].endpoint.paginator.first', fragment: 'only allowed in module configs' },
  { name: 'response action with a non-callable action', config: withEndpoint({ response_actions: [{ status_code: 404, action: 7 }] }), issue: 'CONFIG_TYPE', path: 'resources[0].endpoint.response_actions[0].action', fragment: 'expected a string, a function or a list of functions' },
];

function issuesOf(row: Pick<Row, 'config' | 'module'>): { error: ConfigError; issues: Issue[] } {
  try {
    validateConfig(row.config, { env: {}, module: row.module });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error, issues: error.context.issues as Issue[] };
  }
  throw new Error('expected a ConfigError');
}

describe('invalid configs', () => {
  it('has a row for every rule (at least 30)', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS)('$name → $issue at "$path"', (row) => {
    const { error, issues } = issuesOf(row);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.context.path).toBe(row.path);
    expect(issues[0]).toMatchObject({ path: row.path, code: row.issue });
    expect(issues[0].message).toContain(row.fragment);
    expect(error.message).toContain(`  ${row.path || '(top level)'}: ${issues[0].message}`);
  });

  it('a registry URL with credentials is refused without echoing them', () => {
    const { error } = issuesOf(ROWS.find((r) => r.name === 'registry url with credentials')!);
    expect(error.message).not.toContain('url-password-sentinel');
  });
});

describe('error collection', () => {
  it('lists every problem, one per line, with the first path in the context', () => {
    const config = {
      client: { base_url: 'x', timeout_ms: 'soon' },
      resources: [
        { name: 'a', endpoint: { paginator: { type: 'offset', limit: '100' } } },
        { name: 'a', endpoint: { method: 'PUT' } },
      ],
    };
    const { error, issues } = issuesOf({ config });
    expect(issues.map((i) => i.path)).toEqual([
      'client.timeout_ms',
      'resources[0].endpoint.paginator.limit',
      'resources[1].endpoint.method',
      'resources[1].name',
    ]);
    expect(error.message.split('\n')).toHaveLength(1 + issues.length);
    expect(error.message).toContain('(4 problems)');
    expect(error.context.path).toBe('client.timeout_ms');
  });

  it('names the file when given one', () => {
    expect(() => validateConfig({ client }, { file: '/x/pipeline.yaml', env: {} })).toThrow('Invalid configuration in /x/pipeline.yaml (1 problem)');
  });
});

describe('secret values in validation messages', () => {
  const SECRET = 'sk_live_4242424242';
  it.each([
    ['an auth string that is a pasted token', { auth: SECRET }, 'client.auth', '"s*****2" is not an auth type'],
    ['a token of the wrong type', { auth: { token: 424242424242 } }, 'client.auth.token', 'got "*****"'],
    ['a password of the wrong type', { auth: { type: 'http_basic', username: 'u', password: [SECRET] } }, 'client.auth.password', 'got a list'],
  ])('%s is masked dlt-style', (_name, extra, path, fragment) => {
    const { error, issues } = issuesOf({ config: { client: { ...client, ...extra }, resources: ['a'] } });
    expect(issues[0].path).toBe(path);
    expect(error.message).toContain(fragment);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('424242');
  });

  it('masks values shorter than 3 characters completely', () => {
    const { error } = issuesOf({ config: { client: { ...client, auth: 'ab' }, resources: ['a'] } });
    expect(error.message).toContain('"*****" is not an auth type');
  });
});
