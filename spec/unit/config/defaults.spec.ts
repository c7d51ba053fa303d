import { applyPipelineDefaults, CLIENT_DEFAULTS, resolveResources } from '../../../lib/config/defaults';
import type { ResolvedResource, ResourceConfig, SourceConfig } from '../../../lib/config/types';

const client = { base_url: 'https://api.example.com' };
const one = (resource: ResourceConfig | string, resource_defaults?: SourceConfig['resource_defaults'], extraClient = {}): ResolvedResource =>
  resolveResources({ client: { ...client, ...extraClient }, resources: [resource], resource_defaults })[0];
const noop = (r: Record<string, unknown>): Record<string, unknown> => r;
const other = (r: Record<string, unknown>): boolean => r.id !== undefined;

describe('resolveResources: dlt defaults', () => {
  it('expands the string shorthand and fills every default', () => {
    expect(one('incidents')).toEqual({
      name: 'incidents',
      tableName: 'incidents',
      endpoint: { path: 'incidents', method: 'GET' },
      primaryKey: [],
      mergeKey: [],
      writeDisposition: 'append',
      columns: {},
      schemaContract: 'evolve',
      selected: true,
      processingSteps: [],
      includeFromParent: [],
      parallelized: null,
      parent: null,
    });
  });

  it.each<[string, ResourceConfig, Partial<ResolvedResource>]>([
    ['endpoint string is the path', { name: 'a', endpoint: '/v1/a' }, { endpoint: { path: '/v1/a', method: 'GET' } }],
    ['missing path defaults to the name', { name: 'a', endpoint: { method: 'POST' } }, { endpoint: { path: 'a', method: 'POST' } }],
    ['primary_key string → list', { name: 'a', primary_key: 'id' }, { primaryKey: ['id'] }],
    ['compound key keeps its order', { name: 'a', primary_key: ['b', 'a'], merge_key: 'day' }, { primaryKey: ['b', 'a'], mergeKey: ['day'] }],
    ['write_disposition object → disposition', { name: 'a', write_disposition: { disposition: 'merge', strategy: 'upsert' } }, { writeDisposition: 'merge' }],
    ['table_name kept', { name: 'a', table_name: 't' }, { tableName: 't' }],
    ['selected false kept', { name: 'a', selected: false }, { selected: false }],
  ])('%s', (_name, resource, expected) => {
    expect(one(resource)).toMatchObject(expected);
  });
});

describe('resolveResources: resource_defaults merge (dlt §12.2)', () => {
  const steps = [{ map: noop }];
  const otherSteps = [{ filter: other }];
  it.each<[string, SourceConfig['resource_defaults'], ResourceConfig | string, (r: ResolvedResource) => unknown, unknown]>([
    ['resource keys win shallowly', { write_disposition: 'merge', primary_key: 'id' }, { name: 'a', write_disposition: 'append' }, (r) => [r.writeDisposition, r.primaryKey], ['append', ['id']]],
    ['a string resource gets the defaults', { primary_key: 'id', write_disposition: 'merge' }, 'a', (r) => [r.primaryKey, r.writeDisposition, r.endpoint.path], [['id'], 'merge', 'a']],
    ['processing_steps are replaced, not concatenated', { processing_steps: steps }, { name: 'a', processing_steps: otherSteps }, (r) => r.processingSteps, otherSteps],
    ['endpoint headers are replaced whole', { endpoint: { headers: { A: '1', B: '2' } } }, { name: 'a', endpoint: { headers: { B: '3' } } }, (r) => r.endpoint.headers, { B: '3' }],
    ['params merge one level, resource wins', { endpoint: { params: { per_page: 30, a: 1 } } }, { name: 'a', endpoint: { params: { per_page: 50, sort: 'x' } } }, (r) => r.endpoint.params, { per_page: 50, a: 1, sort: 'x' }],
    ['json merges one level only', { endpoint: { json: { filter: { x: 1 }, size: 10 } } }, { name: 'a', endpoint: { json: { filter: { y: 2 } } } }, (r) => r.endpoint.json, { filter: { y: 2 }, size: 10 }],
    ['explicit null paginator overrides the default', { endpoint: { paginator: { type: 'offset', limit: 10 } } }, { name: 'a', endpoint: { paginator: null } }, (r) => r.endpoint.paginator, null],
    ['explicit null data_selector overrides the default', { endpoint: { data_selector: 'data' } }, { name: 'a', endpoint: { data_selector: null } }, (r) => r.endpoint.data_selector, null],
    ['default paginator inherited', { endpoint: { paginator: { type: 'offset', limit: 10 } } }, { name: 'a', endpoint: '/v1/a' }, (r) => [r.endpoint.path, r.endpoint.paginator], ['/v1/a', { type: 'offset', limit: 10 }]],
    ['endpoint auth replaces the default auth', { endpoint: { auth: { type: 'bearer', token: 't1' } } }, { name: 'a', endpoint: { auth: { type: 'api_key', api_key: 'k' } } }, (r) => r.endpoint.auth, { type: 'api_key', api_key: 'k' }],
    [
      'columns merge per column',
      { columns: { id: { data_type: 'bigint', nullable: false }, name: { data_type: 'text' } } },
      { name: 'a', columns: { id: { nullable: true }, deleted: { hard_delete: true } } },
      (r) => r.columns,
      { id: { data_type: 'bigint', nullable: true }, name: { data_type: 'text' }, deleted: { hard_delete: true } },
    ],
  ])('%s', (_name, defaults, resource, pick, expected) => {
    expect(pick(one(resource, defaults))).toEqual(expected);
  });
});

