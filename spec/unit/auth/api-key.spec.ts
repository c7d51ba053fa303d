import type { ApiKeyAuthConfig } from '../../../lib/config/types';
import { createApiKeyAuth, mergeCookie } from '../../../lib/auth/api-key';
import type { PageRequest } from '../../../lib/http/request';
import { pageRequest } from './fixtures';

const KEY = 'k3y-value';

describe('api_key auth', () => {
  it.each<[string, Omit<ApiKeyAuthConfig, 'type' | 'api_key'>, PageRequest, Partial<PageRequest>, string]>([
    ['header by default, named Authorization, raw value', {}, pageRequest(), { headers: { Accept: 'application/json', Authorization: KEY } }, 'api_key in header Authorization'],
    ['header with a name', { name: 'X-API-Key', location: 'header' }, pageRequest(), { headers: { Accept: 'application/json', 'X-API-Key': KEY } }, 'api_key in header X-API-Key'],
    [
      'header replaces one of the same name in another case',
      { name: 'X-API-Key' },
      pageRequest({ headers: { 'x-api-key': 'old' } }),
      { headers: { 'X-API-Key': KEY } },
      'api_key in header X-API-Key',
    ],
    ['query adds the key to params', { name: 'api_key', location: 'query' }, pageRequest(), { params: { limit: '100', offset: '0', api_key: KEY } }, 'api_key in query parameter api_key'],
    ['param is a synonym of query', { name: 'token', location: 'param' }, pageRequest(), { params: { limit: '100', offset: '0', token: KEY } }, 'api_key in query parameter token'],
    [
      'query on a next link replaces the key the link carries',
      { name: 'api_key', location: 'query' },
      pageRequest({ url: 'https://api.example.com/v1/incidents?cursor=abc&api_key=stale', params: {} }),
      { url: 'https://api.example.com/v1/incidents?cursor=abc', params: { api_key: KEY } },
      'api_key in query parameter api_key',
    ],
    ['cookie sets a Cookie header', { name: 'session', location: 'cookie' }, pageRequest(), { headers: { Accept: 'application/json', cookie: `session=${KEY}` } }, 'api_key in cookie session'],
    [
      'cookie merges with an existing Cookie header in any case',
      { name: 'session', location: 'cookie' },
      pageRequest({ headers: { Cookie: 'theme=dark; session=old' } }),
      { headers: { cookie: `theme=dark; session=${KEY}` } },
      'api_key in cookie session',
    ],
  ])('%s', async (_name, config, request, changes, description) => {
    const auth = createApiKeyAuth({ type: 'api_key', api_key: KEY, ...config });
    const before = structuredClone(request);
    expect(await auth.apply(request)).toEqual({ ...request, ...changes });
    expect(request).toEqual(before);
    expect(auth.describe()).toBe(description);
    expect(auth.describe()).not.toContain(KEY);
    expect(auth.type).toBe('api_key');
  });

  it('adds the key once however many times a request is re-authenticated', async () => {
    const auth = createApiKeyAuth({ type: 'api_key', name: 'api_key', api_key: KEY, location: 'query' });
    const twice = await auth.apply(await auth.apply(pageRequest({ url: 'https://x/a?api_key=stale' })));
    expect(twice.url).toBe('https://x/a');
    expect(twice.params.api_key).toBe(KEY);
  });

  it.each<[string | undefined, string]>([
    [undefined, 'k=v'],
    ['', 'k=v'],
    ['a=1', 'a=1; k=v'],
    ['a=1;  k=old ;b=2', 'a=1; b=2; k=v'],
  ])('mergeCookie(%j, k, v) = %j', (existing, expected) => {
    expect(mergeCookie(existing, 'k', 'v')).toBe(expected);
  });
});
