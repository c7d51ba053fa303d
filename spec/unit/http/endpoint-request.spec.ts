import type { ClientConfig, EndpointConfig, ResolvedResource } from '../../../lib/config/types';
import { ConfigError, ResponseError } from '../../../lib/errors';
import { buildInitialRequest } from '../../../lib/http/endpoint-request';
import { incrementalParamOf } from '../../../lib/incremental/forms';

const client: ClientConfig = { base_url: 'https://api.example.com/v1/' };

function resource(endpoint: Partial<EndpointConfig> & { path: string }, name = 'comments'): ResolvedResource {
  return {
    name,
    tableName: name,
    endpoint: { method: 'GET', ...endpoint },
    primaryKey: ['id'],
    mergeKey: [],
    writeDisposition: 'append',
    columns: {},
    schemaContract: 'evolve',
    selected: true,
    processingSteps: [],
    includeFromParent: [],
    parallelized: null,
    parent: null,
  };
}

const post = { id: 5, kind: 'blog', ok: true, none: null, meta: { tag: 't1' }, items: [{ id: 'i0' }] };
const parent = { name: 'posts', record: post };

describe('buildInitialRequest: path, params, method', () => {
  it.each<[string, Partial<EndpointConfig> & { path: string }, string, Record<string, string | null>]>([
    ['joins base_url and path', { path: '/users' }, 'https://api.example.com/v1/users', {}],
    ['keeps an absolute http(s) path', { path: 'https://other.example/x' }, 'https://other.example/x', {}],
    ['binds static path params and removes them from the query', { path: 'users/{user_id}/posts', params: { user_id: 42, per_page: 10 } }, 'https://api.example.com/v1/users/42/posts', { per_page: '10' }],
    ['keeps static params that the path does not use', { path: 'users', params: { user_id: 42 } }, 'https://api.example.com/v1/users', { user_id: '42' }],
    ['renders scalars as Python str, omits null, keeps empty string', { path: 'x', params: { a: true, b: null, c: '', d: 1.5 } }, 'https://api.example.com/v1/x', { a: 'True', c: '', d: '1.5' }],
    ['undoes escapes with no placeholder at all', { path: 'a/{{b}}', params: { '{{k}}': '{{not_this}}' } }, 'https://api.example.com/v1/a/{b}', { '{k}': '{not_this}' }],
  ])('%s', (_name, endpoint, url, params) => {
    const request = buildInitialRequest(resource(endpoint), client);
    expect(request.url).toBe(url);
    expect(request.params).toEqual(params);
    expect(request.method).toBe('GET');
    expect(request.json).toBeUndefined();
    expect(request.data).toBeUndefined();
  });

  it('uses the configured method', () => {
    expect(buildInitialRequest(resource({ path: 'x', method: 'POST' }), client).method).toBe('POST');
  });

  it('rejects an undotted placeholder outside the path', () => {
    expect(() => buildInitialRequest(resource({ path: 'x', params: { q: '{nope}' } }), client)).toThrow(ConfigError);
  });
});

