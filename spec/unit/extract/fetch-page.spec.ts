import { firstValueFrom } from 'rxjs';
import { createOAuth2ClientCredentialsAuth } from '../../../lib/auth/oauth2-client-credentials';
import type { Auth } from '../../../lib/auth/types';
import { AuthError } from '../../../lib/errors';
import { createPageFetchers } from '../../../lib/extract/fetch-page';
import type { HttpClient } from '../../../lib/http/client';
import type { HttpResponse, PageRequest } from '../../../lib/http/request';

const API = 'https://api.example.com/v1/incidents';
const TOKEN_URL = 'https://auth.example.com/oauth/token';
const request: PageRequest = { method: 'GET', url: API, params: {}, headers: {} };
const page = (): HttpResponse => ({ status: 200, headers: {}, bodyText: '{"data":[{"id":"INC1"}]}', url: API });
const unauthorized = (): HttpResponse => ({ status: 401, headers: {}, bodyText: '{"error":"invalid_token"}', url: API });

/**
 * A stub API behind an OAuth2 token endpoint: tokens are `t1`, `t2`, … and the data endpoint
 * accepts only the ones in `accepted` (the API revoking a token is removing it from there).
 */
function stubApi() {
  let issued = 0;
  const accepted = new Set<string>();
  const sent: string[] = [];
  const client: HttpClient = {
    async send(req) {
      if (req.url === TOKEN_URL) {
        const token = `t${++issued}`;
        accepted.add(token);
        sent.push('token');
        return { status: 200, headers: {}, bodyText: JSON.stringify({ access_token: token, expires_in: 3600 }), url: TOKEN_URL };
      }
      const token = req.headers.Authorization?.replace('Bearer ', '') ?? '';
      sent.push(`data:${token}`);
      return accepted.has(token) ? page() : unauthorized();
    },
    close() {},
  };
  const auth = createOAuth2ClientCredentialsAuth({ type: 'oauth2_client_credentials', access_token_url: TOKEN_URL, client_id: 'id', client_secret: 'secret' }, { send: client.send });
  return { client, auth, accepted, sent };
}

const fetcher = (client: HttpClient, auth: Auth | null) =>
  createPageFetchers({ resource: 'incidents', client, auth, retry: { maxRetries: 0, backoffFactor: 0, maxDelayMs: 0 }, retryStatuses: [], dataSelector: 'data' })();

describe('a 401 on a fetched token', () => {
  it('renews the token and sends the page once more: a token revoked early costs one request', async () => {
    const api = stubApi();
    const fetchPage = fetcher(api.client, api.auth);
    expect((await firstValueFrom(fetchPage(request, 0)))?.records).toEqual([{ id: 'INC1' }]);
    api.accepted.clear(); // the API revokes t1

    expect((await firstValueFrom(fetchPage(request, 1)))?.records).toEqual([{ id: 'INC1' }]);
    expect(api.sent).toEqual(['token', 'data:t1', 'data:t1', 'token', 'data:t2']);
  });

  it('a second 401 on the fresh token is the credentials: AuthError, no third try', async () => {
    const api = stubApi();
    const client: HttpClient = { ...api.client, send: async (req) => (req.url === TOKEN_URL ? api.client.send(req) : (api.sent.push('data'), unauthorized())) };
    const error = await firstValueFrom(fetcher(client, api.auth)(request, 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(api.sent).toEqual(['token', 'data', 'token', 'data']);
  });

  it('auth without a token to renew (api_key, none) is not re-sent', async () => {
    let calls = 0;
    const client: HttpClient = { send: async () => (calls++, unauthorized()), close() {} };
    await expect(firstValueFrom(fetcher(client, null)(request, 0))).rejects.toBeInstanceOf(AuthError);
    expect(calls).toBe(1);
  });
});

describe('record JSON (recordJson: true)', () => {
  const BODY = '{"data":[{"id":"INC1","n":1},{"id": "INC2"},{"id":"INC3","t":"caf\\u00e9"}],"total":3}';
  const respond = (bodyText: string): HttpResponse => ({ status: 200, headers: {}, bodyText, bodyBytes: Buffer.from(bodyText), url: API });
  const client = (bodyText: string): HttpClient => ({ send: async () => respond(bodyText), close() {} });
  const fetchWith = (options: Partial<Parameters<typeof createPageFetchers>[0]>, bodyText = BODY) =>
    firstValueFrom(
      createPageFetchers({ resource: 'incidents', client: client(bodyText), auth: null, retry: { maxRetries: 0, backoffFactor: 0, maxDelayMs: 0 }, retryStatuses: [], dataSelector: 'data', ...options })()(request, 0),
    );
  const texts = (page: Awaited<ReturnType<typeof fetchWith>>) => page!.records.map((r) => page!.recordJson?.get(r as object)?.toString() ?? null);

  it('pairs each record spelled as JSON.stringify spells it with its text from the response', async () => {
    expect(texts(await fetchWith({ recordJson: true }))).toEqual(['{"id":"INC1","n":1}', null, null]);
  });

  it('cuts nothing unless asked', async () => {
    expect((await fetchWith({}))!.recordJson).toBeUndefined();
  });

  it('works with the selector it detected when none is configured', async () => {
    expect(texts(await fetchWith({ recordJson: true, dataSelector: null }))).toEqual(['{"id":"INC1","n":1}', null, null]);
    expect(texts(await fetchWith({ recordJson: true, dataSelector: null }, '[{"id":"a"},{"id":"b"}]'))).toEqual(['{"id":"a"}', '{"id":"b"}']);
  });

  it('cuts nothing for a selector that is not a plain member path', async () => {
    const page = await fetchWith({ recordJson: true, dataSelector: 'data[*]' });
    expect(page!.records).toHaveLength(3);
    expect(page!.recordJson).toBeUndefined();
  });

  it('cuts nothing once a response action rewrote the body: the bytes would no longer be the records', async () => {
    const rewrite = (r: { body: string }) => {
      r.body = r.body.replace('INC1', 'REWRITTEN');
    };
    const page = await fetchWith({ recordJson: true, responseActions: [rewrite] });
    expect(page!.records[0]).toEqual({ id: 'REWRITTEN', n: 1 });
    expect(page!.recordJson).toBeUndefined();
  });

  it('still cuts the records after a response action that left the body alone', async () => {
    const touch = (r: { status: number }) => {
      r.status = 200;
    };
    expect(texts(await fetchWith({ recordJson: true, responseActions: [touch] }))).toEqual(['{"id":"INC1","n":1}', null, null]);
  });
});