describe('resolveResources: single-entity paths (dlt §4.5), after the merge', () => {
  it.each<[string, string, boolean]>([
    ['user/{id}', 'user/{id}', true],
    ['dependent entity', 'posts/{resources.posts.id}', true],
    ['placeholder with a suffix', '/products/{product_id}.json', true],
    ['trailing slash', '/products/{product_id}/', true],
    ['placeholder alone', '{entity}', true],
    ['placeholder not last', '/users/{user_id}/details', false],
    ['empty placeholder', '/{}', false],
    ['fragment after', '/products/{product_id}/#section', false],
  ])('%s → single entity: %s', (_name, path, single) => {
    const r = one({ name: 'x', endpoint: { path } }, undefined, { paginator: { type: 'offset', limit: 5 } });
    expect(r.endpoint.paginator).toEqual(single ? { type: 'single_page' } : undefined);
    expect(r.endpoint.data_selector).toEqual(single ? '$' : undefined);
  });

  it('keeps an endpoint or resource_defaults paginator and selector', () => {
    const r = one({ name: 'x', endpoint: { path: 'u/{id}' } }, { endpoint: { paginator: 'json_link' as never, data_selector: 'item' } });
    expect(r.endpoint.paginator).toBe('json_link');
    expect(r.endpoint.data_selector).toBe('item');
  });

  it('an explicit null paginator still becomes single_page', () => {
    expect(one({ name: 'x', endpoint: { path: 'u/{id}', paginator: null, data_selector: null } }).endpoint).toMatchObject({
      paginator: { type: 'single_page' },
      data_selector: '$',
    });
  });
});

describe('resolveResources: parent detection', () => {
  it.each<[string, ResourceConfig, string | null]>([
    ['path placeholder', { name: 'c', endpoint: 'issues/{resources.issues.id}/comments' }, 'issues'],
    ['params placeholder', { name: 'c', endpoint: { params: { issue: '{resources.issues.id}' } } }, 'issues'],
    ['json placeholder', { name: 'c', endpoint: { method: 'POST', json: { q: { ids: ['{resources.issues.id}'] } } } }, 'issues'],
    ['header placeholder', { name: 'c', endpoint: { headers: { 'X-Issue': '{resources.issues.id}' } } }, 'issues'],
    ['legacy resolve param', { name: 'c', endpoint: { path: 'c/{id}', params: { id: { type: 'resolve', resource: 'issues', field: 'id' } } } }, 'issues'],
    ['escaped braces are not placeholders', { name: 'c', endpoint: { path: 'c', params: { q: '{{resources.issues.id}}' } } }, null],
    ['incremental placeholder is no parent', { name: 'c', endpoint: { params: { since: '{incremental.start_value}' }, incremental: { cursor_path: 'u' } } }, null],
  ])('%s', (_name, resource, parent) => {
    expect(one(resource).parent).toBe(parent);
  });
});

describe('applyPipelineDefaults', () => {
  const source: SourceConfig = { client, resources: ['a'] };

  it('fills every documented default', () => {
    const p = applyPipelineDefaults({ source });
    expect(p).toEqual({
      pipeline_name: 'rest2kafka',
      source: { client: { ...client, ...CLIENT_DEFAULTS }, resources: ['a'] },
      kafka: { brokers: ['127.0.0.1:9092'], client_id: 'rest2kafka', connection_timeout_ms: 30000, request_timeout_ms: 30000 },
      topics: { name: '{table_name}', prefix: '', partitions: 1, replication_factor: 1, configs: {} },
      delivery: {
        value_format: 'json',
        transactions: true,
        transactional_id: 'rest2kafka-rest2kafka',
        transaction_timeout_ms: 60000,
        state_topic: 'rest2kafka.state',
        dead_letter_topic: 'rest2kafka.dead-letter',
        on_invalid: 'dead_letter',
        compression: 'none',
      },
      coordination: { mode: 'standby', group_id: 'rest2kafka-rest2kafka', topic: 'rest2kafka.coordination', session_timeout_ms: 30000, heartbeat_interval_ms: 3000 },
    });
    expect(CLIENT_DEFAULTS).toEqual({
      timeout_ms: 60000, max_retries: 3, backoff_factor: 2, max_retry_delay_ms: 300000,
      retry_statuses: [429, 500, 502, 503, 504], page_concurrency: 8, resource_concurrency: 2, child_concurrency: 16,
    });
  });

  it('derives topic and transactional names from pipeline_name and keeps explicit values', () => {
    const p = applyPipelineDefaults({
      pipeline_name: 'pd',
      source: { ...source, client: { ...client, max_retries: 7 } },
      topics: { prefix: 'raw.' },
      delivery: { state_topic: 'custom.state', transactions: false },
    });
    expect(p.delivery).toMatchObject({ transactional_id: 'rest2kafka-pd', dead_letter_topic: 'pd.dead-letter', state_topic: 'custom.state', transactions: false });
    expect(p.topics).toMatchObject({ prefix: 'raw.', name: '{table_name}' });
    expect(p.source.client).toMatchObject({ max_retries: 7, backoff_factor: 2 });
  });

  it.each<[string, NodeJS.ProcessEnv, string[]]>([
    ['KAFKA_BROKERS overrides the file', { KAFKA_BROKERS: 'k1:9092, k2:9092,' }, ['k1:9092', 'k2:9092']],
    ['an empty KAFKA_BROKERS is ignored', { KAFKA_BROKERS: '' }, ['file:9092']],
    ['no env keeps the file', {}, ['file:9092']],
  ])('%s', (_name, env, brokers) => {
    expect(applyPipelineDefaults({ source, kafka: { brokers: ['file:9092'] } }, { env }).kafka.brokers).toEqual(brokers);
  });
});
