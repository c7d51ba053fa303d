/** Valid configs: dlt's shorthands normalise to their object forms; accepted-but-ignored keys warn. */
import { validateConfig } from '../../../lib/config/validate';

const client = { base_url: 'https://api.example.com' };
const endpointOf = (endpoint: unknown, module = false): Record<string, unknown> =>
  validateConfig({ client, resources: [{ name: 'a', endpoint }] }, { env: {}, module }).config.source.resources[0] as unknown as Record<string, unknown>;
const paginatorOf = (paginator: unknown): unknown => (endpointOf({ path: 'a', paginator }).endpoint as Record<string, unknown>).paginator;
const authOf = (auth: unknown, env: NodeJS.ProcessEnv = {}): unknown =>
  validateConfig({ client: { ...client, auth }, resources: ['a'] }, { env }).config.source.client.auth;

describe('paginator forms', () => {
  it.each<[string, unknown, unknown]>([
    ['json_link', 'json_link', { type: 'json_link' }],
    ['header_link', 'header_link', { type: 'header_link' }],
    ['single_page', 'single_page', { type: 'single_page' }],
    ['cursor', 'cursor', { type: 'cursor' }],
    ['page_number', 'page_number', { type: 'page_number' }],
    ['header_cursor', 'header_cursor', { type: 'header_cursor' }],
    ['auto', 'auto', { type: 'auto' }],
    ['deprecated json_response', 'json_response', { type: 'json_link' }],
    ['deprecated json_response object', { type: 'json_response', next_url_path: 'links.next' }, { type: 'json_link', next_url_path: 'links.next' }],
    ['null (use the client paginator)', null, null],
    ['offset with every parameter', { type: 'offset', limit: 10, offset: 5, offset_param: 'skip', limit_param: 'take', total_path: null, maximum_offset: 100 },
      { type: 'offset', limit: 10, offset: 5, offset_param: 'skip', limit_param: 'take', total_path: null, maximum_offset: 100 }],
    ['has_more_path is a stop condition', { type: 'offset', limit: 10, total_path: null, stop_after_empty_page: false, has_more_path: 'more' },
      { type: 'offset', limit: 10, total_path: null, stop_after_empty_page: false, has_more_path: 'more' }],
  ])('%s', (_name, input, expected) => {
    expect(paginatorOf(input)).toEqual(expected);
  });

  it('json_response draws a deprecation warning', () => {
    const { warnings } = validateConfig({ client: { ...client, paginator: 'json_response' }, resources: ['a'] }, { env: {} });
    expect(warnings).toEqual(['client.paginator: "json_response" is a deprecated alias of "json_link"']);
  });

  it('a module config may pass its own paginator object', () => {
    const paginator = { type: 'mine', first: (r: unknown) => r, next: () => null };
    const endpoint = endpointOf({ paginator }, true).endpoint as Record<string, unknown>;
    expect(endpoint.paginator).toEqual({ type: 'custom', paginator });
  });
});

describe('auth forms', () => {
  it.each<[string, unknown, unknown]>([
    ['object without type is bearer', { token: 'Bearer ${T}' }, { type: 'bearer', token: 'Bearer tok-1' }],
    ['type name alone', 'http_basic', { type: 'http_basic', username: 'user-1', password: 'pass-1' }],
    ['api_key with defaults left to the auth stage', { type: 'api_key', api_key: '${T}' }, { type: 'api_key', api_key: 'tok-1' }],
    ['null (no auth)', null, null],
  ])('%s', (_name, input, expected) => {
    expect(authOf(input, { T: 'tok-1', CREDENTIALS__USERNAME: 'user-1', CREDENTIALS__PASSWORD: 'pass-1' })).toEqual(expected);
  });

  it('a module config may pass custom auth: anything with apply, bound to its object', () => {
    class HmacAuth {
      constructor(private readonly header: string) {}
      apply(request: { headers: Record<string, string> }): unknown {
        return { ...request, headers: { ...request.headers, [this.header]: 'signed' } };
      }
    }
    const { config } = validateConfig({ client: { ...client, auth: new HmacAuth('X-Sig') }, resources: ['a'] }, { env: {}, module: true });
    const auth = config.source.client.auth as { type: string; apply: (r: unknown) => unknown };
    expect(auth.type).toBe('custom');
    expect(auth.apply({ headers: {} })).toEqual({ headers: { 'X-Sig': 'signed' } });
  });

  it('custom auth outside a module config is refused', () => {
    expect(() => validateConfig({ client: { ...client, auth: { apply: () => null } }, resources: ['a'] }, { env: {} })).toThrow('client.auth.apply: functions are only allowed in module configs');
  });
});