describe('buildInitialRequest: dependent resources', () => {
  it('fills {resources.<parent>.<field>} everywhere: path, param names and values, header names and values, json natively, data', () => {
    const request = buildInitialRequest(
      resource({
        path: 'posts/{resources.posts.id}/comments/{resources.posts.items[0].id}',
        method: 'POST',
        params: { '{resources.posts.kind}_id': '{resources.posts.id}', q: 'x-{resources.posts.meta.tag}', flag: '{resources.posts.ok}' },
        headers: { 'X-{resources.posts.kind}': '{resources.posts.id}' },
        json: { id: '{resources.posts.id}', nested: ['{resources.posts.ok}', 'v={resources.posts.ok}', '{resources.posts.none}'], meta: '{resources.posts.meta}' },
      }),
      client,
      { parent },
    );
    expect(request.url).toBe('https://api.example.com/v1/posts/5/comments/i0');
    expect(request.params).toEqual({ blog_id: '5', q: 'x-t1', flag: 'True' });
    expect(request.headers).toEqual({ 'X-blog': '5' });
    expect(request.json).toEqual({ id: 5, nested: [true, 'v=True', null], meta: { tag: 't1' } });
  });

  it('interpolates form data given as an object or as pairs', () => {
    const asObject = buildInitialRequest(resource({ path: 'x', method: 'POST', data: { id: '{resources.posts.id}' } }), client, { parent });
    const asPairs = buildInitialRequest(
      resource({ path: 'x', method: 'POST', data: [['id', '{resources.posts.id}'], ['id', '{{lit}}']] }),
      client,
      { parent },
    );
    expect(asObject.data).toEqual([['id', '5']]);
    expect(asPairs.data).toEqual([['id', '5'], ['id', '{lit}']]);
  });

  it('renders a null parent field as None in paths and params (dlt quirk)', () => {
    const request = buildInitialRequest(resource({ path: 'p/{resources.posts.none}', params: { v: '{resources.posts.none}' } }), client, { parent });
    expect(request.url).toBe('https://api.example.com/v1/p/None');
    expect(request.params).toEqual({ v: 'None' });
  });

  it('resolves legacy resolve params into the path and removes them from the query', () => {
    const request = buildInitialRequest(
      resource({ path: 'posts/{post_id}/comments', params: { post_id: { type: 'resolve', resource: 'posts', field: 'meta.tag' }, sort: 'asc' } }),
      client,
      { parent },
    );
    expect(request.url).toBe('https://api.example.com/v1/posts/t1/comments');
    expect(request.params).toEqual({ sort: 'asc' });
  });

  it.each<[string, Partial<EndpointConfig> & { path: string }]>([
    ['placeholder', { path: 'posts/{resources.posts.author_id}' }],
    ['resolve param', { path: 'posts/{a}', params: { a: { type: 'resolve', resource: 'posts', field: 'author_id' } } }],
  ])('a missing parent field (%s) is a ResponseError naming child, parent, field and available fields', (_name, endpoint) => {
    const build = () => buildInitialRequest(resource(endpoint), client, { parent });
    expect(build).toThrow(ResponseError);
    expect(build).toThrow(/resource "comments" expects a field "author_id" in the records of parent resource "posts".*available parent fields: id, kind/);
  });

  it('a resolve param not bound in the path is a ConfigError', () => {
    const r = resource({ path: 'comments', params: { post_id: { type: 'resolve', resource: 'posts', field: 'id' } } });
    expect(() => buildInitialRequest(r, client, { parent })).toThrow(/resolve param "post_id" that is not bound in path "comments"/);
  });

  it('a dependent resource run without its parent record is a ConfigError', () => {
    expect(() => buildInitialRequest(resource({ path: 'posts/{resources.posts.id}' }), client)).toThrow(ConfigError);
    expect(() =>
      buildInitialRequest(resource({ path: 'posts/{resources.posts.id}' }), client, { parent: { name: 'users', record: { id: 1 } } }),
    ).toThrow(/refers to parent "posts".*under parent "users"/);
  });
});

describe('buildInitialRequest: headers and bodies', () => {
  it('applies client headers verbatim, then endpoint headers overriding by case-insensitive name', () => {
    const request = buildInitialRequest(
      resource({ path: 'x', headers: { 'x-common': 'endpoint {{e}}' } }),
      { ...client, headers: { Accept: 'application/json', 'X-Common': 'client', 'X-Raw': '{{x}}' } },
    );
    expect(request.headers).toEqual({ Accept: 'application/json', 'X-Raw': '{{x}}', 'x-common': 'endpoint {e}' });
  });

  it.each<[string, Partial<EndpointConfig>, unknown, unknown]>([
    ['json {} on GET is sent', { json: {} }, {}, undefined],
    ['empty data object sends no body', { data: {} }, undefined, undefined],
    ['empty data string sends no body', { data: '' }, undefined, undefined],
    ['raw string data is rendered', { data: 'a={{b}}' }, undefined, 'a={b}'],
    ['empty json with data sends the data', { json: {}, data: { a: 'b' } }, undefined, [['a', 'b']]],
  ])('%s', (_name, endpoint, json, data) => {
    const request = buildInitialRequest(resource({ path: 'x', ...endpoint }), client);
    expect(request.json).toEqual(json);
    expect(request.data).toEqual(data);
  });

  it('rejects json together with data', () => {
    expect(() => buildInitialRequest(resource({ path: 'x', json: { a: 1 }, data: { b: 'c' } }), client)).toThrow(ConfigError);
  });
});

