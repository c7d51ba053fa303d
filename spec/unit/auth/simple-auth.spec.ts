import { createBearerAuth } from '../../../lib/auth/bearer';
import { createCustomAuth } from '../../../lib/auth/custom';
import { basicCredential, createHttpBasicAuth } from '../../../lib/auth/http-basic';
import type { PageRequest } from '../../../lib/http/request';
import { pageRequest } from './fixtures';

describe('bearer auth', () => {
  it('sets Authorization: Bearer <token>, replacing any existing one', async () => {
    const auth = createBearerAuth({ type: 'bearer', token: 'tok-123' });
    const request = pageRequest({ headers: { authorization: 'Basic old' } });
    expect((await auth.apply(request)).headers).toEqual({ Authorization: 'Bearer tok-123' });
    expect(auth.describe()).toBe('bearer token in header Authorization');
  });
});

describe('http_basic auth', () => {
  it.each([
    ['user', 'pass', 'dXNlcjpwYXNz'],
    ['', '', 'Og=='],
    ['ü', 'p:w', 'w7w6cDp3'],
  ])('%j / %j → Basic %s', async (username, password, encoded) => {
    const auth = createHttpBasicAuth({ type: 'http_basic', username, password });
    expect((await auth.apply(pageRequest())).headers.Authorization).toBe(`Basic ${encoded}`);
    expect(basicCredential(username, password)).toBe(encoded);
    expect(auth.describe()).toBe('http_basic in header Authorization');
  });
});

describe('custom auth', () => {
  it('awaits the config function and hands it a copy it may edit', async () => {
    const request = pageRequest();
    const auth = createCustomAuth({
      type: 'custom',
      apply: async (r: PageRequest) => {
        r.headers['X-Signed'] = 'yes';
        r.params.sig = 'abc';
        return r;
      },
    });
    const signed = await auth.apply(request);
    expect(signed.headers['X-Signed']).toBe('yes');
    expect(signed.params.sig).toBe('abc');
    expect(request.headers['X-Signed']).toBeUndefined();
    expect(request.params.sig).toBeUndefined();
    expect(auth.type).toBe('custom');
  });
});