describe('other normalisations', () => {
  it('columns as a list become a map', () => {
    const { resources } = validateConfig({ client, resources: [{ name: 'a', columns: [{ name: 'id', data_type: 'bigint' }, { name: 'gone', hard_delete: true, 'x-note': 1 }] }] }, { env: {} });
    expect(resources[0].columns).toEqual({ id: { data_type: 'bigint' }, gone: { hard_delete: true, 'x-note': 1 } });
  });

  it('form data scalars become strings; pairs are kept', () => {
    expect((endpointOf({ method: 'POST', data: { size: 100, all: true } }).endpoint as Record<string, unknown>).data).toEqual({ size: '100', all: 'true' });
    expect((endpointOf({ method: 'POST', data: [['a', 1], ['a', 2]] }).endpoint as Record<string, unknown>).data).toEqual([['a', '1'], ['a', '2']]);
  });

  it('kafka brokers may be one comma-separated string', () => {
    const { config } = validateConfig({ source: { client, resources: ['a'] }, kafka: { brokers: 'k1:9092,k2:9092' } }, { env: {} });
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
  });

  it('topic configs may be numbers (YAML) and become strings', () => {
    const { config } = validateConfig({ source: { client, resources: ['a'] }, topics: { configs: { 'retention.ms': 86400000, 'cleanup.policy': 'compact' } } }, { env: {} });
    expect(config.topics.configs).toEqual({ 'retention.ms': '86400000', 'cleanup.policy': 'compact' });
  });

  it('dlt hints rest2kafka ignores are accepted with a warning naming the path', () => {
    const { warnings } = validateConfig({ client, resources: [{ name: 'a', table_format: 'iceberg', file_format: 'parquet' }] }, { env: {} });
    expect(warnings).toEqual(['resources[0].table_format: has no effect in rest2kafka and is ignored', 'resources[0].file_format: has no effect in rest2kafka and is ignored']);
  });

  it('response actions that can never act draw warnings', () => {
    const { warnings } = validateConfig({ client, resources: [{ name: 'a', endpoint: { response_actions: [{ action: 'ignore' }, { status_code: 404, action: 'skip' }, { status_code: 404, action: 'ignore' }] } }] }, { env: {} });
    expect(warnings).toEqual([
      'resources[0].endpoint.response_actions[0]: has neither status_code nor content, so it never matches',
      'resources[0].endpoint.response_actions[1].action: "skip" does nothing; use "ignore" or a function',
    ]);
  });

  it('a dependent resource with placeholders, resolve params and include_from_parent is valid', () => {
    const { resources } = validateConfig({
      client,
      resources: [
        'issues',
        { name: 'comments', endpoint: { path: 'issues/{resources.issues.id}/comments', params: { since: '{incremental.start_value}' }, incremental: { cursor_path: 'updated_at', initial_value: '2024-01-01' } }, include_from_parent: ['id'] },
        { name: 'events', endpoint: { path: 'issues/{issue_id}/events', params: { issue_id: { type: 'resolve', resource: 'issues', field: 'id' } } } },
        { name: 'literal', endpoint: { path: 'x', params: { q: '{{"a": 1}}' } } },
      ],
    }, { env: {} });
    expect(resources.map((r) => r.parent)).toEqual([null, 'issues', 'issues', null]);
  });
});