describe('buildInitialRequest: incremental forms', () => {
  const values = { initial_value: 1, start_value: 10, last_value: 12, end_value: 20 };

  it('(A) {incremental.*} placeholders, json keeps native types, other attributes resolvable', () => {
    const request = buildInitialRequest(
      resource({
        path: 'events/{incremental.last_value}',
        params: { since: '{incremental.start_value}', lag: '{incremental.lag}', cursor: '{incremental.cursor_path}' },
        json: { from: '{incremental.start_value}', to: '{incremental.end_value}' },
        incremental: { cursor_path: 't', initial_value: 1, end_value: 20, lag: 3 },
      }),
      client,
      { incremental: values },
    );
    expect(request.url).toBe('https://api.example.com/v1/events/12');
    expect(request.params).toEqual({ since: '10', lag: '3', cursor: 't' });
    expect(request.json).toEqual({ from: 10, to: 20 });
  });

  it('(A) convert applies to the four values but not to null ones', () => {
    const convert = jest.fn((v: unknown) => `c${String(v)}`);
    const request = buildInitialRequest(
      resource({
        path: 'x',
        params: { s: '{incremental.start_value}', e: '{incremental.end_value}' },
        incremental: { cursor_path: 't', convert: convert as never },
      }),
      client,
      { incremental: { ...values, end_value: null } },
    );
    expect(request.params).toEqual({ s: 'c10', e: 'None' });
    expect(convert).not.toHaveBeenCalledWith(null);
  });

  it('(B) start_param and end_param get convert(start) and convert(end)', () => {
    const request = buildInitialRequest(
      resource({
        path: 'x',
        params: { limit: 5 },
        incremental: { cursor_path: 't', start_param: 'since', end_param: 'until', convert: ((v: unknown) => `v${String(v)}`) as never },
      }),
      client,
      { incremental: values },
    );
    expect(request.params).toEqual({ limit: '5', since: 'v10', until: 'v20' });
  });

  it('(B) convert is called even for a null value, and a null result omits the param', () => {
    const convert = jest.fn((v: unknown) => v as never);
    const request = buildInitialRequest(
      resource({ path: 'x', incremental: { cursor_path: 't', start_param: 'since', end_param: 'until', convert } }),
      client,
      { incremental: { ...values, end_value: null } },
    );
    expect(request.params).toEqual({ since: '10' });
    expect(convert).toHaveBeenCalledWith(null);
  });

  it('(C) an incremental param carries the start value; it wins over endpoint.incremental', () => {
    const r = resource({
      path: 'x',
      params: { since: { type: 'incremental', cursor_path: 'updated_at', initial_value: '2024-01-01' }, limit: 5 },
      incremental: { cursor_path: 'other', start_param: 'from', end_param: 'to' },
    });
    const request = buildInitialRequest(r, client, { incremental: { initial_value: '2024-01-01', start_value: '2024-02-01', last_value: '2024-02-01', end_value: null } });
    expect(request.params).toEqual({ since: '2024-02-01', limit: '5' });
    expect(incrementalParamOf(r)).toEqual({
      config: { cursor_path: 'updated_at', initial_value: '2024-01-01' },
      startParam: 'since',
      endParam: null,
      form: 'param',
    });
  });

  it('without run values, uses the no-state values (initial_value)', () => {
    const request = buildInitialRequest(
      resource({ path: 'x', params: { since: { type: 'incremental', cursor_path: 't', initial_value: 7 } } }),
      client,
    );
    expect(request.params).toEqual({ since: '7' });
  });

  it('rejects two incremental params', () => {
    const r = resource({
      path: 'x',
      params: { a: { type: 'incremental', cursor_path: 't' }, b: { type: 'incremental', cursor_path: 'u' } },
    });
    expect(() => buildInitialRequest(r, client)).toThrow(/only one incremental param/);
  });

  it('incrementalParamOf reports form B and no incremental', () => {
    const incremental = { cursor_path: 't', start_param: 'since' };
    expect(incrementalParamOf(resource({ path: 'x', incremental }))).toEqual({ config: incremental, startParam: 'since', endParam: null, form: 'endpoint' });
    expect(incrementalParamOf(resource({ path: 'x' }))).toBeNull();
  });
});
